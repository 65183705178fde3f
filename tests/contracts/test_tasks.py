"""A plan's tasks and sub-tasks page: the performer of a draft PEPMIS plan breaks a target down; bad
input is named and nothing is written; a profile without the weekly log, or a signed plan, takes none."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.cycle import tasks
from contracts.cycle.targets import add_target, create_contract
from contracts.models import PerformanceContract, SubTask, Target, Task
from pmis import org
from pmis.models import FinancialYear, Institution
from scorecards import setup
from scorecards.models import Perspective

pytestmark = pytest.mark.django_db


def _draft(admin):
    council = Institution.objects.get(slug="bagamoyo")
    year = FinancialYear.objects.get(institution=council, is_current=True)
    person, _ = org.ensure_user("tz-draft", password="pmis-demo")
    boss = Institution.objects.get(slug="bagamoyo").officers.get(user__username="tz-msimamizi")
    officer = org.add_officer(admin, council, person, personal_number="BGM-DRAFT", designation="Afisa",
                              supervisor=boss)
    plan = create_contract(admin, financial_year=year, level="officer", title="Mpango", performer=person,
                           counterparty=boss.user, officer=officer)
    indicator = setup.add_indicator(admin, council, name="Vikao", measurement_type="number")
    target = add_target(admin, plan, indicator=indicator, description="Kuendesha vikao 12", weight=Decimal(100),
                        target_value=Decimal(12), perspective=Perspective.objects.get(financial_year=year, code="CM"))
    return plan, target, person, year


def test_the_performer_breaks_a_draft_target_into_tasks(demo, client):
    plan, target, person, year = _draft(demo.users["admin"])
    url = reverse("contract-tasks", args=[plan.pk])
    client.force_login(person)
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="sw").status_code == 200
    bad = client.post(url, {"target": target.pk, "title": "Kikao cha kwanza", "deadline": "2026-13-01",
                            "weight": "150"})
    assert bad.status_code == 400 and not Task.objects.filter(target=target).exists()
    assert client.post(url, {"target": target.pk, "title": "Vikao vya robo ya kwanza", "indicator": "Kumbukumbu",
                             "deadline": year.end_date.isoformat(), "weight": "100"}).status_code == 302
    task = Task.objects.get(target=target)
    assert client.post(url, {"task": task.pk, "title": "Kuandaa ajenda", "deadline": year.end_date.isoformat(),
                             "weight": "40"}).status_code == 302
    sub = SubTask.objects.get(task=task)
    assert (sub.contract_id, sub.weight, sub.title) == (plan.pk, Decimal(40), "Kuandaa ajenda")
    # Another plan's task is not this plan's to extend.
    other = Task.objects.filter(target__contract__institution__slug="bagamoyo").exclude(target=target).first()
    assert client.post(url, {"task": other.pk, "title": "X", "deadline": year.end_date.isoformat(),
                             "weight": "1"}).status_code == 400
    # Someone else in the council sees the breakdown but may not add to it.
    client.force_login(Institution.objects.get(slug="bagamoyo").officers.get(user__username="tz-utumishi").user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"target": target.pk, "title": "X", "deadline": year.end_date.isoformat(),
                             "weight": "1"}).status_code == 403


def test_a_profile_without_the_weekly_log_takes_no_tasks(demo):
    plan = PerformanceContract.objects.get(officer__user__username="officer")  # Kenya, a draft
    target = Target.objects.filter(contract=plan).first()
    with pytest.raises(ValidationError):
        tasks.add_task(demo.users["officer"], target, title="Kazi", deadline=plan.financial_year.end_date,
                       weight=Decimal(100))
