"""The year-end evaluation of the demo ministry (issue 28): Q4, self-evaluation signed by the head,
an evaluator's adjustment and physical verification, an accepted exogenous factor, the institution's one
response, moderation and release; and the rules each step keeps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts import scorecard, scores
from contracts.cycle import signing
from evaluations import exogenous, independent, release, results, rules, selfevaluation
from evaluations.models import Achievement, Evaluation, ExogenousFactor, PhysicalVerification
from notifications import cycle
from pmis.access import NotAllowed
from pmis.models import AuditEvent
from reports import builders
from scorecards import scoring

from .conftest import request_of, short_of, submit


def fill(head, evaluation, targets):
    rows = {a.pk: {"actual": str(a.self_actual), "explanation": "", "evidence": "Annual M&E report, p. 4"}
            for a in evaluation.achievements.all()}
    first = Achievement.objects.get(evaluation=evaluation, target=targets[0])
    rows[first.pk]["explanation"] = "A tender appeal delayed the rigs."
    return selfevaluation.save(head, evaluation, rows)


def expected_composite(contract, targets, achievements, exempt):
    """The composite worked by hand: the exempt target's weight spread over its perspective's other
    targets in proportion to their weights (over all of them when none is left there)."""
    gone = next(t for t in targets if t.pk == exempt)
    same = [t for t in targets if t.perspective_id == gone.perspective_id and t.pk != exempt] or [
        t for t in targets if t.pk != exempt]
    base = sum(t.weight for t in same)
    items = []
    for t in targets:
        if t.pk == exempt:
            continue
        weight = t.weight + (gone.weight * t.weight / base if t in same else 0)
        copy = scores._with_actual(t, achievements[t.pk])
        copy.weight = weight
        items.append(scorecard.scoring_item(contract.scheme, copy))
    total = sum(i["weight"] for i in items)
    items[-1]["weight"] += Decimal(100) - total  # the rounding of 1/3s, as the spread carries it
    return scoring.evaluate({"scheme": contract.scheme, "bands": contract.bands, "items": items})["composite"]


def test_the_demo_ministry_from_q4_to_released_results(demo, ministry, targets, opened, evaluator, q4_day, client,
                                                       monkeypatch):
    head, perfdept = demo.users["head"], demo.users["perfdept"]
    evaluation = opened
    assert evaluation.state == Evaluation.State.DRAFT
    # The deadline is the cycle calendar's self-evaluation stage: a month after a July year, by default.
    assert evaluation.due_date == ministry.financial_year.start_date + datetime.timedelta(days=395)
    first = Achievement.objects.get(evaluation=evaluation, target=targets[0])
    assert first.self_actual == short_of(targets[0])  # the year's verified Q4 actual, offered

    # Self-evaluation: one form, an explanation where the target was missed, and a factor claimed.
    assert selfevaluation.problems(evaluation)[first.pk] == {"explanation": ["Explain why the target was not met."]}
    assert fill(head, evaluation, targets).ok
    assert selfevaluation.problems(evaluation) == {}
    claimed = Achievement.objects.get(evaluation=evaluation, target=targets[1])
    factor = exogenous.claim(head, claimed, "Floods closed the sites for four months.", "Met department bulletin")

    # Signed by the head with the password and the code, as contracts are; a wrong password records nothing.
    with pytest.raises(signing.SigningError):
        selfevaluation.submit(request_of(head), evaluation, password="wrong", code="000000", day=q4_day)
    assert Evaluation.objects.get(pk=evaluation.pk).state == Evaluation.State.DRAFT
    with pytest.raises(NotAllowed):
        submit(demo.users["secretariat"], evaluation, q4_day)
    evaluation = submit(head, evaluation, q4_day)
    assert evaluation.state == Evaluation.State.SUBMITTED and evaluation.second_factor

    # The evaluator confirms, adjusts one with a reason, verifies on the ground, accepts the factor.
    with pytest.raises(ValidationError):
        independent.assess(evaluator, first, first.self_actual - 1)  # no reason
    adjusted = first.self_actual - 1
    for a in Achievement.objects.filter(evaluation=evaluation):
        if a.pk == first.pk:
            independent.assess(evaluator, a, adjusted, "Two boreholes were dry on inspection.")
        else:
            independent.assess(evaluator, a, a.self_actual)
    visit = independent.verify(evaluator, first, visited_on="2027-07-20", place="Kitui, Mwingi sites",
                               finding="Two of the reported boreholes yield no water.", evidence="Photos 1-6")
    assert visit.visited_on == datetime.date(2027, 7, 20)
    exogenous.accept(evaluator, factor, rule=ExogenousFactor.Rule.EXEMPT, reason="Confirmed by the Met department.")
    with pytest.raises(ValidationError):
        independent.conclude(evaluator, evaluation)  # the adjustment has not been shown to the institution
    independent.share(evaluator, evaluation)
    independent.respond(head, evaluation, "We accept the adjustment; the dry boreholes will be redrilled.")
    with pytest.raises(NotAllowed):
        independent.respond(head, evaluation, "Once more")  # one response only
    evaluation = independent.conclude(evaluator, evaluation)

    achievements = {a.target_id: a.achievement for a in Achievement.objects.filter(evaluation=evaluation)}
    assert achievements[targets[0].pk] == adjusted
    expected = expected_composite(ministry, targets, achievements, targets[1].pk)
    assert evaluation.composite == expected
    assert evaluation.grade == scoring.grade_for(expected, ministry.bands, ministry.scheme)
    assert results.evaluated_score(evaluation).composite == expected  # one score path, same figure

    # Moderation with a reason; before release the public list does not have it.
    with pytest.raises(ValidationError):
        release.moderate(perfdept, evaluation, expected, "")
    moderated = scoring.quantize4(expected - Decimal("0.1"))
    evaluation = release.moderate(perfdept, evaluation, moderated, "Panel aligned the borehole yields.")
    assert evaluation.final_composite == moderated
    release_day = ministry.financial_year.end_date + datetime.timedelta(days=90)
    assert not results.released_for_year(evaluation.year_start, release_day).filter(pk=evaluation.pk).exists()
    with pytest.raises(NotAllowed):
        release.release(head, demo.pmco, evaluation.year_start, release_day)
    # Rewards and sanctions by grade, data of the oversight body, applied on release.
    release.set_consequence(perfdept, demo.pmco, evaluation.final_grade, "recognition", "Certificate at the gala.")
    release.set_consequence(perfdept, demo.pmco, "Poor", "improvement_plan")
    released = release.release(perfdept, demo.pmco, evaluation.year_start, release_day)
    assert released >= 1
    public = list(results.released_for_year(evaluation.year_start, release_day))
    assert evaluation.pk in {e.pk for e in public}
    assert not results.released_for_year(evaluation.year_start, release_day - datetime.timedelta(days=1)).exists()
    ranks = dict((e.pk, rank) for _label, rows in results.ranked(public) for rank, e in rows)
    assert ranks[evaluation.pk] == 1

    assert [(c.kind, c.note) for c in evaluation.consequences.all()] == [("recognition", "Certificate at the gala.")]
    # The county did not submit: the worst grade, and an improvement plan.
    county = Evaluation.objects.get(institution=demo.machakos, financial_year__is_current=True)
    assert county.not_submitted and [c.kind for c in county.consequences.all()] == ["improvement_plan"]
    release.release(perfdept, demo.pmco, evaluation.year_start, release_day)  # again: nothing given twice
    assert evaluation.consequences.count() == 1

    # The public page on the release day shows its rank and grade; the dashboard, the annual report and the API
    # agree.
    monkeypatch.setattr(rules, "today", lambda: release_day)
    client.logout()
    page = client.get(reverse("results-year", args=[evaluation.year_start])).content.decode()
    row = page[page.index('data-institution="water"'):]
    assert "data-rank>1<" in row[:200] and f"{moderated:.4f}" in row[:400] and evaluation.final_grade in row[:600]
    assert 'data-institution="machakos"' in page and "data-not-submitted" in page
    built = builders.get("annual").build({"institution": demo.water.pk}, user=demo.users["auditor"],
                                         progress=lambda p: None)
    assert built["evaluation"]["composite"] == f"{moderated:.4f}"
    assert built["evaluation"]["grade"] == evaluation.final_grade
    client.force_login(demo.users["auditor"])
    board = client.get(reverse("institution-dashboard", args=[demo.water.pk])).content.decode()
    assert f'data-evaluated-composite="{moderated:.4f}"' in board
    assert f"data-evaluated-grade>{evaluation.final_grade}<" in board
    api = next(r for r in client.get("/api/v1/evaluations/").json()["results"] if r["id"] == evaluation.pk)
    assert api["result"]["composite"] == f"{moderated:.4f}" and api["result"]["grade"] == evaluation.final_grade

    # Every decision is on the audit trail.
    actions = set(AuditEvent.objects.filter(institution=demo.water, action__startswith="evaluation.")
                  .values_list("action", flat=True))
    assert {"evaluation.open", "evaluation.self_entry", "evaluation.factor_claim", "evaluation.submit",
            "evaluation.assess", "evaluation.verify", "evaluation.factor_decide", "evaluation.share",
            "evaluation.respond", "evaluation.conclude", "evaluation.moderate", "evaluation.release",
            "evaluation.assign_evaluator", "evaluation.consequence"} <= actions
    assert PhysicalVerification.objects.filter(achievement__evaluation=evaluation).count() == 1


def test_an_accepted_factor_may_adjust_the_target_value_instead(demo, ministry, targets, opened, evaluator, q4_day):
    head = demo.users["head"]
    fill(head, opened, targets)
    claimed = Achievement.objects.get(evaluation=opened, target=targets[0])
    factor = exogenous.claim(head, claimed, "Budget cut by half in the supplementary estimates.")
    submit(head, opened, q4_day)
    for a in Achievement.objects.filter(evaluation=opened):
        independent.assess(evaluator, a, a.self_actual)
    with pytest.raises(ValidationError):
        exogenous.accept(evaluator, factor, rule=ExogenousFactor.Rule.ADJUST_TARGET)  # no value
    exogenous.accept(evaluator, factor, rule=ExogenousFactor.Rule.ADJUST_TARGET,
                     adjusted_target=str(claimed.self_actual), reason="Target halved with the budget.")
    evaluation = independent.conclude(evaluator, opened)
    # Scored against the adjusted target the shortfall disappears: as if every target were met.
    met = scores.evaluated(ministry, {t.pk: t.target_value for t in targets})
    assert evaluation.composite == met.composite


def test_spreading_an_exempt_weight_stays_at_100_and_in_the_perspective():
    rows = [(1, "a", Decimal(30)), (2, "a", Decimal(10)), (3, "a", Decimal(20)), (4, "b", Decimal(40))]
    spread = scores.spread_weights(rows, {1})
    assert spread == {2: Decimal(10) + Decimal(10), 3: Decimal(20) + Decimal(20), 4: Decimal(40)}
    alone = scores.spread_weights(rows, {4})  # none left in b: over all, in proportion
    assert alone == {1: Decimal(50), 2: Decimal("16.666666666667"), 3: Decimal("33.333333333333")}
    assert sum(alone.values()) == 100
    thirds = scores.spread_weights([(1, None, Decimal(25)), (2, None, Decimal(25)), (3, None, Decimal(25)),
                                    (4, None, Decimal(25))], {4})
    assert sum(thirds.values()) == 100


def test_only_the_assigned_evaluator_evaluates_and_the_institution_does_not(demo, opened, evaluator, targets, q4_day):
    head = demo.users["head"]
    fill(head, opened, targets)
    submit(head, opened, q4_day)
    a = Achievement.objects.filter(evaluation=opened).first()
    for outsider in (demo.users["head2"], demo.users["secretariat"], demo.users["head"]):
        with pytest.raises(NotAllowed):
            independent.assess(outsider, a, a.self_actual)
    with pytest.raises(NotAllowed):
        independent.assign(demo.users["head"], demo.water, demo.users["head2"])
    independent.unassign(demo.users["perfdept"], demo.water, evaluator)
    with pytest.raises(NotAllowed):
        independent.assess(evaluator, a, a.self_actual)


def test_the_self_evaluation_waits_for_q4_and_closes_at_its_deadline(demo, ministry, targets, opened, q4_day):
    from evaluations.models import Evaluation as E

    E.objects.filter(pk=opened.pk).delete()
    with pytest.raises(NotAllowed):
        selfevaluation.start(demo.users["head"], ministry, day=rules.opens_on(ministry.financial_year)
                             - datetime.timedelta(days=1))
    evaluation = selfevaluation.start(demo.users["head"], ministry, day=q4_day)
    fill(demo.users["head"], evaluation, targets)
    with pytest.raises(ValidationError):
        submit(demo.users["head"], evaluation, evaluation.due_date + datetime.timedelta(days=1))
    assert E.objects.get(pk=evaluation.pk).state == E.State.DRAFT


def test_a_bad_figure_is_named_beside_its_target_and_the_rest_is_kept(demo, opened):
    a, b = list(Achievement.objects.filter(evaluation=opened)[:2])
    saved = selfevaluation.save(demo.users["head"], opened, {
        a.pk: {"actual": "12,5,5", "explanation": "kept"}, b.pk: {"actual": "7", "evidence": "Report"}})
    assert set(saved.errors) == {a.pk}
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.explanation == "kept" and b.self_actual == 7 and b.evidence == "Report"


def test_not_submitted_by_the_deadline_gets_the_worst_grade(demo, ministry):
    from contracts.models import PerformanceContract

    county = PerformanceContract.objects.select_related("financial_year").get(
        institution=demo.machakos, level="institution", financial_year__is_current=True)
    after = county.financial_year.end_date + datetime.timedelta(days=45)
    perfdept = demo.users["perfdept"]
    assert release.grade_non_submission(perfdept, demo.pmco, county.financial_year.end_date) == 0  # not yet due
    assert release.grade_non_submission(perfdept, demo.pmco, after) >= 1
    assert release.grade_non_submission(perfdept, demo.pmco, after) == 0  # once
    graded = Evaluation.objects.get(contract=county)
    assert graded.not_submitted and graded.composite == Decimal("5.0000")
    assert graded.grade == county.bands[-1]["grade"] == "Poor"


def test_the_non_submission_rule_is_data_per_oversight_body(demo):
    from contracts.models import PerformanceContract

    county = PerformanceContract.objects.select_related("financial_year").get(
        institution=demo.machakos, level="institution", financial_year__is_current=True)
    after = county.financial_year.end_date + datetime.timedelta(days=61)
    release.set_policy(demo.users["perfdept"], demo.pmco, grade_non_submission=False)
    assert release.grade_non_submission(demo.users["perfdept"], demo.pmco, after) == 0
    release.set_policy(demo.users["perfdept"], demo.pmco, grade_non_submission=True,
                       non_submission_grade="Poor (not submitted)")
    # The deadline is the calendar's, which the performance department moves for every institution under it.
    cycle.set_stage_default(demo.users["perfdept"], demo.pmco, "self_evaluation", 365 + 120)
    assert release.grade_non_submission(demo.users["perfdept"], demo.pmco, after) == 0  # due later now
    release.grade_non_submission(demo.users["perfdept"], demo.pmco, after + datetime.timedelta(days=90))
    assert Evaluation.objects.get(contract=county).grade == "Poor (not submitted)"


