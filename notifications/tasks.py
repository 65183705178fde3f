"""Celery tasks: the beat-driven sweep and the outbox sender.

Both are idempotent and short (the sender hands on to a fresh task after OUTBOX_ROWS_PER_TASK
rows), so ``acks_late`` redelivery after a lost worker repeats no message: the outbox's unique key
and the sender's claim tokens absorb the repeat. Nothing here uses ``eta``/``countdown``: on
Redis a message waiting past the visibility timeout would be delivered twice.
"""

from celery import shared_task

from . import inbox, sender, sweep


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders():
    result = sweep.sweep()
    # Enqueued when the sweep's rows are committed, never before.
    send_outbox.delay_on_commit()
    return {"deadlines": result.deadlines, "candidates": result.candidates, "created": result.created}


@shared_task(name="notifications.send_outbox")
def send_outbox():
    from django.conf import settings

    counts = sender.send_pending(max_rows=settings.OUTBOX_ROWS_PER_TASK)
    if counts.pop("more"):
        send_outbox.delay_on_commit()
    return counts


@shared_task(name="notifications.sweep_inbox")
def sweep_inbox():
    """Open the work that falls due with the date (a quarter ended: its report is due). Idempotent: the
    inbox opens an item once (its open-once key) and tells its assignee once (the outbox's key)."""
    return {"opened": inbox.sweep()}
