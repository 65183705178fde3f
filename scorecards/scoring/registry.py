"""The schemes by name, and the band tables a performance department can choose from."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .base import Scheme
from .schemes import kenya_pc, likert_5, opras, pepmis, percent_achievement

SCHEMES: dict[str, Scheme] = {
    scheme.name: scheme
    for scheme in (kenya_pc.SCHEME, percent_achievement.SCHEME, opras.SCHEME, likert_5.SCHEME, pepmis.SCHEME)
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
DEFAULT_BANDS["kenya_pc_2013"] = _band_dicts(kenya_pc._KENYA_PC_2013_BANDS)


def _resolve_scheme(scheme: "Scheme | str") -> Scheme:
    if isinstance(scheme, Scheme):
        return scheme
    if isinstance(scheme, str) and scheme in BAND_TABLE_SCHEME:
        return SCHEMES[BAND_TABLE_SCHEME[scheme]]
    raise ValueError(f"Unknown scheme {scheme!r}.")
