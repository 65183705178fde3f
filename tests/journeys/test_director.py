"""Journey 2: the director answers the head's proposal, signs the directorate contract online
(password and authentication code again) and downloads its PDF, ready without anyone asking for it."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.cycle import signing, workflow
from contracts.demo.cycle import demo_request, vet_all
from contracts.models import NegotiationRound, PerformanceContract, Signature
from pmis import twofactor
from scorecards.models import ContractLevel

pytestmark = [pytest.mark.browser]


def fresh_code(user):
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # a code is good once; the demo reuses them
    return twofactor.current_code(user)


def test_director_negotiates_signs_and_downloads_the_pdf(journey, viewport):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["director", "head", "vetting"])}
    contract = PerformanceContract.objects.get(level=ContractLevel.UNIT, performer=users["director"])
    proposal = NegotiationRound.objects.get(target__contract=contract, state="open")

    # The director accepts the head's proposal.
    j = journey("director")
    page = j.page
    j.login("director")
    j.shot("1-home")
    j.goto(f"/contracts/{contract.pk}/")
    j.shot("2-negotiation")
    with page.expect_navigation():
        page.locator(f"form[action='/contracts/rounds/{proposal.pk}/answer/'] button[value=accept]").click()
    j.check()
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    j.logout()

    # The head records agreement, in the browser too.
    j.login("head")
    j.goto(f"/contracts/{contract.pk}/")
    with page.expect_navigation():
        page.locator("main form[action$='/transition/'] button[type=submit]").first.click()
    j.check()
    contract.refresh_from_db()
    assert contract.status == PerformanceContract.Status.AGREED
    j.logout()

    # The vetting committee checks each target and approves (what its members do on this page); the 151
    # boreholes accepted in negotiation is flagged and passes with the committee's comment.
    vet_all(users["vetting"], contract, "151: the county boreholes are co-funded this year.")
    workflow.approve_vetting(users["vetting"], contract, "SMART and aligned.")

    # The director signs: password and authentication code again.
    j.login("director")
    j.goto(f"/contracts/{contract.pk}/")
    with page.expect_navigation():
        page.locator(f"main a[href='/contracts/{contract.pk}/sign/']").click()
    j.check()
    page.locator("#id_password").fill("pmis-demo")
    page.locator("#id_code").fill(fresh_code(users["director"]))
    page.locator("#id_confirm").check()
    j.shot("3-sign")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    j.check()
    assert f"/contracts/{contract.pk}/" in page.url
    assert Signature.objects.filter(contract=contract, signer=users["director"]).exists()

    # The head signs too (their own step), which brings the contract into force.
    contract.refresh_from_db()
    signing.sign(demo_request(users["head"]), contract, password="pmis-demo",
                 code=fresh_code(users["head"]))
    contract.refresh_from_db()
    assert contract.status in (PerformanceContract.Status.SIGNED, PerformanceContract.Status.IN_FORCE)

    # The signed contract's PDF was queued when the last signature committed: the director only
    # downloads it, without asking for it (the status updates itself while it renders).
    j.goto(f"/contracts/{contract.pk}/")
    j.shot("4-signed")
    assert page.locator("main form[action$='/pdf/'] button.primary").count() == 0
    download_link = page.locator("main a[href*='/download/']").first
    download_link.wait_for()
    j.shot("5-pdf")
    with page.expect_download() as info:
        download_link.click()
    pdf = info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
