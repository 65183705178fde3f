"""Reading a request: every problem is collected under its field path, so a user can fix a whole form
in one go, and the skeleton the weighted schemes share (ids, weights, the composite)."""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .base import DIRECTIONS, HIGHER, ScoredItem, ScoreResult, ScoringValidationError
from .numbers import HUNDRED, _describe, _fmt, _to_decimal, composite, weighted


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
