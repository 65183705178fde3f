"""The five-point rating scheme (scorecards/scoring/schemes/likert_5.py)."""

import pytest

from scorecards.scoring import evaluate
from tests.scorecards.scoring.helpers import assert_refused


@pytest.mark.parametrize(
    ("rating", "grade"),
    [("4.5", "Excellent"), ("4.4999", "Very Good"), ("3.5", "Very Good"), ("1", "Poor")],
)
def test_likert_grade_boundaries(rating, grade):
    payload = {"scheme": "likert_5", "items": [{"id": "a", "weight": 100, "rating": rating}]}
    assert evaluate(payload)["grade"] == grade


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "rating missing": (
        {"scheme": "likert_5", "items": [{"id": "a", "weight": 100}]},
        "items[0].rating",
        "required",
    ),
    "likert rating above 5": (
        {"scheme": "likert_5", "items": [{"id": "a", "weight": 100, "rating": 6}]},
        "items[0].rating",
        "between 1 and 5",
    ),
    "likert rating below 1": (
        {"scheme": "likert_5", "items": [{"id": "a", "weight": 100, "rating": 0}]},
        "items[0].rating",
        "between 1 and 5",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
