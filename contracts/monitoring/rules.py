"""A contract's quarters (``period_dates``, ``current_period``) and who may report or verify."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pmis import access
from pmis.access import NotAllowed
from pmis.models import Role
from scorecards import profiles

from ..cycle import workflow
from ..models import PerformanceContract, ProgressEntry, ProgressReport

Status = PerformanceContract.Status
#: Contracts that are reported on.
REPORTABLE = {Status.SIGNED, Status.IN_FORCE}
PERIODS = (1, 2, 3, 4)
Verification = ProgressEntry.Verification

ENTRY_FIELDS = ["actual", "budget_spent", "status", "comment", "explanation", "remedial_action", "verification",
                "verification_comment", "system_computed"]


def _add_months(day, months):
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def period_dates(year, period: int):
    """(first day, last day, due date) of quarter ``period`` (1-4) of financial year ``year``."""
    if period not in PERIODS:
        raise ValidationError(_("A quarter is 1, 2, 3 or 4."))
    start = _add_months(year.start_date, 3 * (period - 1))
    end = _add_months(year.start_date, 3 * period) - datetime.timedelta(days=1)
    return start, end, end + datetime.timedelta(days=settings.PMIS_REPORT_DUE_DAYS)


def has_started(year, period: int, today=None) -> bool:
    """Whether quarter ``period`` of ``year`` has begun: a report is offered (and opened by people)
    only from the first day of its quarter."""
    return (today or timezone.localdate()) >= period_dates(year, period)[0]


def current_period(year, today=None) -> int:
    """The quarter ``today`` falls in (1 before the year starts, 4 after it ends)."""
    today = today or timezone.localdate()
    months = (today.year - year.start_date.year) * 12 + today.month - year.start_date.month
    return min(max(months // 3 + 1, 1), 4)


# ---------------------------------------------------------------------------------------------
# Who may do what


def reports_quarterly(contract) -> bool:
    """Whether ``contract`` has quarterly reports at all: signed, and its institution's profile has them."""
    return contract.status in REPORTABLE and profiles.quarterly_reports_on(contract.institution)


def can_report(user, contract, roles=None) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    parts = workflow.parts_of(user, contract, roles)
    return bool(parts & {workflow.PERFORMER, workflow.SECRETARIAT})


def can_verify(user, institution_id, roles=None) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    roles = access.roles_in(user, institution_id) if roles is None else roles
    return Role.PERFORMANCE_OFFICER in roles


def may_verify(user, entry, roles=None) -> bool:
    """Whether ``user`` may accept or return ``entry`` now: a performance officer of its institution who
    is neither a party to the contract (performer, counter-party) nor the one who reported the actual."""
    if not can_verify(user, entry.institution_id, roles):
        return False
    if workflow.is_party(user, entry.report.contract):
        return False
    return entry.reported_by_id != user.pk or user.is_superuser


def _check_reporter(actor, contract):
    if not can_report(actor, contract):
        raise NotAllowed(_("Progress is reported by the performer or the performance officer."))
    if contract.status not in REPORTABLE:
        raise ValidationError(_("Progress is reported on signed contracts only; this one is “%(status)s”.")
                              % {"status": contract.get_status_display().lower()})
    if not profiles.quarterly_reports_on(contract.institution):
        raise ValidationError(_("The institution's profile has no quarterly progress reports."))


def _check_open(report):
    if report.state != ProgressReport.State.DRAFT:
        raise ValidationError(_("This report has been submitted; entries returned by the verifier can be "
                                "corrected, others no longer change."))
