"""Demo appraisal for seed_demo: a second hydrogeologist in the water ministry gets an annual plan
(the demo ``officer``'s own plan stays a draft for the contracting demo), carried through the
contracting cycle to signed and in force, then through the year: a check-in, the mid-year review and
the officer's self-appraisal, so the supervisor has an appraisal to do. Idempotent.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from contracts.cycle import signing, workflow
from contracts.cycle.targets import add_target, create_contract
from contracts.demo.cycle import WATER_OFFICER, WATER_UNIT, demo_request, demo_totp
from contracts.models import PerformanceContract, Target
from pmis.models import FinancialYear, Institution, Officer
from scorecards.models import ContractLevel, Indicator, Perspective

from . import services
from .models import Appraisal, OutcomeRule

OUTCOMES = [
    ("Excellent", OutcomeRule.Outcome.RECOGNITION, "Letter of commendation from the Principal Secretary"),
    ("Excellent", OutcomeRule.Outcome.BONUS, ""),
    ("Very Good", OutcomeRule.Outcome.PROMOTION, "Subject to a vacancy"),
    ("Good", OutcomeRule.Outcome.TRAINING, ""),
    ("Fair", OutcomeRule.Outcome.IMPROVEMENT_PLAN, "Six months, reviewed quarterly"),
    ("Poor", OutcomeRule.Outcome.WARNING, ""),
    ("Poor", OutcomeRule.Outcome.IMPROVEMENT_PLAN, ""),
]


def seed_appraisals(admin):
    with services.silent():
        _seed(admin)


@transaction.atomic
def _seed(admin):
    User = get_user_model()
    water = Institution.objects.get(slug="water")
    for grade, outcome, note in OUTCOMES:
        OutcomeRule.objects.get_or_create(institution=water, grade=grade, outcome=outcome, defaults={"note": note})
    supervisor = User.objects.get(username="supervisor")
    # The first of the groundwater supervisor's staff other than the demo ``officer``.
    officer = Officer.objects.filter(supervisor=supervisor.officer).exclude(user__username="officer").order_by(
        "personal_number").select_related("user").first()
    if officer is None:
        return
    performer = officer.user
    plan = signed_plan(admin, officer, supervisor)
    if plan.status not in services.PLAN_STATES or Appraisal.objects.filter(contract=plan).exists():
        return
    appraisal = services.open_appraisal(supervisor, plan)
    first = Target.objects.filter(contract=plan).order_by("order", "pk").first()
    services.add_feedback(supervisor, appraisal, "Drilling in Turkana is on schedule; two rigs moved to Marsabit.",
                          target=first)
    services.add_feedback(performer, appraisal, "Survey reports 1–6 filed; need the new logging software.")
    services.record_midyear(supervisor, appraisal, "On track for boreholes and surveys; sample turnaround slipped "
                                                   "to 6 days while the laboratory was short of reagents.")
    actuals = {row[3]: row[8] for row in WATER_OFFICER}
    values = {item.pk: (Decimal(str(actuals[item.target.description])), "")
              for item in appraisal.items.select_related("target")}
    services.submit_self_appraisal(performer, appraisal, values=values,
                                   comments="A good year in the field despite the reagent shortage.",
                                   training_needs=["Groundwater modelling (MODFLOW)"])


def signed_plan(admin, officer, supervisor):
    """``officer``'s annual plan (the demo hydrogeologist's four targets) carried through the contracting
    cycle to signed and in force, agreed with ``supervisor``. Returns the existing plan when there is one."""
    from pmis.management.commands.seed_demo import PASSWORD

    User = get_user_model()
    water = officer.institution
    performer = officer.user
    year = FinancialYear.objects.get(institution=water, is_current=True)
    plan = PerformanceContract.objects.filter(financial_year=year, level=ContractLevel.OFFICER, officer=officer).first()
    if plan is None:
        plan = create_contract(admin, financial_year=year, level=ContractLevel.OFFICER,
                               title=f"{officer}: annual work plan {year}", performer=performer,
                               counterparty=supervisor, officer=officer)
        parents = {t.description: t for t in Target.objects.filter(contract__financial_year=year,
                                                                   contract__level=ContractLevel.UNIT)}
        units = {row[0]: row[3] for row in WATER_UNIT}
        categories = {p.code: p for p in Perspective.objects.filter(financial_year=year)}
        indicators = {i.name: i for i in Indicator.objects.filter(institution=water)}
        from contracts.demo.cycle import WATER_INDICATORS

        for order, (_key, category, indicator, description, weight, baseline, target, _c, _actual, parent,
                    _budget) in enumerate(WATER_OFFICER, start=1):
            add_target(admin, plan, perspective=categories[category],
                       indicator=indicators[WATER_INDICATORS[indicator][0]], description=description,
                       weight=Decimal(weight), baseline=Decimal(baseline), target_value=Decimal(target),
                       parent=parents.get(units[parent]), order=order)
    if plan.status == PerformanceContract.Status.DRAFT:
        secretariat, vetting = User.objects.get(username="secretariat"), User.objects.get(username="vetting")
        workflow.submit(performer, plan)
        workflow.pass_review(secretariat, plan, "Complete.")
        workflow.conclude_negotiation(supervisor, plan, "Agreed at the planning meeting.")
        for target in Target.objects.filter(contract=plan):
            workflow.vet_target(vetting, target, smart=True, aligned=True)
        workflow.approve_vetting(vetting, plan, "SMART and aligned to the directorate's targets.")
        for signer in (performer, supervisor):
            signing.sign(demo_request(signer), plan, password=PASSWORD, code=demo_totp(signer))
        plan.refresh_from_db()
    return plan
