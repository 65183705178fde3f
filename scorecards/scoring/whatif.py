"""The what-if API: a request scored by its scheme and graded by its bands, as the API answers it."""

from typing import Any

from .bands import _check_bands, grade_for
from .base import ScoringValidationError
from .numbers import _describe, quantize4
from .reading import _Errors, _read_list, _require_mapping
from .registry import SCHEMES, _band_dicts


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
