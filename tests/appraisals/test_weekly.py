"""The weekly task log: tasks and sub-tasks in the signed plan, the officer's week, the supervisor's
review and marks, the roll-up into the plan's PEPMIS score, the inbox, and who may see what."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisals import weekly
from appraisals.models import WeeklyLog, WeekReview
from contracts import scores
from contracts.cycle import content, tasks, workflow
from contracts.models import ContractFrozen, SubTaskMark, Target, Task
from notifications.models import WorkItem
from pmis.access import NotAllowed

from .weekly_helpers import council_plan, plans_for, sub_tasks, user

pytestmark = pytest.mark.django_db

def this_week():
    """Asked when a test runs, not when the file loads: a long run may cross into a new week."""
    return weekly.week_of(timezone.localdate())


def _url(plan, name="appraisals:week", week=this_week()):
    return f"{reverse(name, args=[plan.pk])}?week={week.isoformat()}"


def test_the_demo_plan_scores_its_marks_by_weight():
    """Seeded marks: sub-task 1 of task A (T1, weight 60) 90; sub-task 1 of task C (T2, weight 40) 80.
    Unmarked sub-tasks and task B wait: T1 = 90, T2 = 80, composite 90 × 0.6 + 80 × 0.4 = 86."""
    plan = council_plan()
    assert plan.scheme == "pepmis" and plan.status == "in_force"
    result = scores.score(plan)
    assert result.composite == Decimal("86.0000")
    assert result.grade == "Very Good"
    rolled = scores.task_scores(plan.pk)
    assert sorted((r.marked, r.total) for r in rolled.values()) == [(1, 2), (1, 4)]


def test_tasks_are_signed_content_and_freeze_with_the_plan():
    plan = council_plan()
    data = content.contract_content(plan)
    first = data["targets"][0]
    assert [t["title"] for t in first["tasks"]] == ["Ukaguzi wa shule za Kata ya Dunda",
                                                     "Ukaguzi wa shule za Kata ya Magomeni"]
    assert len(first["tasks"][0]["sub_tasks"]) == 2
    signed = plan.signatures.order_by("pk").values_list("content_hash", flat=True)[0]
    assert content.fingerprint(data) == signed
    target = Target.objects.filter(contract=plan).order_by("order").first()
    with pytest.raises(workflow.TransitionError):
        tasks.add_task(user("admin"), target, title="Nyingine", deadline=datetime.date(2027, 6, 30),
                       weight=Decimal(10))
    task = Task.objects.filter(target=target).first()
    task.weight = Decimal(99)
    with pytest.raises(ContractFrozen):
        task.save()


def test_the_officer_logs_a_week_and_a_bad_value_loses_nothing(client):
    plan = council_plan()
    subs = sub_tasks(plan)
    client.force_login(user("tz-afisa"))
    page = client.get(_url(plan), HTTP_ACCEPT_LANGUAGE="sw")
    assert page.status_code == 200
    assert f'name="progress-{subs[0].pk}"' in page.content.decode()

    bad = client.post(_url(plan), {"week": this_week().isoformat(), f"progress-{subs[0].pk}": "150",
                                   f"note-{subs[0].pk}": "Nimefanya mengi", f"progress-{subs[1].pk}": "20"},
                      HTTP_ACCEPT_LANGUAGE="sw")
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Nimefanya mengi" in text  # what was typed is kept
    assert "Maendeleo ni namba kamili kuanzia 0 hadi 100." in text
    assert not WeeklyLog.objects.filter(contract=plan, week_start=this_week()).exists()

    evidence = SimpleUploadedFile("ripoti.pdf", b"%PDF-1.4\nripoti", content_type="application/pdf")
    good = client.post(_url(plan), {"week": this_week().isoformat(), f"progress-{subs[0].pk}": "70",
                                    f"note-{subs[0].pk}": "Shule 7", f"evidence-{subs[0].pk}": evidence,
                                    f"progress-{subs[1].pk}": "20"})
    assert good.status_code == 302
    logs = {row.sub_task_id: row for row in WeeklyLog.objects.filter(contract=plan, week_start=this_week())}
    assert logs[subs[0].pk].progress == 70 and logs[subs[0].pk].evidence_name == "ripoti.pdf"
    assert logs[subs[1].pk].progress == 20
    # Sent again, nothing doubles.
    client.post(_url(plan), {"week": this_week().isoformat(), f"progress-{subs[1].pk}": "20"})
    assert WeeklyLog.objects.filter(contract=plan, week_start=this_week()).count() == 2


def test_a_week_not_started_is_refused():
    plan = council_plan()
    with pytest.raises(Exception, match="started"):
        weekly.log_week(user("tz-afisa"), plan, this_week() + datetime.timedelta(days=7),
                        {sub_tasks(plan)[0].pk: {"progress": "10"}})


def test_the_supervisor_marks_and_the_score_is_the_weighted_marks(client):
    plan = council_plan()
    subs = sub_tasks(plan)
    marks = ["80", "60", "50", "100", "90", "70"]
    client.force_login(user("tz-msimamizi"))
    refused = client.post(_url(plan, "appraisals:week-review"), {
        "week": this_week().isoformat(), f"mark-{subs[0].pk}": "101", f"mark-{subs[1].pk}": "60"})
    assert refused.status_code == 400
    assert not SubTaskMark.objects.filter(sub_task=subs[1]).exists()
    response = client.post(_url(plan, "appraisals:week-review"), {
        "week": this_week().isoformat(), "comment": "Vizuri",
        **{f"mark-{s.pk}": m for s, m in zip(subs, marks, strict=True)}})
    assert response.status_code == 302
    # By hand: task A = (80×50 + 60×50)/100 = 70; task B = (50×60 + 100×40)/100 = 70; T1 = 70.
    # task C = (90×60 + 70×40)/100 = 82; T2 = 82. Composite = 70×0.6 + 82×0.4 = 42 + 32.8 = 74.8: Good.
    result = scores.score(plan)
    assert result.composite == Decimal("74.8000")
    assert result.grade == "Good"
    assert WeekReview.objects.get(contract=plan, week_start=this_week()).comment == "Vizuri"
    # The scorecard page reads the same path.
    page = client.get(reverse("contract-scorecard", args=[plan.pk]))
    assert page.status_code == 200 and "74.8" in page.content.decode()


def test_only_the_plans_officer_logs_and_only_its_supervisor_marks(client):
    plan = council_plan()
    sub = sub_tasks(plan)[0]
    with pytest.raises(NotAllowed):
        weekly.log_week(user("tz-msimamizi"), plan, this_week(), {sub.pk: {"progress": "10"}})
    with pytest.raises(NotAllowed):
        weekly.review_week(user("tz-afisa"), plan, this_week(), marks_given={sub.pk: "100"})
    client.force_login(user("tz-afisa"))
    assert client.post(_url(plan, "appraisals:week-review"), {f"mark-{sub.pk}": "100"}).status_code == 403
    # Same institution but not a party, and another institution: the plan is not there.
    for login in ("tz-utumishi", "officer", "ug-officer"):
        client.force_login(user(login))
        assert client.get(_url(plan)).status_code == 404
    # A Kenyan plan has no weekly log (its profile turns it off).
    client.force_login(user("officer"))
    kenyan = council_plan().__class__.objects.get(officer__user__username="officer")
    assert client.get(_url(kenyan)).status_code == 404


def test_a_logged_week_waits_in_the_supervisors_inbox_until_reviewed(django_capture_on_commit_callbacks):
    plan = council_plan()
    sub = sub_tasks(plan)[2]
    supervisor = user("tz-msimamizi")

    def open_items():
        return list(WorkItem.objects.filter(assignee=supervisor, kind="weekly_review", closed_at__isnull=True)
                    .values_list("subject_id", "due"))

    # The seed left two weeks logged and not reviewed: one item, on the earliest; then the next.
    waiting = weekly.weeks_waiting([plan.pk])
    assert open_items() == [(plan.pk, waiting[plan.pk])]
    with django_capture_on_commit_callbacks(execute=True):
        weekly.review_week(supervisor, plan, waiting[plan.pk], comment="Sawa")
    second = open_items()
    assert len(second) == 1 and second[0][1] > waiting[plan.pk]
    with django_capture_on_commit_callbacks(execute=True):
        weekly.review_week(supervisor, plan, second[0][1], comment="Sawa")
    assert open_items() == []
    with django_capture_on_commit_callbacks(execute=True):
        weekly.log_week(user("tz-afisa"), plan, this_week(), {sub.pk: {"progress": "40", "note": "Shule 4"}})
    assert open_items() == [(plan.pk, this_week())]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _log_all(plans):
    for plan in plans:
        for sub in sub_tasks(plan):
            WeeklyLog.objects.create(institution_id=plan.institution_id, contract=plan, sub_task=sub,
                                     week_start=this_week(), progress=50, note="kazi", logged_by=plan.performer)


def test_the_week_page_and_the_team_page_take_a_constant_number_of_queries(client, django_assert_max_num_queries):
    supervisor = user("tz-msimamizi")
    team_url = f"{reverse('appraisals:team-week')}?week={this_week().isoformat()}"
    few = plans_for(supervisor, 2, subs=2, prefix="tz-few")
    _log_all(few)
    client.force_login(supervisor)
    small_team = _count(client, team_url)  # the demo plan and 2 more
    many = plans_for(supervisor, 27, subs=5, prefix="tz-many")
    _log_all(many)
    with django_assert_max_num_queries(small_team):
        page = client.get(team_url)  # a team of 30
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="card"') == 30
    # What the team page shows of each plan's week: every logged sub-task with its progress and note.
    first = sub_tasks(many[0])[0]
    assert f"<li>{first.title}: 50% · kazi</li>" in body
    assert body.count("ya kupitiwa") >= 29  # "to review": the council's supervisor reads PMIS in Swahili

    client.force_login(few[0].performer)
    small_week = _count(client, _url(few[0]))
    client.force_login(many[0].performer)
    assert _count(client, _url(many[0])) == small_week
    assert small_week <= 20 and small_team <= 20


def test_a_missing_weekly_log_opens_an_item_each_week_told_by_the_reminder_sweep(django_capture_on_commit_callbacks):
    from notifications import inbox
    from notifications.models import Outbox

    plan = council_plan()
    officer = user("tz-afisa")
    next_monday = this_week() + datetime.timedelta(days=7)  # this week has ended and nothing is logged for it

    def due_items():
        return list(WorkItem.objects.filter(assignee=officer, kind="weekly_log_due", closed_at__isnull=True)
                    .values_list("subject_id", "due"))

    assert due_items() == []
    with django_capture_on_commit_callbacks(execute=True):
        inbox.sweep(next_monday)
        inbox.sweep(next_monday)  # the daily sweep run twice opens it once
    assert due_items() == [(plan.pk, weekly.log_due(this_week()))]
    assert weekly.log_due(this_week()) == this_week() + datetime.timedelta(days=8)
    # The item opens without a message of its own: the reminder sweep tells the officer (test below).
    assert not Outbox.objects.filter(recipient=officer, kind="task.weekly_log_due").exists()

    with django_capture_on_commit_callbacks(execute=True):
        weekly.log_week(officer, plan, this_week(), {sub_tasks(plan)[2].pk: {"progress": "30"}})
        inbox.sweep(next_monday)
    assert due_items() == []


def test_the_reminder_sweep_reminds_of_each_missing_week_once():
    """A missing week is a deadline of the reminder sweep (``appraisals.reminders``): the sweep run twice
    writes one reminder per missing week and officer, in the outbox, keyed like every deadline's."""
    from notifications import sweep
    from notifications.models import CycleDeadline, Outbox, Stage

    plan = council_plan()
    officer, supervisor = user("tz-afisa"), user("tz-msimamizi")
    last_week = this_week() - datetime.timedelta(days=7)
    WeeklyLog.objects.filter(contract=plan, week_start=last_week).delete()  # the demo logged it: not now
    logged = set(plan.weekly_logs.values_list("week_start", flat=True))
    today = weekly.log_due(this_week()) - datetime.timedelta(days=1)  # this week over, its log due tomorrow
    first = sweep.sweep(today)
    again = sweep.sweep(today)
    assert first.created > 0 and again.created == 0
    weeks = CycleDeadline.objects.filter(financial_year=plan.financial_year, stage=Stage.WEEKLY_LOG)
    reminded = Outbox.objects.filter(recipient=officer, deadline__in=weeks)
    by_week = dict(reminded.values_list("deadline__week_start", "kind"))
    assert by_week[this_week()] == "due_1"  # due tomorrow: the one-day reminder
    assert by_week[last_week] == "overdue"  # due six days ago
    assert reminded.count() == len(by_week)  # one reminder per missing week
    assert not set(by_week) & logged  # logged weeks are not chased
    # Overdue long enough: the supervisor is told about their team, once.
    assert Outbox.objects.filter(recipient=supervisor, deadline__week_start=last_week,
                                 kind="escalate_supervisor").count() == 1
    # Logged afterwards: the week is not chased again.
    weekly.log_week(officer, plan, this_week(), {sub_tasks(plan)[0].pk: {"progress": "10"}})
    sweep.sweep(weekly.log_due(this_week()) + datetime.timedelta(days=1))
    assert not Outbox.objects.filter(recipient=officer, deadline__week_start=this_week(), kind="overdue").exists()
    # A Kenyan institution has no weekly deadlines (its profile logs no weeks).
    assert not CycleDeadline.objects.filter(stage=Stage.WEEKLY_LOG, institution__slug="water").exists()
