"""Staff handling complaints: scoping, roles, the service-standard clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from charters import services
from charters.models import Charter, Complaint
from pmis.models import AuditEvent
from tests.charters.conftest import post_data


@pytest.fixture
def complaint(demo, client, water_charter):
    client.post("/charters/water/", post_data(water_charter))
    client.cookies.clear()
    return Complaint.objects.get(message__startswith="The borehole permit office")


def test_the_list_is_scoped_filtered_and_bounded(demo, as_user, complaint, django_assert_max_num_queries):
    client = as_user(demo.users["secretariat"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("charters:complaint-list")).content.decode()
    assert complaint.reference in html
    outside = Complaint.objects.get(institution=demo.outside)
    machakos = Complaint.objects.filter(institution=demo.machakos).first()
    assert outside.reference not in html and machakos.reference not in html
    html = client.get(reverse("charters:complaint-list"), {"status": "resolved"}).content.decode()
    assert complaint.reference not in html
    html = client.get(reverse("charters:complaint-list"), {"service": complaint.service.code}).content.decode()
    assert complaint.reference in html


def test_the_list_page_does_not_grow_with_rows(demo, as_user, water_charter, django_assert_max_num_queries):
    service = water_charter.services.first()
    for i in range(30):
        services.submit_complaint(water_charter, kind="complaint", service=service, message=f"Complaint {i} text")
    client = as_user(demo.users["perfdept"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("charters:complaint-list"), {"page": 2})
    assert response.status_code == 200 and "Page 2 of" in response.content.decode()


def test_another_institutions_complaint_answers_404(demo, as_user, complaint):
    outside = Complaint.objects.get(institution=demo.outside)
    for login in ("secretariat", "head", "head2", "officer2"):
        client = as_user(demo.users[login])
        assert client.get(reverse("charters:complaint-detail", args=[outside.pk])).status_code == 404
        response = client.post(reverse("charters:complaint-detail", args=[outside.pk]), {"status": "closed"})
        assert response.status_code == 404
    assert as_user(demo.users["head2"]).get(complaint.get_absolute_url()).status_code == 404
    charter = Charter.objects.get(institution=demo.outside)
    assert as_user(demo.users["head"]).get(reverse("charters:manage", args=[charter.pk])).status_code == 404


def test_a_handler_assigns_and_resolves_with_a_response(demo, as_user, complaint):
    client = as_user(demo.users["secretariat"])
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Wanjiku Kamau" in html and "0712345678" in html  # handlers see the contact
    officer = demo.users["officer"]
    response = client.post(complaint.get_absolute_url(), {"status": "received", "assigned_to": officer.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.assigned_to == officer
    # Resolving without a response is refused with a clear message.
    html = client.post(complaint.get_absolute_url(), {"status": "resolved", "assigned_to": officer.pk}).content.decode()
    assert "Write the response given to the citizen" in html
    client.post(complaint.get_absolute_url(),
                {"status": "resolved", "assigned_to": officer.pk, "response": "The office now opens at 8 am."})
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.resolved_at is not None
    assert complaint.clock()[0] == "met"
    events = AuditEvent.objects.for_object(complaint).filter(action="complaint.handle")
    assert events.count() == 2 and all(e.actor == demo.users["secretariat"] for e in events)


def test_only_staff_of_the_institution_can_be_assigned(demo, complaint):
    with pytest.raises(ValidationError) as exc:
        services.handle_complaint(demo.users["secretariat"], complaint, status="assigned",
                                  assigned_to=demo.users["officer2"])
    assert "Choose someone who works in this institution." in str(exc.value)


def test_the_assignee_works_on_it_but_others_only_read(demo, as_user, complaint):
    services.handle_complaint(demo.users["head"], complaint, status="assigned", assigned_to=demo.users["officer"])
    reader = as_user(demo.users["director"])
    html = reader.get(complaint.get_absolute_url()).content.decode()
    assert "Wanjiku" not in html and "shown only to the staff handling" in html
    assert reader.post(complaint.get_absolute_url(), {"status": "closed"}).status_code == 404
    with pytest.raises(ValidationError):
        services.handle_complaint(demo.users["director"], complaint, status="in_progress",
                                  assigned_to=demo.users["officer"])
    services.handle_complaint(demo.users["officer"], complaint, status="in_progress",
                              assigned_to=demo.users["officer"])
    with pytest.raises(ValidationError, match="Only a complaint handler can assign"):
        services.handle_complaint(demo.users["officer"], complaint, status="in_progress",
                                  assigned_to=demo.users["supervisor"])


def test_a_closed_complaint_no_longer_changes(demo, complaint):
    services.handle_complaint(demo.users["head"], complaint, status="closed", response="Dealt with.")
    with pytest.raises(ValidationError, match="closed"):
        services.handle_complaint(demo.users["head"], complaint, status="in_progress")


def test_the_clock_shows_time_left_and_overdue(demo, as_user, complaint):
    client = as_user(demo.users["secretariat"])
    assert "left" in client.get(complaint.get_absolute_url()).content.decode()
    Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() - datetime.timedelta(days=3, hours=2))
    assert "overdue by 3 days" in client.get(complaint.get_absolute_url()).content.decode()


def test_working_days_skip_weekends(demo, water_charter):
    service = water_charter.services.get(code="water-testing")  # 5 working days
    friday = timezone.make_aware(datetime.datetime(2026, 7, 3, 10, 0))
    assert service.due(friday) == timezone.make_aware(datetime.datetime(2026, 7, 10, 10, 0))
    hours = water_charter.services.get(code="enquiries")  # 48 hours
    assert hours.due(friday) == friday + datetime.timedelta(hours=48)


def test_handlers_publish_and_copy_versions_from_the_manage_page(demo, as_user, water_charter):
    client = as_user(demo.users["secretariat"])
    url = reverse("charters:manage", args=[water_charter.pk])
    assert "Start a new draft version" in client.get(url).content.decode()
    response = client.post(url, {"action": "new_draft"})
    draft = Charter.objects.get(institution=demo.water, status="draft")
    assert response["Location"] == reverse("charters:manage", args=[draft.pk])
    assert draft.services.count() == water_charter.services.count()
    client.post(reverse("charters:manage", args=[draft.pk]), {"action": "publish"})
    water_charter.refresh_from_db()
    draft.refresh_from_db()
    assert (water_charter.status, draft.status) == ("superseded", "published")
    # An officer can read the page but not act.
    officer = as_user(demo.users["officer"])
    assert officer.get(url).status_code == 200
    assert officer.post(url, {"action": "new_draft"}).status_code == 404
