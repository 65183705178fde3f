"""Property-based tests for the scoring engine (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.scoring import (
    CRITERIA_LEVELS,
    evaluate,
    kenya_pc_raw,
    percent_raw,
    quantize4,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def amounts(low=-1_000_000, high=1_000_000, places=3):
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False)


@st.composite
def weights_summing_to_100(draw, max_items=12):
    """A random composition of 100 into positive integer weights."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=max_items - 1)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def criteria_and_actuals(draw, direction):
    """Strictly monotonic criteria for ``direction`` and two actuals a1 <= a2.

    Actuals are drawn around the criteria (including exactly on them) so
    every interpolation segment and both clamps get exercised.
    """
    values = sorted(draw(st.lists(amounts(), min_size=5, max_size=5, unique=True)))
    if direction == "higher":
        values.reverse()
    low, high = min(values), max(values)
    span = high - low
    actual = st.one_of(
        st.sampled_from(values),
        amounts(low=low - span / 4, high=high + span / 4),
    )
    a1, a2 = sorted((draw(actual), draw(actual)))
    return dict(zip(CRITERIA_LEVELS, values, strict=True)), a1, a2


# --------------------------------------------------------------------------
# kenya_pc: 1 best ... 5 worst
# --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(criteria_and_actuals("higher"))
def test_kenya_higher_raw_does_not_worsen_as_actual_grows(case):
    criteria, a1, a2 = case
    r1, r2 = kenya_pc_raw(criteria, a1, "higher"), kenya_pc_raw(criteria, a2, "higher")
    assert 1 <= r2 <= r1 <= 5


@PROPERTY_SETTINGS
@given(criteria_and_actuals("lower"))
def test_kenya_lower_raw_does_not_improve_as_actual_grows(case):
    criteria, a1, a2 = case
    r1, r2 = kenya_pc_raw(criteria, a1, "lower"), kenya_pc_raw(criteria, a2, "lower")
    assert 1 <= r1 <= r2 <= 5


@PROPERTY_SETTINGS
@given(st.sampled_from(["higher", "lower"]).flatmap(lambda d: st.tuples(st.just(d), criteria_and_actuals(d))))
def test_kenya_raw_hits_each_level_exactly_on_its_criteria_value(case):
    direction, (criteria, _, _) = case
    for score, level in enumerate(CRITERIA_LEVELS, start=1):
        assert kenya_pc_raw(criteria, criteria[level], direction) == score


@PROPERTY_SETTINGS
@given(
    st.sampled_from(["higher", "lower"]).flatmap(lambda d: st.tuples(st.just(d), criteria_and_actuals(d))),
    weights_summing_to_100(),
)
def test_kenya_composite_of_equal_raws_is_that_raw(case, weights):
    direction, (criteria, actual, _) = case
    criteria = {level: str(value) for level, value in criteria.items()}
    payload = {
        "scheme": "kenya_pc",
        "items": [
            {"id": f"t{i}", "weight": w, "direction": direction, "criteria": criteria, "actual": str(actual)}
            for i, w in enumerate(weights)
        ],
    }
    result = evaluate(payload)
    raw = quantize4(kenya_pc_raw(criteria, actual, direction))
    assert result["composite"] == raw
    assert all(item["raw"] == raw for item in result["items"])


# --------------------------------------------------------------------------
# percent_achievement: 0 ... cap, higher is better
# --------------------------------------------------------------------------

caps = st.one_of(st.none(), amounts(low=1, high=500, places=2))


@PROPERTY_SETTINGS
@given(
    target=amounts(low=Decimal("0.01"), high=1_000_000, places=2),
    actuals=st.lists(amounts(), min_size=2, max_size=2),
    cap=caps,
)
def test_percent_higher_raw_non_decreasing_and_bounded(target, actuals, cap):
    a1, a2 = sorted(actuals)
    r1, r2 = (percent_raw(target, a, "higher", cap) for a in (a1, a2))
    assert 0 <= r1 <= r2
    if cap is not None:
        assert r2 <= cap


@PROPERTY_SETTINGS
@given(
    target=amounts(low=Decimal("0.01"), high=1_000_000, places=2),
    actuals=st.lists(amounts(), min_size=2, max_size=2),
    cap=caps,
)
def test_percent_lower_raw_non_increasing_and_bounded(target, actuals, cap):
    a1, a2 = sorted(actuals)
    if cap is None:
        # Without a cap an actual of 0 or less has no finite score.
        a1, a2 = (max(a, Decimal("0.001")) for a in (a1, a2))
    r1, r2 = (percent_raw(target, a, "lower", cap) for a in (a1, a2))
    assert r1 >= r2 >= 0
    if cap is not None:
        assert r1 <= cap


@PROPERTY_SETTINGS
@given(
    direction=st.sampled_from(["higher", "lower"]),
    target=amounts(low=Decimal("0.01"), high=100_000, places=2),
    actual=amounts(low=0, high=100_000, places=2),
    weights=weights_summing_to_100(),
)
def test_percent_composite_of_equal_raws_is_that_raw(direction, target, actual, weights):
    payload = {
        "scheme": "percent_achievement",
        "items": [
            {"id": i, "weight": w, "direction": direction, "target": str(target), "actual": str(actual)}
            for i, w in enumerate(weights)
        ],
    }
    result = evaluate(payload)
    raw = quantize4(percent_raw(target, actual, direction))
    assert result["composite"] == raw
    assert Decimal(0) <= result["composite"] <= Decimal(120)


# --------------------------------------------------------------------------
# likert_5 and pepmis: the composite is a weighted mean of the raws
# --------------------------------------------------------------------------


@st.composite
def weighted_payload(draw, scheme, field, low, high):
    weights = draw(weights_summing_to_100())
    values = draw(st.lists(amounts(low=low, high=high, places=2), min_size=len(weights), max_size=len(weights)))
    return {
        "scheme": scheme,
        "items": [
            {"id": f"x{i}", "weight": w, field: str(v)} for i, (w, v) in enumerate(zip(weights, values, strict=True))
        ],
    }


@pytest.mark.parametrize(
    ("scheme", "field", "low", "high"),
    [("likert_5", "rating", 1, 5), ("pepmis", "score", 0, 100)],
)
def test_composite_lies_between_min_and_max_raw(scheme, field, low, high):
    @PROPERTY_SETTINGS
    @given(weighted_payload(scheme, field, low, high))
    def check(payload):
        result = evaluate(payload)
        raws = [item["raw"] for item in result["items"]]
        assert min(raws) <= result["composite"] <= max(raws)
        assert low <= result["composite"] <= high

    check()


@pytest.mark.parametrize(("scheme", "field", "value"), [("likert_5", "rating", 3), ("pepmis", "score", 55.5)])
def test_equal_ratings_give_that_rating_whatever_the_weights(scheme, field, value):
    @PROPERTY_SETTINGS
    @given(weights_summing_to_100())
    def check(weights):
        payload = {
            "scheme": scheme,
            "items": [{"id": i, "weight": w, field: value} for i, w in enumerate(weights)],
        }
        assert evaluate(payload)["composite"] == quantize4(value)

    check()


@PROPERTY_SETTINGS
@given(weighted_payload("pepmis", "score", 0, 100))
def test_numbers_and_numeric_strings_score_the_same(payload):
    as_numbers = {
        **payload,
        "items": [{**item, "score": float(item["score"])} for item in payload["items"]],
    }
    assert evaluate(as_numbers) == evaluate(payload)
