"""OPRAS (Tanzania's open performance review and appraisal): unweighted marks 1–5 for objectives and
for attributes of good performance, 1 best."""

from collections.abc import Mapping
from decimal import Decimal, localcontext
from typing import Any

from ..base import LOWER_IS_BETTER, Scheme, ScoredItem, ScoreResult, _bands
from ..numbers import _CTX
from ..reading import _Errors, _read_entries, _read_in_range, _require_mapping


def opras(payload: Mapping[str, Any]) -> ScoreResult:
    """OPRAS: mean of objective marks and mean of attribute marks, averaged."""
    _require_mapping(payload)
    errors = _Errors()
    means = []
    item_marks: list[tuple[Any, Decimal]] = []
    for key, label in (("items", "Items"), ("attributes", "Attributes")):
        if key == "attributes" and payload.get(key) is None:
            errors.add(
                "attributes",
                "OPRAS needs marks for the attributes of good performance; add at least one attribute.",
            )
            continue
        entries = _read_entries(payload, key, label, errors)
        if entries is None:
            continue
        marks = []
        for path, entry_id, entry in entries:
            mark = _read_in_range(entry, "mark", f"{path}.mark", "Mark", 1, 5, errors)
            if mark is not None:
                marks.append(mark)
                if key == "items":
                    item_marks.append((entry_id, mark))
        if marks:
            with localcontext(_CTX):
                means.append(sum(marks, Decimal(0)) / len(marks))
    errors.raise_if_any()
    with localcontext(_CTX):
        total = (means[0] + means[1]) / 2
    items = tuple(ScoredItem(item_id, mark, None) for item_id, mark in item_marks)
    return ScoreResult(items, total)


SCHEME = Scheme(
    name="opras",
    direction=LOWER_IS_BETTER,
    best=Decimal(1),
    worst=Decimal(5),
    default_bands=_bands(
        ("Outstanding", "1.49"),
        ("Very Good", "2.49"),
        ("Good", "3.49"),
        ("Satisfactory", "4.49"),
        ("Poor", "5.00"),
    ),
    uses_weights=False,
    score=opras,
)
