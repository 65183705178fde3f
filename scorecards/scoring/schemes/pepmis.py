"""Tanzania's PEPMIS: weighted task scores 0–100, 100 best."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..base import HIGHER_IS_BETTER, Scheme, ScoreResult, _bands
from ..reading import _Errors, _read_in_range, _require_mapping, _score_weighted


def pepmis(payload: Mapping[str, Any]) -> ScoreResult:
    """Tanzania PEPMIS: weighted task scores 0–100."""
    _require_mapping(payload)

    def parse(item: Mapping[str, Any], path: str, errors: _Errors) -> Decimal | None:
        return _read_in_range(item, "score", f"{path}.score", "Score", 0, 100, errors)

    return _score_weighted(payload, parse, _Errors())


SCHEME = Scheme(
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
)
