"""A real Celery worker is killed with SIGKILL in the middle of sending reminders; a second worker
finishes the job, and every reminder ends up sent exactly once: one outbox row, one in-app
notification and one email each."""

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from notifications import cycle
from notifications.models import Notification, Outbox
from pmis.models import FinancialYear, Institution, Officer
from tests.workers import broker_reachable, broker_url, celery_worker, purge_queue, send_task, worker_database_url

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

RECIPIENTS = 3000
MESSAGE_ID = re.compile(rb"^Message-ID: (<pmis-outbox-\d+@[^>]+>)", re.MULTILINE)


def scratch_institution(n):
    """A scratch institution whose n officers all still lack a plan, with the deadline tomorrow."""
    import datetime

    from django.utils import timezone

    institution = Institution.objects.create(name="Worker Test Agency", slug="worker-test", kind="agency")
    today = timezone.localdate()
    year = FinancialYear.objects.create(institution=institution, name="WT", is_current=True,
                                        start_date=today - datetime.timedelta(days=30),
                                        end_date=today + datetime.timedelta(days=330))
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"wt{i:05d}", email=f"wt{i:05d}@example.org", password="!") for i in range(n)]
    )
    Officer.objects.bulk_create([
        Officer(user=u, institution=institution, personal_number=f"WT-{i}", designation="Officer")
        for i, u in enumerate(users)
    ])
    cycle.override_deadline(None, year, "target_identification", today + datetime.timedelta(days=1))
    return institution


def emails_in(directory: Path) -> list[bytes]:
    found = []
    for path in directory.glob("*"):
        found += MESSAGE_ID.findall(path.read_bytes())
    return found


def wait_for(predicate, timeout, message, every=0.05):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(every)


@pytest.mark.django_db(transaction=True)
def test_killed_worker_still_sends_every_reminder_exactly_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must share the test database: PostgreSQL only")
    if not broker_reachable():
        pytest.skip(f"Redis is not reachable at {broker_url()}")
    institution = scratch_institution(RECIPIENTS)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_RESULT_BACKEND": "",
        "EMAIL_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "OUTBOX_BATCH": "10",
        "OUTBOX_ROWS_PER_TASK": "200",
        "OUTBOX_CLAIM_LEASE_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
    }
    rows = Outbox.objects.filter(institution=institution)
    purge_queue()

    with celery_worker(env, concurrency=2) as first:
        send_task("notifications.sweep_reminders")
        wait_for(lambda: rows.filter(status="sent").count() >= RECIPIENTS // 5 + 7, 120,
                 f"the first worker sent nothing:\n{first.log()[-3000:]}")
        first.kill()
    sent_before_kill = rows.filter(status="sent").count()
    assert rows.count() == RECIPIENTS
    assert sent_before_kill < RECIPIENTS, "the worker finished before it could be killed; send more"
    left_claimed = rows.filter(status="sending").count()

    with celery_worker(env, concurrency=2) as second:
        # What beat does every minute: ask for the outbox to be sent; rows the dead worker had
        # claimed come back once their lease is over.
        def all_sent():
            if rows.exclude(status="sent").exists():
                send_task("notifications.send_outbox")
                time.sleep(0.5)
                return False
            return True

        wait_for(all_sent, 180, f"the outbox was not emptied:\n{second.log()[-3000:]}", every=0.5)

    assert rows.count() == RECIPIENTS
    assert rows.filter(status="sent", emailed=True).count() == RECIPIENTS
    assert Notification.objects.filter(institution=institution).count() == RECIPIENTS
    assert Notification.objects.filter(outbox__in=rows).values("outbox").distinct().count() == RECIPIENTS
    emails = emails_in(mail_dir)
    assert len(set(emails)) == RECIPIENTS, "a reminder was never emailed"
    assert len(emails) == RECIPIENTS, f"{len(emails) - len(set(emails))} emails sent twice"
    print(f"killed after {sent_before_kill} sent with {left_claimed} claimed; all {RECIPIENTS} sent once")
