"""Outbox kinds and the preference categories they fall in.

``due_<n>`` (n from REMINDER_DAYS) are ordinary reminders, category ``reminder``, and honour the
user's email preference. Overdue notices and escalations are critical: always emailed.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import inbox
from .models import Kind

REMINDER = "reminder"
OVERDUE = "overdue"
ESCALATION = "escalation"

#: category → (label, critical). Only non-critical categories appear on the preferences page.
CATEGORIES = {
    REMINDER: (_("Deadline coming up"), False),
    OVERDUE: (_("Deadline missed"), True),
    ESCALATION: (_("Escalations about your team or institution"), True),
}


def reminder_days() -> list[int]:
    """The configured 'due in N days' thresholds, largest first (REMINDER_DAYS, default 7 and 1)."""
    return sorted({int(d) for d in settings.REMINDER_DAYS if int(d) >= 0}, reverse=True)


def due_kind(days: int) -> str:
    return f"due_{days}"


def category_of(kind: str) -> str:
    """A reminder's category, or for a handoff's message (``task.<kind>``) its work item's kind."""
    if kind.startswith(inbox.OUTBOX_PREFIX):
        return kind.removeprefix(inbox.OUTBOX_PREFIX)
    if kind.startswith(("due_", "nudge_")):  # a "remind them" press is a reminder too
        return REMINDER
    if kind == Kind.OVERDUE:
        return OVERDUE
    return ESCALATION


def is_critical(kind: str) -> bool:
    if kind.startswith(inbox.OUTBOX_PREFIX):
        return False
    return CATEGORIES[category_of(kind)][1]


def non_critical_categories():
    """(key, label) of what a user may choose to receive by email or not: deadline reminders, and
    each kind of work that a handoff leaves for them."""
    reminders = [(key, label) for key, (label, critical) in CATEGORIES.items() if not critical]
    return reminders + inbox.kind_choices(told=True)


def bucket(days_left: int) -> str | None:
    """The reminder kind for a deadline ``days_left`` days away (negative: overdue), or None.

    The smallest threshold at or above ``days_left`` wins, so a sweep that first sees a deadline
    three days out sends the 7-day reminder once, and the 1-day reminder later.
    """
    if days_left < 0:
        return Kind.OVERDUE
    fitting = [d for d in reminder_days() if days_left <= d]
    return due_kind(min(fitting)) if fitting else None
