"""The summary table: a contract's scores for one quarter, computed from verified actuals only.

``compute`` is arithmetic over plain data (the scoring engine does every score); ``store`` writes
the one ``ContractScore`` row and changes nothing when the figures are the same, so verifying the
same value twice leaves the row (and its ``updated_at``) untouched. ``contracts.monitoring``
gathers the data and calls these; dashboards read only the table.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from . import scoring
from .models import ContractScore

ZERO = Decimal(0)


@dataclass
class TargetData:
    """One target as the summary needs it. ``item`` is the engine's item with the verified actual
    (``None`` values mean no verified actual yet)."""

    id: int
    description: str
    weight: Decimal
    item: dict
    verified: bool
    perspective_id: int | None = None
    perspective: str = ""
    budget_allocated: Decimal | None = None
    budget_spent: Decimal | None = None
    partners: tuple = ()  # ((institution id, name), ...) sharing a whole-of-government target
    actual: Decimal | None = None
    target_value: Decimal | None = None
    unit: str = ""
    #: the engine's item judging the actual against the value expected by the end of the quarter, for the
    #: target's status (None: the status is the score's own tone)
    judged: dict | None = None


def tone_for(grade, bands) -> str:
    """Red/amber/green for a grade: the two best bands green, the middle amber, the rest red."""
    names = [b.get("grade") for b in bands or []]
    if grade not in names:
        return ""
    position = names.index(grade)
    return "green" if position <= 1 else "amber" if position == 2 else "red"


def raw_score(scheme: str, item: dict) -> Decimal | None:
    """One item's raw score on its own (weight 100), or None when it cannot be scored."""
    return _scored_alone(scheme, item)[0]


def _scored_alone(scheme: str, item: dict) -> tuple[Decimal | None, list]:
    """(raw score of the item on its own, the engine's messages when it refuses the item)."""
    engine = scoring.SCHEMES.get(scheme)
    if engine is None:
        return None, []
    single = {**item, "weight": 100} if engine.uses_weights else {k: v for k, v in item.items() if k != "weight"}
    try:
        return scoring.quantize4(engine.score({"items": [single]}).items[0].raw), []
    except scoring.ScoringValidationError as exc:
        return None, [m for messages in exc.errors.values() for m in messages]
    except (ValueError, TypeError, KeyError):
        return None, []


def grade_and_tone(scheme, bands, value):
    if value is None:
        return "", ""
    try:
        grade = scoring.grade_for(value, bands, scheme)
    except (ValueError, KeyError, TypeError):
        return "", ""
    return grade, tone_for(grade, bands)


def _text(value):
    return None if value is None else str(value)


def compute(scheme: str, bands: list, targets: list[TargetData], perspective_order=()) -> dict:
    """Composite, grade, per-perspective scores and per-target rows from verified actuals.

    When every target has a verified actual the composite is the engine's own and ``final`` is
    true; before then it is the composite so far, the weighted mean of the scored targets (none
    while the weights do not add up to 100, since the engine would refuse the whole set)."""
    engine = scoring.SCHEMES.get(scheme)
    uses_weights = engine is not None and engine.uses_weights
    rows, scored, raws = [], [], {}
    counts = {"green": 0, "amber": 0, "red": 0}
    for t in targets:
        raw, errors = _scored_alone(scheme, t.item) if t.verified else (None, [])
        raws[t.id] = raw
        grade, tone = grade_and_tone(scheme, bands, raw)
        status = tone
        # A target is judged against the quarter once verified; one judged with nothing verified is a
        # milestone overdue and unreported (``contracts.scores.judged_actual``): off track all the same.
        if t.judged is not None:
            status = grade_and_tone(scheme, bands, _scored_alone(scheme, t.judged)[0])[1]
        if status:
            counts[status] += 1
        if raw is not None:
            scored.append((t, raw))
        weighted = scoring.quantize4(scoring.weighted(raw, t.weight)) if raw is not None and uses_weights else None
        rows.append({
            "id": t.id, "description": t.description, "weight": str(t.weight), "perspective": t.perspective,
            "actual": _text(t.actual), "target": _text(t.target_value), "unit": t.unit,
            "raw": _text(raw), "weighted": _text(weighted), "grade": grade, "tone": tone, "status": status,
            "budget_allocated": _text(t.budget_allocated), "budget_spent": _text(t.budget_spent),
            "partners": [{"id": pk, "name": name} for pk, name in t.partners],
            **({"errors": errors} if errors else {}),
        })
    composite, final = None, False
    if targets and len(scored) == len(targets):
        payload = {"scheme": scheme, "bands": bands, "items": [t.item for t in targets]}
        try:
            composite, final = scoring.evaluate(payload)["composite"], True
        except scoring.ScoringValidationError:
            # A scheme without weights whose full request the engine refuses: the mean, as so far.
            if not uses_weights and engine is not None:
                composite = scoring.quantize4(scoring.weighted_mean((raw, t.weight) for t, raw in scored))
    elif scored and engine is not None:
        total = sum((t.weight for t in targets), ZERO)
        if not uses_weights or total == 100:
            composite = scoring.quantize4(scoring.weighted_mean((raw, t.weight) for t, raw in scored))
    grade, tone = grade_and_tone(scheme, bands, composite)

    groups: dict = {}
    for t in targets:
        group = groups.setdefault(t.perspective_id, {"name": t.perspective, "weight": ZERO, "pairs": [],
                                                     "complete": True})
        group["weight"] += t.weight
        if raws[t.id] is not None:
            group["pairs"].append((raws[t.id], t.weight))
        else:
            group["complete"] = False
    order = {pk: i for i, pk in enumerate(perspective_order)}
    perspectives = []
    for key in sorted(groups, key=lambda k: (k is None, order.get(k, len(order)), groups[k]["name"])):
        group = groups[key]
        mean = scoring.weighted_mean(group["pairs"])
        score = None if mean is None else scoring.quantize4(mean)
        # The perspective's share of the composite, once each of its targets is scored.
        share = (scoring.quantize4(scoring.composite(scoring.weighted(r, w) for r, w in group["pairs"]))
                 if uses_weights and group["complete"] else None)
        g, t = grade_and_tone(scheme, bands, score)
        perspectives.append({"id": key, "name": group["name"], "weight": str(group["weight"]),
                             "score": _text(score), "weighted": _text(share), "grade": g, "tone": t})

    lower = engine is not None and engine.direction == scoring.LOWER_IS_BETTER
    allocated = [t.budget_allocated for t in targets if t.budget_allocated is not None]
    spent = [t.budget_spent for t in targets if t.verified and t.budget_spent is not None]
    return {
        "scheme": scheme,
        "composite": composite,
        "final": final,
        "standing": None if composite is None else (-composite if lower else composite),
        "grade": grade,
        "tone": tone,
        "perspectives": perspectives,
        "targets": rows,
        "targets_total": len(targets),
        "targets_verified": len(scored),
        "budget_allocated": scoring.quantize4(sum(allocated, ZERO)) if allocated else None,
        "budget_spent": scoring.quantize4(sum(spent, ZERO)) if spent else None,
        **counts,
    }


def _same(row, values):
    for name, value in values.items():
        current = getattr(row, name)
        if isinstance(current, Decimal) and value is not None:
            value = Decimal(value).quantize(Decimal("0.0001"))
        if current != value:
            return False
    return True


@transaction.atomic(savepoint=False)  # part of the change that moved the figures; fails with it
def store(contract, period: int, values: dict, reporting: str) -> tuple[ContractScore, bool]:
    """Write ``contract``'s row for ``period``; (row, changed). Same figures: nothing is written."""
    # ``final`` follows from the counts (ContractScore.final); the table does not store it twice.
    values = {**{k: v for k, v in values.items() if k != "final"}, "reporting": reporting}
    row = ContractScore.objects.select_for_update().filter(contract=contract, period=period).first()
    if row is not None and _same(row, values):
        return row, False
    if row is None:
        row = ContractScore(
            contract=contract, period=period, institution_id=contract.institution_id,
            financial_year_id=contract.financial_year_id, year_start=contract.financial_year.start_date.year,
            level=contract.level,
        )
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return row, True
