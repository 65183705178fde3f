"""Steps the weekly-log tests share: the demo council's PEPMIS plan, and fresh signed plans with
sub-tasks for a supervisor (built through the contract functions, then put in force directly: the
signing cycle has its own tests)."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from contracts.cycle import tasks
from contracts.cycle.targets import add_target, create_contract
from contracts.models import PerformanceContract, SubTask
from pmis import org
from pmis.models import FinancialYear, Institution
from scorecards import setup
from scorecards.models import Perspective

User = get_user_model()


def user(name):
    return User.objects.get(username=name)


def council_plan():
    return PerformanceContract.objects.select_related("institution").get(institution__slug="bagamoyo",
                                                                          level="officer")


def sub_tasks(plan):
    return list(SubTask.objects.filter(contract=plan).order_by("task__target__order", "task__order", "order"))


def plans_for(supervisor, count, subs=2, prefix="tz-extra"):
    """``count`` signed PEPMIS plans of new officers under ``supervisor`` in the council, ``subs``
    sub-tasks each."""
    admin = user("admin")
    council = Institution.objects.get(slug="bagamoyo")
    year = FinancialYear.objects.get(institution=council, is_current=True)
    core = Perspective.objects.get(financial_year=year, code="CM")
    indicator = setup.add_indicator(admin, council, name=f"{prefix} indicator", measurement_type="number")
    plans = []
    for i in range(count):
        person, _ = org.ensure_user(f"{prefix}-{i}", first_name="Afisa", last_name=f"Namba {i}")
        officer = org.add_officer(admin, council, person, personal_number=f"{prefix.upper()}-{i}",
                                  designation="Afisa", supervisor=supervisor.officer)
        plan = create_contract(admin, financial_year=year, level="officer", title=f"Mpango {i}", performer=person,
                               counterparty=supervisor, officer=officer)
        target = add_target(admin, plan, indicator=indicator, perspective=core, description="Lengo",
                            weight=Decimal(100), target_value=Decimal(1))
        task = tasks.add_task(admin, target, title="Kazi", deadline=year.end_date, weight=Decimal(100))
        for j in range(subs):
            tasks.add_sub_task(admin, task, title=f"Kazi ndogo {j}", deadline=year.end_date,
                               weight=Decimal(100) / subs)
        PerformanceContract.objects.filter(pk=plan.pk).update(status="in_force")
        plan.refresh_from_db()
        plans.append(plan)
    return plans
