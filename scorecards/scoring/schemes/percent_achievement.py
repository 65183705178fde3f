"""Percent achievement (Kenya SPAS style): achievement as a percentage of the target, floored at 0
and capped, 120 unless the request sends its own cap or none."""

from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from ..base import HIGHER, HIGHER_IS_BETTER, Scheme, ScoreResult, _bands, _direction_sign
from ..numbers import _CTX, HUNDRED, _as_decimal, _fmt, _to_decimal
from ..reading import _MISSING, _Errors, _read_direction, _read_number, _require_mapping, _score_weighted

DEFAULT_CAP = Decimal(120)


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


SCHEME = Scheme(
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
)
