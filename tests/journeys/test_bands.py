"""Journey: the ministry's administrator starts a grade table of its own from the national one and edits it on
a phone, in Swahili: a gap between two bands is refused beside the band, the fixed table is saved, and the
editor fits 390 px."""

import pytest

from pmis.models import Institution
from scorecards.models import BandTable

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_administrator_edits_the_grade_bands_on_a_phone(journey, viewport):
    water = Institution.objects.get(slug="water")
    j = journey("bands", language="sw")
    page = j.page
    j.login("admin")
    j.goto(f"/institutions/{water.pk}/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Viwango vya madaraja").click()
    j.check()
    assert "Jedwali la kitaifa, kwa marejeo" in page.locator("main").inner_text()
    page.get_by_label("Jina la jedwali lenu").fill("Madaraja ya Wizara")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzisha jedwali").click()
    j.check()
    j.shot("1-editor")

    # Band 3 starts at 3.2 while band 2 ends at 3: a gap, refused beside band 3.
    page.locator("#id_band-2-lower").fill("3.2")
    with page.expect_navigation():
        page.locator("main form.band-form button[type=submit]").click()
    j.check()
    band = page.locator("fieldset[data-band='2']")
    assert "Kuna pengo kati ya kiwango hiki" in band.inner_text()
    j.shot("2-gap")

    page.locator("#id_band-2-lower").fill("3")
    page.locator("#id_band-4-grade_sw").fill("Dhaifu sana")
    with page.expect_navigation():
        page.locator("main form.band-form button[type=submit]").click()
    j.check()
    assert "Dhaifu sana" in page.locator("main").inner_text()
    table = BandTable.objects.get(institution=water, name="Madaraja ya Wizara")
    assert table.version == 2 and table.bands[-1]["grade_sw"] == "Dhaifu sana"
    j.shot("3-saved")
