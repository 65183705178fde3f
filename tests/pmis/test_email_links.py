"""Every link in an email goes to the public address (``pmis.addresses``): ``PMIS_PUBLIC_URL`` when set, never
``SITE_URL`` then; without it, the host a request came in on, and ``SITE_URL`` only for mail a worker sends with no
request at all. Each email here goes through its real sending path into Django's locmem outbox."""

import re

import pytest
from django.core import mail

from appraisals import services
from notifications import sender, sweep
from tests.appraisals.helpers import HALF, demo_appraisal, user, values_for
from tests.notifications.helpers_reminders import due_in

pytestmark = pytest.mark.django_db

PUBLIC = "https://pmis.example.go.ke"
INTERNAL = "http://10.0.0.7:8000"
LINK = re.compile(r"https?://[^\s/]+")


@pytest.fixture
def addresses_set(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PMIS_PUBLIC_URL = PUBLIC + "/"
    settings.SITE_URL = INTERNAL
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.7", "pmis.county.go.ke"]
    mail.outbox.clear()


def hosts(messages):
    return {host for message in messages for host in LINK.findall(message.body)}


def test_outbox_reminders_link_to_the_public_address(demo, addresses_set):
    due_in(demo.water, "target_identification", 1)
    sweep.sweep()
    assert sender.send_pending()["sent"]
    assert mail.outbox
    assert all(PUBLIC + "/notifications/calendar/" in message.body for message in mail.outbox)
    assert hosts(mail.outbox) == {PUBLIC}


def test_appraisal_emails_link_to_the_public_address(demo, addresses_set):
    appraisal = demo_appraisal()
    services.supervisor_appraise(user("supervisor"), appraisal, values=values_for(appraisal, HALF), comments="Half.")
    assert mail.outbox
    # Even an email whose notification has no body carries the appraisal's link.
    assert all(PUBLIC + appraisal.get_absolute_url() in message.body for message in mail.outbox)
    assert hosts(mail.outbox) == {PUBLIC}


def test_password_reset_links_to_the_public_address(demo, client, addresses_set):
    response = client.post("/accounts/password_reset/", {"email": "officer@pmis.local"}, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 302 and len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert re.search(re.escape(PUBLIC) + r"/accounts/reset/[^/\s]+/[^/\s]+/", body)
    assert "10.0.0.7" not in body and hosts(mail.outbox) == {PUBLIC}
    assert "pmis.example.go.ke" in body.split("\n", 2)[1]  # "…your user account at pmis.example.go.ke."


def test_without_a_public_address_the_request_host_then_site_url(demo, client, addresses_set, settings):
    settings.PMIS_PUBLIC_URL = ""
    client.post("/accounts/password_reset/", {"email": "officer@pmis.local"}, HTTP_HOST="pmis.county.go.ke")
    assert hosts(mail.outbox) == {"http://pmis.county.go.ke"}
    # The outbox is sent by a worker with no request: SITE_URL is all it has.
    mail.outbox.clear()
    due_in(demo.water, "target_identification", 1)
    sweep.sweep()
    sender.send_pending()
    assert mail.outbox and hosts(mail.outbox) == {INTERNAL}
