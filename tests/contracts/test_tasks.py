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


# --- Changing and deleting a draft plan's tasks (``tasks.may_edit_tasks``) ------------------------


def _broken_down(admin):
    plan, target, person, year = _draft(admin)
    task = tasks.add_task(person, target, title="Vikao", deadline=year.end_date, weight=Decimal(100))
    sub = tasks.add_sub_task(person, task, title="Ajenda", deadline=year.end_date, weight=Decimal(100))
    return plan, target, task, sub, person, year


def _edit(plan, kind, part):
    return reverse("contract-task-edit", args=[plan.pk, kind, part.pk])


def _delete(plan, kind, part):
    return reverse("contract-task-delete", args=[plan.pk, kind, part.pk])


def test_the_performer_edits_and_deletes_a_draft_plans_tasks(demo, client):
    from pmis.models import AuditEvent

    plan, target, task, sub, person, year = _broken_down(demo.users["admin"])
    client.force_login(person)
    page = client.get(reverse("contract-tasks", args=[plan.pk])).content.decode()
    assert _edit(plan, "task", task) in page and _delete(plan, "sub", sub) in page and "data-confirm" in page
    form = client.get(_edit(plan, "task", task))
    assert form.status_code == 200 and 'value="Vikao"' in form.content.decode()
    bad = client.post(_edit(plan, "task", task), {"title": "Vikao vipya", "deadline": "kesho", "weight": "100"})
    assert bad.status_code == 400 and 'value="Vikao vipya"' in bad.content.decode()
    assert Task.objects.get(pk=task.pk).title == "Vikao"
    assert client.post(_edit(plan, "sub", sub), {"title": "Ajenda na kumbukumbu", "indicator": "Kumbukumbu",
                                                 "deadline": year.end_date.isoformat(), "weight": "100"}
                       ).status_code == 302
    assert SubTask.objects.get(pk=sub.pk).title == "Ajenda na kumbukumbu"
    assert AuditEvent.objects.filter(action="sub_task.update", object_id=str(sub.pk)).exists()
    # Deleting asks first (a page of its own without the browser's confirm), then deletes on POST.
    confirm = client.get(_delete(plan, "task", task))
    assert confirm.status_code == 200 and "Ajenda na kumbukumbu" in confirm.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()
    assert client.post(_delete(plan, "sub", sub)).status_code == 302
    assert not SubTask.objects.filter(pk=sub.pk).exists() and Task.objects.filter(pk=task.pk).exists()
    tasks.add_sub_task(person, task, title="Kumbukumbu", deadline=year.end_date, weight=Decimal(100))
    assert client.post(_delete(plan, "task", task)).status_code == 302
    assert not Task.objects.filter(target=target).exists() and not SubTask.objects.filter(contract=plan).exists()
    assert AuditEvent.objects.filter(action="task.delete", object_id=str(task.pk)).exists()


def test_someone_else_may_not_and_other_ids_answer_404(demo, client):
    plan, target, task, sub, person, year = _broken_down(demo.users["admin"])
    colleague = Institution.objects.get(slug="bagamoyo").officers.get(user__username="tz-utumishi").user
    assert not tasks.may_edit_tasks(colleague, plan) and tasks.may_edit_tasks(person, plan)
    client.force_login(colleague)
    assert _edit(plan, "task", task) not in client.get(reverse("contract-tasks", args=[plan.pk])).content.decode()
    assert client.post(_edit(plan, "task", task), {"title": "X", "deadline": year.end_date.isoformat(),
                                                   "weight": "1"}).status_code == 403
    assert client.post(_delete(plan, "sub", sub)).status_code == 403
    # Another institution's officer: the plan is out of sight.
    client.force_login(demo.users["officer"])
    assert client.get(_edit(plan, "task", task)).status_code == 404
    assert client.post(_delete(plan, "task", task)).status_code == 404
    # The performer: another plan's task under this plan's address, or no such kind of part.
    client.force_login(person)
    other = Task.objects.filter(target__contract__institution__slug="bagamoyo").exclude(target=target).first()
    assert client.get(_edit(plan, "task", other)).status_code == 404
    assert client.post(_delete(plan, "task", other)).status_code == 404
    assert client.get(reverse("contract-task-edit", args=[plan.pk, "target", target.pk])).status_code == 404
    kenyan = Target.objects.filter(contract__institution=demo.water).first()
    assert client.get(reverse("contract-task-edit", args=[kenyan.contract_id, "task", task.pk])).status_code == 404
    assert Task.objects.filter(pk=other.pk).exists()


def test_a_signed_plan_refuses_edits(client):
    from contracts.cycle.workflow import TransitionError

    from ..appraisals.weekly_helpers import council_plan, user

    plan = council_plan()
    assert plan.status == "in_force"
    officer = user("tz-afisa")
    task = Task.objects.filter(target__contract=plan).order_by("pk").first()
    sub = SubTask.objects.filter(contract=plan).order_by("pk").first()
    assert not tasks.may_edit_tasks(officer, plan)
    client.force_login(officer)
    assert _edit(plan, "task", task) not in client.get(reverse("contract-tasks", args=[plan.pk])).content.decode()
    assert client.get(_edit(plan, "task", task)).status_code == 403
    assert client.post(_edit(plan, "sub", sub), {"title": "X", "deadline": "2027-06-30", "weight": "1"}
                       ).status_code == 403
    assert client.post(_delete(plan, "task", task)).status_code == 403
    with pytest.raises(TransitionError):
        tasks.update_task(officer, task, weight=Decimal(1))
    with pytest.raises(TransitionError):
        tasks.delete_sub_task(officer, sub)
    assert Task.objects.get(pk=task.pk).weight == task.weight and SubTask.objects.filter(pk=sub.pk).exists()


# --- Weights add up to 100 when the plan is submitted ------------------------------------------


def test_the_plan_is_submitted_only_when_task_and_sub_task_weights_add_up(demo, client):
    from django.utils import translation

    from contracts.cycle import workflow

    plan, target, person, year = _draft(demo.users["admin"])
    first = tasks.add_task(person, target, title="Vikao vya robo", deadline=year.end_date, weight=Decimal(60))
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.submit(person, plan)
    assert "“Kuendesha vikao 12” weigh 60; they must add up to 100" in " ".join(refused.value.messages)
    with translation.override("sw"), pytest.raises(workflow.TransitionError) as kiswahili:
        workflow.submit(person, plan)
    assert "Kazi za “Kuendesha vikao 12” zina uzito wa 60" in " ".join(kiswahili.value.messages)
    second = tasks.add_task(person, target, title="Taarifa", deadline=year.end_date, weight=Decimal("40"))
    tasks.add_sub_task(person, first, title="Ajenda", deadline=year.end_date, weight=Decimal("33.33"))
    tasks.add_sub_task(person, first, title="Kumbukumbu", deadline=year.end_date, weight=Decimal("33.33"))
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.submit(person, plan)
    assert [m for m in refused.value.messages if "Vikao vya robo" in m] == [
        "The sub-tasks of “Vikao vya robo” weigh 66.66; they must add up to 100."]
    client.force_login(person)
    client.cookies["django_language"] = "en"  # she reads Swahili; the page is checked in English here
    text = client.get(reverse("contract-tasks", args=[plan.pk])).content.decode()
    assert f'data-task-total="{target.pk}">' in text and "Tasks weigh 100 of 100." in text
    assert "Sub-tasks weigh 66.66 of 100." in text and 'data-part-total="66.66"' in text
    tasks.update_sub_task(person, SubTask.objects.get(task=first, title="Kumbukumbu"), weight=Decimal("66.67"))
    # A task without sub-tasks ("Taarifa") is not broken down: nothing to add up.
    assert second.sub_tasks.count() == 0
    workflow.submit(person, plan)
    plan.refresh_from_db()
    assert plan.status == "submitted"
