"""Journey: a Tanzanian officer breaks her draft plan's target into tasks in Swahili, sees the weights'
running total as she types, corrects a task's weight, and deletes a sub-task after confirming."""

import pytest
from django.urls import reverse

from contracts.models import SubTask, Task

from ..contracts.test_tasks import _draft

pytestmark = [pytest.mark.browser]


def test_a_tanzanian_officer_edits_and_deletes_her_draft_tasks(journey):
    from django.contrib.auth import get_user_model

    plan, target, person, year = _draft(get_user_model().objects.get(username="admin"))
    j = journey("pepmis-tasks", language="sw")
    page = j.page
    j.login(person.username)
    j.goto(reverse("contract-tasks", args=[plan.pk]))
    page.get_by_text("Ongeza kazi", exact=True).click()
    form = page.locator(f"#t{target.pk}-title").locator("xpath=ancestor::form")
    form.locator(f"#t{target.pk}-title").fill("Vikao vya robo ya kwanza")
    form.locator(f"#t{target.pk}-deadline").fill(year.end_date.isoformat())
    form.locator(f"#t{target.pk}-weight").fill("60")
    assert page.locator(f"#t{target.pk}-total").inner_text() == "Kazi pamoja na hii: 60 kati ya 100"
    j.check()
    form.get_by_role("button", name="Ongeza").click()
    page.wait_for_load_state()
    assert "Kazi zina uzito wa 60 kati ya 100." in page.content()
    task = Task.objects.get(target=target)

    page.get_by_role("link", name="Hariri").first.click()
    page.wait_for_load_state()
    j.check()
    page.locator("#part-weight").fill("100")
    page.get_by_role("button", name="Hifadhi").click()
    page.wait_for_load_state()
    assert "Kazi zina uzito wa 100 kati ya 100." in page.content()
    assert Task.objects.get(pk=task.pk).weight == 100

    SubTask.objects.create(task=task, contract=plan, institution_id=plan.institution_id, title="Ajenda",
                           deadline=year.end_date, weight=100)
    page.reload()
    action = reverse("contract-task-delete", args=[plan.pk, "sub", task.sub_tasks.get().pk])
    delete = page.locator(f"form[action='{action}'] button")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    delete.click()
    assert asked == ["Futa kazi ndogo “Ajenda”?"] and SubTask.objects.filter(task=task).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    delete.click()
    page.wait_for_load_state()
    j.check()
    j.shot("deleted")
    assert not SubTask.objects.filter(task=task).exists()
    assert "Imefutwa." in page.content()
