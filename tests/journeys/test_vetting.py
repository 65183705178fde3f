"""Journey (issue 30): the vetting committee vets a directorate contract of six targets on one form.
A clean contract takes three clicks after opening it (the form, tick the unflagged targets, save and
approve); the demo target negotiated to 151 while its "Very good" criterion and its description still
say 150 is flagged, blocks approval until the committee says why it passes, and the error summary
takes the focus."""

import pytest
from django.contrib.auth import get_user_model

from contracts.cycle import negotiation, workflow
from contracts.models import NegotiationRound, PerformanceContract, Target, VettingCheck
from scorecards.models import ContractLevel

pytestmark = [pytest.mark.browser]


def directorate_agreed(accept):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["director", "head"])}
    contract = PerformanceContract.objects.get(level=ContractLevel.UNIT, performer=users["director"])
    proposal = NegotiationRound.objects.get(target__contract=contract, state="open")
    if accept:
        negotiation.accept(users["director"], proposal, "")
    else:
        workflow.withdraw(users["head"], proposal)
    workflow.conclude_negotiation(users["head"], contract)
    contract.refresh_from_db()
    return contract


def open_the_form(j, contract):
    page = j.page
    j.login("vetting")
    j.goto(f"/contracts/{contract.pk}/")
    with page.expect_navigation():
        page.locator("main a[data-vet-link]").click()  # click 1
    j.check()


def test_six_clean_targets_take_three_clicks(journey, viewport):
    contract = directorate_agreed(accept=False)
    assert Target.objects.filter(contract=contract).count() == 6
    j = journey("vetting-clean")
    page = j.page
    open_the_form(j, contract)
    assert page.locator("[data-flags]").count() == 0
    page.locator("main [data-check-all]").click()  # click 2
    j.shot("1-ticked")
    with page.expect_navigation():
        page.locator("main button[value=approve]").click()  # click 3
    j.check()
    contract.refresh_from_db()
    assert contract.status == PerformanceContract.Status.READY_TO_SIGN
    assert VettingCheck.objects.filter(contract=contract, smart=True, aligned=True).count() == 6


def test_the_inconsistent_demo_target_is_flagged_and_needs_a_reason(journey, viewport):
    contract = directorate_agreed(accept=True)
    flagged = Target.objects.get(contract=contract, target_value=151)
    j = journey("vetting-flagged")
    page = j.page
    open_the_form(j, contract)
    flags = page.locator(f"[data-flags='{flagged.pk}'] li")
    assert flags.count() == 2
    assert "150" in flags.first.inner_text() and "151" in flags.first.inner_text()
    j.shot("1-flagged")
    page.locator("main [data-check-all]").click()
    assert not page.locator(f"input[name=smart-{flagged.pk}]").is_checked()  # a flag needs a decision
    with page.expect_navigation():
        page.locator("main button[value=approve]").click()
    j.check()
    summary = page.locator("#vetting-errors")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "vetting-errors"
    j.shot("2-not-approved")
    contract.refresh_from_db()
    assert contract.status == PerformanceContract.Status.AGREED
    assert VettingCheck.objects.filter(contract=contract).count() == 5  # the others were kept

    # Ticking the flagged target alone is not enough: the committee says why it passes.
    page.locator(f"input[name=smart-{flagged.pk}]").check()
    page.locator(f"input[name=aligned-{flagged.pk}]").check()
    with page.expect_navigation():
        page.locator("main button[value=approve]").click()
    j.check()
    assert page.locator(f"[data-error-for='{flagged.pk}']").is_visible()
    page.locator(f"#comment-{flagged.pk}").fill("One more borehole is co-funded by the county; criteria follow.")
    with page.expect_navigation():
        page.locator("main button[value=approve]").click()
    j.check()
    contract.refresh_from_db()
    assert contract.status == PerformanceContract.Status.READY_TO_SIGN
