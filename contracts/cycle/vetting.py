"""Vetting on one form: what the committee can see is inconsistent in a target before it passes it
(``findings.flags``), and every target's finding saved at once (``save_findings``).

A flagged target may still pass, but only with a comment saying why: the committee has seen the flag.
The single-target step (``workflow.vet_target``, which the API and the target page use), approval and
return stay in ``workflow``; the single-target step asks the same ``finding_problem``.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pmis import audit
from scorecards.models import Perspective

from ..models import VettingCheck
from . import cascade, content
from .findings import finding_problem, flags
from .workflow import check, lock, target_hash


def contract_flags(contract, targets) -> list[str]:
    """What does not add up across the contract: weights that do not sum (``cascade.weight_problems``)."""
    return cascade.weight_problems(
        contract, targets, list(Perspective.objects.filter(financial_year_id=contract.financial_year_id)))


@dataclass
class SavedFindings:
    """What ``save_findings`` did: findings written, and the rows refused ({target id: message})."""

    written: int = 0
    errors: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors


def save_findings(actor, contract, values: dict, *, lock_version=None) -> SavedFindings:
    """Record the committee's findings on every target from the one vetting form. ``values`` is
    {target id: {"smart": bool, "aligned": bool, "comment": str}}. A row left blank (nothing ticked,
    no comment, no finding yet) is skipped; a row that cannot be recorded (``finding_problem``) is
    reported in ``errors`` and the others are stored, so a draft keeps what was decided.

    A bounded number of queries whatever the number of targets: the targets and findings are read
    once, new findings inserted and changed ones updated in one statement each, their audit events
    written together."""
    with audit.together(), transaction.atomic():
        return _save_findings(actor, contract, values, lock_version)


def _save_findings(actor, contract, values, lock_version):
    contract = lock(contract, lock_version)
    check(actor, contract, "vet_target")
    existing = {c.target_id: c for c in VettingCheck.objects.filter(contract=contract, version=contract.version)}
    result = SavedFindings()
    now = timezone.now()
    created, changed = [], []
    for target in content.targets_of(contract):
        row = values.get(target.pk) or values.get(str(target.pk))
        if row is None:
            continue
        smart, aligned = bool(row.get("smart")), bool(row.get("aligned"))
        comment = (row.get("comment") or "").strip()
        found = existing.get(target.pk)
        if found is None and not (smart or aligned or comment):
            continue
        problem = finding_problem(flags(target), smart, aligned, comment)
        if problem:
            result.errors[target.pk] = problem
            continue
        digest = target_hash(target)
        if found is not None:
            if (found.smart, found.aligned, found.comment, found.content_hash) == (smart, aligned, comment, digest):
                continue
            before = {"smart": found.smart, "aligned": found.aligned, "comment": found.comment,
                      "content_hash": found.content_hash}
            changed.append((found, target, before))
        else:
            found = VettingCheck(contract=contract, target=target, institution_id=contract.institution_id,
                                 version=contract.version)
            created.append((found, target))
        found.smart, found.aligned, found.comment, found.content_hash = smart, aligned, comment, digest
        found.checked_by, found.checked_at = actor, now
    if created:
        VettingCheck.objects.bulk_create([f for f, _t in created])
    if changed:
        VettingCheck.objects.bulk_update([f for f, _t, _b in changed],
                                         ["smart", "aligned", "comment", "content_hash", "checked_by", "checked_at"])
    for found, target, *before in [*created, *changed]:
        audit.record(actor, "vetting.check", target, before[0] if before else None,
                     {"version": contract.version, "smart": found.smart, "aligned": found.aligned,
                      "comment": found.comment, "content_hash": found.content_hash})
    result.written = len(created) + len(changed)
    return result


def rows(contract, posted=None, errors=None):
    """The vetting form's rows in a fixed number of queries: each target, its finding, what the form
    shows (typed values after an error, the stored finding otherwise), its flags and its error."""
    targets = list(content.targets_of(contract).select_related("parent"))
    existing = {c.target_id: c for c in VettingCheck.objects.filter(
        contract=contract, version=contract.version).select_related("checked_by")}
    errors = errors or {}
    result = []
    for t in targets:
        found = existing.get(t.pk)
        if posted is not None and t.pk in posted:
            shown = posted[t.pk]
        elif found is not None:
            shown = {"smart": found.smart, "aligned": found.aligned, "comment": found.comment}
        else:
            shown = {"smart": False, "aligned": False, "comment": ""}
        stale = found is not None and found.content_hash != target_hash(t)
        result.append({"target": t, "finding": found, "values": shown, "flags": flags(t),
                       "error": errors.get(t.pk), "stale": stale})
    return targets, result
