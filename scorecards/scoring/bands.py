"""Band tables and grades: a table checked against its scheme's scale, and the grade a composite
reaches."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .base import LOWER_IS_BETTER, Scheme
from .numbers import _as_decimal, _describe, _fmt, quantize4
from .reading import _Errors, _read_number
from .registry import _resolve_scheme


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
