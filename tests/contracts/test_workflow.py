"""The contracting cycle through the workflow functions: the whole way from draft to in force, and
every illegal (state × action × part) combination refused without changing anything."""

import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.cycle import negotiation, signing, targets, workflow
from contracts.models import (
    ContractComment,
    ContractTransition,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Signature,
    Target,
)
from pmis.models import AuditEvent
from tests.contracts.conftest import PASSWORD, carry, request_of, sign

Status = PerformanceContract.Status


def test_a_plan_goes_from_draft_to_in_force(cycle):
    plan, officer, supervisor = cycle.plan, cycle.performer, cycle.counterparty
    workflow.submit(officer, plan)
    target = cycle.first_target()
    workflow.comment(cycle.secretariat, plan, "State the baseline's source.", target=target)
    workflow.return_to_draft(cycle.secretariat, plan, "Fix the baseline first.")
    targets.update_target(officer, target, baseline=Decimal(3))
    workflow.submit(officer, plan)
    workflow.pass_review(cycle.secretariat, plan)

    # Negotiation: the supervisor asks for more, the officer counters, the supervisor accepts.
    original = target.target_value
    first = workflow.propose(supervisor, target, {"target_value": target.target_value + 4}, "Stretch it.")
    counter = workflow.counter(officer, first, {"target_value": target.target_value + 2}, "Two is realistic.")
    negotiation.accept(supervisor, counter, "Agreed.")
    target.refresh_from_db()
    assert target.target_value == original + 2
    rounds = list(NegotiationRound.objects.filter(target=target).order_by("number"))
    assert [(r.number, r.state) for r in rounds] == [(1, "countered"), (2, "accepted")]
    assert rounds[1].answers == rounds[0]
    workflow.conclude_negotiation(supervisor, plan)

    # The negotiated target no longer matches its description and "Very good": flagged, it passes with a
    # comment (vetting.finding_problem); the others pass as they are.
    for t in Target.objects.filter(contract=plan):
        workflow.vet_target(cycle.vetting, t, smart=True, aligned=True,
                            comment="Raised in negotiation." if t.pk == target.pk else "")
    workflow.approve_vetting(cycle.vetting, plan)
    plan.refresh_from_db()
    assert plan.status == Status.READY_TO_SIGN
    version = ContractVersion.objects.get(contract=plan, number=1)
    assert len(version.content_hash) == 64 and len(version.verify_code) >= 32

    sign(officer, plan)
    plan.refresh_from_db()
    assert plan.status == Status.READY_TO_SIGN  # one signature is not enough
    sign(supervisor, plan)
    plan.refresh_from_db()
    assert plan.status == Status.IN_FORCE  # the year has begun, so it is in force at once
    assert {s.side for s in Signature.objects.filter(version=version)} == {"performer", "counterparty"}
    assert all(s.content_hash == version.content_hash for s in Signature.objects.filter(version=version))

    path = list(ContractTransition.objects.filter(contract=plan).values_list("to_status", flat=True))
    assert path == ["submitted", "draft", "submitted", "negotiation", "agreed", "ready_to_sign", "signed",
                    "in_force"]
    actions = set(AuditEvent.objects.filter(object_id=str(plan.pk), action__startswith="contract.")
                  .values_list("action", flat=True))
    assert {"contract.submit", "contract.return_to_draft", "contract.pass_review", "contract.conclude_negotiation",
            "contract.approve_vetting", "contract.signature", "contract.sign", "contract.bring_into_force"} <= actions


def test_a_submission_needs_balanced_weights_and_a_counterparty(cycle):
    target = cycle.first_target()
    targets.update_target(cycle.performer, target, weight=target.weight + 5)
    with pytest.raises(workflow.TransitionError, match="add up to 105"):
        workflow.submit(cycle.performer, cycle.plan)
    PerformanceContract.objects.filter(pk=cycle.plan.pk).update(counterparty=None)
    with pytest.raises(workflow.TransitionError, match="counter-party"):
        workflow.submit(cycle.performer, cycle.plan)
    assert PerformanceContract.objects.get(pk=cycle.plan.pk).status == "draft"


def test_returning_needs_a_reason(cycle):
    workflow.submit(cycle.performer, cycle.plan)
    with pytest.raises(ValidationError, match="Say why"):
        workflow.return_to_draft(cycle.secretariat, cycle.plan, "  ")
    assert PerformanceContract.objects.get(pk=cycle.plan.pk).status == "submitted"


def test_negotiation_cannot_conclude_with_an_open_proposal(cycle):
    carry(cycle, "negotiation")
    target = cycle.first_target()
    proposal = workflow.propose(cycle.performer, target, {"baseline": Decimal(1)}, "Baseline was 1.")
    with pytest.raises(workflow.TransitionError, match="wait for an answer"):
        workflow.conclude_negotiation(cycle.counterparty, cycle.plan)
    with pytest.raises(workflow.NotAllowed):
        negotiation.accept(cycle.performer, proposal)  # one's own proposal
    with pytest.raises(workflow.TransitionError, match="already has a proposal"):
        workflow.propose(cycle.counterparty, target, {"baseline": Decimal(2)}, "Two.")
    workflow.withdraw(cycle.performer, proposal)
    workflow.conclude_negotiation(cycle.counterparty, cycle.plan)


def test_a_proposal_must_change_something_and_be_a_valid_target(cycle):
    carry(cycle, "negotiation")
    target = cycle.first_target()
    with pytest.raises(ValidationError, match="repeats the current values"):
        workflow.propose(cycle.counterparty, target, {"weight": target.weight}, "Same.")
    with pytest.raises(ValidationError):
        workflow.propose(cycle.counterparty, target, {"weight": Decimal(150)}, "Too heavy.")
    assert not NegotiationRound.objects.filter(target=target).exists()


def test_vetting_needs_every_target_passed(cycle):
    carry(cycle, "agreed")
    target = cycle.first_target()
    with pytest.raises(workflow.TransitionError, match="not vetted yet"):
        workflow.approve_vetting(cycle.vetting, cycle.plan)
    with pytest.raises(ValidationError, match="what is wrong"):
        workflow.vet_target(cycle.vetting, target, smart=False, aligned=True)
    workflow.vet_target(cycle.vetting, target, smart=False, aligned=True, comment="Not time-bound.")
    for other in Target.objects.filter(contract=cycle.plan).exclude(pk=target.pk):
        workflow.vet_target(cycle.vetting, other, smart=True, aligned=True)
    with pytest.raises(workflow.TransitionError, match="not SMART"):
        workflow.approve_vetting(cycle.vetting, cycle.plan)
    workflow.return_from_vetting(cycle.vetting, cycle.plan, "Make target 1 time-bound.")
    assert PerformanceContract.objects.get(pk=cycle.plan.pk).status == "negotiation"
    assert not ContractVersion.objects.filter(contract=cycle.plan).exists()


def test_the_calendar_closes_contracts_after_their_year(cycle):
    import datetime

    plan = carry(cycle, "in_force")
    assert workflow.advance_by_calendar(cycle.year.end_date) == 0
    assert workflow.advance_by_calendar(cycle.year.end_date + datetime.timedelta(days=1)) >= 1
    plan.refresh_from_db()
    assert plan.status == Status.CLOSED


def test_a_stale_lock_version_is_refused(cycle):
    with pytest.raises(workflow.ConcurrentEdit):
        workflow.submit(cycle.performer, cycle.plan, lock_version=cycle.plan.lock_version - 1 or 99)
    assert PerformanceContract.objects.get(pk=cycle.plan.pk).status == "draft"


# ---------------------------------------------------------------------------------------------
# Exhaustive: every state × action × part. The expected table is written out here, not read
# from workflow.RULES, so a mistaken rule fails the test.

EXPECTED = {
    "edit_targets": ({"draft"}, {"performer"}),
    "submit": ({"draft"}, {"performer"}),
    "comment_review": ({"submitted"}, {"secretariat"}),
    "return_to_draft": ({"submitted"}, {"secretariat"}),
    "pass_review": ({"submitted"}, {"secretariat"}),
    "propose": ({"negotiation"}, {"performer", "counterparty"}),
    "answer": ({"negotiation"}, {"performer", "counterparty"}),
    "conclude_negotiation": ({"negotiation"}, {"counterparty"}),
    "vet_target": ({"agreed"}, {"vetting"}),
    "approve_vetting": ({"agreed"}, {"vetting"}),
    "return_from_vetting": ({"agreed"}, {"vetting"}),
    "sign": ({"ready_to_sign"}, {"performer", "counterparty"}),
    "bring_into_force": ({"signed"}, {"secretariat", "system"}),
    "close": ({"in_force"}, {"secretariat", "system"}),
    "amend": ({"signed", "in_force"}, {"performer", "counterparty", "secretariat"}),
}
PARTS = ["performer", "counterparty", "secretariat", "vetting", "bystander", "system"]


def test_the_rules_are_the_expected_table():
    assert set(workflow.RULES) == set(EXPECTED)


def _actor(cycle, part):
    return None if part == "system" else getattr(cycle, part)


def _call(action, actor, plan, target, proposal):
    """Each action through its real function, with valid arguments apart from who and when."""
    calls = {
        "edit_targets": lambda: targets.update_target(actor, target, description="Changed"),
        "submit": lambda: workflow.submit(actor, plan),
        "comment_review": lambda: workflow.comment(actor, plan, "A remark", target=target),
        "return_to_draft": lambda: workflow.return_to_draft(actor, plan, "Fix it"),
        "pass_review": lambda: workflow.pass_review(actor, plan),
        "propose": lambda: workflow.propose(actor, target, {"baseline": Decimal(7)}, "Seven"),
        "answer": lambda: negotiation.accept(actor, proposal),
        "conclude_negotiation": lambda: workflow.conclude_negotiation(actor, plan),
        "vet_target": lambda: workflow.vet_target(actor, target, smart=True, aligned=True),
        "approve_vetting": lambda: workflow.approve_vetting(actor, plan),
        "return_from_vetting": lambda: workflow.return_from_vetting(actor, plan, "Fix it"),
        "sign": lambda: sign(actor, plan) if actor else signing.sign(request_of(actor), plan, password=PASSWORD),
        "bring_into_force": lambda: workflow.bring_into_force(actor, plan),
        "close": lambda: workflow.close(actor, plan),
        "amend": lambda: workflow.amend(actor, plan, "Mid-year review"),
    }
    return calls[action]()


def test_every_illegal_combination_is_refused_and_changes_nothing(cycle, django_db_blocker):
    from django.db import transaction

    plan = cycle.plan
    target = cycle.first_target()
    refused = allowed = 0
    for status, action, part in itertools.product(Status.values, EXPECTED, PARTS):
        states, parts = EXPECTED[action]
        actor = _actor(cycle, part)
        PerformanceContract.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
        may = status in states and part in parts
        assert workflow.check(actor, plan, action) is None if may else True
        if may:
            allowed += 1
            continue
        # A proposal by the other side, for "answer" (kept only inside this savepoint).
        sid = transaction.savepoint()
        proposal = NegotiationRound.objects.create(
            contract=plan, target=target, institution_id=plan.institution_id, number=99, side="performer",
            proposed_by=cycle.admin, changes={"baseline": "8"}, previous={"baseline": None}, comment="x",
        )
        before = (PerformanceContract.objects.filter(pk=plan.pk).values().get(),
                  list(Target.objects.filter(contract=plan).values()), ContractTransition.objects.count(),
                  ContractComment.objects.count(), AuditEvent.objects.count())
        with pytest.raises((workflow.NotAllowed, workflow.TransitionError)):
            _call(action, actor, plan, target, proposal)
        after = (PerformanceContract.objects.filter(pk=plan.pk).values().get(),
                 list(Target.objects.filter(contract=plan).values()), ContractTransition.objects.count(),
                 ContractComment.objects.count(), AuditEvent.objects.count())
        assert before == after, f"{action} by {part} in {status} changed something"
        transaction.savepoint_rollback(sid)
        refused += 1
    assert refused == len(Status.values) * len(EXPECTED) * len(PARTS) - allowed
    assert allowed == sum(len(s) * len(p) for s, p in EXPECTED.values())
