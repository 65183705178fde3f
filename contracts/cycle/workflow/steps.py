"""The contracting cycle, one function per step.

draft (target identification) → submitted → [pre-negotiation review: comments, return or pass] →
negotiation (rounds per target) → agreed → [vetting: each target SMART and aligned] →
ready to sign → signed (both parties, see ``contracts.cycle.signing``) → in force → closed.
A signed contract changes only through ``amend``, which reopens negotiation on a new version.

Every step checks who acts (``RULES``) and the state, locks the contract row, records a transition
and an audit event, and raises ``TransitionError`` (wrong state or incomplete work) or
``NotAllowed`` (wrong person). Views, the API, the admin and tasks call only these functions.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmis import audit
from pmis.access import NotAllowed
from scorecards.models import Perspective

from ...models import (
    ContractComment,
    ContractTransition,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Target,
    VettingCheck,
)
from .. import cascade, content, events
from ..findings import finding_problem, flags
from .rules import COUNTERPARTY, PERFORMER, Side, Status, TransitionError, check, lock, parts_of


def _move(actor, contract, action, to_status, comment=""):
    return _advance(contract, [(actor, action, to_status, comment)])


def _advance(contract, steps):
    """Take ``steps`` ((actor, action, to status, comment), in order) on ``contract``: one write of the
    contract and one of its transitions, and an audit event for each step."""
    transitions, events = [], []
    for actor, action, to_status, comment in steps:
        before = {"status": contract.status, "version": contract.version}
        transitions.append(ContractTransition(
            contract=contract, institution_id=contract.institution_id, action=action, from_status=contract.status,
            to_status=to_status, version=contract.version, actor=actor, comment=comment))
        contract.status = to_status
        contract.lock_version += 1
        events.append((actor, action, before,
                       {"status": contract.status, "version": contract.version, "comment": comment or None}))
    contract.status_changed_at = timezone.now()
    contract.save(update_fields=["status", "status_changed_at", "lock_version", "version"])
    ContractTransition.objects.bulk_create(transitions)
    for actor, action, before, after in events:
        audit.record(actor, f"contract.{action}", contract, before, after)
    return contract


def _required(comment, what):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why you %(what)s, so the performer knows what to fix.") % {
            "what": what}})
    return comment


def _targets(contract):
    return list(Target.objects.filter(contract=contract).select_related("perspective"))


def _perspectives(contract):
    return list(Perspective.objects.filter(financial_year_id=contract.financial_year_id))


# ---------------------------------------------------------------------------------------------
# Target identification and pre-negotiation


def _weight_problems(contract):
    """The targets' weights, and the tasks' and sub-tasks' where targets are broken down (``cascade``)."""
    return (cascade.weight_problems(contract, _targets(contract), _perspectives(contract))
            + cascade.task_weight_problems(contract))


@transaction.atomic
def submit(actor, contract, *, lock_version=None):
    """The performer submits the draft plan for pre-negotiation review; weights must add up (targets',
    and tasks' and sub-tasks' within each target and task)."""
    contract = lock(contract, lock_version)
    check(actor, contract, "submit")
    if contract.counterparty_id is None:
        raise TransitionError(_("Name the counter-party who agrees this contract before submitting it."))
    problems = _weight_problems(contract)
    if problems:
        raise TransitionError(problems)
    return _move(actor, contract, "submit", Status.SUBMITTED)


@transaction.atomic
def comment(actor, contract, body, *, target=None, stage=ContractComment.Stage.PRE_NEGOTIATION):
    """A reviewer's comment on the contract or one target, in review, negotiation or vetting."""
    action = {
        ContractComment.Stage.PRE_NEGOTIATION: "comment_review",
        ContractComment.Stage.NEGOTIATION: "propose",
        ContractComment.Stage.VETTING: "vet_target",
    }[stage]
    contract = lock(contract)
    check(actor, contract, action)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the comment first.")})
    if target is not None and target.contract_id != contract.pk:
        raise ValidationError({"target": _("That target belongs to another contract.")})
    note = ContractComment.objects.create(
        contract=contract, target=target, institution_id=contract.institution_id, stage=stage,
        version=contract.version, author=actor, body=body,
    )
    audit.record(actor, "contract.comment", contract, None,
                 {"stage": stage, "target": target.pk if target else None, "body": body})
    return note


@transaction.atomic
def return_to_draft(actor, contract, comment, *, lock_version=None):
    contract = lock(contract, lock_version)
    check(actor, contract, "return_to_draft")
    return _move(actor, contract, "return_to_draft", Status.DRAFT, _required(comment, _("return it")))


@transaction.atomic
def pass_review(actor, contract, comment="", *, lock_version=None):
    contract = lock(contract, lock_version)
    check(actor, contract, "pass_review")
    return _move(actor, contract, "pass_review", Status.NEGOTIATION, (comment or "").strip())


# ---------------------------------------------------------------------------------------------
# Negotiation


def _side(actor, contract):
    parts = parts_of(actor, contract)
    return Side.PERFORMER if PERFORMER in parts else Side.COUNTERPARTY


def _clean_changes(target, changes):
    asked = {k: v for k, v in changes.items() if k in NegotiationRound.NEGOTIABLE}
    if not asked:
        raise ValidationError({"changes": _("Propose at least one new value.")})
    # Only what differs is the proposal.
    changes = {k: v for k, v in asked.items() if getattr(target, k) != v}
    if not changes:
        raise ValidationError({"changes": _("The proposal repeats the current values; change at least one.")})
    current = {k: getattr(target, k) for k in changes}
    # The proposal must itself be a valid target: try it on a copy.
    trial = Target.objects.get(pk=target.pk)
    for k, v in changes.items():
        setattr(trial, k, v)
    trial.full_clean(exclude=["contract", "institution"])
    return audit.to_json(changes), audit.to_json(current)


@transaction.atomic
def propose(actor, target, changes, comment, *, answers=None):
    """Either side proposes new values for a target's weight, baseline, target or criteria values."""
    contract = lock(target.contract)
    check(actor, contract, "propose")
    target = Target.objects.select_for_update().get(pk=target.pk)
    comment = _required(comment, _("propose the change"))
    if answers is None and NegotiationRound.objects.filter(target=target, state=NegotiationRound.State.OPEN).exists():
        raise TransitionError(_("This target already has a proposal waiting for an answer; answer it first."))
    new, old = _clean_changes(target, changes)
    number = NegotiationRound.objects.filter(target=target).count() + 1
    try:
        with transaction.atomic():
            proposal = NegotiationRound.objects.create(
                contract=contract, target=target, institution_id=contract.institution_id, number=number,
                side=_side(actor, contract), proposed_by=actor, changes=new, previous=old, comment=comment,
                answers=answers,
            )
    except IntegrityError as exc:
        raise TransitionError(_("Someone proposed a change to this target at the same moment; reload.")) from exc
    audit.record(actor, "negotiation.propose", target, old, {"round": number, "changes": new, "comment": comment})
    return proposal


def open_round(actor, proposal):
    """Lock ``proposal``'s contract and the proposal, for ``actor`` to answer it (accept: ``negotiation``)."""
    contract = lock(proposal.contract)
    check(actor, contract, "answer")
    proposal = NegotiationRound.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != NegotiationRound.State.OPEN:
        raise TransitionError(_("This proposal has already been answered."))
    # One person may sit on both sides (a small unit); otherwise the other side answers.
    if proposal.proposed_by_id == actor.pk and not {PERFORMER, COUNTERPARTY} <= parts_of(actor, contract):
        raise NotAllowed(_("The other side answers a proposal; you made this one."))
    return contract, proposal


@transaction.atomic
def counter(actor, proposal, changes, comment):
    """The other side answers with its own values: a new round that answers this one."""
    contract, proposal = open_round(actor, proposal)
    proposal.state = NegotiationRound.State.COUNTERED
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.save(update_fields=["state", "answered_by", "answered_at"])
    return propose(actor, proposal.target, changes, comment, answers=proposal)


@transaction.atomic
def withdraw(actor, proposal):
    proposal = NegotiationRound.objects.select_for_update().get(pk=proposal.pk)
    contract = lock(proposal.contract)
    check(actor, contract, "propose")
    if proposal.proposed_by_id != actor.pk or proposal.state != NegotiationRound.State.OPEN:
        raise TransitionError(_("Only an open proposal of your own can be withdrawn."))
    proposal.state = NegotiationRound.State.WITHDRAWN
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.save(update_fields=["state", "answered_by", "answered_at"])
    audit.record(actor, "negotiation.withdraw", proposal.target, None, {"round": proposal.number})
    return proposal


@transaction.atomic
def conclude_negotiation(actor, contract, comment="", *, lock_version=None):
    """The counter-party records agreement: no proposal open, weights adding up."""
    contract = lock(contract, lock_version)
    check(actor, contract, "conclude_negotiation")
    open_rounds = NegotiationRound.objects.filter(contract=contract, state=NegotiationRound.State.OPEN).count()
    if open_rounds:
        raise TransitionError(
            _("%(n)s proposal(s) still wait for an answer; accept, counter or withdraw them first.")
            % {"n": open_rounds}
        )
    problems = _weight_problems(contract)
    if problems:
        raise TransitionError(problems)
    return _move(actor, contract, "conclude_negotiation", Status.AGREED, (comment or "").strip())


# ---------------------------------------------------------------------------------------------
# Vetting


def target_hash(target) -> str:
    """SHA-256 of one target's content as the committee judges it (``content.target_content``)."""
    return content.fingerprint(content.target_content(target))


@transaction.atomic
def vet_target(actor, target, *, smart, aligned, comment=""):
    """Record the committee's finding on one target, on its content as it stands now (a later change
    clears it: ``clear_vetting``). A failing finding needs a comment, and so does a pass of a flagged
    target: the one rule of the vetting form (``findings.finding_problem``), for the API and the page too."""
    contract = lock(target.contract)
    check(actor, contract, "vet_target")
    comment = (comment or "").strip()
    target = content.targets_of(contract).get(pk=target.pk)
    problem = finding_problem(flags(target), bool(smart), bool(aligned), comment)
    if problem:
        raise ValidationError({"comment": problem})
    digest = target_hash(target)
    found, _created = VettingCheck.objects.update_or_create(
        target=target, version=contract.version,
        defaults={"contract": contract, "institution_id": contract.institution_id, "smart": bool(smart),
                  "aligned": bool(aligned), "comment": comment, "checked_by": actor, "content_hash": digest},
    )
    audit.record(actor, "vetting.check", target, None,
                 {"version": contract.version, "smart": bool(smart), "aligned": bool(aligned), "comment": comment,
                  "content_hash": digest})
    return found


def clear_vetting(actor, target, contract=None):
    """A change to ``target``'s content voids the committee's findings on it for the contract's current
    version; it is vetted again. Called by every function that changes a target (``contracts.cycle.targets``)."""
    version = (contract or PerformanceContract.objects.only("version").get(pk=target.contract_id)).version
    found = list(VettingCheck.objects.filter(target_id=target.pk, version=version))
    if not found:
        return 0
    VettingCheck.objects.filter(pk__in=[c.pk for c in found]).delete()
    audit.record(actor, "vetting.cleared", target, {
        "version": version, "smart": found[0].smart, "aligned": found[0].aligned,
        "checked_by": found[0].checked_by_id, "content_hash": found[0].content_hash}, None)
    return len(found)


def vetting_gaps(contract) -> list[str]:
    """What stops approval: targets without a finding on their current content, or failing one."""
    targets = list(content.targets_of(contract))
    checks = {c.target_id: c for c in VettingCheck.objects.filter(contract=contract, version=contract.version)}
    stale = [t for t in targets if t.pk in checks and checks[t.pk].content_hash != target_hash(t)]
    for t in stale:
        del checks[t.pk]
    unchecked = [t for t in targets if t.pk not in checks and t not in stale]
    failed = [t for t in targets if t.pk in checks and not checks[t.pk].passed]
    gaps = []
    if unchecked:
        gaps.append(_("%(n)s target(s) not vetted yet.") % {"n": len(unchecked)})
    if stale:
        gaps.append(_("%(n)s target(s) changed since they were vetted; vet them again.") % {"n": len(stale)})
    if failed:
        gaps.append(_("%(n)s target(s) found not SMART or not aligned; return the contract instead.") % {
            "n": len(failed)})
    return gaps


@transaction.atomic
def approve_vetting(actor, contract, comment="", *, lock_version=None):
    """Every target passed: the content is fixed in a new version with its SHA-256, ready to sign."""
    contract = lock(contract, lock_version)
    check(actor, contract, "approve_vetting")
    gaps = vetting_gaps(contract)
    if gaps:
        raise TransitionError(gaps)
    data = content.contract_content(contract)
    amendment = ContractTransition.objects.filter(contract=contract, action="amend", version=contract.version).first()
    ContractVersion.objects.create(
        contract=contract, institution_id=contract.institution_id, number=contract.version, content=data,
        content_hash=content.fingerprint(data), verify_code=secrets.token_urlsafe(24),
        amendment_reason=amendment.comment if amendment else "",
    )
    # The version to sign, printed before anyone asks.
    events.version_changed.send(sender=PerformanceContract, contract=contract)
    return _move(actor, contract, "approve_vetting", Status.READY_TO_SIGN, (comment or "").strip())


@transaction.atomic
def return_from_vetting(actor, contract, comment, *, lock_version=None):
    contract = lock(contract, lock_version)
    check(actor, contract, "return_from_vetting")
    return _move(actor, contract, "return_from_vetting", Status.NEGOTIATION, _required(comment, _("return it")))


# ---------------------------------------------------------------------------------------------
# After signing (signing itself: contracts.cycle.signing)


def fully_signed(actor, contract):
    """Called by signing once both parties have signed: the signed PDF is queued."""
    steps = [(actor, "sign", Status.SIGNED, "")]
    if timezone.localdate() >= contract.financial_year.start_date:
        steps.append((None, "bring_into_force", Status.IN_FORCE, ""))
    events.version_changed.send(sender=PerformanceContract, contract=contract)
    return _advance(contract, steps)


@transaction.atomic
def bring_into_force(actor, contract):
    contract = lock(contract)
    check(actor, contract, "bring_into_force")
    return _move(actor, contract, "bring_into_force", Status.IN_FORCE)


@transaction.atomic
def close(actor, contract, comment=""):
    contract = lock(contract)
    check(actor, contract, "close")
    return _move(actor, contract, "close", Status.CLOSED, (comment or "").strip())


@transaction.atomic
def amend(actor, contract, reason, *, lock_version=None):
    """Open an amendment of a signed contract (e.g. at mid-year review): a new version goes back to
    negotiation, and is vetted and signed again. The signed version stays as it was."""
    contract = lock(contract, lock_version)
    check(actor, contract, "amend")
    reason = _required(reason, _("amend it"))
    contract.version += 1
    events.version_changed.send(sender=PerformanceContract, contract=contract)  # the new version's draft PDF
    return _move(actor, contract, "amend", Status.NEGOTIATION, reason)


def advance_by_calendar(today=None):
    """Scheduled: bring signed contracts into force when their year starts; close them after it ends."""
    today = today or timezone.localdate()
    started = PerformanceContract.objects.filter(status=Status.SIGNED, financial_year__start_date__lte=today)
    ended = PerformanceContract.objects.filter(status=Status.IN_FORCE, financial_year__end_date__lt=today)
    moved = 0
    for contract in started:
        bring_into_force(None, contract)
        moved += 1
    for contract in ended:
        close(None, contract, _("The financial year ended."))
        moved += 1
    return moved
