"""How a composite score is written wherever it is shown: four decimal places, in the tables, the
charts, the dashboards and the exports alike, so the same contract never reads as two numbers."""

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")


def composite(value) -> Decimal | None:
    """The composite rounded to four places (half up), or None without one: what exports write."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def composite_text(value) -> str:
    """The composite as text with four places ("63.2500"), or a dash without one."""
    rounded = composite(value)
    return "—" if rounded is None else f"{rounded:f}"
