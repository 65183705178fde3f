"""Two-factor authentication: enrolment through the Security page, verifying codes, lockout, the form mixin."""

import io
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.test import RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pmis import twofactor
from pmis.management.commands.seed_demo import DEMO_TOTP_KEY
from pmis.models import AuditEvent


def current_code(device):
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def make_request(user, ip="10.0.0.7"):
    request = RequestFactory().post("/sign/", REMOTE_ADDR=ip)
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    return request


def enrol(user):
    device = twofactor.start_enrolment(user)
    codes = twofactor.confirm_enrolment(user, device, current_code(device))
    return device, codes


def test_who_needs_a_second_factor(demo):
    users = demo.users
    for name in ("head", "principal", "director", "supervisor", "appeals"):
        assert twofactor.requires_second_factor(users[name]), name
    assert not twofactor.requires_second_factor(users["officer"])
    assert not twofactor.has_second_factor(users["officer"])
    assert not twofactor.requires_second_factor(AnonymousUser())
    enrol(users["officer"])
    assert twofactor.has_second_factor(users["officer"]) and twofactor.requires_second_factor(users["officer"])


def test_demo_signatories_are_enrolled_with_the_documented_key(demo):
    for name in ("head", "principal", "director", "supervisor"):
        device = twofactor.totp_device(demo.users[name])
        assert device is not None and device.key == DEMO_TOTP_KEY, name
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in readme and "totp_code" in readme
    assert twofactor.base32_key(device) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_totp_code_command_prints_a_code_that_verifies(demo):
    out = io.StringIO()
    call_command("totp_code", "director", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert twofactor.verify_second_factor(make_request(demo.users["director"]), demo.users["director"], code)


def test_enrolment_through_the_security_page(demo, as_user):
    user = demo.users["officer"]
    client = as_user(user)
    page = client.get("/account/security/")
    assert page.status_code == 200 and b"Set up two-factor authentication" in page.content
    assert client.post("/account/security/enrol/").status_code == 400  # the password first
    started = client.post("/account/security/enrol/", {"enrol-password": demo.password})
    assert started.status_code == 200
    assert b"<svg" in started.content and b"style=" not in started.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert twofactor.base32_key(device).encode() in started.content

    wrong = client.post("/account/security/enrol/", {"code": "000000" if current_code(device) != "000000" else "1"})
    assert b"did not match" in wrong.content
    assert not twofactor.has_second_factor(user)

    done = client.post("/account/security/enrol/", {"code": current_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == settings.TWO_FACTOR_BACKUP_CODES
    assert all(code.encode() in done.content for code in codes)
    assert twofactor.has_second_factor(user)
    assert AuditEvent.objects.filter(action="security.two_factor_enabled", object_id=str(user.pk)).exists()
    # The codes are shown once: the Security page only counts them.
    again = client.get("/account/security/")
    assert codes[0].encode() not in again.content
    assert b"10 unused backup codes" in again.content


def test_verify_right_code_wrong_code_and_backup_codes(demo):
    user = demo.users["officer"]
    device, codes = enrol(user)
    request = make_request(user)
    assert not twofactor.verify_second_factor(request, user, "12345")
    assert not twofactor.verify_second_factor(request, user, "")
    # the code spent at enrolment cannot be replayed; wait for a fresh step by using the backup codes
    assert twofactor.verify_second_factor(request, user, codes[0])
    assert not twofactor.verify_second_factor(request, user, codes[0]), "a backup code works once"
    assert twofactor.verify_second_factor(request, user, codes[1].upper())
    assert StaticToken.objects.filter(device__user=user).count() == len(codes) - 2


def test_verify_current_totp_code(demo):
    user = demo.users["head"]  # seeded device, never used
    device = twofactor.totp_device(user)
    code = current_code(device)
    assert twofactor.verify_second_factor(make_request(user), user, code)
    assert not twofactor.verify_second_factor(make_request(user), user, code), "a TOTP code works once"


def test_not_enrolled_never_verifies(demo):
    user = demo.users["officer"]
    assert not twofactor.verify_second_factor(make_request(user), user, "123456")


def test_lockout_after_the_failure_limit_for_codes_and_passwords(demo, client):
    user = demo.users["officer"]
    _device, codes = enrol(user)
    request = make_request(user, ip="127.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert not twofactor.verify_second_factor(request, user, "999999x")
    assert twofactor.is_locked_out(request, user)
    assert not twofactor.verify_second_factor(make_request(user, ip="127.0.0.1"), user, codes[0]), "locked"
    assert "_auth_user_id" not in request.session  # the locked-out session is ended
    assert AuditEvent.objects.filter(action="security.lockout").exists()
    # The password login from the same address is locked too, as after wrong passwords.
    response = client.post("/accounts/login/", {"username": "officer", "password": demo.password})
    assert response.status_code == 429
    # Another user at the same address is not affected.
    assert twofactor.verify_second_factor(make_request(demo.users["head"], "127.0.0.1"), demo.users["head"],
                                          current_code(twofactor.totp_device(demo.users["head"])))


class SignForm(twofactor.SecondFactorFormMixin, forms.Form):
    note = forms.CharField(required=False)


def test_form_mixin_refuses_missing_and_wrong_codes_and_accepts_the_right_one(demo):
    user = demo.users["supervisor"]
    device = twofactor.totp_device(user)
    request = make_request(user)
    missing = SignForm({"note": "x"}, request=request)
    assert "otp_code" in missing.fields and not missing.is_valid()
    assert "otp_code" in missing.errors
    wrong = SignForm({"note": "x", "otp_code": "000000" if current_code(device) != "000000" else "111111"},
                     request=request)
    assert not wrong.is_valid() and "wrong or has expired" in str(wrong.errors["otp_code"])
    right = SignForm({"note": "x", "otp_code": current_code(device)}, request=request)
    assert right.is_valid(), right.errors


def test_form_mixin_is_silent_for_users_who_need_no_second_factor(demo):
    form = SignForm({"note": "x"}, request=make_request(demo.users["officer"]))
    assert "otp_code" not in form.fields and form.is_valid()


def test_form_mixin_tells_unenrolled_signatories_to_enrol(demo):
    user = demo.users["principal"]
    twofactor.reset(user, by=demo.users["admin"])
    form = SignForm({"note": "x", "otp_code": "123456"}, request=make_request(user))
    assert not form.is_valid()
    assert "/account/security/" in " ".join(form.non_field_errors())


def test_disable_needs_the_password_and_a_code(demo, as_user):
    user = demo.users["officer"]
    device, _codes = enrol(user)
    client = as_user(user)
    refused = client.post("/account/security/disable/", {"disable-password": "wrong",
                                                         "disable-otp_code": current_code(device)})
    assert refused.status_code == 400 and b"not your password" in refused.content
    assert twofactor.has_second_factor(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    done = client.post("/account/security/disable/", {"disable-password": demo.password,
                                                      "disable-otp_code": current_code(device)})
    assert done.status_code == 302
    assert not twofactor.has_second_factor(user)
    assert twofactor.backup_codes_left(user) == 0


def test_new_backup_codes_need_a_code(demo, as_user):
    user = demo.users["officer"]
    _device, codes = enrol(user)
    client = as_user(user)
    refused = client.post("/account/security/backup-codes/", {"otp_code": "nope"})
    assert refused.status_code == 400 and b"wrong or has expired" in refused.content
    made = client.post("/account/security/backup-codes/", {"otp_code": codes[0]})
    assert made.status_code == 200
    assert set(made.context["codes"]).isdisjoint(codes)


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_log_out_everywhere_ends_every_session_of_the_user(demo, client, django_user_model, settings, engine):
    from django.test import Client

    # cached_db is the engine with a shared cache (CACHE_URL): the cached copy must go too.
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"

    user = demo.users["officer"]
    other_device = Client()
    other_device.force_login(user)
    bystander = Client()
    bystander.force_login(demo.users["head"])
    client.force_login(user)
    response = client.post("/account/security/logout-everywhere/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert other_device.get("/").status_code == 302
    assert bystander.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/account/security/", "/account/security/enrol/"])
def test_security_pages_need_login(client, db, path):
    assert client.get(path).status_code == 302
