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

from contracts.cycle import signing
from contracts.models import Signature
from pmis import twofactor
from pmis.models import AuditEvent
from tests.contracts.conftest import PASSWORD, carry, request_of


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
def supervisor_page(cycle, client):
    client.force_login(cycle.counterparty)
    return client


def test_a_session_alone_cannot_start_replacing_the_authenticator(cycle, supervisor_page):
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


def test_replacing_takes_password_and_code_is_audited_emailed_and_cools_off(cycle, supervisor_page):
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
    # The sign page says so before anything is typed.
    assert "set up recently" in supervisor_page.get(f"/contracts/{plan.pk}/sign/").content.decode()
    with pytest.raises(signing.SigningError, match="set up recently"):
        signing.sign(request_of(user), plan, password=PASSWORD, code=fresh_code(user))
    assert not Signature.objects.filter(contract=plan, signer=user).exists()
    # Once it has passed, it can.
    TOTPDevice.objects.filter(pk=new.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert signing.sign(request_of(user), plan, password=PASSWORD, code=fresh_code(user)).second_factor


def test_the_cooling_off_is_a_setting(cycle, settings):
    user = cycle.counterparty
    TOTPDevice.objects.filter(user=user).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    settings.TWO_FACTOR_COOLING_OFF_HOURS = 3
    assert twofactor.cooling_off_until(user) is not None
    settings.TWO_FACTOR_COOLING_OFF_HOURS = 1
    assert twofactor.cooling_off_until(user) is None


def test_a_new_authenticator_cannot_decide_appeals_while_it_cools_off(demo):
    from django.test import RequestFactory

    from appraisals.models import Appeal
    from appraisals.views import DecideForm

    user = demo.users["appeals"]
    twofactor.reset(user, by=demo.users["admin"])
    device = twofactor.start_enrolment(user)
    assert twofactor.confirm_enrolment(user, device, code_of(device))
    request = RequestFactory().post("/")
    request.user = user
    data = {"decision": Appeal.Decision.values[0], "reasons": "The marks stand.", "otp_code": fresh_code(user)}
    form = DecideForm(data, request=request)
    assert not form.is_valid()
    assert "set up recently" in str(form.errors)
    TOTPDevice.objects.filter(user=user).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    data["otp_code"] = fresh_code(user)
    assert DecideForm(data, request=request).is_valid()


def test_turning_off_takes_password_and_code(cycle, supervisor_page):
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


def test_the_admin_cannot_type_in_an_authenticator(demo, client):
    client.force_login(demo.users["admin"])
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    assert client.get("/admin/otp_static/staticdevice/add/").status_code == 403
    device = twofactor.totp_device(demo.users["head"])
    # Nor read a user's secret.
    for view in ("config", "qrcode"):
        assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/").status_code in (403, 404)
    assert device.key not in client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    client.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"key": "00" * 20, "confirmed": "on"})
    device.refresh_from_db()
    assert device.key != "00" * 20


def test_deleting_a_user_sends_no_reset_notice(demo):
    from django.contrib.auth import get_user_model

    # (A user with audited activity cannot be deleted at all: the audit trail protects it.)
    gone = get_user_model().objects.create_user("leaver", "leaver@example.org", PASSWORD)
    TOTPDevice.objects.create(user=gone, name="Authenticator app", confirmed=True)
    mail.outbox.clear()
    gone.delete()
    assert mail.outbox == []


def test_an_unfinished_set_up_expires(demo, client):
    user = demo.users["officer"]
    client.force_login(user)
    assert client.post("/account/security/enrol/", {"enrol-password": PASSWORD}).status_code == 200
    assert client.get("/account/security/enrol/").status_code == 200  # a reload shows it again
    TOTPDevice.objects.filter(user=user, confirmed=False).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11))
    assert client.get("/account/security/enrol/").status_code == 302
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/account/security/enrol/", {"code": code_of(pending)})
    assert not twofactor.has_second_factor(user)


def test_cancelling_a_set_up_ends_it(demo, client):
    user = demo.users["officer"]
    client.force_login(user)
    assert client.post("/account/security/enrol/", {"enrol-password": PASSWORD}).status_code == 200
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/account/security/enrol/", {"cancel": "1"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=pending.pk).exists()
    assert client.get("/account/security/enrol/").status_code == 302


def test_a_refusal_is_said_at_the_top_of_the_security_page(demo, client):
    client.force_login(demo.users["officer"])
    response = client.post("/account/security/enrol/", {"enrol-password": "wrong-password"})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == ["Nothing was changed: That is not your password."]


def test_a_superuser_with_a_signing_role_needs_the_second_factor_too(demo, django_user_model):
    """Being a superuser does not waive what the role asks: a superuser who is a head signs with a code."""
    from pmis import org
    from pmis.models import Role

    boss = django_user_model.objects.create_user("boss", password=PASSWORD, is_superuser=True)
    org.grant_role(demo.users["admin"], boss, demo.water, Role.HEAD)
    assert twofactor.requires_second_factor(boss)
    with pytest.raises(twofactor.Refused):
        twofactor.confirm_identity(request_of(boss), boss, password=PASSWORD, code=None, acting=True)
