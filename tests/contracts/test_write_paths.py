"""The write paths do their work once: signing, verifying an actual, submitting a report and saving a
target issue a bounded number of queries, and the same number whatever the number of targets."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import monitoring
from contracts.cycle import signing, targets, workflow
from contracts.models import Target
from pmis import access, twofactor
from tests.contracts.conftest import PASSWORD, _vet_all, request_of
from tests.scorecards.test_dashboards import add_targets

SIGN_MAX, VERIFY_MAX, SUBMIT_MAX, SAVE_MAX = 20, 20, 25, 25


def queries(step):
    """The queries ``step`` issues as one request would (roles read once, pmis.access)."""
    with access.kept(), CaptureQueriesContext(connection) as captured:
        step()
    return len(captured)


def ready_to_sign(cycle, extra):
    plan = cycle.plan
    if extra:
        add_targets(plan, extra)
        # the weights still add up: 50 targets share them equally
        Target.objects.filter(contract=plan).update(weight=Decimal(100) / Target.objects.filter(contract=plan).count())
    workflow.submit(cycle.performer, plan)
    workflow.pass_review(cycle.secretariat, plan)
    workflow.conclude_negotiation(cycle.counterparty, plan)
    _vet_all(cycle)
    plan.refresh_from_db()
    assert plan.status == "ready_to_sign"
    return plan


def signed_by(user, plan):
    """The queries of one signature (the code read beforehand, as the signer reads their phone)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    code = twofactor.current_code(user)
    plan.refresh_from_db()
    return queries(lambda: signing.sign(request_of(user), plan, password=PASSWORD, code=code))


def signing_counts(cycle, extra):
    plan = ready_to_sign(cycle, extra)
    first = signed_by(cycle.performer, plan)
    last = signed_by(cycle.counterparty, plan)  # the last signature brings the contract into force
    plan.refresh_from_db()
    assert plan.status == "in_force"
    return first, last


def test_signing_is_bounded_and_does_not_grow_with_targets(cycle):
    few = signing_counts(cycle, 0)
    assert max(few) <= SIGN_MAX, few


def test_signing_a_plan_of_fifty_targets_costs_the_same(cycle):
    many = signing_counts(cycle, 50 - Target.objects.filter(contract=cycle.plan).count())
    assert max(many) <= SIGN_MAX, many


def test_saving_a_target_is_bounded_whatever_the_plan_holds(cycle):
    target = cycle.first_target()
    few = queries(lambda: targets.update_target(cycle.performer, Target.objects.get(pk=target.pk),
                                                description="Drill 24 boreholes in the county"))
    add_targets(cycle.plan, 60)
    many = queries(lambda: targets.update_target(cycle.performer, Target.objects.get(pk=target.pk),
                                                 description="Drill 25 boreholes in the county"))
    assert many == few <= SAVE_MAX, (few, many)


def test_submitting_a_report_and_verifying_an_actual_are_bounded(demo, q3, ministry):
    head, secretariat = demo.users["head"], demo.users["secretariat"]
    rows = list(Target.objects.filter(contract=ministry).order_by("order", "pk"))
    for target in rows:
        monitoring.report_actual(head, q3, target, actual=target.target_value)
    submitted = queries(lambda: monitoring.submit_report(head, q3))
    assert submitted <= SUBMIT_MAX, submitted
    counts = []
    for entry in q3.entries.order_by("pk"):
        counts.append(queries(lambda entry=entry: monitoring.verify(secretariat, entry, "accepted")))
    assert len(counts) == len(rows) > 3
    assert max(counts) <= VERIFY_MAX, counts
    assert len(set(counts[1:])) == 1, counts  # each further actual costs what the one before did


def _report_values(report, count):
    rows = list(Target.objects.filter(contract=report.contract).order_by("order", "pk")[:count])
    assert len(rows) == count
    return {t.pk: {"actual": str(t.target_value), "comment": "On plan.", "status": "on_track"} for t in rows}


def _report_counts(head, report, count):
    """(saving a draft of ``count`` new entries, saving them changed, submitting) as queries."""
    values = _report_values(report, count)
    first = queries(lambda: monitoring.save_report(head, report, values))
    for row in values.values():
        row["comment"] = "On plan, checked."
    changed = queries(lambda: monitoring.save_report(head, report, values))
    submitted = queries(lambda: monitoring.save_report(head, report, values, submit=True))
    assert report.entries.count() == count
    report.refresh_from_db()
    assert report.state == "submitted"
    return first, changed, submitted


def test_saving_a_report_draft_and_submitting_it_are_bounded_and_equal_with_5_and_60_targets(demo, q3, ministry):
    head = demo.users["head"]
    few = _report_counts(head, q3, 5)
    add_targets(ministry, 60)
    q4 = monitoring.open_report(head, ministry, 4)
    many = _report_counts(head, q4, 60)
    assert many == few, (few, many)
    assert max(few) <= SAVE_MAX, few
