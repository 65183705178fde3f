"""The cycle calendar: each stage's deadline per institution and financial year.

Resolution order for a stage's date: the institution's own override (a ``CycleDeadline`` with
``overridden=True``), else the nearest oversight body's ``StageDefault``, else
``BUILT_IN_OFFSETS``. Deadlines are materialised as rows (the outbox keys reminders on them);
``ensure_deadlines`` creates missing rows idempotently and concurrently-safely.

A weekly stage (a week's task log, ``Stage.WEEKLY_LOG``) has one deadline per week instead, dated by
the app that owns it (``register_weekly``) and made for the weeks the reminder sweep looks at
(``ensure_weekly``); the calendar and the stage defaults are about the yearly stages only.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from pmis.models import FinancialYear, Institution

from .models import CycleDeadline, Stage, StageDefault

#: Days after the first day of the financial year; a July year gives roughly the Kenyan cycle.
BUILT_IN_OFFSETS = {
    Stage.TARGET_IDENTIFICATION: 14,
    Stage.PRE_NEGOTIATION: 28,
    Stage.NEGOTIATION: 42,
    Stage.VETTING: 56,
    Stage.SIGNING: 70,
    Stage.Q1_REPORT: 106,
    Stage.Q2_REPORT: 198,
    Stage.Q3_REPORT: 288,
    Stage.Q4_REPORT: 380,
    Stage.APPRAISAL: 395,
    Stage.APPEAL_WINDOW: 425,
    Stage.SELF_EVALUATION: 395,  # a month after a July year ends
}

MAX_OFFSET = 800
#: stages with one deadline per week, not one per year
WEEKLY = (Stage.WEEKLY_LOG,)
#: the stages with one deadline a year: the calendar's, and those defaults and overrides date
YEARLY = [stage for stage in Stage.values if stage not in WEEKLY]
#: stage → weeks(years, first, today): [(year, week start, due date)] of the weeks ended by ``today`` whose
#: deadline falls on or after ``first``, registered by the app owning the stage (``register_weekly``)
WEEK_DATES = {}


def register_weekly(stage, weeks):
    if stage not in WEEKLY:
        raise ValueError(f"not a weekly stage: {stage!r}")
    WEEK_DATES[stage] = weeks


def ensure_weekly(years, first, today) -> int:
    """Create the missing weekly deadlines of ``years``: the weeks ended by ``today`` falling due on or
    after ``first``; safe to run concurrently (the unique week constraint). Returns rows made."""
    years = list(years)
    rows = [CycleDeadline(institution_id=year.institution_id, financial_year=year, stage=stage, week_start=week,
                          due_date=due)
            for stage, weeks in WEEK_DATES.items() for year, week, due in weeks(years, first, today)]
    if not rows:
        return 0
    weekly = CycleDeadline.objects.filter(financial_year__in=years, week_start__isnull=False)
    before = weekly.count()
    CycleDeadline.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return weekly.count() - before


def ancestor_ids(institution: Institution) -> list[int]:
    """The institution's oversight bodies, nearest first (from the materialised path)."""
    ids = [int(part) for part in institution.oversight_path.strip("/").split("/") if part]
    return [i for i in reversed(ids) if i != institution.pk]


def offsets_for(institutions) -> dict[int, dict[str, int]]:
    """{institution id: {stage: offset days}} with every stage filled, in one query."""
    institutions = list(institutions)
    bodies = {i.pk: ancestor_ids(i) for i in institutions}
    wanted = {b for ids in bodies.values() for b in ids}
    by_body: dict[int, dict[str, int]] = {}
    for row in StageDefault.objects.filter(institution_id__in=wanted).values("institution_id", "stage", "offset_days"):
        by_body.setdefault(row["institution_id"], {})[row["stage"]] = row["offset_days"]
    result = {}
    for inst in institutions:
        offsets = {str(k): v for k, v in BUILT_IN_OFFSETS.items()}
        # Farthest body first, so the nearest body's choice wins.
        for body in reversed(bodies[inst.pk]):
            offsets.update(by_body.get(body, {}))
        result[inst.pk] = offsets
    return result


def ensure_deadlines(years) -> int:
    """Create the missing deadline rows of ``years``; safe to run concurrently. Returns rows made."""
    years = list(years)
    if not years:
        return 0
    offsets = offsets_for({y.institution for y in years})
    rows = [
        CycleDeadline(
            institution_id=y.institution_id, financial_year=y, stage=stage,
            due_date=y.start_date + datetime.timedelta(days=offsets[y.institution_id][stage]),
        )
        for y in years
        for stage in YEARLY
    ]
    yearly = CycleDeadline.objects.filter(financial_year__in=years, week_start__isnull=True)
    before = yearly.count()
    CycleDeadline.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return yearly.count() - before


def current_years():
    return FinancialYear.objects.filter(is_current=True).select_related("institution")


def calendar_for(year: FinancialYear) -> list[CycleDeadline]:
    ensure_deadlines([year])
    return list(CycleDeadline.objects.filter(financial_year=year, week_start__isnull=True)
                .order_by("due_date", "stage"))


def _check_stage(stage):
    if stage not in YEARLY:
        raise ValidationError(_("Unknown stage “%(stage)s”.") % {"stage": stage})


@transaction.atomic
def set_stage_default(actor, body: Institution, stage: str, offset_days: int) -> StageDefault:
    """The performance department sets a stage's default; deadlines that follow defaults move."""
    _check_stage(stage)
    if body.kind != Institution.Kind.OVERSIGHT:
        raise ValidationError(_("Only a performance management department sets default deadlines."))
    if not -MAX_OFFSET <= int(offset_days) <= MAX_OFFSET:
        raise ValidationError(_("Choose an offset between %(lo)s and %(hi)s days.") % {"lo": -MAX_OFFSET,
                                                                                        "hi": MAX_OFFSET})
    existing = StageDefault.objects.filter(institution=body, stage=stage).first()
    before = audit.snapshot(existing) if existing else None
    default, _created = StageDefault.objects.update_or_create(
        institution=body, stage=stage, defaults={"offset_days": int(offset_days)}
    )
    audit.record(actor, "calendar.default_set", default, before, audit.snapshot(default))
    refresh_defaults(Institution.objects.filter(oversight_path__startswith=body.oversight_path))
    return default


def refresh_defaults(institutions) -> int:
    """Re-date the non-overridden deadlines of current years after a default changed."""
    years = list(FinancialYear.objects.filter(institution__in=institutions, is_current=True)
                 .select_related("institution"))
    ensure_deadlines(years)
    offsets = offsets_for({y.institution for y in years})
    changed = []
    by_year = {y.pk: y for y in years}
    for deadline in CycleDeadline.objects.filter(financial_year__in=years, overridden=False, week_start__isnull=True):
        year = by_year[deadline.financial_year_id]
        due = year.start_date + datetime.timedelta(days=offsets[year.institution_id][deadline.stage])
        if due != deadline.due_date:
            deadline.due_date = due
            changed.append(deadline)
    CycleDeadline.objects.bulk_update(changed, ["due_date"], batch_size=500)
    return len(changed)


@transaction.atomic
def override_deadline(actor, year: FinancialYear, stage: str, due_date: datetime.date | None) -> CycleDeadline:
    """The institution sets its own date for a stage (``None`` goes back to the default)."""
    _check_stage(stage)
    ensure_deadlines([year])
    deadline = CycleDeadline.objects.select_for_update().get(financial_year=year, stage=stage,
                                                             week_start__isnull=True)
    before = audit.snapshot(deadline, ["due_date", "overridden"])
    if due_date is None:
        offsets = offsets_for([year.institution])[year.institution_id]
        deadline.due_date = year.start_date + datetime.timedelta(days=offsets[stage])
        deadline.overridden = False
    else:
        earliest = year.start_date - datetime.timedelta(days=MAX_OFFSET)
        latest = year.end_date + datetime.timedelta(days=MAX_OFFSET)
        if not earliest <= due_date <= latest:
            raise ValidationError(_("The date is too far from the financial year %(year)s.") % {"year": year.name})
        deadline.due_date = due_date
        deadline.overridden = True
    deadline.save(update_fields=["due_date", "overridden"])
    audit.record(actor, "calendar.deadline_set", deadline, before, audit.snapshot(deadline, ["due_date", "overridden"]))
    return deadline
