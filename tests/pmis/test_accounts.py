from django.conf import settings
from django.core import mail
from django.urls import reverse


def test_login_page_has_username_and_password(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_every_demo_login_lands_on_its_home_page(demo, client):
    for username in ["admin", "perfdept", "principal", "head", "director", "supervisor", "officer", "vetting",
                     "appeals", "auditor", "head2", "officer2"]:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": demo.password}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("home"), username
        assert response.context["user"].username == username
        assert b"Welcome" in response.content


def test_wrong_password_says_so_and_keeps_the_user_out(demo, client):
    response = client.post("/accounts/login/", {"username": "officer", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures(demo, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "officer", "password": demo.password})
    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_activity_renews_the_idle_timeout_without_a_write_on_every_page(demo, client):
    from django.contrib.sessions.models import Session

    from pmis.sessions import RENEWED_KEY

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(demo.users["officer"])
    key = client.session.session_key

    def expiry():
        return Session.objects.get(pk=key).expire_date

    renewed = expiry()  # signing in is the first renewal
    assert client.get("/").status_code == 200  # within the minute: no write
    assert client.get("/").status_code == 200
    assert expiry() == renewed
    session = client.session
    session[RENEWED_KEY] -= settings.SESSION_RENEW_SECONDS  # as if the minute had passed
    session.save()
    stamped = expiry()
    assert client.get("/").status_code == 200
    assert expiry() > stamped and client.session[RENEWED_KEY] > session[RENEWED_KEY]


def test_an_idle_session_ends(demo, client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(demo.users["officer"])
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302  # back to the login page


def test_logout_is_a_post(demo, client):
    client.force_login(demo.users["officer"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_password_reset_sends_an_email(demo, client):
    response = client.post("/accounts/password_reset/", {"email": "officer@pmis.local"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "officer" in mail.outbox[0].body


def test_password_change(demo, client):
    client.force_login(demo.users["officer"])
    response = client.post(
        "/accounts/password_change/",
        {"old_password": demo.password, "new_password1": "Tuko-Pamoja-2026!", "new_password2": "Tuko-Pamoja-2026!"},
    )
    assert response.status_code == 302
    demo.users["officer"].refresh_from_db()
    assert demo.users["officer"].check_password("Tuko-Pamoja-2026!")


def test_password_policy_rejects_weak_passwords(demo, client):
    client.force_login(demo.users["officer"])
    response = client.post(
        "/accounts/password_change/",
        {"old_password": demo.password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert b"too common" in response.content
