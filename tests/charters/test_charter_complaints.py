"""Citizens' complaints from the public page: validation, spam traps, rate limit, tracking."""

import time

import pytest
from django.urls import reverse

from charters.forms import form_token
from charters.models import Complaint
from pmis.models import AuditEvent
from tests.charters.conftest import post_data

URL = "/charters/water/"


def test_a_complaint_is_saved_with_a_reference_and_a_due_time(demo, client, water_charter):
    response = client.post(URL, post_data(water_charter))
    complaint = Complaint.objects.get(message__startswith="The borehole permit office")
    assert response.status_code == 302 and response["Location"] == f"/charters/track/{complaint.reference}/"
    assert complaint.institution == demo.water and complaint.charter == water_charter
    assert complaint.status == "received" and complaint.phone == "0712345678"
    assert complaint.due_at == complaint.service.due(complaint.received_at)
    assert len(complaint.reference) == 13 and complaint.reference.startswith("CMP-")
    html = client.get(response["Location"]).content.decode()
    assert complaint.reference in html  # the thank-you message repeats it
    # The audit trail records the complaint without the citizen's details.
    event = AuditEvent.objects.for_object(complaint).get()
    assert "Wanjiku" not in str(event.after) and "0712345678" not in str(event.after)


BAD_INPUTS = [
    ({"message": ""}, "Tell us what happened."),
    ({"message": "too short"}, "Please write at least 10 characters"),
    ({"message": "x" * 2001}, "Please keep it under 2000 characters"),
    ({"kind": None}, "Choose whether this is a complaint, a compliment or a suggestion."),
    ({"kind": "threat"}, "Choose whether this is a complaint, a compliment or a suggestion."),
    ({"service": "999999"}, "Choose a service from the list."),
    ({"email": "not-an-email"}, "Enter a valid email address, for example name@example.com."),
    ({"phone": "12ab"}, "Enter a phone number of 9 to 15 digits"),
    ({"phone": "123"}, "Enter a phone number of 9 to 15 digits"),
    ({"name": "n" * 121}, "Please keep your name under 120 characters."),
]


@pytest.mark.parametrize("override,message", BAD_INPUTS, ids=[str(o) for o, _ in BAD_INPUTS])
def test_bad_inputs_give_a_clear_message_and_save_nothing(demo, client, water_charter, override, message):
    before = Complaint.objects.count()
    response = client.post(URL, post_data(water_charter, **override))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Complaint.objects.count() == before


def test_a_service_of_another_charter_is_refused(demo, client, water_charter):
    other = demo.machakos.charter_services.first()
    response = client.post(URL, post_data(water_charter, service=str(other.pk)))
    assert "Choose a service from the list." in response.content.decode()


def test_the_honeypot_rejects_the_submission(demo, client, water_charter):
    before = Complaint.objects.count()
    response = client.post(URL, post_data(water_charter, website="http://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this submission." in response.content.decode()
    assert Complaint.objects.count() == before


def test_too_fast_missing_or_forged_time_stamps_are_rejected(demo, client, water_charter):
    before = Complaint.objects.count()
    fast = client.post(URL, post_data(water_charter, started=form_token(water_charter.pk)))
    assert "faster than a person" in fast.content.decode()
    for started in ("", "forged:token", form_token(water_charter.pk + 1, now=time.time() - 60)):
        response = client.post(URL, post_data(water_charter, started=started))
        assert response.status_code == 400
        assert "This form has expired" in response.content.decode()
    assert Complaint.objects.count() == before


def test_an_expired_form_is_rejected(demo, client, water_charter, settings):
    old = form_token(water_charter.pk, now=time.time() - settings.CHARTERS_FORM_MAX_AGE_SECONDS - 10)
    response = client.post(URL, post_data(water_charter, started=old))
    assert "This form has expired" in response.content.decode()


def test_submissions_are_rate_limited_per_address(demo, client, water_charter, settings):
    settings.CHARTERS_SUBMISSIONS_PER_HOUR = 3
    before = Complaint.objects.count()
    for _i in range(3):
        assert client.post(URL, post_data(water_charter), REMOTE_ADDR="10.0.0.7").status_code == 302
    blocked = client.post(URL, post_data(water_charter), REMOTE_ADDR="10.0.0.7")
    assert blocked.status_code == 429
    assert "Too many messages" in blocked.content.decode()
    assert Complaint.objects.count() == before + 3
    # Another address is not affected; spam attempts count against the limit too.
    assert client.post(URL, post_data(water_charter), REMOTE_ADDR="10.0.0.8").status_code == 302
    for _i in range(2):
        client.post(URL, post_data(water_charter, website="x"), REMOTE_ADDR="10.0.0.8")
    assert client.post(URL, post_data(water_charter), REMOTE_ADDR="10.0.0.8").status_code == 429


def test_form_errors_do_not_count_against_the_limit(demo, client, water_charter, settings):
    settings.CHARTERS_SUBMISSIONS_PER_HOUR = 1
    for _i in range(3):
        client.post(URL, post_data(water_charter, message=""))
    assert client.post(URL, post_data(water_charter)).status_code == 302


def test_the_tracking_page_shows_status_and_nothing_personal(demo, client, water_charter):
    client.post(URL, post_data(water_charter, message="My neighbour Otieno bribed the clerk at window 4."))
    complaint = Complaint.objects.get(message__contains="window 4")
    from charters import services

    services.handle_complaint(demo.users["secretariat"], complaint, status="resolved",
                              assigned_to=demo.users["officer"],
                              response="Dear Wanjiku Kamau, we called you on 0712345678 about window 4.")
    client.cookies.clear()
    html = client.get(reverse("charters:track", args=[complaint.reference])).content.decode()
    assert complaint.reference in html and "Resolved" in html
    for secret in ("Wanjiku", "Kamau", "0712345678", "0712 345 678", "wanjiku@example.com", "window 4", "Otieno",
                   "Faith", "Achieng", "officer", "Dear"):
        assert secret not in html, secret


def test_references_are_typed_forgivingly(demo, client, water_charter):
    client.post(URL, post_data(water_charter))
    reference = Complaint.objects.latest("pk").reference
    sloppy = reference.lower().replace("-", " ")
    lookup = client.get(reverse("charters:track-lookup"), {"reference": sloppy})
    assert lookup.status_code == 302 and lookup["Location"] == f"/charters/track/{reference}/"
    assert client.get(f"/charters/track/{reference.lower()}/").status_code == 302


def test_an_unknown_reference_answers_404(demo, client):
    assert client.get("/charters/track/CMP-2222-2222/").status_code == 404
    assert client.get("/charters/track/nonsense/").status_code == 404
    response = client.get(reverse("charters:track-lookup"), {"reference": "hello"})
    assert response.status_code == 200 and "A reference looks like CMP-7K3X-9QF2." in response.content.decode()


def test_references_are_unguessable_and_typable():
    from charters.services import REFERENCE_ALPHABET, new_reference

    seen = {new_reference() for _ in range(500)}
    assert len(seen) == 500
    for reference in seen:
        assert set(reference[4:].replace("-", "")) <= set(REFERENCE_ALPHABET)
    assert not set("01OILU") & set(REFERENCE_ALPHABET)
