"""Kenya performance contracting: each actual is interpolated between its five criteria values
(1 best … 5 worst) and weighted; two band tables, the current one and kenya_pc_2013."""

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from ..base import HIGHER, LOWER_IS_BETTER, Scheme, ScoreResult, _bands, _direction_sign
from ..numbers import _CTX, _as_decimal, _describe, _fmt
from ..reading import _Errors, _read_direction, _read_number, _require_mapping, _score_weighted

CRITERIA_LEVELS = ("excellent", "very_good", "good", "fair", "poor")


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


SCHEME = Scheme(
    name="kenya_pc",
    direction=LOWER_IS_BETTER,
    best=Decimal(1),
    worst=Decimal(5),
    default_bands=_KENYA_PC_BANDS,
    uses_weights=True,
    score=kenya_pc,
)
