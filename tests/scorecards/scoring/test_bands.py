"""Band tables and grades (scorecards/scoring/bands.py): a table must cover its scheme's scale in order;
a grade follows the rounded composite."""

import pytest

from scorecards.scoring import DEFAULT_BANDS, SCHEMES, ScoringValidationError, evaluate, grade_for, validate_bands
from tests.scorecards.scoring.helpers import W1, W3, W5, W6, D, assert_refused


def test_custom_bands():
    bands = [
        {"grade": "Gold", "limit": "2.0"},
        {"grade": "Silver", "limit": "2.5"},
        {"grade": "Bronze", "limit": "5"},
    ]
    result = evaluate(dict(W1, bands=bands))
    assert result["composite"] == D("2.3750")
    assert result["grade"] == "Silver"
    result = evaluate(dict(W6, bands=[{"grade": "Pass", "limit": 0}]))
    assert result["grade"] == "Pass"


def test_validate_bands_returns_decimal_limits_and_raises_on_bad_tables():
    assert validate_bands([{"grade": "Any", "limit": "5"}], "kenya_pc") == [{"grade": "Any", "limit": D("5")}]
    with pytest.raises(ScoringValidationError) as info:
        validate_bands([{"grade": "A", "limit": 3}], SCHEMES["likert_5"])
    assert "bands" in info.value.errors
    with pytest.raises(ScoringValidationError) as info:
        validate_bands([{"grade": "A", "limit": 1}], "opras", path="band_table")
    assert "band_table" in info.value.errors


def test_grade_for_uses_the_rounded_composite():
    bands = DEFAULT_BANDS["kenya_pc"]
    assert grade_for(D("2.40004"), bands, "kenya_pc") == "Excellent"
    assert grade_for(D("2.40005"), bands, "kenya_pc") == "Very Good"
    assert grade_for("3", bands, SCHEMES["kenya_pc"]) == "Very Good"
    assert grade_for(D("1.49"), DEFAULT_BANDS["kenya_pc_2013"], "kenya_pc_2013") == ("Excellent")
    assert grade_for(100, DEFAULT_BANDS["percent_achievement"], "percent_achievement") == ("Very Good")


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "bands not a list": (dict(W5, bands="default"), "bands", "list"),
    "bands empty": (dict(W5, bands=[]), "bands", "at least one"),
    "band not an object": (
        dict(W5, bands=[{"grade": "Top", "limit": 3}, 1]),
        "bands[1]",
        "object",
    ),
    "band grade missing": (
        dict(W5, bands=[{"limit": 1}]),
        "bands[0].grade",
        "grade name",
    ),
    "band grade blank": (
        dict(W5, bands=[{"grade": " ", "limit": 1}]),
        "bands[0].grade",
        "grade name",
    ),
    "band limit non-numeric": (
        dict(
            W5,
            bands=[
                {"grade": "A", "limit": 4},
                {"grade": "B", "limit": 2},
                {"grade": "C", "limit": "one"},
            ],
        ),
        "bands[2].limit",
        "number",
    ),
    "bands not ordered on a lower-is-better scale": (
        dict(
            W1,
            bands=[
                {"grade": "Excellent", "limit": 2.4},
                {"grade": "Good", "limit": 3.6},
                {"grade": "Very Good", "limit": 3.0},
                {"grade": "Poor", "limit": 5},
            ],
        ),
        "bands[2].limit",
        "increase",
    ),
    "bands not ordered on a higher-is-better scale": (
        dict(
            W6,
            bands=[
                {"grade": "Outstanding", "limit": 90},
                {"grade": "Good", "limit": 60},
                {"grade": "Very Good", "limit": 75},
                {"grade": "Poor", "limit": 0},
            ],
        ),
        "bands[2].limit",
        "decrease",
    ),
    "bands with a repeated limit": (
        dict(
            W1,
            bands=[
                {"grade": "Excellent", "limit": 2.4},
                {"grade": "Very Good", "limit": 2.4},
                {"grade": "Poor", "limit": 5},
            ],
        ),
        "bands[1].limit",
        "not above",
    ),
    "bands not covering a 1-5 scale": (
        dict(
            W1,
            bands=[
                {"grade": "Excellent", "limit": 2.4},
                {"grade": "Fair", "limit": 4},
            ],
        ),
        "bands",
        "must end at 5",
    ),
    "bands not covering a percentage scale": (
        dict(
            W3,
            bands=[
                {"grade": "Excellent", "limit": 101},
                {"grade": "Good", "limit": 80},
            ],
        ),
        "bands",
        "must end at 0",
    ),
    "bands not covering a 0-100 scale": (
        dict(W6, bands=[{"grade": "Pass", "limit": 50}]),
        "bands",
        "must end at 0",
    ),
    "bands not covering the likert scale": (
        dict(W5, bands=[{"grade": "A", "limit": 4.5}, {"grade": "B", "limit": 2}]),
        "bands",
        "must end at 1",
    ),
    "band limit off the scale": (
        dict(W1, bands=[{"grade": "Unreachable", "limit": 0.5}, {"grade": "P", "limit": 5}]),
        "bands[0].limit",
        "from 1 to 5",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
