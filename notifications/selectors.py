"""Read-side helpers: the home page's due-soon / overdue items, a year's calendar."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmis.models import Institution
from pmis.selectors import Panel
from pmis.tenancy import visible_object

from . import inbox
from .models import CycleDeadline, Outbox

#: how many items the home page's inbox cards show (the rest are one click away, on /tasks/)
HOME_ITEMS = 8


def inbox_panel(user):
    """The home page's first card, "Waiting for you": the user's open work, overdue first (one query;
    the total comes with the signed-in user)."""
    today = inbox.today()
    items = inbox.rows(inbox.overdue_first(inbox.open_for(user), today)[:HOME_ITEMS], today)
    total = inbox.count_of(user)
    summary = ngettext("%(n)s thing is waiting for you.", "%(n)s things are waiting for you.", total) % {
        "n": total} if total else _("Nothing is waiting for you.")
    return Panel("inbox", _("Waiting for you"), summary, items, template="notifications/_inbox_panel.html",
                 extra={"total": total, "more": total > len(items)})


def team_panel(user):
    """"Waiting on your team" for supervisors, directors and heads: what their people have not done
    (two queries), or None for anyone who leads nobody."""
    items = inbox.team_items(user)
    if items is None:
        return None
    today = inbox.today()
    found = inbox.rows(inbox.overdue_first(items, today)[:HOME_ITEMS], today, who=True)
    return Panel("team", _("Waiting on your team"), _("Work the people you lead have not done yet."), found,
                 template="notifications/_inbox_panel.html", extra={"team": True})


def deadlines_panel(user):
    """The home page's first card: deadlines the user was reminded of or chased about (one query)."""
    return Panel("deadlines", _("Due soon / overdue"), _("Cycle deadlines waiting on you or your team."),
                 due_for(user), empty=_("No cycle deadline is near for you or your team. What waits for you "
                                        "is listed under “Waiting for you”."))


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


def task_filters(request, items):
    """Apply /tasks/'s (and the API's) filters: kind, institution, overdue. An institution the user may
    not see answers 404, like any other id outside their scope."""
    kind = request.GET.get("kind") or ""
    if kind:
        items = items.filter(kind=kind if kind in inbox.KINDS else "")
    institution = request.GET.get("institution") or ""
    if institution:
        if visible_object(Institution, request.user, institution) is None:
            raise Http404
        items = items.filter(institution_id=institution)
    if request.GET.get("overdue") in ("1", "true", "on"):
        items = items.filter(due__lt=inbox.today())
    return items, {"kind": kind, "institution": institution, "overdue": request.GET.get("overdue") or ""}
