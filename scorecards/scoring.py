"""Scoring engine for performance contracts and appraisals.

Pure Python on purpose (stdlib only, no Django): the what-if API, the contract
models and the tests all share this one implementation of the arithmetic in
the scoring methodology (methodology.md), and it must be importable without settings.

Every scheme is a function ``payload -> ScoreResult`` registered in ``SCHEMES``;
``evaluate`` is the what-if API contract on top of them. Validation collects
every problem into ``ScoringValidationError.errors`` ({field path: [messages]})
so a user can fix a whole form in one go.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any

__all__ = [
    "BAND_TABLE_SCHEME",
    "CRITERIA_LEVELS",
    "DEFAULT_BANDS",
    "DEFAULT_CAP",
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "SCHEMES",
    "Scheme",
    "ScoreResult",
    "ScoredItem",
    "ScoringValidationError",
    "composite",
    "evaluate",
    "grade_for",
    "kenya_pc",
    "kenya_pc_raw",
    "likert_5",
    "opras",
    "pepmis",
    "percent_achievement",
    "percent_raw",
    "quantize4",
    "validate_bands",
    "weighted",
]

LOWER_IS_BETTER = "lower_is_better"
HIGHER_IS_BETTER = "higher_is_better"

# Per-target direction (kenya_pc and percent_achievement items).
HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)

CRITERIA_LEVELS = ("excellent", "very_good", "good", "fair", "poor")
DEFAULT_CAP = Decimal(120)

FOUR_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)

# Generous precision so intermediate values never lose digits that could
# change a 4-dp result; traps turn silent NaN/overflow into exceptions.
_CTX = Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

# Input bounds keep every result far inside _CTX's precision (the largest
# possible value, an uncapped percentage, stays below 10**40).
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 20

# Plain decimal notation only: Decimal() alone would also accept "NaN",
# "Infinity" and "1_000", none of which a user means as a score.
_NUMERIC_STRING = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class ScoringValidationError(ValueError):
    """Bad scoring input. ``errors`` maps a field path to a list of messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]):
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in errors.items()}
        summary = "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in self.errors.items())
        super().__init__(summary or "Invalid scoring input.")


@dataclass(frozen=True)
class ScoredItem:
    """One item's score, unrounded (round with quantize4 for display)."""

    id: Any
    raw: Decimal
    weighted: Decimal | None  # None for schemes without weights (opras)


@dataclass(frozen=True)
class ScoreResult:
    items: tuple[ScoredItem, ...]
    composite: Decimal  # unrounded


@dataclass(frozen=True)
class Scheme:
    name: str
    direction: str  # LOWER_IS_BETTER or HIGHER_IS_BETTER
    best: Decimal | None  # None: open-ended (percent; the request's cap sets it)
    worst: Decimal
    default_bands: tuple[tuple[str, Decimal], ...]  # (grade, limit), best first
    uses_weights: bool
    score: Callable[[Mapping[str, Any]], ScoreResult]

    def reaches(self, value: Decimal, limit: Decimal) -> bool:
        """True if ``value`` is at least as good as ``limit`` on this scale."""
        if self.direction == LOWER_IS_BETTER:
            return value <= limit
        return value >= limit


# --------------------------------------------------------------------------
# Numbers and small helpers
# --------------------------------------------------------------------------


def _describe(value: Any) -> str:
    """Short rendering of a user's value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f'"{text}"'
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return repr(value)


def _fmt(value: Decimal) -> str:
    """Decimal as plain text without trailing zeros: 95, 2.4, 0.0001."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _to_decimal(value: Any) -> Decimal:
    """Convert a JSON number or numeric string to Decimal.

    Raises ValueError whose message completes a sentence starting with the
    field's label, e.g. "must be a number, ...".
    """
    if isinstance(value, bool) or value is None:
        # bool is an int subclass; True as a weight is always a mistake.
        raise ValueError(f'must be a number, such as 7 or "7.25"; got {_describe(value)}.')
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        # str() first so a float like 0.1 becomes Decimal("0.1"), not its
        # binary expansion.
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMERIC_STRING.fullmatch(value.strip()):
        number = Decimal(value.strip())
    else:
        raise ValueError(f'must be a number, such as 7 or "7.25"; got {_describe(value)}.')
    if not number.is_finite():
        raise ValueError(f"must be a finite number; got {_describe(value)}.")
    _, digits, exponent = number.as_tuple()
    # Ignore trailing zeros: "1.000" has no real decimal places.
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        raise ValueError(f"is too large; use at most {MAX_INTEGER_DIGITS} digits before the decimal point.")
    if -exponent > MAX_DECIMAL_PLACES:
        raise ValueError(f"has too many decimal places; use at most {MAX_DECIMAL_PLACES}.")
    return number


def quantize4(x: Any) -> Decimal:
    """Round half-up to 4 decimal places (the only rounding the engine does)."""
    value = x if isinstance(x, Decimal) else _to_decimal(x)
    with localcontext(_CTX):
        return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def weighted(raw: Any, weight: Any) -> Decimal:
    """raw × weight / 100 (weights are percentages), unrounded."""
    with localcontext(_CTX):
        return _as_decimal(raw) * _as_decimal(weight) / HUNDRED


def composite(weighted_list: Sequence[Any]) -> Decimal:
    """Sum of the unrounded weighted scores, unrounded."""
    with localcontext(_CTX):
        return sum((_as_decimal(w) for w in weighted_list), Decimal(0))


def weighted_mean(pairs: Sequence[tuple[Any, Any]]) -> Decimal | None:
    """Σ raw × weight / Σ weight over (raw, weight), unrounded: a composite so far, over the items
    scored yet. The plain mean when no weight is positive; None for no items."""
    pairs = list(pairs)
    if not pairs:
        return None
    with localcontext(_CTX):
        total = sum((_as_decimal(w) for _, w in pairs), Decimal(0))
        if total > 0:
            return sum((_as_decimal(r) * _as_decimal(w) for r, w in pairs), Decimal(0)) / total
        return sum((_as_decimal(r) for r, _ in pairs), Decimal(0)) / len(pairs)


def _as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else _to_decimal(value)


def _direction_sign(direction: str) -> int:
    if direction == HIGHER:
        return 1
    if direction == LOWER:
        return -1
    raise ValueError(f"Direction must be 'higher' or 'lower'; got {direction!r}.")


def _criteria_problem(values: Sequence[Decimal], direction: str) -> str | None:
    """Message if criteria values are not strictly monotonic, else None."""
    sign = _direction_sign(direction)
    for i in range(len(CRITERIA_LEVELS) - 1):
        name_a, name_b = CRITERIA_LEVELS[i], CRITERIA_LEVELS[i + 1]
        a, b = values[i], values[i + 1]
        # After multiplying by sign, "higher" and "lower" both need a > b.
        if not sign * a > sign * b:
            relation = "below" if direction == HIGHER else "above"
            order = "fall" if direction == HIGHER else "rise"
            return (
                f"For a '{direction}' target the criteria values must {order} "
                f"strictly from excellent to poor; {name_b} ({_fmt(b)}) is not "
                f"{relation} {name_a} ({_fmt(a)})."
            )
    return None


def _interpolate(values: Sequence[Decimal], actual: Decimal, direction: str) -> Decimal:
    # Mirror "lower" targets onto "higher" ones: the formula is unchanged
    # because numerator and denominator both flip sign.
    sign = _direction_sign(direction)
    if sign * actual >= sign * values[0]:
        return Decimal(1)
    if sign * actual <= sign * values[-1]:
        return Decimal(5)
    with localcontext(_CTX):
        for k in range(1, 5):
            c_k, c_next = values[k - 1], values[k]
            if sign * c_k >= sign * actual > sign * c_next:
                return k + (c_k - actual) / (c_k - c_next)
    raise AssertionError("unreachable: actual lies between excellent and poor")


def kenya_pc_raw(criteria: Mapping[str, Any], actual: Any, direction: str) -> Decimal:
    """Raw kenya_pc score (1 best … 5 worst) by linear interpolation, unrounded.

    ``criteria`` maps excellent, very_good, good, fair, poor to values.
    Raises ValueError on missing levels or non-monotonic criteria.
    """
    missing = [level for level in CRITERIA_LEVELS if level not in criteria]
    if missing:
        raise ValueError(f"Criteria are missing: {', '.join(missing)}.")
    values = [_as_decimal(criteria[level]) for level in CRITERIA_LEVELS]
    problem = _criteria_problem(values, direction)
    if problem:
        raise ValueError(problem)
    return _interpolate(values, _as_decimal(actual), direction)


def _percent(target: Decimal, actual: Decimal, direction: str, cap: Decimal | None) -> Decimal:
    with localcontext(_CTX):
        if direction == HIGHER:
            pct = actual / target * HUNDRED
        elif actual <= 0:
            # Nothing of a lower-is-better quantity (no complaints, no
            # cost) is the best possible outcome: it earns the cap.
            if cap is None:
                raise ValueError(
                    f"An actual of {_fmt(actual)} on a lower-is-better target needs a cap, because it earns the cap."
                )
            return cap
        else:
            pct = target / actual * HUNDRED
        pct = max(pct, Decimal(0))
        return pct if cap is None else min(pct, cap)


def percent_raw(target: Any, actual: Any, direction: str, cap: Any = DEFAULT_CAP) -> Decimal:
    """Achievement % floored at 0 and capped at ``cap`` (None: no cap), unrounded."""
    _direction_sign(direction)
    target_d = _as_decimal(target)
    if target_d <= 0:
        raise ValueError("Target must be greater than 0.")
    cap_d = None if cap is None else _as_decimal(cap)
    return _percent(target_d, _as_decimal(actual), direction, cap_d)


# --------------------------------------------------------------------------
# Validation plumbing
# --------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(message)

    def merge(self, other: Mapping[str, Sequence[str]]) -> None:
        for path, messages in other.items():
            for message in messages:
                self.add(path, message)

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ScoringValidationError(self.by_path)


_MISSING = object()


def _read_number(obj: Mapping[str, Any], key: str, path: str, label: str, errors: _Errors) -> Decimal | None:
    value = obj.get(key)
    if value is None:
        errors.add(path, f"{label} is required.")
        return None
    try:
        return _to_decimal(value)
    except ValueError as exc:
        errors.add(path, f"{label} {exc}")
        return None


def _read_in_range(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    label: str,
    low: int,
    high: int,
    errors: _Errors,
) -> Decimal | None:
    value = _read_number(obj, key, path, label, errors)
    if value is not None and not low <= value <= high:
        errors.add(path, f"{label} must be between {low} and {high}; got {_fmt(value)}.")
        return None
    return value


def _read_direction(item: Mapping[str, Any], path: str, errors: _Errors) -> str | None:
    direction = item.get("direction")
    if direction is None:
        return HIGHER  # the methodology's default when omitted
    if direction not in DIRECTIONS:
        errors.add(
            f"{path}.direction",
            f"Direction must be 'higher' (more is better) or 'lower' (less is better); got {_describe(direction)}.",
        )
        return None
    return direction


def _read_list(payload: Mapping[str, Any], key: str, label: str, errors: _Errors) -> list[Mapping[str, Any]] | None:
    """The list under ``key``, with non-object entries reported and dropped."""
    value = payload.get(key)
    if value is None:
        errors.add(key, f"{label} are required; add at least one.")
        return None
    if not isinstance(value, list):
        errors.add(key, f"{label} must be a list of objects; got {_describe(value)}.")
        return None
    if not value:
        errors.add(key, f"{label} must not be empty; add at least one.")
        return None
    return value


def _read_entries(
    payload: Mapping[str, Any], key: str, label: str, errors: _Errors
) -> list[tuple[str, Any, Mapping[str, Any]]] | None:
    """(path, id, entry) for each entry of a list of identified objects.

    Checks shape and ids (present, scalar, unique). Returns None when the
    list itself is unusable; entries that are not objects are skipped.
    """
    entries = _read_list(payload, key, label, errors)
    if entries is None:
        return None
    noun = label.lower().removesuffix("s")  # "Items" -> "item"
    result = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        path = f"{key}[{index}]"
        if not isinstance(entry, Mapping):
            errors.add(path, f"Each {noun} must be an object; got {_describe(entry)}.")
            continue
        item_id = entry.get("id")
        if item_id is None:
            errors.add(f"{path}.id", f"Id is required; give each {noun} a unique id.")
        elif isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
            errors.add(
                f"{path}.id",
                f"Id must be text or a whole number; got {_describe(item_id)}.",
            )
        elif isinstance(item_id, str) and not item_id.strip():
            errors.add(f"{path}.id", "Id must not be blank.")
        else:
            # Compare as text: ids 1 and "1" would be indistinguishable in a
            # table of results.
            key_text = str(item_id).strip()
            if key_text in seen:
                errors.add(
                    f"{path}.id",
                    f"Id {_describe(item_id)} is used more than once (also by {seen[key_text]}); ids must be unique.",
                )
            else:
                seen[key_text] = path
        result.append((path, item_id, entry))
    return result


RawParser = Callable[[Mapping[str, Any], str, _Errors], Decimal | None]


def _score_weighted(payload: Mapping[str, Any], parse_raw: RawParser, errors: _Errors) -> ScoreResult:
    """Shared skeleton of the weighted schemes: ids, weights, composite."""
    entries = _read_entries(payload, "items", "Items", errors)
    if entries is None:  # the list itself is unusable; its error is recorded
        raise ScoringValidationError(errors.by_path)
    scored = []
    weights: list[Decimal] = []
    weights_complete = len(entries) == len(payload["items"])
    for path, item_id, item in entries:
        weight = _read_number(item, "weight", f"{path}.weight", "Weight", errors)
        if weight is not None and weight < 0:
            errors.add(f"{path}.weight", f"Weight cannot be negative; got {_fmt(weight)}.")
            weight = None
        if weight is None:
            weights_complete = False
        else:
            weights.append(weight)
        raw = parse_raw(item, path, errors)
        scored.append((item_id, weight, raw))
    # A total is only meaningful once every weight is a valid number.
    if weights_complete:
        total = sum(weights, Decimal(0))
        if total != HUNDRED:
            errors.add("weights", f"Weights must add up to 100; they add up to {_fmt(total)}.")
    errors.raise_if_any()
    items = tuple(ScoredItem(item_id, raw, weighted(raw, weight)) for item_id, weight, raw in scored)
    return ScoreResult(items, composite([item.weighted for item in items]))


def _require_mapping(payload: Any) -> None:
    if not isinstance(payload, Mapping):
        message = f"The request must be a JSON object with a scheme and items; got {_describe(payload)}."
        raise ScoringValidationError({"non_field_errors": [message]})


# --------------------------------------------------------------------------
# Schemes
# --------------------------------------------------------------------------


def kenya_pc(payload: Mapping[str, Any]) -> ScoreResult:
    """Kenya PC: interpolate each actual between its five criteria values."""
    _require_mapping(payload)

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        direction = _read_direction(item, path, errors)
        values = _read_criteria(item, path, direction, errors)
        actual = _read_number(item, "actual", f"{path}.actual", "Actual", errors)
        if direction is None or values is None or actual is None:
            return None
        return _interpolate(values, actual, direction)

    return _score_weighted(payload, parse, _Errors())


def _read_criteria(item: Mapping[str, Any], path: str, direction: str | None, errors: _Errors) -> list[Decimal] | None:
    criteria = item.get("criteria")
    if not isinstance(criteria, Mapping):
        shape = "an object with excellent, very_good, good, fair and poor values"
        if criteria is None:
            message = f"Criteria are required: {shape}."
        else:
            message = f"Criteria must be {shape}; got {_describe(criteria)}."
        errors.add(f"{path}.criteria", message)
        return None
    values = []
    for level in CRITERIA_LEVELS:
        label = f"The {level.replace('_', ' ')} criteria value"
        value = _read_number(criteria, level, f"{path}.criteria.{level}", label, errors)
        if value is not None:
            values.append(value)
    if len(values) != len(CRITERIA_LEVELS) or direction is None:
        return None
    problem = _criteria_problem(values, direction)
    if problem:
        errors.add(f"{path}.criteria", problem)
        return None
    return values


def percent_achievement(payload: Mapping[str, Any]) -> ScoreResult:
    """Kenya SPAS style: achievement % of target, floored at 0 and capped."""
    _require_mapping(payload)
    errors = _Errors()
    cap_ok = True
    raw_cap = payload.get("cap", _MISSING)
    if raw_cap is _MISSING:
        cap: Decimal | None = DEFAULT_CAP
    elif raw_cap is None:
        cap = None  # explicit null: no cap
    else:
        try:
            cap = _to_decimal(raw_cap)
        except ValueError as exc:
            errors.add("cap", f"Cap {exc} Send null for no cap.")
            cap, cap_ok = None, False
        else:
            if cap <= 0:
                errors.add("cap", f"Cap must be greater than 0; got {_fmt(cap)}.")
                cap, cap_ok = None, False

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        direction = _read_direction(item, path, errors)
        target = _read_number(item, "target", f"{path}.target", "Target", errors)
        actual = _read_number(item, "actual", f"{path}.actual", "Actual", errors)
        if target is not None and target == 0:
            errors.add(
                f"{path}.target",
                "Target cannot be 0, because achievement is measured as a percentage of the target.",
            )
            target = None
        elif target is not None and target < 0:
            errors.add(f"{path}.target", f"Target must be greater than 0; got {_fmt(target)}.")
            target = None
        if direction is None or target is None or actual is None or not cap_ok:
            return None
        try:
            return _percent(target, actual, direction, cap)
        except ValueError as exc:  # lower-is-better actual of 0 without a cap
            errors.add(f"{path}.actual", f"{exc} Send a cap instead of null.")
            return None

    return _score_weighted(payload, parse, errors)


def opras(payload: Mapping[str, Any]) -> ScoreResult:
    """OPRAS: mean of objective marks and mean of attribute marks, averaged."""
    _require_mapping(payload)
    errors = _Errors()
    means = []
    item_marks: list[tuple[Any, Decimal]] = []
    for key, label in (("items", "Items"), ("attributes", "Attributes")):
        if key == "attributes" and payload.get(key) is None:
            errors.add(
                "attributes",
                "OPRAS needs marks for the attributes of good performance; add at least one attribute.",
            )
            continue
        entries = _read_entries(payload, key, label, errors)
        if entries is None:
            continue
        marks = []
        for path, entry_id, entry in entries:
            mark = _read_in_range(entry, "mark", f"{path}.mark", "Mark", 1, 5, errors)
            if mark is not None:
                marks.append(mark)
                if key == "items":
                    item_marks.append((entry_id, mark))
        if marks:
            with localcontext(_CTX):
                means.append(sum(marks, Decimal(0)) / len(marks))
    errors.raise_if_any()
    with localcontext(_CTX):
        total = (means[0] + means[1]) / 2
    items = tuple(ScoredItem(item_id, mark, None) for item_id, mark in item_marks)
    return ScoreResult(items, total)


def likert_5(payload: Mapping[str, Any]) -> ScoreResult:
    """Uganda performance agreement: weighted ratings 1–5, 5 best."""
    _require_mapping(payload)

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        return _read_in_range(item, "rating", f"{path}.rating", "Rating", 1, 5, errors)

    return _score_weighted(payload, parse, _Errors())


def pepmis(payload: Mapping[str, Any]) -> ScoreResult:
    """Tanzania PEPMIS: weighted task scores 0–100."""
    _require_mapping(payload)

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        return _read_in_range(item, "score", f"{path}.score", "Score", 0, 100, errors)

    return _score_weighted(payload, parse, _Errors())


def _bands(*pairs: tuple[str, str]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((grade, Decimal(limit)) for grade, limit in pairs)


_KENYA_PC_BANDS = _bands(
    ("Excellent", "2.40"),
    ("Very Good", "3.00"),
    ("Good", "3.60"),
    ("Fair", "4.00"),
    ("Poor", "5.00"),
)
_KENYA_PC_2013_BANDS = _bands(
    ("Excellent", "1.49"),
    ("Very Good", "2.49"),
    ("Good", "3.49"),
    ("Fair", "3.59"),
    ("Poor", "5.00"),
)

SCHEMES: dict[str, Scheme] = {
    scheme.name: scheme
    for scheme in (
        Scheme(
            name="kenya_pc",
            direction=LOWER_IS_BETTER,
            best=Decimal(1),
            worst=Decimal(5),
            default_bands=_KENYA_PC_BANDS,
            uses_weights=True,
            score=kenya_pc,
        ),
        Scheme(
            name="percent_achievement",
            direction=HIGHER_IS_BETTER,
            best=None,
            worst=Decimal(0),
            default_bands=_bands(
                ("Excellent", "101"),
                ("Very Good", "100"),
                ("Good", "80"),
                ("Fair", "60"),
                ("Poor", "0"),
            ),
            uses_weights=True,
            score=percent_achievement,
        ),
        Scheme(
            name="opras",
            direction=LOWER_IS_BETTER,
            best=Decimal(1),
            worst=Decimal(5),
            default_bands=_bands(
                ("Outstanding", "1.49"),
                ("Very Good", "2.49"),
                ("Good", "3.49"),
                ("Satisfactory", "4.49"),
                ("Poor", "5.00"),
            ),
            uses_weights=False,
            score=opras,
        ),
        Scheme(
            name="likert_5",
            direction=HIGHER_IS_BETTER,
            best=Decimal(5),
            worst=Decimal(1),
            default_bands=_bands(
                ("Excellent", "4.50"),
                ("Very Good", "3.50"),
                ("Good", "2.50"),
                ("Fair", "1.50"),
                ("Poor", "1.00"),
            ),
            uses_weights=True,
            score=likert_5,
        ),
        Scheme(
            name="pepmis",
            direction=HIGHER_IS_BETTER,
            best=Decimal(100),
            worst=Decimal(0),
            default_bands=_bands(
                ("Outstanding", "90"),
                ("Very Good", "75"),
                ("Good", "60"),
                ("Fair", "50"),
                ("Poor", "0"),
            ),
            uses_weights=True,
            score=pepmis,
        ),
    )
}

# Band tables a performance department can choose from, and the scheme whose
# arithmetic each belongs to (kenya_pc_2013 is kenya_pc with older limits).
BAND_TABLE_SCHEME: dict[str, str] = {name: name for name in SCHEMES}
BAND_TABLE_SCHEME["kenya_pc_2013"] = "kenya_pc"


def _band_dicts(pairs: Sequence[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    return [{"grade": grade, "limit": limit} for grade, limit in pairs]


DEFAULT_BANDS: dict[str, list[dict[str, Any]]] = {
    name: _band_dicts(scheme.default_bands) for name, scheme in SCHEMES.items()
}
DEFAULT_BANDS["kenya_pc_2013"] = _band_dicts(_KENYA_PC_2013_BANDS)


def _resolve_scheme(scheme: "Scheme | str") -> Scheme:
    if isinstance(scheme, Scheme):
        return scheme
    if isinstance(scheme, str) and scheme in BAND_TABLE_SCHEME:
        return SCHEMES[BAND_TABLE_SCHEME[scheme]]
    raise ValueError(f"Unknown scheme {scheme!r}.")


# --------------------------------------------------------------------------
# Bands and grades
# --------------------------------------------------------------------------


def _scale_text(scheme: Scheme) -> str:
    if scheme.best is None:
        return f"{_fmt(scheme.worst)} or more"
    low, high = sorted((scheme.best, scheme.worst))
    return f"from {_fmt(low)} to {_fmt(high)}"


def _on_scale(value: Decimal, scheme: Scheme) -> bool:
    # A limit off the scale could never be reached (or would swallow it).
    if scheme.best is None:  # open-ended percentage scale
        return value >= scheme.worst
    low, high = sorted((scheme.best, scheme.worst))
    return low <= value <= high


def _check_bands(bands: Any, scheme: Scheme, errors: _Errors, path: str = "bands") -> list[dict[str, Any]] | None:
    if not isinstance(bands, list):
        errors.add(
            path,
            f"Bands must be a list of {{grade, limit}} objects, best grade first; got {_describe(bands)}.",
        )
        return None
    if not bands:
        errors.add(path, "Bands must contain at least one band.")
        return None
    lower = scheme.direction == LOWER_IS_BETTER
    normalised: list[dict[str, Any]] = []
    complete = True
    previous: Decimal | None = None
    for index, band in enumerate(bands):
        band_path = f"{path}[{index}]"
        if not isinstance(band, Mapping):
            errors.add(
                band_path,
                f"Each band must be an object with a grade and a limit; got {_describe(band)}.",
            )
            complete, previous = False, None
            continue
        grade = band.get("grade")
        if not isinstance(grade, str) or not grade.strip():
            errors.add(f"{band_path}.grade", "Each band needs a grade name.")
            complete = False
        limit = _read_number(band, "limit", f"{band_path}.limit", "Limit", errors)
        if limit is None:
            complete, previous = False, None
            continue
        if not _on_scale(limit, scheme):
            errors.add(
                f"{band_path}.limit",
                f"Limit must lie on the scale, {_scale_text(scheme)}; got {_fmt(limit)}.",
            )
            complete = False
        if previous is not None and not (limit > previous if lower else limit < previous):
            scale = "lower" if lower else "higher"
            trend, relation = ("increase", "above") if lower else ("decrease", "below")
            errors.add(
                f"{band_path}.limit",
                f"Limits must {trend} from the best band to the worst on this "
                f"{scale}-is-better scale; {_fmt(limit)} is not {relation} the "
                f"previous limit {_fmt(previous)}.",
            )
            complete = False
        previous = limit
        normalised.append({"grade": grade, "limit": limit})
    if complete and normalised and normalised[-1]["limit"] != scheme.worst:
        errors.add(
            path,
            f"The last band must end at {_fmt(scheme.worst)}, the worst end of "
            f"the scale, so that every composite gets a grade; it ends at "
            f"{_fmt(normalised[-1]['limit'])}.",
        )
        complete = False
    return normalised if complete else None


def validate_bands(bands: Any, scheme: "Scheme | str", path: str = "bands") -> list[dict[str, Any]]:
    """Check a band table against a scheme; return it with Decimal limits.

    Raises ScoringValidationError with paths under ``path``.
    """
    errors = _Errors()
    result = _check_bands(bands, _resolve_scheme(scheme), errors, path)
    errors.raise_if_any()
    assert result is not None
    return result


def grade_for(composite: Any, bands: Sequence[Mapping[str, Any]], scheme: "Scheme | str") -> str:
    """Grade of the first band (best first) whose limit the composite reaches.

    The composite is rounded to 4 dp first: grades follow the published
    (rounded) figure, so 2.40004 grades as 2.4000.
    """
    resolved = _resolve_scheme(scheme)
    value = quantize4(composite)
    for band in bands:
        if resolved.reaches(value, _as_decimal(band["limit"])):
            return band["grade"]
    raise ValueError(f"Composite {value} falls outside every band.")


# --------------------------------------------------------------------------
# What-if API
# --------------------------------------------------------------------------


def evaluate(payload: Any) -> dict[str, Any]:
    """Score a what-if request (see methodology.md, "What-if API").

    Returns {"scheme", "items": [{"id", "raw", "weighted"}], "composite",
    "grade"} with Decimal values rounded half-up to 4 dp ("weighted" is
    omitted for opras). Raises ScoringValidationError listing every problem.
    """
    _require_mapping(payload)
    errors = _Errors()
    name = payload.get("scheme")
    scheme = SCHEMES.get(name) if isinstance(name, str) else None
    if scheme is None:
        choices = ", ".join(sorted(SCHEMES))
        if name is None:
            errors.add("scheme", f"Scheme is required; choose one of {choices}.")
        else:
            errors.add("scheme", f"Unknown scheme {_describe(name)}; choose one of {choices}.")
        # Items cannot be checked without knowing their fields, but an empty
        # or malformed list is wrong whatever the scheme.
        _read_list(payload, "items", "Items", errors)
        errors.raise_if_any()

    if payload.get("cap") is not None and scheme.name != "percent_achievement":
        errors.add("cap", "A cap applies only to the percent_achievement scheme.")
    if payload.get("attributes") is not None and scheme.name != "opras":
        errors.add("attributes", "Attributes apply only to the opras scheme.")

    if payload.get("bands") is None:
        bands = _band_dicts(scheme.default_bands)
    else:
        bands = _check_bands(payload["bands"], scheme, errors)

    try:
        result = scheme.score(payload)
    except ScoringValidationError as exc:
        errors.merge(exc.errors)
    errors.raise_if_any()

    items = []
    for item in result.items:
        out: dict[str, Any] = {"id": item.id, "raw": quantize4(item.raw)}
        if item.weighted is not None:
            out["weighted"] = quantize4(item.weighted)
        items.append(out)
    total = quantize4(result.composite)
    return {
        "scheme": scheme.name,
        "items": items,
        "composite": total,
        "grade": grade_for(total, bands, scheme),
    }
