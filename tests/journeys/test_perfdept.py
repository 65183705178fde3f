"""Journey 3: the performance department opens the league table, filters it, drills into an
institution's dashboard and exports the table to Excel."""

import io

import openpyxl
import pytest

from pmis.models import Institution

pytestmark = [pytest.mark.browser]


def test_perfdept_ranks_drills_down_and_exports(journey, viewport):
    water = Institution.objects.get(slug="water")
    j = journey("perfdept")
    page = j.page
    j.login("perfdept")
    j.menu()  # on a phone the menu folds behind its button
    with page.expect_navigation():
        if viewport == "phone":
            page.locator("nav a[href='/scorecards/league/']").click()
        else:
            page.get_by_role("link", name="League table").click()
    j.check()
    j.shot("1-league")

    # Filter: ministries only, first quarter (the demo's verified quarter).
    page.locator("#kind").select_option(water.kind)
    page.locator("#period").select_option("1")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    j.check()
    assert "kind=" in page.url and "period=1" in page.url
    rows = page.locator("table.league tbody tr")
    assert water.name in rows.first.inner_text()
    j.shot("2-filtered")

    # Export what is shown to Excel.
    with page.expect_download() as info:
        page.locator("a[href*='/league/export.xlsx']").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    values = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert any(water.name in [str(c) for c in row] for row in values[1:]), values[:4]

    # Drill into the ministry's dashboard.
    with page.expect_navigation():
        page.locator(f"table.league a[href^='/scorecards/institutions/{water.pk}/dashboard/']").click()
    j.check()
    assert water.name in page.locator("main").inner_text()
    j.shot("3-dashboard")
