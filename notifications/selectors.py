"""Read-side helpers: the home page's due-soon / overdue items, a year's calendar."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmis.selectors import Panel

from .models import CycleDeadline, Outbox


def deadlines_panel(user):
    """The home page's first card: deadlines the user was reminded of or chased about (one query)."""
    return Panel("deadlines", _("Due soon / overdue"), _("Cycle deadlines waiting on you or your team."),
                 due_for(user))


def status_of(deadline: CycleDeadline, today: datetime.date) -> tuple[str, str]:
    """(css class, words) for a deadline seen from ``today``."""
    days = (deadline.due_date - today).days
    if days < 0:
        return "red", ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", -days) % {"n": -days}
    if days == 0:
        return "amber", _("Due today")
    soon = max(settings.REMINDER_DAYS, default=0)
    words = ngettext("Due in %(n)s day", "Due in %(n)s days", days) % {"n": days}
    return ("amber" if days <= soon else ""), words


def due_for(user, today=None, limit=8):
    """Deadlines the user has been reminded of or chased about that are still live: one query."""
    today = today or timezone.localdate()
    oldest = today - datetime.timedelta(days=settings.REMINDER_LOOKBACK_DAYS)
    reminded = Outbox.objects.filter(recipient=user, deadline=OuterRef("pk"))
    deadlines = (
        CycleDeadline.objects.filter(Exists(reminded), due_date__gte=oldest, financial_year__is_current=True)
        .select_related("institution", "financial_year")
        .order_by("due_date")[:limit]
    )
    items = []
    for d in deadlines:
        _css, words = status_of(d, today)
        label = f"{d.get_stage_display()} — {d.institution.name}"
        items.append((label, d.get_absolute_url(), f"{words} ({formats.date_format(d.due_date)})"))
    return items
