"""Journey (issue 30): a wrong authentication code brings the signing page back with the error at the
top, in view and focused; the fingerprint shows shortened with a copy button inside the screen."""

import pytest
from django.contrib.auth import get_user_model

from contracts.models import ContractVersion, Signature
from tests.journeys.test_vetting import directorate_agreed

pytestmark = [pytest.mark.browser]


def test_a_wrong_code_is_said_at_the_top_and_focused(journey, viewport):
    from contracts.cycle import vetting, workflow
    from contracts.models import Target

    contract = directorate_agreed(accept=False)
    committee = get_user_model().objects.get(username="vetting")
    vetting.save_findings(committee, contract, {
        t.pk: {"smart": True, "aligned": True} for t in Target.objects.filter(contract=contract)})
    workflow.approve_vetting(committee, contract)
    version = ContractVersion.objects.get(contract=contract)

    j = journey("signing")
    page = j.page
    j.login("director")
    j.goto(f"/contracts/{contract.pk}/sign/")
    assert page.locator("main code.hash").inner_text() == version.content_hash[:12] + "…"
    copy = page.locator("main [data-copy]")
    assert copy.is_visible()
    box, width = copy.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.locator("#id_password").fill("pmis-demo")
    page.locator("#id_code").fill("000000")
    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    j.check()
    assert page.evaluate("document.activeElement.id") == "sign-errors"
    summary = page.locator("#sign-errors").bounding_box()
    assert summary["y"] < page.viewport_size["height"], summary  # in view without scrolling
    j.shot("1-wrong-code")
    assert not Signature.objects.filter(contract=contract).exists()
