import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notifications import sender, services, sweep
from notifications.models import Notification, Outbox
from tests.notifications.helpers_reminders import due_in


@pytest.fixture
def reminders(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    due_in(demo.water, "target_identification", 1)
    sweep.sweep()
    return Outbox.objects.count()


def test_sender_delivers_each_row_once_in_app_and_by_email(demo, reminders):
    counts = sender.send_pending()
    assert counts["sent"] == reminders and counts["more"] is False
    assert Outbox.objects.filter(status="sent").count() == reminders
    assert Notification.objects.count() == reminders
    emailed = Outbox.objects.filter(emailed=True).count()
    assert len(mail.outbox) == emailed == Outbox.objects.exclude(recipient__email="").count()
    message = next(m for m in mail.outbox if m.to == ["officer@pmis.local"])
    assert message.extra_headers["Message-ID"].startswith("<pmis-outbox-")
    assert "/notifications/calendar/" in message.body
    # Nothing left: a second run sends nothing.
    assert sender.send_pending()["sent"] == 0
    assert len(mail.outbox) == emailed and Notification.objects.count() == reminders


def test_email_preference_for_reminders_but_not_critical(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer = demo.users["officer"]
    services.set_email_preferences(officer, {"reminder": False, "overdue": False})
    due_in(demo.water, "target_identification", 1)
    sweep.sweep()
    sender.send_pending()
    assert not [m for m in mail.outbox if m.to == [officer.email]]
    assert Notification.objects.filter(user=officer).count() == 1  # still in-app
    # Overdue is critical: emailed whatever the preference (the overdue opt-out was ignored).
    due_in(demo.water, "target_identification", -1)
    sweep.sweep()
    sender.send_pending()
    assert len([m for m in mail.outbox if m.to == [officer.email]]) == 1


def test_rows_of_a_dead_worker_are_reclaimed_after_the_lease(demo, reminders, settings):
    settings.OUTBOX_CLAIM_LEASE_SECONDS = 60
    token, ids = sender.claim(batch=5)
    assert len(ids) == 5
    # The worker dies here. Within the lease nobody else takes its rows…
    sender.send_pending()
    assert Outbox.objects.filter(status="sending").count() == 5
    # …after it, they are delivered once.
    Outbox.objects.filter(id__in=ids).update(claimed_at=timezone.now() - datetime.timedelta(minutes=5))
    sender.send_pending()
    assert Outbox.objects.filter(status="sent").count() == reminders
    assert Notification.objects.count() == reminders
    # The late worker wakes up: its token is stale, so it delivers nothing.
    with mail.get_connection() as conn:
        assert {sender.deliver(i, token, conn, set()) for i in ids} == {"skipped"}
    assert Notification.objects.count() == reminders


def test_failed_email_rolls_back_the_delivery_and_retries(demo, reminders, settings):
    settings.EMAIL_BACKEND = "tests.notifications.helpers_reminders.BrokenEmailBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    counts = sender.send_pending()
    emailed = Outbox.objects.exclude(recipient__email="").count()
    assert counts["failed"] == emailed
    assert not Notification.objects.filter(user__email__gt="").exists()
    row = Outbox.objects.filter(recipient__email__gt="").first()
    assert row.status == "pending" and row.attempts == 1 and "refused" in row.last_error
    assert sender.send_pending()["failed"] == 0  # not retried before OUTBOX_RETRY_SECONDS
    Outbox.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    sender.send_pending()
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Outbox.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    sender.send_pending()
    row.refresh_from_db()
    assert row.status == "failed"  # given up: not retried forever


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_deliver_each_row_once(demo, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_BATCH = 3
    due_in(demo.water, "target_identification", 1)
    due_in(demo.machakos, "target_identification", 1)
    sweep.sweep()
    total = Outbox.objects.count()
    start = threading.Barrier(4)
    errors = []

    def run():
        try:
            start.wait()
            sender.send_pending()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Outbox.objects.filter(status="sent").count() == total
    assert Notification.objects.count() == total
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids)) == Outbox.objects.filter(emailed=True).count()
