"""A contract's content in canonical form: what a signature covers and what a version stores.

Canonical means stable: keys sorted, numbers as plain decimal strings without trailing zeros,
targets in a fixed order, the same bytes on SQLite and PostgreSQL. SHA-256 over those bytes is the
contract's fingerprint; the public verification page recomputes it from the live rows.
"""

import hashlib
import json
from decimal import Decimal

from ..models import PerformanceContract, Target


def _plain(value):
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in {"-0", ""} else text
    return value


def _user(user):
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def targets_of(contract):
    return (
        Target.objects.filter(contract=contract)
        .select_related("perspective", "objective", "indicator")
        .prefetch_related("partner_institutions", "tasks__sub_tasks")
        .order_by("order", "pk")
    )


def target_content(target) -> dict:
    return {
        "id": target.pk,
        "perspective": target.perspective.name if target.perspective_id else None,
        "objective": target.objective.name if target.objective_id else None,
        "indicator": target.indicator.name,
        "description": target.description,
        "unit": target.unit,
        "direction": target.direction,
        "baseline": _plain(target.baseline),
        "target": _plain(target.target_value),
        "criteria": {level: _plain(value) for level, value in target.criteria.items()},
        "weight": _plain(target.weight),
        "budget": _plain(target.budget_allocated),
        "parent": target.parent_id,
        "partners": sorted(p.pk for p in target.partner_institutions.all()),
        "activities": [line.strip() for line in target.activities.splitlines() if line.strip()],
        **_quarters(target),
        **_tasks(target),
    }


def _tasks(target) -> dict:
    """The target's tasks and sub-tasks, when it has any (a plan without them keeps its fingerprint)."""
    tasks = sorted(target.tasks.all(), key=lambda t: (t.order, t.pk))
    if not tasks:
        return {}

    def part(p):
        return {"id": p.pk, "title": p.title, "indicator": p.indicator, "deadline": p.deadline.isoformat(),
                "weight": _plain(p.weight)}

    return {"tasks": [{**part(task), "sub_tasks": [part(sub) for sub in sorted(task.sub_tasks.all(),
                                                                            key=lambda s: (s.order, s.pk))]}
                      for task in tasks]}


def _quarters(target) -> dict:
    """The quarterly phasing, when it is not the even one. An even phasing follows from the baseline
    and the target, which the content already holds, so it adds nothing (and contracts signed before
    targets were phased keep their fingerprint); any other phasing is signed as ``quarters``: the
    cumulative values expected by the end of Q1, Q2 and Q3. A milestone target is phased as the date it
    is expected by instead (``expected_date``, ISO), signed whatever it is."""
    if target.expected_date is not None:
        return {"expected_date": target.expected_date.isoformat()}
    phased = [target.expected_by(period) for period in (1, 2, 3)]
    if phased == [target.even_phasing(period) for period in (1, 2, 3)]:
        return {}
    return {"quarters": [_plain(value) for value in phased]}


def quarters_of(content_target: dict) -> list:
    """[Q1, Q2, Q3, Q4] expected values (plain strings) of a target as content holds it (none for a
    milestone, which is expected by a date)."""
    if "expected_date" in content_target:
        return []
    if "quarters" in content_target:
        return [*content_target["quarters"], content_target.get("target")]
    try:
        start = Decimal(content_target.get("baseline") or 0)
        target = Decimal(content_target["target"])
    except (KeyError, TypeError, ArithmeticError):  # content that names no target value: nothing to phase
        return []
    return [_plain((start + (target - start) * period / 4).quantize(Decimal("0.0001"))) for period in (1, 2, 3)] + [
        content_target["target"]]


def contract_content(contract: PerformanceContract, targets=None) -> dict:
    """Everything the parties sign, as plain JSON data."""
    targets = list(targets_of(contract) if targets is None else targets)
    party = contract.officer or contract.org_unit
    return {
        "contract": {
            "id": contract.pk,
            "version": contract.version,
            "institution": {"id": contract.institution_id, "name": contract.institution.name},
            "financial_year": contract.financial_year.name,
            "level": contract.level,
            "party": str(party) if party else contract.institution.name,
            "title": contract.title,
            "performer": _user(contract.performer),
            "counterparty": _user(contract.counterparty),
            "scheme": contract.scheme,
            "band_table": {"name": contract.band_table_name, "version": contract.band_table_version},
            "bands": contract.bands,
            "category_weights": contract.category_weights,
        },
        "targets": [target_content(t) for t in targets],
    }


def canonical_bytes(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(content: dict) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def diff(old: dict, new: dict) -> dict:
    """What changed between two versions' content: contract fields, and targets added, removed, changed."""
    contract_changes = {
        key: (old["contract"].get(key), new["contract"].get(key))
        for key in sorted(set(old["contract"]) | set(new["contract"]))
        if key != "version" and old["contract"].get(key) != new["contract"].get(key)
    }
    before = {t["id"]: t for t in old["targets"]}
    after = {t["id"]: t for t in new["targets"]}
    changed = []
    for pk in before.keys() & after.keys():
        fields = {
            key: (before[pk].get(key), after[pk].get(key))
            for key in sorted(set(before[pk]) | set(after[pk]))
            if before[pk].get(key) != after[pk].get(key)
        }
        if fields:
            changed.append({"target": after[pk], "fields": fields})
    return {
        "contract": contract_changes,
        "added": [after[pk] for pk in sorted(after.keys() - before.keys())],
        "removed": [before[pk] for pk in sorted(before.keys() - after.keys())],
        "changed": sorted(changed, key=lambda c: c["target"]["id"]),
    }
