"""Kenya performance contracting (scorecards/scoring/schemes/kenya_pc.py): interpolation between the
criteria values, its two band tables and their grade boundaries."""

import pytest

from scorecards.scoring import DEFAULT_BANDS, evaluate
from tests.scorecards.scoring.helpers import (
    W2,
    W2_EXPECTED,
    D,
    assert_refused,
    crit,
    kenya,
    kenya_item,
    single_kenya,
    without,
)


def test_w2_with_named_kenya_pc_2013_table():
    payload = dict(W2, bands=DEFAULT_BANDS["kenya_pc_2013"])
    assert evaluate(payload) == W2_EXPECTED


def test_w2_under_default_bands_grades_excellent():
    payload = {k: v for k, v in W2.items() if k != "bands"}
    result = evaluate(payload)
    assert result["composite"] == D("1.9600")
    assert result["grade"] == "Excellent"


@pytest.mark.parametrize(
    ("actual", "composite", "grade"),
    [
        # raw = 2 + (100 - actual) / 10 on criteria 110 100 90 80 70
        ("96", "2.4000", "Excellent"),  # exactly at the limit: that band
        ("95.999", "2.4001", "Very Good"),
        ("95.9996", "2.4000", "Excellent"),  # 2.40004 rounds to the limit
        ("95.9995", "2.4001", "Very Good"),  # 2.40005 rounds half-up past it
        ("90", "3.0000", "Very Good"),
        ("84", "3.6000", "Good"),
        ("80", "4.0000", "Fair"),
        ("79.99", "4.0010", "Poor"),
        ("0", "5.0000", "Poor"),
    ],
)
def test_kenya_grade_boundaries(actual, composite, grade):
    result = single_kenya(actual)
    assert str(result["composite"]) == composite
    assert result["grade"] == grade


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "criteria missing": (
        kenya(without(kenya_item(), "criteria")),
        "items[0].criteria",
        "excellent, very_good, good, fair and poor",
    ),
    "criteria not an object": (
        kenya(kenya_item(criteria=[110, 100, 90, 80, 70])),
        "items[0].criteria",
        "object",
    ),
    "criteria level missing": (
        kenya(kenya_item(criteria=without(crit(110, 100, 90, 80, 70), "good"))),
        "items[0].criteria.good",
        "good criteria value is required",
    ),
    "criteria level non-numeric": (
        kenya(kenya_item(criteria=dict(crit(110, 100, 90, 80, 70), fair="low"))),
        "items[0].criteria.fair",
        "number",
    ),
    "criteria rising on a higher target": (
        kenya(kenya_item(criteria=crit(70, 80, 90, 100, 110))),
        "items[0].criteria",
        "strictly",
    ),
    "criteria falling on a lower target": (
        kenya(kenya_item(direction="lower")),
        "items[0].criteria",
        "strictly",
    ),
    "criteria with a tie": (
        kenya(kenya_item(criteria=crit(110, 100, 100, 80, 70))),
        "items[0].criteria",
        "good (100) is not below very_good (100)",
    ),
    "criteria default direction is higher": (
        kenya(without(kenya_item(criteria=crit(1, 2, 3, 4, 5)), "direction")),
        "items[0].criteria",
        "'higher'",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
