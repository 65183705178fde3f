"""OPRAS (scorecards/scoring/schemes/opras.py): unweighted marks 1–5 for objectives and attributes."""

import pytest

from scorecards.scoring import evaluate
from tests.scorecards.scoring.helpers import W4, assert_refused, without


def test_w4_opras_items_have_no_weighted():
    result = evaluate(W4)
    assert all("weighted" not in item for item in result["items"])


def test_opras_grade_boundaries():
    def grade(items, attributes):
        return evaluate(
            {
                "scheme": "opras",
                "items": [{"id": i, "mark": m} for i, m in enumerate(items)],
                "attributes": [{"id": i, "mark": m} for i, m in enumerate(attributes)],
            }
        )

    # (1 + 2)/2 = 1.5 > 1.49
    assert grade([1], [2])["grade"] == "Very Good"
    # (1 + 1.98)/2 = 1.49 exactly
    assert grade([1], ["1.98"])["grade"] == "Outstanding"
    assert grade([5, 5], [5])["grade"] == "Poor"


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "opras item mark above 5": (
        dict(W4, items=[{"id": "o1", "mark": 6}]),
        "items[0].mark",
        "between 1 and 5",
    ),
    "opras item mark below 1": (
        dict(W4, items=[{"id": "o1", "mark": 0}]),
        "items[0].mark",
        "between 1 and 5",
    ),
    "opras attribute mark outside 1-5": (
        dict(W4, attributes=[{"id": "a1", "mark": 2}, {"id": "a2", "mark": 5.5}]),
        "attributes[1].mark",
        "between 1 and 5; got 5.5",
    ),
    "opras attribute id missing": (
        dict(W4, attributes=[{"mark": 2}]),
        "attributes[0].id",
        "attribute",
    ),
    "opras without attributes": (without(W4, "attributes"), "attributes", "OPRAS"),
    "opras with empty attributes": (dict(W4, attributes=[]), "attributes", "empty"),
    "opras attributes not a list": (
        dict(W4, attributes="2,2,3"),
        "attributes",
        "list",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
