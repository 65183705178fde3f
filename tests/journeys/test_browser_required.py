"""CI must not pass by skipping the journeys: without Chromium they fail when PMIS_REQUIRE_BROWSER is set."""

import pytest

from tests.journeys.conftest import no_browser


def test_missing_browser_fails_when_required(monkeypatch):
    monkeypatch.setenv("PMIS_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception):
        no_browser()


def test_missing_browser_skips_on_a_workstation(monkeypatch):
    monkeypatch.delenv("PMIS_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception):
        no_browser()
