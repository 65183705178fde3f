"""Numbers: a user's value read as a Decimal (or refused with a message), the arithmetic the schemes
share, and the engine's only rounding, half-up to 4 places."""

import re
from collections.abc import Mapping, Sequence
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
