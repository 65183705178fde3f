"""A contract's scorecard: each target's raw and weighted score, the composite and the grade.

Every figure comes from ``scorecards.scoring``; this module only turns stored targets into the
engine's input and its output into rows. No queries: the caller passes what it loaded.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from scorecards import scoring

from . import cascade


@dataclass
class ScoreRow:
    target: object
    raw: Decimal | None = None
    weighted: Decimal | None = None
    grade: str | None = None  # the grade the raw score alone would earn
    tone: str = ""
    errors: list = field(default_factory=list)


@dataclass
class Group:
    perspective: object  # None: targets without a perspective
    rows: list
    weight: Decimal
    weighted: Decimal | None  # the group's share of the composite, when every row is scored


@dataclass
class Scorecard:
    contract: object
    groups: list
    composite: Decimal | None
    grade: str | None
    grade_tone: str
    pending: int  # targets without an actual yet
    target_count: int
    problems: list  # contract-level messages (weights, bands)
    shows_criteria: bool
    lower_is_better: bool


def scoring_item(scheme: str, target) -> dict:
    """A target as one item of the engine's request for ``scheme``."""
    item = {"id": target.pk, "weight": target.weight}
    actual = target.actual
    if scheme == "kenya_pc":
        item.update(direction=target.direction, criteria=target.criteria, actual=actual)
    elif scheme == "percent_achievement":
        item.update(direction=target.direction, target=target.target_value, actual=actual)
    elif scheme == "likert_5":
        item["rating"] = actual
    elif scheme == "pepmis":
        item["score"] = actual
    elif scheme == "opras":
        del item["weight"]
        item["mark"] = actual
    return item


ITEM_PATH = re.compile(r"^items\[(\d+)\]")


def grade_tone(grade, bands) -> str:
    """Badge colour for a grade: the two best bands green, the middle amber, the rest red."""
    names = [b.get("grade") for b in bands]
    if grade not in names:
        return ""
    position = names.index(grade)
    return "green" if position <= 1 else "amber" if position == 2 else "red"


def score(contract, targets, perspectives) -> Scorecard:
    """Score ``contract``'s ``targets`` (perspectives: its year's, for the weight rules)."""
    targets = list(targets)
    rows = {t.pk: ScoreRow(t) for t in targets}
    scheme = contract.scheme
    problems = cascade.weight_problems(contract, targets, perspectives) if targets else []
    pending = sum(1 for t in targets if t.actual is None)
    composite = grade = None
    items = [scoring_item(scheme, t) for t in targets]

    if targets and not pending:
        payload = {"scheme": scheme, "bands": contract.bands, "items": items}
        try:
            result = scoring.evaluate(payload)
        except scoring.ScoringValidationError as exc:
            for path, messages in exc.errors.items():
                match = ITEM_PATH.match(path)
                if match:
                    rows[targets[int(match.group(1))].pk].errors.extend(messages)
                elif path != "weights":  # weight totals are already explained in problems
                    problems.extend(messages)
        else:
            for out in result["items"]:
                rows[out["id"]].raw, rows[out["id"]].weighted = out["raw"], out.get("weighted")
            composite, grade = result["composite"], result["grade"]

    # Targets not scored above (some actuals missing, or the contract as a whole does not
    # score yet): each on its own, with weight 100, then weighted by its own weight.
    engine = scoring.SCHEMES.get(scheme)
    for t, item in zip(targets, items, strict=True):
        row = rows[t.pk]
        if row.raw is not None or row.errors or t.actual is None or engine is None:
            continue
        single = {"items": [{**item, "weight": 100}]} if engine.uses_weights else {"items": [item]}
        try:
            raw = engine.score(single).items[0].raw
        except scoring.ScoringValidationError as exc:
            row.errors.extend(m for messages in exc.errors.values() for m in messages)
            continue
        row.raw = scoring.quantize4(raw)
        if engine.uses_weights:
            row.weighted = scoring.quantize4(scoring.weighted(raw, t.weight))

    for row in rows.values():
        if row.raw is not None and engine is not None:
            try:
                row.grade = scoring.grade_for(row.raw, contract.bands, scheme)
            except (ValueError, KeyError, TypeError):
                row.grade = None
            row.tone = grade_tone(row.grade, contract.bands)

    groups = _group(targets, rows, perspectives)
    return Scorecard(
        contract=contract,
        groups=groups,
        composite=composite,
        grade=grade,
        grade_tone=grade_tone(grade, contract.bands),
        pending=pending,
        target_count=len(targets),
        problems=problems,
        shows_criteria=scheme == "kenya_pc",
        lower_is_better=engine is not None and engine.direction == scoring.LOWER_IS_BETTER,
    )


def _group(targets, rows, perspectives):
    order = {p.pk: i for i, p in enumerate(perspectives)}
    buckets: dict = {}
    for t in targets:
        buckets.setdefault(t.perspective_id, []).append(t)
    groups = []
    for key in sorted(buckets, key=lambda k: (k is None, order.get(k, len(order)))):
        members = buckets[key]
        group_rows = [rows[t.pk] for t in members]
        scored = [r.weighted for r in group_rows]
        groups.append(Group(
            perspective=members[0].perspective if key is not None else None,
            rows=group_rows,
            weight=sum((t.weight for t in members), Decimal(0)),
            weighted=scoring.quantize4(scoring.composite(scored)) if all(w is not None for w in scored) else None,
        ))
    return groups

