"""Proving who you are, as the security model states it.

- One lockout: wrong passwords and codes count together per username and client address, whether they
  were typed on the login page, sent for an API token, or given to sign a contract through the page or
  the API. After ``AXES_FAILURE_LIMIT`` failures every path refuses, the right password included. The
  count survives a request that fails and rolls its transaction back.
- Asking for an API token is throttled per username and per client address on top of the lockout.
- The client's address is the socket's, or with ``TRUSTED_PROXY_COUNT`` proxies the one the outermost
  proxy saw; what a client writes in X-Forwarded-For is never taken as given, and it is always an IP.
- Who is read-only (auditors) is decided from the authenticated user, never from a header's spelling.
- A password change or reset revokes the user's API tokens and ends their other sessions.
- Password-reset emails are limited per email address and per client address.
- Bad input (JSON nested past the parser's depth) answers 400, never 500.
- DEBUG is off unless asked for; without DEBUG a real SECRET_KEY is required.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from contracts.models import PerformanceContract, Signature
from pmis import twofactor
from pmis.middleware import client_ip
from pmis.models import AuditEvent
from tests.contracts.conftest import PASSWORD, carry

ROOT = Path(__file__).resolve().parents[2]
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


# --- The API token ------------------------------------------------------------------------------


def test_the_token_endpoint_locks_out_like_the_login_page(demo, client, settings):
    answers = [client.post(TOKEN_URL, {"username": "head", "password": "wrong"}).status_code
               for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    refused = client.post(TOKEN_URL, {"username": "head", "password": PASSWORD})
    assert refused.status_code == 429 and "locked" in refused.json()["detail"]
    assert not Token.objects.filter(user=demo.users["head"]).exists()
    # The login page refuses the same username from the same address.
    assert client.post("/accounts/login/", {"username": "head", "password": PASSWORD}).status_code == 429
    # Another address is not locked out.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post(TOKEN_URL, {"username": "head", "password": PASSWORD}).status_code == 200


def test_failed_logins_lock_the_token_endpoint_too(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert client.post(TOKEN_URL, {"username": "officer", "password": PASSWORD}).status_code == 429


def test_the_right_password_gives_the_token(demo, client):
    response = client.post(TOKEN_URL, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=demo.users["officer"]).key


@override_settings(API_TOKEN_THROTTLE_USERNAME="3/min", API_TOKEN_THROTTLE_ADDRESS="1000/min")
def test_token_requests_are_throttled_per_username(demo, settings):
    answers = [Client(REMOTE_ADDR=f"10.0.0.{i}").post(TOKEN_URL, {"username": "officer", "password": "x"}).status_code
               for i in range(5)]
    assert answers[:3] == [400, 400, 400] and answers[3:] == [429, 429]
    # Another username is not held back.
    assert Client(REMOTE_ADDR="10.0.0.9").post(TOKEN_URL, {"username": "head", "password": "x"}).status_code == 400


@override_settings(API_TOKEN_THROTTLE_USERNAME="1000/min", API_TOKEN_THROTTLE_ADDRESS="3/min")
def test_token_requests_are_throttled_per_address(demo, client):
    answers = [client.post(TOKEN_URL, {"username": f"nobody{i}", "password": "x"}).status_code for i in range(5)]
    assert answers == [400, 400, 400, 429, 429]


def test_deeply_nested_json_is_refused_with_400(db, client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


# --- Signing through the API --------------------------------------------------------------------


def test_wrong_passwords_and_codes_when_signing_through_the_api_lock(cycle, client, settings):
    plan = carry(cycle, "ready_to_sign")
    supervisor = cycle.counterparty
    client.force_login(supervisor)
    url = f"/api/v1/contracts/{plan.pk}/sign/"
    bad = ([{"password": "wrong", "code": twofactor.current_code(supervisor)}] * 2
           + [{"password": PASSWORD, "code": "000000" if twofactor.current_code(supervisor) != "000000" else "1"}] * 3)
    answers = [client.post(url, {**body, "lock_version": plan.lock_version}).status_code
               for body in bad[: settings.AXES_FAILURE_LIMIT]]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    assert twofactor.is_locked_out(RequestFactory().post("/"), supervisor)
    client.force_login(supervisor)  # the lockout ended the session; the lock holds on a new one
    response = client.post(url, {"password": PASSWORD, "code": twofactor.current_code(supervisor),
                                 "lock_version": plan.lock_version})
    assert response.status_code in (400, 429) and "locked" in json.dumps(response.json())
    assert not Signature.objects.filter(contract=plan, signer=supervisor).exists()
    # The page refuses too.
    page = client.post(f"/contracts/{plan.pk}/sign/", {"password": PASSWORD, "code": twofactor.current_code(supervisor),
                                                      "lock_version": plan.lock_version})
    assert not Signature.objects.filter(contract=plan, signer=supervisor).exists()
    assert page.status_code in (302, 400)


# --- The client's address -----------------------------------------------------------------------


def request_with(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_x_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("192.0.2.10", "41.90.64.10")) == "192.0.2.10"


def test_with_one_trusted_proxy_the_client_is_the_hop_it_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with("10.0.0.2", "41.90.64.10")) == "41.90.64.10"
    # A client that writes its own header cannot choose: the proxy appends the real address last.
    assert client_ip(request_with("10.0.0.2", "1.2.3.4, 41.90.64.10")) == "41.90.64.10"
    # Not an address: the socket's address stands.
    assert client_ip(request_with("10.0.0.2", "not-an-ip")) == "10.0.0.2"
    assert client_ip(request_with("10.0.0.2")) == "10.0.0.2"


def test_signatures_and_audit_events_store_the_real_address(cycle, client):
    plan = carry(cycle, "ready_to_sign")
    client.force_login(cycle.performer)
    spoofed = {"HTTP_X_FORWARDED_FOR": "41.90.64.10", "REMOTE_ADDR": "192.0.2.44"}
    response = client.post(f"/api/v1/contracts/{plan.pk}/sign/",
                           {"password": PASSWORD, "lock_version": plan.lock_version}, **spoofed)
    assert response.status_code == 201, response.content
    assert Signature.objects.get(contract=plan, signer=cycle.performer).ip == "192.0.2.44"
    assert AuditEvent.objects.filter(action="contract.signature").latest("pk").ip == "192.0.2.44"


def test_changing_x_forwarded_for_does_not_reset_the_lockout(demo, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").post("/accounts/login/", {"username": "officer",
                                                                               "password": "wrong"})
    response = Client(HTTP_X_FORWARDED_FOR="203.0.113.99").post(
        "/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429


# --- Read-only auditors -------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["token", "TOKEN", "ToKeN"])
def test_the_auditors_read_only_rule_reads_the_authenticated_user(demo, client, keyword):
    token, _ = Token.objects.get_or_create(user=demo.users["auditor"])
    contract = PerformanceContract.objects.visible_to(demo.users["auditor"]).filter(status="draft").first()
    response = client.post(f"/api/v1/contracts/{contract.pk}/submit/", {},
                           HTTP_AUTHORIZATION=f"{keyword} {token.key}")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    contract.refresh_from_db()
    assert contract.status == "draft"


# --- A new password ends the old credentials ----------------------------------------------------


def test_changing_the_password_revokes_tokens_and_other_sessions(demo, client):
    user = demo.users["officer"]
    token = Token.objects.create(user=user)
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)
    new = "a-much-longer-new-secret-9"
    response = client.post("/accounts/password_change/",
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code in (401, 403)
    assert elsewhere.get("/").status_code == 302  # sent to log in again
    assert client.get("/").status_code == 200  # the browser that changed it stays in
    assert AuditEvent.objects.filter(action="security.password_changed", object_id=str(user.pk)).exists()


def test_a_hash_upgrade_at_sign_in_is_not_a_password_change(demo, client, settings):
    user = demo.users["officer"]
    token = Token.objects.create(user=user)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")  # re-hashed at sign-in
    assert Token.objects.filter(pk=token.pk).exists()
    assert client.get("/").status_code == 200


def test_a_reset_password_revokes_tokens_and_sessions(demo):
    user = demo.users["officer"]
    Token.objects.create(user=user)
    elsewhere = Client()
    elsewhere.force_login(user)
    user.set_password("reset-by-email-secret-42")  # what the reset form does
    user.save()
    assert not Token.objects.filter(user=user).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


# --- Password-reset emails ----------------------------------------------------------------------


@override_settings(PASSWORD_RESET_PER_ADDRESS_HOURLY=3, PASSWORD_RESET_PER_CLIENT_HOURLY=10)
def test_reset_emails_are_limited_per_address(demo):
    user = demo.users["officer"]
    mail.outbox.clear()
    answers = [Client(REMOTE_ADDR=f"10.1.0.{i}").post("/accounts/password_reset/", {"email": user.email}).status_code
               for i in range(12)]
    assert set(answers) == {302}  # the same answer whatever happens: no account is revealed
    per_request = get_user_model().objects.filter(email__iexact=user.email, is_active=True).count()
    assert len(mail.outbox) == 3 * per_request


@override_settings(PASSWORD_RESET_PER_ADDRESS_HOURLY=100, PASSWORD_RESET_PER_CLIENT_HOURLY=4)
def test_reset_requests_are_limited_per_client(demo, client):
    answers = [client.post("/accounts/password_reset/", {"email": f"someone{i}@example.org"}).status_code
               for i in range(6)]
    assert answers == [302] * 4 + [429] * 2


# --- Settings -----------------------------------------------------------------------------------


def _settings_in_a_fresh_process(env):
    full = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    full.update(env)
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**full, "DJANGO_SETTINGS_MODULE": "pmis.settings"})


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env sets the variables under test")
def test_debug_is_off_when_unset_and_then_a_real_key_is_required():
    result = _settings_in_a_fresh_process({"SECRET_KEY": "a-real-key-" + "x" * 40})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
    refused = _settings_in_a_fresh_process({})
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr


def test_the_demo_and_the_tests_ask_for_debug_explicitly():
    makefile = (ROOT / "Makefile").read_text()
    assert "demo test messages migrate totp: export DEBUG = 1" in makefile
    assert "export DEBUG=1" in (ROOT / ".ci" / "run").read_text()

