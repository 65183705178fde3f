"""A contract's scorecard: each target's raw and weighted score, the composite and the grade.

Every figure comes from ``contracts.scores`` (the one score read path, which asks the engine); this
module only lays them out beside the targets. No queries: the caller passes what it loaded.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from scorecards import scoring

from .cycle import cascade


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
    final: bool = False  # every target scored; otherwise the composite is one so far
    period: int | None = None  # the quarter the figures run to (None: the targets' actuals)


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


def grade_tone(grade, bands) -> str:
    """Badge colour for a grade: the two best bands green, the middle amber, the rest red."""
    names = [b.get("grade") for b in bands]
    if grade not in names:
        return ""
    position = names.index(grade)
    return "green" if position <= 1 else "amber" if position == 2 else "red"


def from_score(contract, targets, perspectives, result) -> Scorecard:
    """The page's card for ``contract``: its ``targets`` (loaded, in page order) beside ``result``
    (a ``contracts.scores.Score``, the one score read path). Perspectives: its year's, for the weight rules."""
    targets = list(targets)
    problems = cascade.weight_problems(contract, targets, perspectives) if targets else []
    rows = {}
    for t in targets:
        figures = result.by_target.get(t.pk, {})
        raw, weighted = figures.get("raw"), figures.get("weighted")
        rows[t.pk] = ScoreRow(
            t, raw=None if raw is None else Decimal(raw), weighted=None if weighted is None else Decimal(weighted),
            grade=figures.get("grade") or None, tone=figures.get("tone", ""), errors=list(figures.get("errors", [])))
    engine = scoring.SCHEMES.get(contract.scheme)
    return Scorecard(
        contract=contract,
        groups=_group(targets, rows, perspectives, result),
        composite=result.composite,
        grade=result.grade or None,
        grade_tone=grade_tone(result.grade, contract.bands),
        pending=result.pending,
        target_count=len(targets),
        problems=problems,
        shows_criteria=contract.scheme == "kenya_pc",
        lower_is_better=engine is not None and engine.direction == scoring.LOWER_IS_BETTER,
        final=result.final,
        period=result.period,
    )


def _group(targets, rows, perspectives, result):
    order = {p.pk: i for i, p in enumerate(perspectives)}
    shares = {p["id"]: p.get("weighted") for p in result.perspectives}
    buckets: dict = {}
    for t in targets:
        buckets.setdefault(t.perspective_id, []).append(t)
    groups = []
    for key in sorted(buckets, key=lambda k: (k is None, order.get(k, len(order)))):
        members = buckets[key]
        share = shares.get(key)
        groups.append(Group(
            perspective=members[0].perspective if key is not None else None,
            rows=[rows[t.pk] for t in members],
            weight=sum((t.weight for t in members), Decimal(0)),
            weighted=None if share is None else Decimal(share),
        ))
    return groups
