"""Demo evaluation for seed_demo: last year's results of the demo ministry and county, evaluated and
released, so the public results page, the institution pages and the annual report of that year have
something to show on a fresh demo.

Every step goes through this app's own functions, on the days the cycle would have taken them: each head
files and signs the self-evaluation in the year's last quarter (the ministry claims an exogenous factor);
the performance department assigns an evaluator, who confirms the county's figures and adjusts one of the
ministry's after a site visit (the ministry answers once); the panel moderates the ministry's result and
the department releases the year. Steps already taken are left alone, so a second run changes nothing.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import RequestFactory

from contracts.cycle import workflow
from contracts.demo.history import fresh_code, last_year
from contracts.models import PerformanceContract
from pmis import access, org
from pmis.models import Institution
from scorecards import scoring

from . import exogenous, independent, release, rules, selfevaluation
from .models import Achievement, ConsequenceKind, Evaluation, ExogenousFactor

State = Evaluation.State
EVIDENCE = "Annual M&E report and the audited financial statements."
# {how the target's description starts: why it was missed}
SHORTFALLS = {
    "Absorb at least 95% of the development budget": "The last quarter's exchequer releases came in June.",
    "Raise the share of water samples": "Two county laboratories lost their accreditation for five months.",
    "Bring 20,000 acres": "Floods in the Tana basin closed the Galana and Bura schemes from March to June.",
    "Resolve 85% of public complaints": "The call centre opened in May, too late to clear the backlog.",
    "Raise skilled deliveries": "A nurses' strike closed the maternity wards of four sub-county hospitals.",
    "Collect KES 1.6 billion": "The new revenue system went live in the third quarter, not the first.",
    "Register 60% of households": "Registration kits reached the wards two months late.",
    "Absorb at least 95% of the county": "Exchequer releases for the last quarter arrived in June.",
}
FACTOR = ("Floods in the Tana basin (El Niño rains) closed the irrigation schemes for four months.",
          "Kenya Meteorological Department flood bulletin, March 2026; county disaster reports.")
ADJUSTED = ("Drill and commission 200", -4,
            "Four of the boreholes reported as commissioned were dry on inspection in Turkana.")


def seed_evaluations(admin):
    from pmis.management.commands.seed_demo import PASSWORD  # the command imports this module

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["head", "head2", "perfdept"])}
    perfdept = users["perfdept"]
    body = Institution.objects.get(slug="pmco")
    evaluator, _created = org.ensure_user("assessor", first_name="Dr. Naomi", last_name="Chege",
                                          email="assessor@pmis.local", password=PASSWORD)
    # Recognition for the best grade, an improvement plan for the two worst (the oversight body's rules).
    rules_set = {(r.grade, r.kind) for r in release.ConsequenceRule.objects.filter(institution=body)}
    for grade, kind, note in (
        ("Excellent", ConsequenceKind.RECOGNITION, "Certificate presented at the annual performance gala."),
        ("Fair", ConsequenceKind.IMPROVEMENT_PLAN, "An improvement plan is agreed with the department in a month."),
        ("Poor", ConsequenceKind.IMPROVEMENT_PLAN, "An improvement plan is agreed with the department in a month."),
    ):
        if (grade, kind) not in rules_set:
            release.set_consequence(perfdept, body, grade, kind, note)

    year_start = None
    for slug, head in (("water", users["head"]), ("machakos", users["head2"])):
        institution = Institution.objects.get(slug=slug)
        year = last_year(institution)
        contract = PerformanceContract.objects.select_related("financial_year", "institution").get(
            financial_year=year, level="institution")
        year_start = contract.year_start.year
        filed_on = rules.opens_on(year) + datetime.timedelta(days=75)  # late June: the year's figures are in
        evaluation = selfevaluation.start(head, contract, day=filed_on)
        if evaluation.state == State.DRAFT:
            _self_evaluate(head, evaluation, filed_on, PASSWORD)
            evaluation.refresh_from_db()
        if contract.status == PerformanceContract.Status.IN_FORCE:
            # The year has ended since it was filed: closed as the scheduled calendar step closes contracts.
            workflow.close(None, contract, "The financial year ended.")
        if evaluation.state in rules.UNDER_EVALUATION:
            if not access.evaluates(evaluator, institution.pk):
                independent.assign(perfdept, institution, evaluator)
            _evaluate(evaluator, head, evaluation)
            evaluation.refresh_from_db()
        if evaluation.state in rules.RESULT_STATES and access.evaluates(evaluator, institution.pk):
            # The assignment was for that year's evaluation: this year's evaluators are assigned when it ends.
            independent.unassign(perfdept, institution, evaluator)
        if slug == "water" and evaluation.state == State.CONCLUDED and not evaluation.moderation_reason:
            _moderate(perfdept, evaluation)

    if year_start is not None:
        # Released three months after the year ended; on a demo loaded sooner than that, today.
        day = min(rules.today(), year.end_date + datetime.timedelta(days=92))
        release.release(perfdept, body, year_start, on=day)


def _self_evaluate(head, evaluation, day, password):
    rows = {}
    for a in evaluation.achievements.select_related("target"):
        explanation = next((text for start, text in SHORTFALLS.items() if a.target.description.startswith(start)),
                           "")
        rows[a.pk] = {"actual": str(a.self_actual), "evidence": EVIDENCE, "explanation": explanation}
    saved = selfevaluation.save(head, evaluation, rows)
    if not saved.ok:  # the demo's own figures: a change to them that no longer reads should fail loudly
        raise RuntimeError(saved.errors)
    factor_target = next((a for a in evaluation.achievements.select_related("target")
                          if a.target.description.startswith("Bring 20,000 acres")), None)
    if factor_target is not None and not ExogenousFactor.objects.filter(achievement=factor_target).exists():
        exogenous.claim(head, factor_target, *FACTOR)
    request = RequestFactory().post("/", HTTP_USER_AGENT="seed_demo")
    request.user = head
    selfevaluation.submit(request, evaluation, password=password, code=fresh_code(head), day=day)


def _evaluate(evaluator, head, evaluation):
    """Confirm each figure (one of the ministry's adjusted after a site visit), decide the factor, share
    the adjustment, take the institution's one response and conclude."""
    if evaluation.state == State.SUBMITTED:
        for a in Achievement.objects.filter(evaluation=evaluation).select_related("target"):
            if a.evaluated_at is not None:
                continue
            start, change, reason = ADJUSTED
            if a.target.description.startswith(start):
                independent.assess(evaluator, a, a.self_actual + change, reason)
                end = evaluation.financial_year.end_date
                independent.verify(evaluator, a, visited_on=end + datetime.timedelta(days=24),
                                   place="Lodwar and Kakuma borehole sites, Turkana",
                                   finding="4 of the 38 boreholes sampled yield no water.",
                                   evidence="Site photographs and the pumping-test sheets.")
            else:
                independent.assess(evaluator, a, a.self_actual)
        for factor in ExogenousFactor.objects.filter(achievement__evaluation=evaluation,
                                                     decision=ExogenousFactor.Decision.PENDING):
            exogenous.accept(evaluator, factor, rule=ExogenousFactor.Rule.EXEMPT,
                             reason="The flood bulletin and the county reports confirm the closure.")
        if independent.open_points(evaluation):
            independent.share(evaluator, evaluation)
            evaluation.refresh_from_db()
    if evaluation.state == State.ADJUSTED:
        independent.respond(head, evaluation, "We accept the adjustment; the dry boreholes are being redrilled "
                                              "under the contractors' warranty.")
    independent.conclude(evaluator, evaluation)


def _moderate(perfdept, evaluation):
    """The panel moves the ministry's result a little toward the sector's, with its reason."""
    contract = evaluation.contract
    engine = scoring.SCHEMES.get(contract.scheme)
    lower = engine is not None and engine.direction == scoring.LOWER_IS_BETTER
    step = Decimal("0.05") if lower else Decimal(-1)
    release.moderate(perfdept, evaluation, evaluation.composite + step,
                     "Panel: the water sector's borehole yields were verified alike across ministries.")
