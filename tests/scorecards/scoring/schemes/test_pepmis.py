"""PEPMIS task scores 0–100 (scorecards/scoring/schemes/pepmis.py)."""

import pytest

from tests.scorecards.scoring.helpers import assert_refused

VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "score non-numeric": (
        {"scheme": "pepmis", "items": [{"id": "a", "weight": 100, "score": "high"}]},
        "items[0].score",
        "number",
    ),
    "pepmis score above 100": (
        {"scheme": "pepmis", "items": [{"id": "a", "weight": 100, "score": 100.5}]},
        "items[0].score",
        "between 0 and 100",
    ),
    "pepmis score below 0": (
        {"scheme": "pepmis", "items": [{"id": "a", "weight": 100, "score": -1}]},
        "items[0].score",
        "between 0 and 100",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
