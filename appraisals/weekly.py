"""The weekly task log: an officer records each week what was done on each sub-task of their signed
plan (progress, a note, optional evidence); the supervisor reviews the week, comments and marks the
sub-tasks 0–100 (``contracts.monitoring.marks``, which the plan's score rolls up). Turned on by the
institution's country profile (PEPMIS). Pages read through ``week_rows`` and ``team_week``: a fixed
number of queries whatever the number of sub-tasks or officers."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import PerformanceContract, SubTask
from contracts.monitoring import marks
from pmis import audit
from pmis.access import NotAllowed
from scorecards import profiles

from . import uploads
from .models import WeeklyLog, WeekReview
from .services.rules import PLAN_STATES

TEAM_PAGE = 30
EPOCH = datetime.date(2000, 1, 3)  # a Monday
#: what the audit trail records of a log (the evidence by its name; the file is kept in storage)
LOG_FIELDS = ["institution", "contract", "sub_task", "week_start", "progress", "note", "evidence_name", "logged_by"]


def week_of(day: datetime.date) -> datetime.date:
    """The Monday starting ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def parse_week(text) -> datetime.date | None:
    """The week named by an ISO date (any day of it), or None."""
    try:
        return week_of(datetime.date.fromisoformat(str(text)))
    except ValueError:
        return None


def uses_weekly_log(contract) -> bool:
    return contract.level == "officer" and profiles.weekly_log_on(contract.institution)


def may_log(user, contract) -> bool:
    """The plan's officer logs weeks once the plan is signed, where the profile turns the log on."""
    return (contract.status in PLAN_STATES and user.pk == contract.performer_id and uses_weekly_log(contract))


def may_review(user, contract) -> bool:
    """The plan's supervisor reviews the officer's weeks (and marks, ``marks.may_mark``)."""
    return marks.may_mark(user, contract) and uses_weekly_log(contract)


def _progress(value):
    text = str(value or "").strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise ValidationError(_("Progress is a whole number from 0 to 100."))
    return int(text)


@transaction.atomic
def log_week(actor, contract, week_start, entries, evidence=None, *, today=None):
    """Record the week: ``entries`` {sub-task id: {"progress", "note"}}, ``evidence`` {sub-task id:
    upload}. Every field is checked first and each error named (``progress-<id>``…); nothing is
    written unless all are good. A sub-task left blank is skipped; one unchanged writes nothing."""
    contract = PerformanceContract.objects.select_for_update().get(pk=contract.pk)
    if not may_log(actor, contract):
        raise NotAllowed(_("Only the plan's officer logs its weeks, once the plan is signed."))
    week_start = week_of(week_start)
    if week_start > week_of(today or timezone.localdate()):
        raise ValidationError(_("A week is logged once it has started."))
    evidence = evidence or {}
    subs = SubTask.objects.in_bulk(entries.keys() | evidence.keys(), field_name="pk")
    existing = {row.sub_task_id: row for row in WeeklyLog.objects.filter(contract=contract, week_start=week_start)}
    errors, cleaned = {}, {}
    for sub_id in sorted(entries.keys() | evidence.keys()):
        sub = subs.get(sub_id)
        if sub is None or sub.contract_id != contract.pk:
            errors[f"progress-{sub_id}"] = _("This sub-task is not in your plan.")
            continue
        values = entries.get(sub_id, {})
        note = str(values.get("note") or "").strip()
        raw = str(values.get("progress") or "").strip()
        upload = evidence.get(sub_id)
        if not raw and not note and upload is None:
            continue
        try:
            progress = _progress(raw)
        except ValidationError as exc:
            errors[f"progress-{sub_id}"] = exc.messages[0]
            continue
        if upload is not None:
            try:
                upload, _type = uploads.check(upload)
            except ValidationError as exc:
                errors[f"evidence-{sub_id}"] = exc.messages[0]
                continue
        cleaned[sub_id] = (progress, note, upload)
    if errors:
        raise ValidationError(errors)
    written = []
    for sub_id, (progress, note, upload) in cleaned.items():
        row = existing.get(sub_id)
        if row is not None and row.progress == progress and row.note == note and upload is None:
            continue
        before = audit.snapshot(row, LOG_FIELDS) if row else None
        if row is None:
            row = WeeklyLog(institution_id=contract.institution_id, contract=contract, sub_task_id=sub_id,
                            week_start=week_start)
        row.progress, row.note, row.logged_by = progress, note, actor
        if upload is not None:
            row.evidence_name = upload.name[:255]
            row.evidence.save("evidence", upload, save=False)
        row.save()
        audit.record(actor, "weekly_log.save", row, before, audit.snapshot(row, LOG_FIELDS))
        written.append(row)
    return written


@transaction.atomic
def review_week(actor, contract, week_start, *, comment="", marks_given=None):
    """The supervisor's review of a logged week: a comment, and the marks given (``{sub-task id:
    value}``, blanks skipped). Every mark is checked before any is written."""
    contract = PerformanceContract.objects.select_for_update().get(pk=contract.pk)
    if not may_review(actor, contract):
        raise NotAllowed(_("Only the plan's supervisor reviews its weeks, once the plan is signed."))
    week_start = week_of(week_start)
    subs = {s.pk: s for s in SubTask.objects.filter(contract=contract)}
    errors, given = {}, {}
    for sub_id, value in (marks_given or {}).items():
        if str(value or "").strip() == "":
            continue
        if sub_id not in subs:
            errors[f"mark-{sub_id}"] = _("This sub-task is not in the plan.")
            continue
        try:
            given[sub_id] = marks.parse_mark(value)
        except ValidationError as exc:
            errors[f"mark-{sub_id}"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    for sub_id, value in given.items():
        marks.mark_sub_task(actor, subs[sub_id], value)
    review = WeekReview.objects.filter(contract=contract, week_start=week_start).first()
    before = audit.snapshot(review) if review else None
    if review is None:
        review = WeekReview(institution_id=contract.institution_id, contract=contract, week_start=week_start)
    review.comment, review.reviewer = comment.strip(), actor
    review.save()
    audit.record(actor, "week_review.save", review, before, audit.snapshot(review))
    return review


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class Row:
    sub_task: SubTask
    log: WeeklyLog | None = None


@dataclass
class PlanWeek:
    contract: PerformanceContract
    rows: list = field(default_factory=list)
    review: WeekReview | None = None

    @property
    def logged(self) -> int:
        return sum(1 for r in self.rows if r.log is not None)

    @property
    def unmarked(self) -> int:
        return sum(1 for r in self.rows if not has_mark(r.sub_task))


def has_mark(sub):
    try:
        return sub.mark is not None
    except SubTask.mark.RelatedObjectDoesNotExist:
        return False


def _weeks(contracts, week_start, *, overview=False) -> list[PlanWeek]:
    """Each plan's sub-tasks with the week's logs and review: three queries for any number of plans.
    ``overview`` reads only what the team page shows (titles, the logs' progress and notes, whether
    reviewed): a team's week builds a few hundred rows, and their tasks, targets and marks are not shown."""
    plans = {c.pk: PlanWeek(c) for c in contracts}
    if not plans:
        return []
    logs = WeeklyLog.objects.filter(contract_id__in=plans, week_start=week_start)
    sub_tasks = marks.sub_tasks_of(list(plans))
    reviews = WeekReview.objects.filter(contract_id__in=plans, week_start=week_start)
    if overview:
        logs = logs.only("pk", "contract_id", "sub_task_id", "progress", "note")
        sub_tasks = sub_tasks.select_related(None).only("pk", "contract_id", "title")
        reviews = reviews.only("pk", "contract_id")
    logs = {row.sub_task_id: row for row in logs}
    for sub in sub_tasks:
        plans[sub.contract_id].rows.append(Row(sub, logs.get(sub.pk)))
    for review in reviews:
        plans[review.contract_id].review = review
    return list(plans.values())


def week_rows(contract, week_start) -> PlanWeek:
    return _weeks([contract], week_start)[0]


def team_plans(user):
    """The signed plans ``user`` supervises that have sub-tasks, officers by name."""
    return (PerformanceContract.objects.filter(counterparty=user, level="officer", status__in=PLAN_STATES)
            .filter(Exists(SubTask.objects.filter(contract=OuterRef("pk"))))
            .select_related("officer__user", "financial_year").order_by("officer__user__last_name", "pk"))


def team_week(contracts, week_start) -> list[PlanWeek]:
    return _weeks(contracts, week_start, overview=True)


def plans_with_weekly_log():
    """Signed officer plans with sub-tasks (whether their profile logs weeks is asked separately)."""
    return (PerformanceContract.objects.filter(level="officer", status__in=PLAN_STATES)
            .filter(Exists(SubTask.objects.filter(contract=OuterRef("pk"))))
            .select_related("financial_year"))


def unlogged(contract_ids, week_start) -> set:
    """Those of the plans with nothing logged for the week."""
    logged = set(WeeklyLog.objects.filter(contract_id__in=contract_ids, week_start=week_start)
                 .values_list("contract_id", flat=True).distinct())
    return set(contract_ids) - logged


def log_due(week_start) -> datetime.date:
    """When a week's log is due: ``PMIS_WEEKLY_LOG_DUE_DAYS`` after the week ends."""
    return week_start + datetime.timedelta(days=6 + settings.PMIS_WEEKLY_LOG_DUE_DAYS)


def week_number(week_start) -> int:
    """A week's number (weeks since 2000), so each week's missing log is an item of its own."""
    return (week_start - EPOCH).days // 7


def week_url(plan, week_start) -> str:
    return f"{reverse('appraisals:week', args=[plan.pk])}?week={week_start.isoformat()}"


def weeks_waiting(contract_ids):
    """{plan id: the earliest logged week not yet reviewed}."""
    reviewed = set(WeekReview.objects.filter(contract_id__in=contract_ids).values_list("contract_id", "week_start"))
    waiting = {}
    for contract_id, week in (WeeklyLog.objects.filter(contract_id__in=contract_ids)
                              .values_list("contract_id", "week_start").distinct().order_by("week_start")):
        if (contract_id, week) not in reviewed and contract_id not in waiting:
            waiting[contract_id] = week
    return waiting
