"""The work inbox's pages, API, badge, tenancy, languages, preferences and time-based work."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from charters import services as charters
from charters.models import Charter, Complaint
from contracts import monitoring
from contracts.cycle import workflow
from notifications import inbox, sender, services
from notifications.models import Notification, Outbox, WorkItem
from tests.contracts.conftest import carry

pytestmark = pytest.mark.usefixtures("eager")


def items_for(user, institution, n, *, kind="contract_review", due=None, start=0):
    WorkItem.objects.bulk_create([
        WorkItem(assignee=user, institution=institution, kind=kind, subject_type="test", subject_id=start + i,
                 title=f"Test subject {start + i}", url="/", since=timezone.now(), due=due)
        for i in range(n)])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries), response


@pytest.mark.parametrize("url", ["/", "/notifications/", "/tasks/", "/api/v1/tasks/"])
def test_pages_and_the_badge_cost_the_same_with_1_and_200_items(demo, client, url):
    """The badge is read with the signed-in user; the home page, /tasks/ and the API read a page of rows."""
    user = demo.users["secretariat"]
    WorkItem.objects.filter(assignee=user).delete()
    client.force_login(user)
    items_for(user, demo.water, 1)
    client.get(url)  # warm: prepared statements, caches
    one, response = count_queries(client, url)
    if not url.startswith("/api/"):
        assert 'data-badge="tasks">1<' in response.content.decode()
    items_for(user, demo.water, 199, start=1, due=datetime.date(2000, 1, 1))
    many, response = count_queries(client, url)
    assert one == many, (url, one, many)
    if not url.startswith("/api/"):
        assert 'data-badge="tasks">200<' in response.content.decode()
    else:
        assert response.json()["count"] == 200


def test_home_lists_overdue_first_and_links_to_all(demo, client):
    user = demo.users["vetting"]
    WorkItem.objects.filter(assignee=user).delete()
    items_for(user, demo.water, 10, due=datetime.date.today() + datetime.timedelta(days=5))
    items_for(user, demo.water, 1, due=datetime.date(2020, 1, 1), start=100)
    client.force_login(user)
    response = client.get("/")
    panel = next(p for p in response.context["attention"]["panels"] if p.key == "inbox")
    assert response.context["attention"]["panels"][0].key == "inbox"
    assert panel.items[0].item.subject_id == 100 and panel.items[0].overdue
    assert len(panel.items) == 8
    html = response.content.decode()
    assert "Waiting for you" in html and "See all 11" in html and "Overdue" in html


def test_tasks_filters_and_tenancy(demo, client):
    officer, head2 = demo.users["officer"], demo.users["head2"]
    WorkItem.objects.filter(assignee__in=[officer, head2]).delete()
    items_for(officer, demo.water, 3, kind="report_due", due=datetime.date(2020, 1, 1))
    items_for(officer, demo.water, 2, kind="contract_sign", start=10)
    items_for(head2, demo.machakos, 4, kind="contract_review", start=20)
    client.force_login(officer)
    assert client.get("/tasks/").context["page"].paginator.count == 5
    assert client.get("/tasks/?kind=report_due").context["page"].paginator.count == 3
    assert client.get("/tasks/?overdue=1").context["page"].paginator.count == 3
    assert client.get(f"/tasks/?institution={demo.water.pk}").context["page"].paginator.count == 5
    assert client.get("/tasks/?kind=nonsense").context["page"].paginator.count == 0
    # Another institution's id: 404, in the page and the API alike; its items never show.
    assert client.get(f"/tasks/?institution={demo.machakos.pk}").status_code == 404
    assert client.get(f"/api/v1/tasks/?institution={demo.machakos.pk}").status_code == 404
    assert client.get("/tasks/?institution=abc").status_code == 404
    rows = client.get("/api/v1/tasks/").json()["results"]
    assert len(rows) == 5 and {r["institution"] for r in rows} == {demo.water.pk}
    assert rows[0]["overdue"] is True and rows[0]["label"] == "Report progress for quarter 0"
    assert client.get("/api/v1/tasks/?kind=contract_sign").json()["count"] == 2
    assert "Test subject 20" not in client.get("/tasks/").content.decode()
    client.force_login(head2)
    assert {r["institution"] for r in client.get("/api/v1/tasks/").json()["results"]} == {demo.machakos.pk}
    assert client.get(f"/api/v1/tasks/?institution={demo.water.pk}").status_code == 404
    client.logout()
    assert client.get("/api/v1/tasks/").status_code in (401, 403)
    assert client.get("/tasks/").status_code == 302


def test_tasks_page_is_paginated(demo, client):
    user = demo.users["vetting"]
    WorkItem.objects.filter(assignee=user).delete()
    items_for(user, demo.water, 30)
    client.force_login(user)
    page = client.get("/tasks/").context["page"]
    assert len(page.object_list) == 25 and page.has_next()
    assert len(client.get("/tasks/?page=2").context["page"].object_list) == 5


def test_waiting_on_the_team(demo, client):
    """The supervisor sees what the hydrogeologist has not done; the head sees the whole ministry's."""
    officer = demo.users["officer"]
    WorkItem.objects.filter(assignee=officer).delete()
    items_for(officer, demo.water, 1, kind="report_due", due=datetime.date(2020, 1, 1))
    for login in ("supervisor", "director", "head"):
        client.force_login(demo.users[login])
        panel = next(p for p in client.get("/").context["attention"]["panels"] if p.key == "team")
        assert any(r.item.assignee_id == officer.pk for r in panel.items), login
        team = client.get("/tasks/?team=1").context
        assert team["team"] and any(r.item.assignee_id == officer.pk for r in team["page"].object_list)
    client.force_login(demo.users["vetting"])
    assert "team" not in {p.key for p in client.get("/").context["attention"]["panels"]}
    client.force_login(demo.users["head2"])
    panel = next(p for p in client.get("/").context["attention"]["panels"] if p.key == "team")
    assert all(r.item.assignee_id != officer.pk for r in panel.items)


def test_the_team_shows_only_their_own_work_in_institutions_the_lead_sees(demo, client):
    """A lead sees what their people have to do themselves, where the lead can see it: not another
    institution's work of someone they lead, nor the duties their people hold for a body (an appeal to
    decide, an appraisal to moderate), whose subjects the lead may not read."""
    officer = demo.users["officer"]
    WorkItem.objects.filter(assignee=officer).delete()
    items_for(officer, demo.water, 1, kind="report_due")
    items_for(officer, demo.outside, 1, kind="complaint_handle", start=100)
    items_for(officer, demo.water, 1, kind="appeal_decide", start=200)
    client.force_login(demo.users["head"])
    rows = client.get("/tasks/?team=1").context["page"].object_list
    seen = {(r.item.kind, r.item.institution_id) for r in rows if r.item.assignee_id == officer.pk}
    assert seen == {("report_due", demo.water.pk)}
    places = client.get("/tasks/?team=1").context["institutions"]
    assert demo.outside not in list(places)


def test_the_contract_card_says_whom_it_waits_for(cycle, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        carry(cycle, "agreed")
    client.force_login(cycle.performer)
    html = client.get(f"/contracts/{cycle.plan.pk}/").content.decode()
    assert "Waiting for the vetting committee: 1 member" in html
    client.force_login(cycle.vetting)
    html = client.get(f"/contracts/{cycle.plan.pk}/").content.decode()
    assert "Waiting for the vetting committee" not in html


def test_each_recipient_reads_it_in_their_language_and_chooses_email(cycle, django_capture_on_commit_callbacks):
    services.set_language(cycle.secretariat, "sw")
    services.set_email_preferences(cycle.counterparty, {"contract_agree": False})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(cycle.performer, cycle.plan)
    note = Notification.objects.get(user=cycle.secretariat, outbox__item__kind="contract_review")
    assert note.title.startswith("Inakusubiri")
    assert [m.subject for m in mail.outbox if m.to == [cycle.secretariat.email]] == [note.title]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pass_review(cycle.secretariat, cycle.plan)
    # The supervisor opted out of these emails: told in PMIS only.
    assert Notification.objects.filter(user=cycle.counterparty, outbox__item__kind="contract_agree").count() == 1
    assert not [m for m in mail.outbox if m.to == [cycle.counterparty.email]]


def test_the_preferences_page_offers_each_kind_and_the_language(demo, client):
    client.force_login(demo.users["officer"])
    html = client.get("/notifications/preferences/").content.decode()
    assert "Sign the contract" in html and 'name="email_contract_sign"' in html and 'name="language"' in html
    client.post("/notifications/preferences/", {"email_reminder": "on", "language": "sw"})
    from notifications.models import LanguagePreference, NotificationPreference

    assert LanguagePreference.objects.get(user=demo.users["officer"]).language == "sw"
    assert not NotificationPreference.objects.get(user=demo.users["officer"], category="contract_sign").email


def test_a_quarter_falling_due_is_opened_once_by_the_sweep(demo, ministry):
    """The ministry's contract is in force (quarters 1 and 2 reported in the demo): after quarter 3 ends,
    the sweep opens its report for the head (once, however often it runs) and tells them once."""
    _start, end, due = monitoring.period_dates(ministry.financial_year, 3)
    day = end + datetime.timedelta(days=1)
    WorkItem.objects.filter(subject_id=ministry.pk, kind="report_due").delete()
    assert not WorkItem.objects.filter(subject_id=ministry.pk, kind="report_due", number=3).exists()
    inbox.sweep(day)
    inbox.sweep(day)
    items = WorkItem.objects.filter(subject_id=ministry.pk, kind="report_due", number=3, closed_at__isnull=True)
    assert list(items.values_list("assignee__username", "due")) == [("head", due)]
    assert Outbox.objects.filter(item__in=items).count() == 1
    sender.send_pending()
    assert Notification.objects.filter(outbox__item__in=items).count() == 1


def test_complaints_wait_for_the_handlers_then_the_assignee(demo, django_capture_on_commit_callbacks):
    charter = Charter.objects.get(institution=demo.water, status=Charter.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = charters.submit_complaint(charter, kind="complaint", service=charter.services.first(),
                                              message="The office was closed.")
    assignees = set(WorkItem.objects.filter(subject_type="complaint", subject_id=complaint.pk, closed_at__isnull=True)
                    .values_list("assignee__username", "kind"))
    assert ("secretariat", "complaint_assign") in assignees and ("head", "complaint_assign") in assignees
    with django_capture_on_commit_callbacks(execute=True):
        charters.handle_complaint(demo.users["head"], complaint, status=Complaint.Status.ASSIGNED,
                                  assigned_to=demo.users["officer"])
    assert set(WorkItem.objects.filter(subject_type="complaint", subject_id=complaint.pk, closed_at__isnull=True)
               .values_list("assignee__username", "kind")) == {("officer", "complaint_handle")}


def test_the_seeded_appraisal_waits_for_its_supervisor_without_a_second_message(demo):
    """Appraisals tell people themselves (appraisals.services.notify): their items open without an outbox row."""
    from appraisals.models import Appraisal

    appraisal = Appraisal.objects.select_related("officer__user").get(
        institution=demo.water, status=Appraisal.Status.SELF_SUBMITTED)
    item = WorkItem.objects.get(subject_type="appraisal", subject_id=appraisal.pk, closed_at__isnull=True)
    assert (item.assignee_id, item.kind) == (appraisal.supervisor_id, "appraisal_supervisor")
    assert not Outbox.objects.filter(item=item).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_resyncs_open_and_tell_once(demo):
    """Four workers resynchronise the same handoff at once: one item, one outbox row."""
    import threading

    from django.db import connections

    from contracts.models import PerformanceContract

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    plan = PerformanceContract.objects.get(officer=demo.officer)
    workflow.submit(demo.users["officer"], plan)  # committed: its own resync has run
    items = WorkItem.objects.filter(subject_type="contract", subject_id=plan.pk, kind="contract_review")
    Outbox.objects.filter(item__in=items).delete()
    items.delete()
    start, errors = threading.Barrier(4), []

    def run():
        try:
            start.wait()
            inbox.flush({"contracts.performancecontract": {str(plan.pk)}})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert list(items.filter(closed_at__isnull=True).values_list("assignee__username", flat=True)) == ["secretariat"]
    assert Outbox.objects.filter(item__in=items).count() == 1
