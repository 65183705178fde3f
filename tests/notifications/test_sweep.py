import threading

import pytest
from django.db import connection, connections

from contracts.models import PerformanceContract
from notifications import rules, sweep
from notifications.models import CycleDeadline, Kind, Outbox
from notifications.sender import render
from pmis.models import Officer
from tests.notifications.helpers_reminders import due_in, duplicates


def reminded(kind=None, stage=None, institution=None):
    qs = Outbox.objects.all()
    if institution is not None:  # the demo's other institutions have deadlines of their own
        qs = qs.filter(deadline__institution=institution)
    if kind:
        qs = qs.filter(kind=kind)
    if stage:
        qs = qs.filter(deadline__stage=stage)
    return set(qs.values_list("recipient__username", flat=True))


def test_sweep_twice_creates_each_reminder_once(demo):
    due_in(demo.water, "target_identification", 5)
    first = sweep.sweep()
    rows = Outbox.objects.count()
    assert rows > 20 and first.created == rows
    second = sweep.sweep()
    assert second.created == 0 and second.candidates == first.candidates
    assert Outbox.objects.count() == rows
    assert duplicates() == 0


def test_target_identification_reminds_drafts_and_officers_without_a_plan(demo):
    due_in(demo.water, "target_identification", 7)
    sweep.sweep()
    names = reminded("due_7", "target_identification")
    # Officers without an officer-level plan (participation) and performers of draft contracts.
    without_plan = set(
        Officer.objects.filter(institution=demo.water).exclude(contracts__level="officer")
        .values_list("user__username", flat=True)
    )
    drafts = set(PerformanceContract.objects.filter(institution=demo.water, status="draft")
                 .values_list("performer__username", flat=True))
    assert names == without_plan | drafts
    assert "officer2" not in names  # machakos has its own calendar


def test_reminders_move_from_seven_days_to_one_day(demo):
    deadline = due_in(demo.water, "target_identification", 6)
    sweep.sweep()
    assert set(Outbox.objects.filter(deadline=deadline).values_list("kind", flat=True)) == {"due_7"}
    due_in(demo.water, "target_identification", 1)
    sweep.sweep()
    assert set(Outbox.objects.filter(deadline=deadline).values_list("kind", flat=True)) == {"due_7", "due_1"}


@pytest.mark.parametrize("status,stage,expected", [
    ("submitted", "pre_negotiation", {"secretariat"}),
    ("negotiation", "negotiation", {"performer", "counterparty"}),
    ("agreed", "vetting", {"vetting"}),
    ("ready_to_sign", "signing", {"performer", "counterparty"}),
])
def test_stage_rules_remind_the_right_people(demo, status, stage, expected):
    contract = PerformanceContract.objects.filter(
        institution=demo.water, level="institution", financial_year__is_current=True).get()
    # Only this contract is at the stage (the demo carries others through the cycle too).
    PerformanceContract.objects.filter(institution=demo.water).exclude(pk=contract.pk).update(status="closed")
    PerformanceContract.objects.filter(pk=contract.pk).update(status=status)
    due_in(demo.water, stage, 1)
    sweep.sweep()
    names = {"performer": contract.performer.username,
             "counterparty": contract.counterparty.username if contract.counterparty else None}
    assert reminded("due_1", stage) == {names.get(e, e) for e in expected}


def test_nothing_to_chase_sends_nothing(demo):
    due_in(demo.water, "vetting", 1)  # no contract is "agreed"
    sweep.sweep()
    assert not Outbox.objects.filter(deadline__stage="vetting").exists()


def test_overdue_escalates_to_supervisor_then_performance_officer(demo, settings):
    settings.REMINDER_ESCALATE_SUPERVISOR_DAYS = 3
    settings.REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS = 7
    stage = "target_identification"
    due_in(demo.water, stage, -1)
    sweep.sweep()
    assert "officer" in reminded(Kind.OVERDUE, stage)
    assert not Outbox.objects.filter(deadline__stage=stage).exclude(kind=Kind.OVERDUE).exists()
    due_in(demo.water, stage, -3)
    sweep.sweep()
    # Faith (officer) reports to Peter (supervisor): he hears about his team.
    assert "supervisor" in reminded(Kind.ESCALATE_SUPERVISOR, stage)
    assert not Outbox.objects.filter(kind=Kind.ESCALATE_PERFORMANCE_OFFICER, deadline__stage=stage).exists()
    due_in(demo.water, stage, -8)
    sweep.sweep()
    assert reminded(Kind.ESCALATE_PERFORMANCE_OFFICER, stage) == {"secretariat"}
    row = Outbox.objects.get(kind=Kind.ESCALATE_SUPERVISOR, recipient__username="supervisor", deadline__stage=stage)
    assert row.critical and "supervise" in render(row)[1]
    assert duplicates() == 0


def test_old_deadlines_are_left_alone(demo, settings):
    settings.REMINDER_LOOKBACK_DAYS = 30
    due_in(demo.water, "target_identification", -31)
    sweep.sweep()
    assert not Outbox.objects.filter(deadline__stage="target_identification").exists()


def test_later_features_register_rules(demo, monkeypatch):
    monkeypatch.setitem(rules.RULES, "q1_report", [])
    assert rules.RULES["appraisal"] == [] and rules.RULES["q1_report"] == []
    officer = demo.officer.user_id

    @rules.register("q1_report")
    def late_reports(deadline):
        return [(officer, officer)]

    due_in(demo.water, "q1_report", 1)
    sweep.sweep()
    assert reminded("due_1", "q1_report") == {"officer"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_create_each_reminder_once(demo):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")
    due_in(demo.water, "target_identification", 1)
    due_in(demo.machakos, "target_identification", -10)
    start = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(sweep.sweep())
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
    total = Outbox.objects.count()
    assert total > 20
    assert duplicates() == 0
    # Every candidate exists once, and the runs between them inserted each row exactly once.
    assert sum(r.created for r in results) == total
    assert all(r.candidates == total for r in results)


def test_a_quarter_not_reported_is_reminded_chased_and_escalated(demo, settings):
    """The performers of signed contracts whose quarter 1 report is not submitted hear about it before
    the due date, and their supervisors and the performance officers once it is long overdue; a
    performer whose report is in is left alone."""
    from contracts import monitoring
    from contracts.models import ProgressReport

    settings.REMINDER_ESCALATE_SUPERVISOR_DAYS = 3
    settings.REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS = 7
    stage = "q1_report"
    signed = PerformanceContract.objects.filter(institution=demo.water, financial_year__is_current=True,
                                                status__in=["signed", "in_force"])
    submitted = set(ProgressReport.objects.filter(contract__in=signed, period=1, state="submitted")
                    .values_list("contract__performer__username", flat=True))
    late = {c.performer.username for c in signed.select_related("performer")} - submitted
    assert late, "the demo has a signed contract without its first report"
    due_in(demo.water, stage, 2)
    sweep.sweep()
    assert reminded(stage=stage, institution=demo.water) == late

    due_in(demo.water, stage, -8)
    sweep.sweep()
    assert reminded(Kind.OVERDUE, stage, demo.water) == late
    assert reminded(Kind.ESCALATE_PERFORMANCE_OFFICER, stage, demo.water) == {"secretariat"}
    assert duplicates() == 0

    plan = signed.filter(performer__username__in=late).order_by("pk").first()
    report = monitoring.open_report(plan.performer, plan, 1)
    for target in plan.targets.all():
        monitoring.report_actual(plan.performer, report, target, actual=target.target_value,
                                 comment="On plan", explanation="-", remedial_action="-")
    monitoring.submit_report(plan.performer, report)
    deadline = CycleDeadline.objects.get(financial_year__institution=demo.water, financial_year__is_current=True,
                                         stage=stage)
    assert plan.performer_id not in {p for p, _r in rules.reports_not_submitted(deadline)}
