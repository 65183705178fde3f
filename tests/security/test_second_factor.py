"""The second factor, as the security model states it.

- Setting up, replacing and turning off a user's authenticator takes their password and, when they
  have one, a current code from it (or a backup code). A signed-in session alone, or a password
  alone, changes nothing.
- Every change is written to the audit trail and emailed to the user; so is an administrator's reset.
- A new authenticator cannot sign contracts or decide appeals during the cooling-off period
  (``TWO_FACTOR_COOLING_OFF_HOURS``, 24 by default); the operator's provisioning is not new.
- Wrong passwords and codes given on these pages count in the one lockout.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts import signing
from contracts.models import Signature
from pmis import twofactor
from pmis.models import AuditEvent
from tests.contracts.conftest import PASSWORD, carry, cycle, request_of  # noqa: F401 - cycle is a fixture


def code_of(device):
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def fresh_code(user):
    """The user's current code, usable again (a code verifies once per 30-second step)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return twofactor.current_code(user)


def wrong(code):
    return "000000" if code != "000000" else "111111"


@pytest.fixture
def supervisor_page(cycle, client):  # noqa: F811
    client.force_login(cycle.counterparty)
    return client


def test_a_session_alone_cannot_start_replacing_the_authenticator(cycle, supervisor_page):  # noqa: F811
    user = cycle.counterparty
    old = twofactor.totp_device(user)
    for data in ({}, {"enrol-password": PASSWORD}, {"enrol-otp_code": fresh_code(user)},
                 {"enrol-password": "wrong-password", "enrol-otp_code": fresh_code(user)},
                 {"enrol-password": PASSWORD, "enrol-otp_code": wrong(fresh_code(user))}):
        response = supervisor_page.post("/account/security/enrol/", data)
        assert response.status_code == 400, data
        assert b"<svg" not in response.content
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    assert list(TOTPDevice.objects.filter(user=user)) == [old]


def test_replacing_takes_password_and_code_is_audited_emailed_and_cools_off(cycle, supervisor_page):  # noqa: F811
    user = cycle.counterparty
    old = twofactor.totp_device(user)
    started = supervisor_page.post("/account/security/enrol/",
                                   {"enrol-password": PASSWORD, "enrol-otp_code": fresh_code(user)})
    assert started.status_code == 200 and b"<svg" in started.content
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    mail.outbox.clear()
    done = supervisor_page.post("/account/security/enrol/", {"code": code_of(new)})
    assert done.status_code == 200
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(action="security.two_factor_replaced", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "replaced" in mail.outbox[0].subject

    # The new key cannot sign during the cooling-off, even with the right password and code.
    plan = carry(cycle, "ready_to_sign")
    with pytest.raises(signing.SigningError, match="set up recently"):
        signing.sign(request_of(user), plan, password=PASSWORD, code=fresh_code(user))
    assert not Signature.objects.filter(contract=plan, signer=user).exists()
    # Once it has passed, it can.
    TOTPDevice.objects.filter(pk=new.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert signing.sign(request_of(user), plan, password=PASSWORD, code=fresh_code(user)).second_factor


def test_the_cooling_off_is_a_setting(cycle, settings):  # noqa: F811
    user = cycle.counterparty
    TOTPDevice.objects.filter(user=user).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    settings.TWO_FACTOR_COOLING_OFF_HOURS = 3
    assert twofactor.cooling_off_until(user) is not None
    settings.TWO_FACTOR_COOLING_OFF_HOURS = 1
    assert twofactor.cooling_off_until(user) is None


def test_a_new_authenticator_cannot_decide_appeals_while_it_cools_off(demo):
    from django import forms
    from django.test import RequestFactory

    class DecideForm(twofactor.SecondFactorFormMixin, forms.Form):
        pass

    user = demo.users["appeals"]
    twofactor.reset(user, by=demo.users["admin"])
    device = twofactor.start_enrolment(user)
    assert twofactor.confirm_enrolment(user, device, code_of(device))
    request = RequestFactory().post("/")
    request.user = user
    form = DecideForm({"otp_code": fresh_code(user)}, request=request)
    assert not form.is_valid()
    assert "set up recently" in str(form.errors)


def test_turning_off_takes_password_and_code(cycle, supervisor_page):  # noqa: F811
    user = cycle.counterparty
    for data in ({"disable-password": PASSWORD}, {"disable-otp_code": fresh_code(user)},
                 {"disable-password": PASSWORD, "disable-otp_code": wrong(fresh_code(user))}):
        assert supervisor_page.post("/account/security/disable/", data).status_code == 400, data
        assert twofactor.has_second_factor(user)
    mail.outbox.clear()
    done = supervisor_page.post("/account/security/disable/",
                                {"disable-password": PASSWORD, "disable-otp_code": fresh_code(user)})
    assert done.status_code == 302
    assert not twofactor.has_second_factor(user)
    assert AuditEvent.objects.filter(action="security.two_factor_disabled", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1 and "turned off" in mail.outbox[0].subject


def test_a_backup_code_proves_the_old_device_when_the_phone_is_lost(demo, client):
    user = demo.users["officer"]
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, device, code_of(device))
    client.force_login(user)
    started = client.post("/account/security/enrol/", {"enrol-password": PASSWORD, "enrol-otp_code": codes[0]})
    assert started.status_code == 200 and b"<svg" in started.content


def test_first_set_up_takes_the_password_and_is_told(demo, client):
    user = demo.users["officer"]
    client.force_login(user)
    assert client.post("/account/security/enrol/", {}).status_code == 400
    started = client.post("/account/security/enrol/", {"enrol-password": PASSWORD})
    assert started.status_code == 200
    mail.outbox.clear()
    client.post("/account/security/enrol/", {"code": code_of(TOTPDevice.objects.get(user=user, confirmed=False))})
    assert twofactor.has_second_factor(user) and twofactor.cooling_off_until(user) is not None
    assert AuditEvent.objects.filter(action="security.two_factor_enabled", object_id=str(user.pk)).exists()
    assert len(mail.outbox) == 1


def test_an_administrators_reset_is_audited_and_told(demo, client):
    admin, user = demo.users["admin"], demo.users["head"]
    device = twofactor.totp_device(user)
    client.force_login(admin)
    mail.outbox.clear()
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not twofactor.has_second_factor(user)
    event = AuditEvent.objects.get(action="security.two_factor_reset", object_id=str(user.pk))
    assert event.actor_id == admin.pk
    assert [m.to for m in mail.outbox] == [[user.email]] and "administrator" in mail.outbox[0].subject


def test_wrong_passwords_on_the_security_page_lock_like_the_login(demo, client, settings):
    user = demo.users["officer"]
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/account/security/enrol/", {"enrol-password": "wrong-password"})
    assert twofactor.is_locked_out(request_of(user), user)
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
