"""Uganda's performance agreement: weighted ratings on a five-point scale, 5 best."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base import HIGHER_IS_BETTER, Scheme, ScoreResult, _bands
from ..reading import _Errors, _read_in_range, _require_mapping, _score_weighted


def likert_5(payload: Mapping[str, Any]) -> ScoreResult:
    """Uganda performance agreement: weighted ratings 1–5, 5 best."""
    _require_mapping(payload)

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        return _read_in_range(item, "rating", f"{path}.rating", "Rating", 1, 5, errors)

    return _score_weighted(payload, parse, _Errors())


SCHEME = Scheme(
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
)
