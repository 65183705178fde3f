"""Percent achievement (scorecards/scoring/schemes/percent_achievement.py): the percentage of target,
floored at 0 and capped, for higher- and lower-is-better targets."""

import pytest

from scorecards.scoring import evaluate
from tests.scorecards.scoring.helpers import W3, W3_EXPECTED, D, assert_refused, pct, pct_item, without


def test_w3_with_explicit_default_cap():
    assert evaluate(dict(W3, cap=120)) == W3_EXPECTED
    assert evaluate(dict(W3, cap="120")) == W3_EXPECTED


@pytest.mark.parametrize(
    ("actual", "grade"),
    [(101, "Excellent"), ("100.9999", "Very Good"), (100, "Very Good"), (80, "Good")],
)
def test_percent_grade_boundaries(actual, grade):
    assert evaluate(pct(pct_item(actual=actual)))["grade"] == grade


def test_cap_none_means_no_cap():
    result = evaluate(pct(pct_item(actual=300), cap=None))
    assert result["items"][0]["raw"] == D("300.0000")
    assert result["composite"] == D("300.0000")
    lower = evaluate(pct(pct_item(direction="lower", target=30, actual=10), cap=None))
    assert lower["items"][0]["raw"] == D("300.0000")


def test_custom_cap():
    result = evaluate(pct(pct_item(actual=300), cap="150"))
    assert result["items"][0]["raw"] == D("150.0000")


def test_lower_is_better_actual_zero_earns_the_cap():
    default = evaluate(pct(pct_item(direction="lower", actual=0)))
    assert default["items"][0]["raw"] == D("120.0000")
    custom = evaluate(pct(pct_item(direction="lower", actual=0), cap=150))
    assert custom["items"][0]["raw"] == D("150.0000")


def test_percent_floors_at_zero():
    result = evaluate(pct(pct_item(actual=-20)))
    assert result["items"][0]["raw"] == D("0.0000")


def test_percent_direction_defaults_to_higher():
    result = evaluate(pct(without(pct_item(actual=50), "direction")))
    assert result["items"][0]["raw"] == D("50.0000")


def test_repeating_decimal_is_rounded():
    result = evaluate(pct(pct_item(target=3, actual=1)))
    assert result["items"][0]["raw"] == D("33.3333")
    result = evaluate(pct(pct_item(target=3, actual=2)))
    assert result["items"][0]["raw"] == D("66.6667")


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "target missing": (pct(without(pct_item(), "target")), "items[0].target", ""),
    "percent target of 0": (pct(pct_item(target=0)), "items[0].target", "cannot be 0"),
    "percent target of 0 as text": (
        pct(pct_item(target="0.00")),
        "items[0].target",
        "cannot be 0",
    ),
    "percent negative target": (
        pct(pct_item(target=-5)),
        "items[0].target",
        "greater than 0",
    ),
    "lower actual 0 with no cap": (
        pct(pct_item(direction="lower", actual=0), cap=None),
        "items[0].actual",
        "An actual of 0 on a lower-is-better target needs a cap",
    ),
    "cap non-numeric": (pct(pct_item(), cap="none"), "cap", "number"),
    "cap zero": (pct(pct_item(), cap=0), "cap", "greater than 0"),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
