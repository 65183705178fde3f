import pytest
from django.urls import reverse

from notifications import sender, sweep
from notifications.models import CycleDeadline, Notification, NotificationPreference
from pmis.models import FinancialYear
from tests.notifications.helpers_reminders import due_in


@pytest.fixture
def delivered(demo):
    due_in(demo.water, "target_identification", 2)
    sweep.sweep()
    sender.send_pending()
    return Notification.objects.get(user=demo.users["officer"])


def test_list_badge_and_mark_read(demo, delivered, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["officer"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert delivered.title in html and 'class="nav-badge">1' in html
    response = client.post(reverse("notifications:mark-read"), {"id": delivered.pk})
    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.read_at is not None
    assert "nav-badge" not in client.get(reverse("notifications:list")).content.decode()


def test_cannot_mark_someone_elses_notification(demo, delivered, as_user):
    client = as_user(demo.users["officer2"])
    assert client.post(reverse("notifications:mark-read"), {"id": delivered.pk}).status_code == 404
    assert client.post(reverse("notifications:mark-read"), {"id": "x"}).status_code == 404
    delivered.refresh_from_db()
    assert delivered.read_at is None
    assert delivered.title not in client.get(reverse("notifications:list")).content.decode()


def test_mark_all_read(demo, delivered, as_user):
    Notification.objects.create(user=demo.users["officer"], kind="overdue", title="Second")
    client = as_user(demo.users["officer"])
    client.post(reverse("notifications:mark-read"), {"all": "1"})
    assert not Notification.objects.filter(user=demo.users["officer"], read_at__isnull=True).exists()


def test_list_is_paginated(demo, as_user, django_assert_max_num_queries):
    user = demo.users["officer"]
    Notification.objects.bulk_create([Notification(user=user, kind="due_7", title=f"N{i}") for i in range(60)])
    client = as_user(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:list"), {"page": 2})
    assert len(response.context["page"].object_list) == 25


def test_preferences_turn_off_reminder_email_only(demo, as_user):
    user = demo.users["officer"]
    client = as_user(user)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="email_reminder"' in html and 'name="email_overdue"' not in html
    client.post(reverse("notifications:preferences"), {})
    assert NotificationPreference.objects.get(user=user, category="reminder").email is False
    client.post(reverse("notifications:preferences"), {"email_reminder": "on", "email_overdue": ""})
    assert NotificationPreference.objects.get(user=user, category="reminder").email is True
    assert not NotificationPreference.objects.filter(user=user, category="overdue").exists()


def test_home_shows_due_soon(demo, delivered, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["officer"])
    with django_assert_max_num_queries(15):
        response = client.get("/")
    panel = next(p for p in response.context["attention"]["panels"] if p.key == "deadlines")
    assert len(panel.items) == 1 and "Due in 2 days" in panel.items[0][2]
    assert "Due soon / overdue" in response.content.decode()


def test_calendar_page_and_override(demo, as_user):
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    url = reverse("notifications:calendar", args=[year.pk])
    officer = as_user(demo.users["officer"])
    assert officer.get(url).status_code == 200
    assert officer.post(url, {"stage": "vetting", "due_date": "2026-09-01"}).status_code == 403
    client = as_user(demo.users["secretariat"])
    html = client.get(url).content.decode()
    assert 'type="date"' in html
    client.post(url, {"stage": "vetting", "due_date": "2026-09-01"})
    deadline = CycleDeadline.objects.get(financial_year=year, stage="vetting")
    assert str(deadline.due_date) == "2026-09-01" and deadline.overridden
    client.post(url, {"stage": "vetting", "due_date": "not a date"})
    client.post(url, {"stage": "vetting", "reset": "1"})
    deadline.refresh_from_db()
    assert not deadline.overridden


def test_defaults_page_for_the_performance_department(demo, as_user):
    url = reverse("notifications:calendar-defaults")
    assert as_user(demo.users["officer"]).get(url).status_code == 403
    client = as_user(demo.users["perfdept"])
    assert client.get(url).status_code == 200
    client.post(url, {"stage": "signing", "offset_days": "60"})
    year = FinancialYear.objects.get(institution=demo.machakos, is_current=True)
    deadline = CycleDeadline.objects.get(financial_year=year, stage="signing")
    assert (deadline.due_date - year.start_date).days == 60
