"""Journey: a Tanzanian officer on an English browser signs in and reads PMIS in Swahili, her saved
language, with PEPMIS' stage names on her plan; she switches to English in the menu and it sticks."""

import pytest

from contracts.models import PerformanceContract
from notifications.models import LanguagePreference

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("viewport", ["desktop"])  # the language, not the layout, is what this checks
def test_a_tanzanian_officer_reads_her_plan_in_swahili_and_can_switch(journey, viewport):
    plan = PerformanceContract.objects.get(institution__slug="bagamoyo", level="officer")
    j = journey("page-language", language="en")
    page = j.page
    j.login("tz-afisa")
    assert page.locator("html").get_attribute("lang") == "sw"
    j.goto(plan.get_absolute_url())
    assert page.locator("h1 .badge.stage").inner_text() == "Utekelezaji na Ufuatiliaji"
    j.shot("swahili")

    page.locator("#language").select_option("en")
    page.wait_for_url(f"**{plan.get_absolute_url()}")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1 .badge.stage").inner_text() == "Implementation and monitoring"
    j.goto("/contracts/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert LanguagePreference.objects.get(user__username="tz-afisa").language == "en"
