"""A signed-in user's saved language (the one notifications are written in) is the language of their
pages unless they choose another; choosing one in the header saves it."""

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import LanguagePreference

from ..appraisals.weekly_helpers import council_plan, user

pytestmark = pytest.mark.django_db

PASSWORD = "pmis-demo"


def _log_in(client, username, **headers):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD}, **headers)
    assert response.status_code == 302, f"{username} could not log in"
    return response


def _lang(response):
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_tanzanian_officer_reads_swahili_without_choosing(client, demo):
    assert LanguagePreference.objects.get(user=user("tz-afisa")).language == "sw"  # the demo's seed
    _log_in(client, "tz-afisa", HTTP_ACCEPT_LANGUAGE="en")
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(home) == "sw" and "Karibu" in home.content.decode()
    contract = client.get(council_plan().get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-stage="monitor">Utekelezaji na Ufuatiliaji</span>' in contract
    # An English cookie left on the browser by someone else does not outweigh her saved language.
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _log_in(client, "tz-afisa")
    assert _lang(client.get("/")) == "sw"


def test_switching_to_english_sticks_and_is_saved(client, demo):
    _log_in(client, "tz-afisa")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/contracts/"})
    assert response.status_code == 302 and response.url == "/contracts/"
    assert LanguagePreference.objects.get(user=user("tz-afisa")).language == "en"
    assert _lang(client.get("/contracts/")) == "en"
    assert _lang(client.get("/")) == "en"
    # The next sign-in, on another browser with no cookie, starts from the saved choice.
    client.logout()
    client.cookies.clear()
    _log_in(client, "tz-afisa", HTTP_ACCEPT_LANGUAGE="sw")
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="sw")) == "en"


def test_a_choice_before_signing_in_is_saved_as_the_preference(client, demo):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    _log_in(client, "tz-msimamizi")
    assert LanguagePreference.objects.get(user=user("tz-msimamizi")).language == "en"
    assert _lang(client.get("/")) == "en"


def test_the_notification_settings_language_is_the_pages_language_too(client, demo):
    _log_in(client, "tz-afisa")
    client.post("/notifications/preferences/", {"language": "en"})
    assert _lang(client.get("/")) == "en"
    assert LanguagePreference.objects.get(user=user("tz-afisa")).language == "en"


def test_a_kenyan_officer_still_reads_english(client, demo):
    LanguagePreference.objects.filter(user=demo.users["officer"]).delete()
    _log_in(client, "officer")
    home = client.get("/")
    assert _lang(home) == "en" and "Welcome" in home.content.decode()
    assert LanguagePreference.objects.get(user=demo.users["officer"]).language == "en"


def test_a_new_council_user_starts_in_the_profiles_language(client, demo):
    """Without a saved language, a user of a PEPMIS council starts in Swahili, the profile's language."""
    LanguagePreference.objects.filter(user=user("tz-utumishi")).delete()
    _log_in(client, "tz-utumishi", HTTP_ACCEPT_LANGUAGE="en")
    assert LanguagePreference.objects.get(user=user("tz-utumishi")).language == "sw"
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "sw"
