"""The reminder sweep: what is due in N days, what is overdue, and whom to chase.

Every run recomputes the full set of reminders that should exist today and inserts them with
``ON CONFLICT DO NOTHING`` against the unique key (deadline, recipient, kind). Running it twice,
or two runs at once on separate connections, leaves each reminder in the outbox exactly once.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmis import access
from pmis.copying import copy_in
from pmis.models import Officer, Role
from scorecards import profiles

from . import cycle, kinds
from .models import CycleDeadline, Kind, Outbox
from .rules import pairs_for


@dataclass
class SweepResult:
    deadlines: int = 0
    candidates: int = 0
    created: int = 0


def texts(deadline: CycleDeadline, kind: str, days_left: int, count: int = 1) -> tuple[str, str]:
    """Subject and body of a reminder, rendered when it is delivered (in the active language)."""
    stage = deadline.get_stage_display()
    if deadline.week_start:
        stage = _("%(stage)s for the week of %(week)s") % {
            "stage": stage, "week": formats.date_format(deadline.week_start, "DATE_FORMAT")}
    date = formats.date_format(deadline.due_date, "DATE_FORMAT")
    where = {"stage": stage, "date": date, "institution": deadline.institution.name,
             "year": deadline.financial_year.name}
    if kind == Kind.OVERDUE:
        subject = _("Overdue: %(stage)s was due on %(date)s") % where
        body = _("The %(stage)s deadline of %(year)s at %(institution)s passed on %(date)s and your part is "
                 "not done yet. Please complete it now.") % where
    elif kind == Kind.ESCALATE_SUPERVISOR:
        subject = _("Escalation: %(stage)s is overdue in your team") % where
        body = ngettext(
            "%(count)s person you supervise has not completed %(stage)s, due on %(date)s (%(year)s).",
            "%(count)s people you supervise have not completed %(stage)s, due on %(date)s (%(year)s).",
            count,
        ) % {**where, "count": count}
    elif kind == Kind.ESCALATE_PERFORMANCE_OFFICER:
        subject = _("Escalation: %(stage)s is overdue at %(institution)s") % where
        body = ngettext(
            "%(count)s person has not completed %(stage)s, due on %(date)s (%(year)s).",
            "%(count)s people have not completed %(stage)s, due on %(date)s (%(year)s).",
            count,
        ) % {**where, "count": count}
    elif kind.startswith("nudge_"):
        subject = _("Reminder: please complete %(stage)s (%(year)s)") % where
        body = _("You are among the officers of %(institution)s who have not completed %(stage)s for "
                 "%(year)s (due on %(date)s). Please complete your part.") % where
    else:
        subject = ngettext(
            "Reminder: %(stage)s is due in %(days)s day (%(date)s)",
            "Reminder: %(stage)s is due in %(days)s days (%(date)s)",
            days_left,
        ) % {**where, "days": days_left}
        body = _("The %(stage)s deadline of %(year)s at %(institution)s is %(date)s and your part is not done "
                 "yet.") % where
    return subject[:200], body


def sweep(today: datetime.date | None = None) -> SweepResult:
    """Write today's reminders to the outbox; idempotent and safe to run concurrently."""
    today = today or timezone.localdate()
    return _sweep(today)


def _sweep(today):
    result = SweepResult()
    years = list(cycle.current_years())
    cycle.ensure_deadlines(years)
    days = kinds.reminder_days()
    horizon = today + datetime.timedelta(days=max(days, default=0))
    oldest = today - datetime.timedelta(days=settings.REMINDER_LOOKBACK_DAYS)
    # The weeks whose deadline this sweep can remind of (a week's log: one deadline per ended week).
    cycle.ensure_weekly(years, oldest, today)
    deadlines = (
        CycleDeadline.objects.filter(financial_year__is_current=True, due_date__range=(oldest, horizon))
        .select_related("institution", "financial_year")
        .order_by("pk")
    )
    rows: list[tuple] = []  # (institution, deadline, recipient, kind, critical, count)
    deadlines = list(deadlines)
    # The rules ask each institution's profile (quarterly reports or none): answered for all at once.
    reporting = profiles.with_quarterly_reports({d.institution_id for d in deadlines})
    for deadline in deadlines:
        deadline.institution._quarterly_reports_on = deadline.institution_id in reporting
        days_left = (deadline.due_date - today).days
        kind = kinds.bucket(days_left)
        if kind is None:
            continue
        pairs = pairs_for(deadline)
        if not pairs:
            continue
        result.deadlines += 1

        def add(recipient, kind, count=1, deadline=deadline):
            rows.append((deadline.institution_id, deadline.pk, recipient, kind, kinds.is_critical(kind), count))

        for recipient in sorted({r for _p, r in pairs}):
            add(recipient, kind)
        if kind == Kind.OVERDUE:
            late = -days_left
            performers = {p for p, _r in pairs}
            if late >= settings.REMINDER_ESCALATE_SUPERVISOR_DAYS:
                team = defaultdict(int)
                for user_id, supervisor_id in Officer.objects.filter(
                    institution_id=deadline.institution_id, supervisor__isnull=False
                ).values_list("user_id", "supervisor__user_id"):
                    if user_id in performers:
                        team[supervisor_id] += 1
                for supervisor_id in sorted(team):
                    add(supervisor_id, Kind.ESCALATE_SUPERVISOR, team[supervisor_id])
            if late >= settings.REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS:
                officers = {row["user_id"] for row in access.holders(deadline.institution_id,
                                                                     Role.PERFORMANCE_OFFICER)}
                for po in sorted(officers):
                    add(po, Kind.ESCALATE_PERFORMANCE_OFFICER, len(performers))
    result.candidates = len(rows)
    result.created = insert(rows)
    return result


def insert(rows: list[tuple]) -> int:
    """INSERT … ON CONFLICT DO NOTHING in key order (so concurrent sweeps cannot deadlock) and
    return how many rows are new: exact on PostgreSQL (counted from RETURNING, which names only
    inserted rows), a before/after count elsewhere."""
    if not rows:
        return 0
    rows.sort(key=lambda r: (r[1], r[2], r[3]))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _insert_postgres(rows)
        before = Outbox.objects.count()
        Outbox.objects.bulk_create([Outbox(**dict(zip(FIELDS, r, strict=True))) for r in rows],
                                   ignore_conflicts=True, batch_size=settings.REMINDER_INSERT_BATCH)
        return Outbox.objects.count() - before


FIELDS = ["institution_id", "deadline_id", "recipient_id", "kind", "critical", "count"]


def _insert_postgres(rows):
    """COPY the candidates into a temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING.

    The rows are recomputable (the next sweep writes any that are lost), so this transaction
    commits asynchronously; a sender's own (synchronous) commit flushes the log past it anyway.
    """
    table = Outbox._meta.db_table
    buffer = io.StringIO()
    for institution, deadline, recipient, kind, critical, count in rows:
        buffer.write(f"{institution}\t{deadline}\t{recipient}\t{kind}\t{'t' if critical else 'f'}\t{count}\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            "CREATE TEMPORARY TABLE outbox_candidates (institution_id bigint, deadline_id bigint, "
            "recipient_id bigint, kind varchar(40), critical boolean, count integer) ON COMMIT DROP"
        )
        copy_in(cursor, "COPY outbox_candidates FROM STDIN", buffer.getvalue())
        cursor.execute(
            f"WITH inserted AS (INSERT INTO {table} "  # noqa: S608 - the table name is the model's
            "(institution_id, deadline_id, recipient_id, kind, critical, count, status, attempts, last_error, "
            "emailed, created_at) "
            "SELECT institution_id, deadline_id, recipient_id, kind, critical, count, %s, 0, '', false, now() "
            "FROM outbox_candidates ORDER BY deadline_id, recipient_id, kind "
            "ON CONFLICT (deadline_id, recipient_id, kind) DO NOTHING RETURNING 1) SELECT count(*) FROM inserted",
            [Outbox.Status.PENDING.value],
        )
        created = cursor.fetchone()[0]
        # Dropped now too: inside a caller's transaction ON COMMIT comes later than the next sweep.
        cursor.execute("DROP TABLE outbox_candidates")
        return created
