"""The demo's last year (``evaluations.demo``): the ministry's and the county's results evaluated and
released through the evaluation functions, so a fresh demo's public results page, dashboards and annual
report show them; and seeding again doubles nothing."""

import re

from django.core.management import call_command
from django.urls import reverse

from contracts.models import PerformanceContract
from evaluations import results
from evaluations.models import Achievement, Consequence, Evaluation, ExogenousFactor, PhysicalVerification
from pmis import access
from pmis.models import AuditEvent
from reports import builders
from scorecards import scoring

MODELS = [Evaluation, Achievement, ExogenousFactor, PhysicalVerification, Consequence, AuditEvent,
          PerformanceContract]


def last_year(demo):
    return {e.institution.slug: e for e in Evaluation.objects.filter(
        financial_year__is_current=False, institution__in=[demo.water, demo.machakos]).select_related(
        "institution", "financial_year", "contract")}


def test_last_years_results_are_evaluated_and_released_through_the_cycle(demo):
    found = last_year(demo)
    assert set(found) == {"water", "machakos"}
    water, county = found["water"], found["machakos"]
    for evaluation in found.values():
        assert evaluation.state == "concluded" and evaluation.second_factor and evaluation.released_on
        assert evaluation.contract.status == "closed" and evaluation.contract.level == "institution"
        assert evaluation.signed_by.username in {"head", "head2"}
        assert evaluation.concluded_by.username == "assessor"
        # The evaluated composite is the one score path's, on the achievements as the evaluator left them.
        assert evaluation.composite == scoring.quantize4(results.evaluated_score(evaluation).composite)
    # The ministry: one achievement adjusted with its reason and verified on the ground, the flood factor
    # accepted (the target left out), its one response, and a moderated result with the panel's reason.
    adjusted = [a for a in water.achievements.all() if a.adjusted]
    assert len(adjusted) == 1 and adjusted[0].adjustment_reason and adjusted[0].verifications.count() == 1
    factor = ExogenousFactor.objects.get(achievement__evaluation=water)
    assert (factor.decision, factor.rule) == ("accepted", "exempt")
    assert water.response and water.moderation_reason and water.moderated_composite is not None
    assert county.moderated_composite is None and not any(a.adjusted for a in county.achievements.all())
    # Every step is on the audit trail: the functions were used, not rows written.
    actions = set(AuditEvent.objects.filter(institution=demo.water, action__startswith="evaluation.")
                  .values_list("action", flat=True))
    assert {"evaluation.open", "evaluation.self_entry", "evaluation.factor_claim", "evaluation.submit",
            "evaluation.assess", "evaluation.verify", "evaluation.factor_decide", "evaluation.share",
            "evaluation.respond", "evaluation.conclude", "evaluation.moderate", "evaluation.release",
            "evaluation.assign_evaluator", "evaluation.unassign_evaluator"} <= actions
    # The evaluator's assignment ended with the year's evaluation: nothing of this year waits for her.
    assessor = water.concluded_by
    assert not access.evaluates(assessor, demo.water.pk) and not access.evaluates(assessor, demo.machakos.pk)


def test_the_public_page_the_dashboard_and_the_annual_report_show_them(demo, client):
    found = last_year(demo)
    water, county = found["water"], found["machakos"]
    year = water.year_start
    page = client.get(reverse("results-year", args=[year])).content.decode()
    for slug, evaluation in found.items():
        row = page[page.index(f'data-institution="{slug}"'):]
        assert re.search(r"data-rank>([^<]*)<", row).group(1) == "1"  # each alone in its category
        assert re.search(r"data-composite>([^<]*)<", row).group(1) == f"{evaluation.final_composite:.4f}"
        assert re.search(r"data-grade>([^<]*)<", row).group(1) == evaluation.final_grade
    assert str(year) in client.get(reverse("results-years")).content.decode()

    client.force_login(demo.users["head2"])
    board = client.get(reverse("institution-dashboard", args=[demo.machakos.pk])).content.decode()
    assert f'data-evaluated-composite="{county.final_composite:.4f}"' in board
    assert f'data-evaluated-year="{county.financial_year.name}"' in board

    report = builders.get("annual").build({"institution": demo.water.pk, "financial_year": water.financial_year_id},
                                          user=demo.users["auditor"], progress=lambda p: None)["evaluation"]
    assert (report["composite"], report["grade"]) == (f"{water.final_composite:.4f}", water.final_grade)
    assert report["before_moderation"] == f"{water.composite:.4f}" and report["moderation_reason"]


def test_seeding_again_doubles_nothing(demo):
    before = {m.__name__: m.objects.count() for m in MODELS}
    states = {slug: (e.state, e.composite, e.final_composite, e.released_on) for slug, e in last_year(demo).items()}
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert {slug: (e.state, e.composite, e.final_composite, e.released_on)
            for slug, e in last_year(demo).items()} == states
