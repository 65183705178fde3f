"""Shared by the scoring engine's tests: the worked cases W1–W6 of the scoring methodology
(methodology.md) with their expected results, and builders of requests and of the errors they earn."""

from decimal import Decimal

import pytest

from scorecards.scoring import ScoringValidationError, evaluate

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


def single_kenya(actual, bands=None):
    payload = kenya(kenya_item(actual=actual))
    if bands is not None:
        payload["bands"] = bands
    return evaluate(payload)


def assert_refused(payload, path, words):
    """``evaluate`` refuses ``payload`` with a message under ``path`` that contains ``words``."""
    errors = errors_of(payload)
    assert path in errors, errors
    assert any(words.lower() in m.lower() for m in errors[path]), errors[path]
