"""The schemes and band tables by name (scorecards/scoring/registry.py)."""

import pytest

from scorecards import scoring
from scorecards.scoring import DEFAULT_BANDS, SCHEMES, validate_bands
from tests.scorecards.scoring.helpers import D


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
