"""Reading a request (scorecards/scoring/reading.py): shape, ids, directions and weights, each problem
under its field path."""

import pytest

from scorecards.scoring import evaluate
from tests.scorecards.scoring.helpers import W5, D, assert_refused, errors_of, kenya, kenya_item, pct, pct_item, without


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


def test_integer_ids_are_returned_unchanged():
    payload = {
        "scheme": "likert_5",
        "items": [{"id": 7, "weight": 100, "rating": 4}],
    }
    assert evaluate(payload)["items"][0]["id"] == 7


def test_validation_error_is_a_value_error_with_a_summary():
    with pytest.raises(ValueError, match="weights"):
        evaluate(kenya(kenya_item(weight=50)))


VALIDATION_CASES = {
    # name: (payload, path, words that must appear in one of its messages)
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
    "weight null": (kenya(kenya_item(weight=None)), "items[0].weight", "required"),
    "actual missing": (kenya(without(kenya_item(), "actual")), "items[0].actual", ""),
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
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
