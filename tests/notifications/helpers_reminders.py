"""Shared helpers for the notifications tests: put a stage's deadline a given number of days
from today, and count the outbox by key."""

import datetime

from django.db.models import Count
from django.utils import timezone

from notifications import cycle
from notifications.models import Outbox
from pmis.models import FinancialYear


def due_in(institution, stage, days, actor=None):
    year = FinancialYear.objects.get(institution=institution, is_current=True)
    return cycle.override_deadline(actor, year, stage, timezone.localdate() + datetime.timedelta(days=days))


def duplicates():
    return (
        Outbox.objects.values("deadline", "recipient", "kind").annotate(n=Count("id")).filter(n__gt=1).count()
    )


class BrokenEmailBackend:
    """An email backend whose server refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server refused the connection")
