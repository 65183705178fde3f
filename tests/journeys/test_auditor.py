"""Journey 4: the auditor opens a contract's audit trail from the contract page, then asks for the
institution's annual report as a PDF, waits for it and downloads it."""

import pytest

from contracts.models import PerformanceContract
from pmis.models import Institution
from reports.models import GeneratedReport
from scorecards.models import ContractLevel

pytestmark = [pytest.mark.browser]


def test_auditor_reads_the_trail_and_exports_the_report(journey, viewport):
    water = Institution.objects.get(slug="water")
    contract = PerformanceContract.objects.get(
        institution=water, level=ContractLevel.INSTITUTION, financial_year__is_current=True)
    j = journey("auditor")
    page = j.page
    j.login("auditor")
    j.goto(f"/contracts/{contract.pk}/")
    j.shot("1-contract")
    with page.expect_navigation():
        page.locator("main a[href^='/audit/']").first.click()
    j.check()
    assert f"object={contract.pk}" in page.url
    trail = page.locator("main").inner_text()
    assert "contract" in trail.lower()
    j.shot("2-audit-trail")

    # The institution annual report, as a PDF.
    j.menu()
    with page.expect_navigation():
        page.locator("nav a[href='/reports/']").click()
    j.check()
    before = set(GeneratedReport.objects.values_list("pk", flat=True))
    with page.expect_navigation():
        page.locator("main a[href='/reports/new/']").click()
    j.check()
    page.locator("#id_kind").select_option("annual")
    page.locator("#id_format").select_option("pdf")
    page.locator("#id_institution").select_option(str(water.pk))
    j.shot("3-ask")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    j.check()
    report = GeneratedReport.objects.exclude(pk__in=before).get()
    link = page.locator(f"a[href='/reports/{report.pk}/download/']").first
    link.wait_for(timeout=60_000)  # ready (htmx polls while a worker runs it)
    j.shot("4-ready")
    with page.expect_download() as info:
        link.click()
    assert info.value.path().read_bytes().startswith(b"%PDF")
