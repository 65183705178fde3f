"""Journey: the performance department sees who has not planned (2 of 25 in the demo ministry), reminds
them once, and is told that a second press within the window sends nothing; at 390 px the page fits."""

import pytest

from notifications.models import Nudge, Outbox
from pmis.models import Institution

pytestmark = [pytest.mark.browser]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_perfdept_sees_coverage_and_reminds_once(journey, viewport):
    water = Institution.objects.get(slug="water")
    j = journey("coverage")
    page = j.page
    j.login("perfdept")
    j.goto(f"/scorecards/institutions/{water.pk}/dashboard/")
    assert "2 of 25" in page.locator("[data-level=officer]").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Coverage: who has planned, signed and reported").click()
    j.check()
    assert page.locator("[data-figure=plan]").inner_text() == "2 of 25"
    assert page.locator("table.coverage-missing tbody tr").count() == 23
    assert fits(page), "the coverage page scrolls sideways"
    j.shot("1-coverage")

    with page.expect_navigation():
        page.get_by_role("button", name="Remind them (23 officers)").click()
    j.check()
    assert "Reminder sent to 23 officers." in page.locator("main").inner_text() + page.content()
    nudge = Nudge.objects.get(institution=water)
    assert Outbox.objects.filter(kind=f"nudge_{nudge.pk}").count() == 23
    with page.expect_navigation():
        page.get_by_role("button", name="Remind them (23 officers)").click()
    j.check()
    assert "Nothing sent: these officers were reminded at" in page.content()
    assert Nudge.objects.filter(institution=water).count() == 1
    assert fits(page)
    j.shot("2-reminded")


def test_coverage_in_swahili_on_a_phone(journey, viewport):
    if viewport != "phone":
        pytest.skip("the Swahili page is checked at 390 px")
    water = Institution.objects.get(slug="water")
    j = journey("coverage", language="sw")
    j.login("secretariat")
    j.goto(f"/notifications/coverage/{water.pk}/")
    assert j.page.locator("[data-figure=plan]").inner_text() == "2 kati ya 25"
    assert "Maafisa wenye mpango" in j.page.locator("main").inner_text()
    assert fits(j.page)
    j.shot("1-coverage")
