"""Unit tests for the pure-Python scoring engine (scorecards/scoring/).

Worked cases W1–W6 come from the scoring methodology (methodology.md) and must match to 4 dp.
"""

import ast
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from scorecards import scoring
from scorecards.scoring import (
    DEFAULT_BANDS,
    SCHEMES,
    ScoringValidationError,
    composite,
    evaluate,
    grade_for,
    kenya_pc_raw,
    percent_raw,
    quantize4,
    validate_bands,
    weighted,
)

SCORING_DIR = Path(scoring.__file__).resolve().parent
LEVELS = ("excellent", "very_good", "good", "fair", "poor")


def crit(*values):
    return dict(zip(LEVELS, values, strict=True))


def stringify(value):
    """The same payload with every number sent as a numeric string."""
    if isinstance(value, dict):
        return {k: stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stringify(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def D(text):
    return Decimal(text)


# --------------------------------------------------------------------------
# Worked cases
# --------------------------------------------------------------------------

W1 = {
    "scheme": "kenya_pc",
    "items": [
        {
            "id": "t1",
            "weight": 30,
            "direction": "higher",
            "criteria": crit(110, 100, 90, 80, 70),
            "actual": 95,
        },
        {
            "id": "t2",
            "weight": 25,
            "direction": "lower",
            "criteria": crit(12, 14, 16, 18, 20),
            "actual": 13,
        },
        {
            "id": "t3",
            "weight": 25,
            "direction": "higher",
            "criteria": crit(1000, 900, 800, 700, 600),
            "actual": 1250,
        },
        {
            "id": "t4",
            "weight": 20,
            "direction": "higher",
            "criteria": crit(100, 95, 90, 85, 80),
            "actual": 71,
        },
    ],
}
W1_EXPECTED = {
    "scheme": "kenya_pc",
    "items": [
        {"id": "t1", "raw": D("2.5000"), "weighted": D("0.7500")},
        {"id": "t2", "raw": D("1.5000"), "weighted": D("0.3750")},
        {"id": "t3", "raw": D("1.0000"), "weighted": D("0.2500")},
        {"id": "t4", "raw": D("5.0000"), "weighted": D("1.0000")},
    ],
    "composite": D("2.3750"),
    "grade": "Excellent",
}

W2 = {
    "scheme": "kenya_pc",
    "bands": [
        {"grade": "Excellent", "limit": 1.49},
        {"grade": "Very Good", "limit": 2.49},
        {"grade": "Good", "limit": 3.49},
        {"grade": "Fair", "limit": 3.59},
        {"grade": "Poor", "limit": 5},
    ],
    "items": [
        {
            "id": "a",
            "weight": 60,
            "direction": "higher",
            "criteria": crit(50, 45, 40, 35, 30),
            "actual": 47,
        },
        {
            "id": "b",
            "weight": 40,
            "direction": "lower",
            "criteria": crit(5, 7, 9, 11, 13),
            "actual": 8,
        },
    ],
}
W2_EXPECTED = {
    "scheme": "kenya_pc",
    "items": [
        {"id": "a", "raw": D("1.6000"), "weighted": D("0.9600")},
        {"id": "b", "raw": D("2.5000"), "weighted": D("1.0000")},
    ],
    "composite": D("1.9600"),
    "grade": "Very Good",
}

W3 = {
    "scheme": "percent_achievement",
    "items": [
        {"id": "p1", "weight": 50, "direction": "higher", "target": 200, "actual": 180},
        {"id": "p2", "weight": 30, "direction": "lower", "target": 30, "actual": 24},
        {"id": "p3", "weight": 20, "direction": "higher", "target": 10, "actual": 15},
    ],
}
W3_EXPECTED = {
    "scheme": "percent_achievement",
    "items": [
        {"id": "p1", "raw": D("90.0000"), "weighted": D("45.0000")},
        {"id": "p2", "raw": D("120.0000"), "weighted": D("36.0000")},
        {"id": "p3", "raw": D("120.0000"), "weighted": D("24.0000")},
    ],
    "composite": D("105.0000"),
    "grade": "Excellent",
}

W4 = {
    "scheme": "opras",
    "items": [{"id": f"o{i}", "mark": m} for i, m in enumerate([2, 3, 1], 1)],
    "attributes": [{"id": f"a{i}", "mark": m} for i, m in enumerate([2, 2, 3, 1], 1)],
}
W4_EXPECTED = {
    "scheme": "opras",
    "items": [
        {"id": "o1", "raw": D("2.0000")},
        {"id": "o2", "raw": D("3.0000")},
        {"id": "o3", "raw": D("1.0000")},
    ],
    "composite": D("2.0000"),
    "grade": "Very Good",
}

W5 = {
    "scheme": "likert_5",
    "items": [
        {"id": "l1", "weight": 40, "rating": 5},
        {"id": "l2", "weight": 35, "rating": 4},
        {"id": "l3", "weight": 25, "rating": 3},
    ],
}
W5_EXPECTED = {
    "scheme": "likert_5",
    "items": [
        {"id": "l1", "raw": D("5.0000"), "weighted": D("2.0000")},
        {"id": "l2", "raw": D("4.0000"), "weighted": D("1.4000")},
        {"id": "l3", "raw": D("3.0000"), "weighted": D("0.7500")},
    ],
    "composite": D("4.1500"),
    "grade": "Very Good",
}

W6 = {
    "scheme": "pepmis",
    "items": [
        {"id": "k1", "weight": 50, "score": 92},
        {"id": "k2", "weight": 30, "score": 70},
        {"id": "k3", "weight": 20, "score": 55.5},
    ],
}
W6_EXPECTED = {
    "scheme": "pepmis",
    "items": [
        {"id": "k1", "raw": D("92.0000"), "weighted": D("46.0000")},
        {"id": "k2", "raw": D("70.0000"), "weighted": D("21.0000")},
        {"id": "k3", "raw": D("55.5000"), "weighted": D("11.1000")},
    ],
    "composite": D("78.1000"),
    "grade": "Very Good",
}

WORKED = {
    "W1": (W1, W1_EXPECTED),
    "W2": (W2, W2_EXPECTED),
    "W3": (W3, W3_EXPECTED),
    "W4": (W4, W4_EXPECTED),
    "W5": (W5, W5_EXPECTED),
    "W6": (W6, W6_EXPECTED),
}


@pytest.mark.parametrize("as_strings", [False, True], ids=["numbers", "strings"])
@pytest.mark.parametrize("case", sorted(WORKED))
def test_worked_case(case, as_strings):
    payload, expected = WORKED[case]
    if as_strings:
        payload = stringify(payload)
    result = evaluate(payload)
    assert result == expected
    # Exactly 4 decimals, so the API serialises "2.5000", not "2.5".
    assert str(result["composite"]) == str(expected["composite"])
    for item, want in zip(result["items"], expected["items"], strict=True):
        assert str(item["raw"]) == str(want["raw"])
        if "weighted" in want:
            assert str(item["weighted"]) == str(want["weighted"])


def test_worked_case_results_are_json_serialisable_as_strings():
    result = evaluate(W1)
    text = json.dumps(result, default=str)
    assert '"composite": "2.3750"' in text


def test_w2_with_named_kenya_pc_2013_table():
    payload = dict(W2, bands=DEFAULT_BANDS["kenya_pc_2013"])
    assert evaluate(payload) == W2_EXPECTED


def test_w2_under_default_bands_grades_excellent():
    payload = {k: v for k, v in W2.items() if k != "bands"}
    result = evaluate(payload)
    assert result["composite"] == D("1.9600")
    assert result["grade"] == "Excellent"


def test_w3_with_explicit_default_cap():
    assert evaluate(dict(W3, cap=120)) == W3_EXPECTED
    assert evaluate(dict(W3, cap="120")) == W3_EXPECTED


def test_w4_opras_items_have_no_weighted():
    result = evaluate(W4)
    assert all("weighted" not in item for item in result["items"])


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


def test_integer_ids_are_returned_unchanged():
    payload = {
        "scheme": "likert_5",
        "items": [{"id": 7, "weight": 100, "rating": 4}],
    }
    assert evaluate(payload)["items"][0]["id"] == 7


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def errors_of(payload):
    with pytest.raises(ScoringValidationError) as info:
        evaluate(payload)
    errors = info.value.errors
    # Every message is a real sentence, not a code.
    for path, messages in errors.items():
        assert isinstance(path, str) and path
        assert messages, path
        for message in messages:
            assert isinstance(message, str)
            assert len(message) > 15, message
            assert message[0].isupper() and message.endswith("."), message
    return errors


def kenya_item(**overrides):
    item = {
        "id": "t1",
        "weight": 100,
        "direction": "higher",
        "criteria": crit(110, 100, 90, 80, 70),
        "actual": 95,
    }
    item.update(overrides)
    return item


def kenya(*items, **extra):
    return {"scheme": "kenya_pc", "items": list(items), **extra}


def pct_item(**overrides):
    item = {"id": "p1", "weight": 100, "direction": "higher", "target": 100}
    item["actual"] = 90
    item.update(overrides)
    return item


def pct(*items, **extra):
    return {"scheme": "percent_achievement", "items": list(items), **extra}


def without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
    "scheme missing": (without(W5, "scheme"), "scheme", "required"),
    "scheme unknown": (dict(W5, scheme="balanced"), "scheme", "unknown scheme"),
    "scheme not text": (dict(W5, scheme=3), "scheme", "unknown scheme"),
    "band table is not a scheme": (
        dict(W1, scheme="kenya_pc_2013"),
        "scheme",
        "kenya_pc",
    ),
    "direction unknown": (
        kenya(kenya_item(direction="up")),
        "items[0].direction",
        "'higher'",
    ),
    "percent direction unknown": (
        pct(pct_item(direction="more")),
        "items[0].direction",
        "'lower'",
    ),
    "items empty": (kenya(), "items", "empty"),
    "items missing": (without(W5, "items"), "items", "required"),
    "items not a list": (dict(W5, items={"id": "a"}), "items", "list"),
    "item not an object": (
        {"scheme": "likert_5", "items": [5]},
        "items[0]",
        "object",
    ),
    "weight missing": (kenya(without(kenya_item(), "weight")), "items[0].weight", ""),
    "weight non-numeric": (kenya(kenya_item(weight="heavy")), "items[0].weight", ""),
    "weight null": (kenya(kenya_item(weight=None)), "items[0].weight", "required"),
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
    "actual missing": (kenya(without(kenya_item(), "actual")), "items[0].actual", ""),
    "actual non-numeric": (kenya(kenya_item(actual="n/a")), "items[0].actual", ""),
    "actual too large": (kenya(kenya_item(actual="1e20")), "items[0].actual", "large"),
    "actual too precise": (
        kenya(kenya_item(actual="0." + "1" * 25)),
        "items[0].actual",
        "decimal places",
    ),
    "target missing": (pct(without(pct_item(), "target")), "items[0].target", ""),
    "rating missing": (
        {"scheme": "likert_5", "items": [{"id": "a", "weight": 100}]},
        "items[0].rating",
        "required",
    ),
    "score non-numeric": (
        {"scheme": "pepmis", "items": [{"id": "a", "weight": 100, "score": "high"}]},
        "items[0].score",
        "number",
    ),
    "id missing": (kenya(without(kenya_item(), "id")), "items[0].id", "required"),
    "id blank": (kenya(kenya_item(id="  ")), "items[0].id", "blank"),
    "id not scalar": (kenya(kenya_item(id=["t"])), "items[0].id", "whole number"),
    "duplicate ids": (
        kenya(kenya_item(weight=50), kenya_item(weight=50)),
        "items[1].id",
        "more than once",
    ),
    "duplicate ids across int and text": (
        {
            "scheme": "likert_5",
            "items": [
                {"id": 1, "weight": 50, "rating": 3},
                {"id": "1", "weight": 50, "rating": 3},
            ],
        },
        "items[1].id",
        "unique",
    ),
    "negative weight": (
        kenya(kenya_item(weight=110), kenya_item(id="t2", weight=-10)),
        "items[1].weight",
        "negative",
    ),
    "weights below 100": (
        kenya(kenya_item(weight=60), kenya_item(id="t2", weight=35)),
        "weights",
        "Weights must add up to 100; they add up to 95.",
    ),
    "weights above 100 by a hair": (
        kenya(kenya_item(weight="60.0001"), kenya_item(id="t2", weight=40)),
        "weights",
        "they add up to 100.0001",
    ),
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
    "cap on another scheme": (dict(W5, cap=120), "cap", "percent_achievement"),
    "attributes on another scheme": (
        dict(W5, attributes=W4["attributes"]),
        "attributes",
        "opras",
    ),
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
    payload, path, words = VALIDATION_CASES[name]
    errors = errors_of(payload)
    assert path in errors, errors
    assert any(words.lower() in m.lower() for m in errors[path]), errors[path]


@pytest.mark.parametrize("payload", [None, [], "kenya_pc", 5])
def test_payload_must_be_an_object(payload):
    errors = errors_of(payload)
    assert list(errors) == ["non_field_errors"]
    assert "JSON object" in errors["non_field_errors"][0]


def test_weights_message_is_exact():
    errors = errors_of(kenya(kenya_item(weight=60), kenya_item(id="t2", weight=35)))
    assert errors == {"weights": ["Weights must add up to 100; they add up to 95."]}


def test_weights_sum_not_checked_when_a_weight_is_invalid():
    errors = errors_of(kenya(kenya_item(weight=60), kenya_item(id="t2", weight="x")))
    assert "items[1].weight" in errors
    assert "weights" not in errors


def test_zero_weight_is_allowed():
    payload = kenya(kenya_item(weight=100), kenya_item(id="t2", weight=0, actual=70))
    result = evaluate(payload)
    assert result["items"][1]["weighted"] == D("0.0000")
    assert result["composite"] == D("2.5000")


def test_all_problems_are_collected_at_once():
    payload = {
        "scheme": "kenya_pc",
        "cap": 100,
        "bands": [{"grade": "A", "limit": 3}, {"grade": "B", "limit": 2}],
        "items": [
            kenya_item(weight=-5, direction="up"),
            kenya_item(weight="x", criteria=crit(1, 2, 3, 4, 5), actual="?"),
            kenya_item(id="t3", criteria={"excellent": 1}),
        ],
    }
    errors = errors_of(payload)
    for path in (
        "cap",
        "bands[1].limit",
        "items[0].weight",
        "items[0].direction",
        "items[1].id",
        "items[1].weight",
        "items[1].criteria",
        "items[1].actual",
        "items[2].criteria.very_good",
        "items[2].criteria.poor",
    ):
        assert path in errors, (path, errors)


def test_unknown_scheme_still_reports_empty_items():
    errors = errors_of({"scheme": "nope", "items": []})
    assert set(errors) == {"scheme", "items"}
    assert "kenya_pc" in errors["scheme"][0]


def test_validation_error_is_a_value_error_with_a_summary():
    with pytest.raises(ValueError, match="weights"):
        evaluate(kenya(kenya_item(weight=50)))


# --------------------------------------------------------------------------
# Bands and grades
# --------------------------------------------------------------------------


def test_default_band_tables():
    assert set(DEFAULT_BANDS) == {
        "kenya_pc",
        "kenya_pc_2013",
        "percent_achievement",
        "opras",
        "likert_5",
        "pepmis",
    }
    limits = {name: [(b["grade"], b["limit"]) for b in bands] for name, bands in DEFAULT_BANDS.items()}
    assert limits["kenya_pc"] == [
        ("Excellent", D("2.40")),
        ("Very Good", D("3.00")),
        ("Good", D("3.60")),
        ("Fair", D("4.00")),
        ("Poor", D("5.00")),
    ]
    assert [limit for _, limit in limits["kenya_pc_2013"]] == [
        D("1.49"),
        D("2.49"),
        D("3.49"),
        D("3.59"),
        D("5"),
    ]
    assert [limit for _, limit in limits["percent_achievement"]] == [
        101,
        100,
        80,
        60,
        0,
    ]
    assert [g for g, _ in limits["opras"]] == [
        "Outstanding",
        "Very Good",
        "Good",
        "Satisfactory",
        "Poor",
    ]
    assert [limit for _, limit in limits["likert_5"]] == [
        D("4.5"),
        D("3.5"),
        D("2.5"),
        D("1.5"),
        D("1"),
    ]
    assert [limit for _, limit in limits["pepmis"]] == [90, 75, 60, 50, 0]
    # Every default table passes its own scheme's validation.
    for name, bands in DEFAULT_BANDS.items():
        assert validate_bands(bands, name) == bands


def test_scheme_registry():
    assert set(SCHEMES) == {
        "kenya_pc",
        "percent_achievement",
        "opras",
        "likert_5",
        "pepmis",
    }
    lower = {n for n, s in SCHEMES.items() if s.direction == "lower_is_better"}
    assert lower == {"kenya_pc", "opras"}
    assert not SCHEMES["opras"].uses_weights
    assert all(s.uses_weights for n, s in SCHEMES.items() if n != "opras")
    assert (SCHEMES["kenya_pc"].best, SCHEMES["kenya_pc"].worst) == (1, 5)
    assert (SCHEMES["likert_5"].best, SCHEMES["likert_5"].worst) == (5, 1)
    assert (SCHEMES["pepmis"].best, SCHEMES["pepmis"].worst) == (100, 0)
    assert SCHEMES["percent_achievement"].worst == 0
    assert SCHEMES["pepmis"].score is scoring.pepmis
    with pytest.raises(AttributeError):
        SCHEMES["pepmis"].name = "x"  # frozen


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


def single_kenya(actual, bands=None):
    payload = kenya(kenya_item(actual=actual))
    if bands is not None:
        payload["bands"] = bands
    return evaluate(payload)


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


@pytest.mark.parametrize(
    ("rating", "grade"),
    [("4.5", "Excellent"), ("4.4999", "Very Good"), ("3.5", "Very Good"), ("1", "Poor")],
)
def test_likert_grade_boundaries(rating, grade):
    payload = {"scheme": "likert_5", "items": [{"id": "a", "weight": 100, "rating": rating}]}
    assert evaluate(payload)["grade"] == grade


@pytest.mark.parametrize(
    ("actual", "grade"),
    [(101, "Excellent"), ("100.9999", "Very Good"), (100, "Very Good"), (80, "Good")],
)
def test_percent_grade_boundaries(actual, grade):
    assert evaluate(pct(pct_item(actual=actual)))["grade"] == grade


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


def test_grade_for_uses_the_rounded_composite():
    bands = DEFAULT_BANDS["kenya_pc"]
    assert grade_for(D("2.40004"), bands, "kenya_pc") == "Excellent"
    assert grade_for(D("2.40005"), bands, "kenya_pc") == "Very Good"
    assert grade_for("3", bands, SCHEMES["kenya_pc"]) == "Very Good"
    assert grade_for(D("1.49"), DEFAULT_BANDS["kenya_pc_2013"], "kenya_pc_2013") == ("Excellent")
    assert grade_for(100, DEFAULT_BANDS["percent_achievement"], "percent_achievement") == ("Very Good")


# --------------------------------------------------------------------------
# Rounding and arithmetic
# --------------------------------------------------------------------------


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


def test_scheme_functions_return_unrounded_results():
    result = scoring.percent_achievement(pct(pct_item(target=3, actual=1)))
    raw = result.items[0].raw
    assert raw != quantize4(raw)
    assert quantize4(raw) == D("33.3333")
    assert result.composite == result.items[0].weighted
    opras = scoring.opras(W4)
    assert opras.items[0].weighted is None
    assert opras.composite == 2
    with pytest.raises(ScoringValidationError):
        scoring.likert_5({"items": []})


# --------------------------------------------------------------------------
# Purity: the engine must not depend on Django
# --------------------------------------------------------------------------

ALLOWED_IMPORTS = {"collections", "dataclasses", "decimal", "re", "typing"}


def test_scoring_imports_only_the_standard_library():
    modules = sorted(SCORING_DIR.rglob("*.py"))
    assert len(modules) > 1, modules
    for path in modules:
        source = path.read_text(encoding="utf-8")
        # A relative import may climb to the engine's own package, never to scorecards (a Django app).
        depth = len(path.relative_to(SCORING_DIR).parts)
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level:
                assert node.level <= depth, (path.name, node.level)
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
        assert imported <= ALLOWED_IMPORTS, (path.name, imported)
        # Catches imports hidden from the AST walk above, e.g. importlib calls.
        assert not re.search(r"(import|from)\s+django|import_module\(", source), path.name


def test_fresh_import_does_not_load_django():
    # Load the engine's package by path so scorecards' __init__ (a Django app) is not
    # involved, then check nothing pulled Django in.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('scoring', {str(SCORING_DIR / '__init__.py')!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['scoring'] = module\n"
        "spec.loader.exec_module(module)\n"
        "assert module.evaluate({'scheme': 'likert_5', 'items': "
        "[{'id': 'a', 'weight': 100, 'rating': 4}]})['grade'] == 'Very Good'\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
