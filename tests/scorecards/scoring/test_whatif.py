"""The what-if API, ``evaluate`` (scorecards/scoring/whatif.py): the worked cases W1–W6 of the scoring
methodology (methodology.md) must match to 4 dp; requests are refused whole, every problem at once."""

import json

import pytest

from scorecards import scoring
from scorecards.scoring import ScoringValidationError, evaluate, quantize4
from tests.scorecards.scoring.helpers import (
    W1,
    W4,
    W5,
    WORKED,
    D,
    assert_refused,
    crit,
    errors_of,
    kenya_item,
    pct,
    pct_item,
    stringify,
    without,
)


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
    "cap on another scheme": (dict(W5, cap=120), "cap", "percent_achievement"),
    "attributes on another scheme": (
        dict(W5, attributes=W4["attributes"]),
        "attributes",
        "opras",
    ),
}


@pytest.mark.parametrize("name", list(VALIDATION_CASES))
def test_validation_error(name):
    assert_refused(*VALIDATION_CASES[name])
