"""Numbers (scorecards/scoring/numbers.py): what a user may send as a number, the shared arithmetic,
and rounding half-up to 4 places over unrounded sums."""

import pytest

from scorecards.scoring import composite, evaluate, kenya_pc_raw, percent_raw, quantize4, weighted
from tests.scorecards.scoring.helpers import D, assert_refused, crit, kenya, kenya_item, single_kenya


def test_float_inputs_are_converted_via_str():
    # 0.1 + 0.2 style float noise must not leak into Decimal arithmetic.
    payload = {
        "scheme": "pepmis",
        "items": [
            {"id": "a", "weight": 70.1, "score": 0.1},
            {"id": "b", "weight": 29.9, "score": 0.2},
        ],
    }
    result = evaluate(payload)
    # 0.1*70.1/100 + 0.2*29.9/100 = 0.0701 + 0.0598
    assert result["composite"] == D("0.1299")


def test_raw_rounds_half_up():
    # raw = 2 + 0.0005 / 10 = 2.00005 exactly: half-up gives 2.0001
    # (banker's rounding would give 2.0000).
    result = single_kenya("99.9995")
    assert result["items"][0]["raw"] == D("2.0001")
    assert result["items"][0]["weighted"] == D("2.0001")
    assert result["composite"] == D("2.0001")


def test_composite_rounds_half_up():
    payload = {
        "scheme": "pepmis",
        "items": [
            {"id": "a", "weight": 50, "score": "90.0001"},
            {"id": "b", "weight": 50, "score": 90},
        ],
    }
    # 45.00005 + 45 = 90.00005 -> 90.0001
    assert evaluate(payload)["composite"] == D("90.0001")


def test_composite_sums_unrounded_weighted_scores():
    payload = {
        "scheme": "pepmis",
        "items": [
            {"id": "a", "weight": 50, "score": "0.0001"},
            {"id": "b", "weight": 50, "score": "0.0001"},
        ],
    }
    result = evaluate(payload)
    # Each weighted is 0.00005, shown as 0.0001; summing the shown values
    # would give 0.0002, but the composite is round(0.0001) = 0.0001.
    assert [i["weighted"] for i in result["items"]] == [D("0.0001"), D("0.0001")]
    assert result["composite"] == D("0.0001")


def test_helpers():
    criteria = crit(110, 100, 90, 80, 70)
    assert kenya_pc_raw(criteria, 95, "higher") == D("2.5")
    assert kenya_pc_raw(criteria, "110", "higher") == 1
    assert kenya_pc_raw(criteria, 70, "higher") == 5
    assert kenya_pc_raw(criteria, 90, "higher") == 3  # exactly on a level
    assert kenya_pc_raw(crit(12, 14, 16, 18, 20), 13, "lower") == D("1.5")
    assert kenya_pc_raw(crit(12, 14, 16, 18, 20), 11, "lower") == 1
    assert kenya_pc_raw(crit(12, 14, 16, 18, 20), 25, "lower") == 5
    with pytest.raises(ValueError, match="strictly"):
        kenya_pc_raw(criteria, 95, "lower")
    with pytest.raises(ValueError, match="missing"):
        kenya_pc_raw({"excellent": 1}, 1, "higher")
    with pytest.raises(ValueError, match="Direction"):
        kenya_pc_raw(criteria, 95, "sideways")

    assert percent_raw(200, 180, "higher", 120) == 90
    assert percent_raw(30, 24, "lower", 120) == 120
    assert percent_raw(30, 24, "lower", None) == 125
    assert percent_raw(30, 0, "lower") == 120
    with pytest.raises(ValueError, match="needs a cap"):
        percent_raw(30, 0, "lower", None)
    with pytest.raises(ValueError, match="greater than 0"):
        percent_raw(0, 5, "higher")

    assert weighted(D("2.5"), 30) == D("0.75")
    assert weighted("2.5", "30") == D("0.75")
    assert composite([D("0.75"), D("0.375"), D("0.25"), D("1")]) == D("2.375")
    assert composite([]) == 0
    assert quantize4(D("2.37505")) == D("2.3751")
    assert quantize4("0.00005") == D("0.0001")
    assert quantize4(D("-0.00005")) == D("-0.0001")  # half away from zero
    assert str(quantize4(2)) == "2.0000"
    with pytest.raises(ValueError):
        quantize4(True)


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "weight non-numeric": (kenya(kenya_item(weight="heavy")), "items[0].weight", ""),
    "weight bool": (kenya(kenya_item(weight=True)), "items[0].weight", "number"),
    "weight NaN string": (kenya(kenya_item(weight="NaN")), "items[0].weight", ""),
    "weight Infinity string": (
        kenya(kenya_item(weight="Infinity")),
        "items[0].weight",
        "number",
    ),
    "weight float nan": (
        kenya(kenya_item(weight=float("nan"))),
        "items[0].weight",
        "finite",
    ),
    "weight float inf": (
        kenya(kenya_item(weight=float("inf"))),
        "items[0].weight",
        "finite",
    ),
    "weight underscore digits": (
        kenya(kenya_item(weight="1_00")),
        "items[0].weight",
        "number",
    ),
    "weight list": (kenya(kenya_item(weight=[100])), "items[0].weight", "number"),
    "actual non-numeric": (kenya(kenya_item(actual="n/a")), "items[0].actual", ""),
    "actual too large": (kenya(kenya_item(actual="1e20")), "items[0].actual", "large"),
    "actual too precise": (
        kenya(kenya_item(actual="0." + "1" * 25)),
        "items[0].actual",
        "decimal places",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
