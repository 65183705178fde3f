"""Charter compliance: per service and quarter, the share of complaints handled within the
service standard, aggregated in SQL; and the feed that writes it into contract targets.

Which complaints count in a quarter: complaints (not compliments or suggestions) about a service,
received in the quarter, that are either resolved or already past their due time. A complaint
still open and not yet due has not had its chance yet, so it counts neither way. Within the
standard means resolved no later than due.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from contracts.cycle import targets as contract_targets
from contracts.models import Target
from pmis import org

from .models import Complaint, ComplianceFeed, Service

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def quarter_bounds(year, quarter: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The start (inclusive) and end (exclusive) of ``quarter`` (1-4) of a financial year, as aware
    datetimes at local midnight."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    start = add_months(year.start_date, 3 * (quarter - 1))
    end = add_months(year.start_date, 3 * quarter)
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time(), zone),
            datetime.datetime.combine(end, datetime.time(), zone))


def quarter_of(year, day: datetime.date) -> int:
    months = (day.year - year.start_date.year) * 12 + day.month - year.start_date.month
    return min(max(months // 3 + 1, 1), 4)


def percent(within: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(within) * HUNDRED / Decimal(total)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    code: str
    name: str
    total: int
    within: int

    @property
    def percent(self):
        return percent(self.within, self.total)


def _counted(year, quarter, now=None):
    start, end = quarter_bounds(year, quarter)
    now = now or timezone.now()
    return Complaint.objects.filter(
        institution_id=year.institution_id, kind=Complaint.Kind.COMPLAINT, service__isnull=False,
        due_at__isnull=False, received_at__gte=start, received_at__lt=end,
    ).filter(Q(resolved_at__isnull=False) | Q(due_at__lt=now))


WITHIN = Count("pk", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("due_at")))


def by_service(year, quarter, now=None) -> list[Row]:
    """One row per service code with complaints counted in the quarter (two queries)."""
    counts = (
        _counted(year, quarter, now).values("service__code")
        .annotate(total=Count("pk"), within=WITHIN).order_by("service__code")
    )
    names = dict(
        Service.objects.filter(institution_id=year.institution_id).order_by("charter__version")
        .values_list("code", "name_en")
    )
    return [Row(c["service__code"], names.get(c["service__code"], c["service__code"]), c["total"], c["within"])
            for c in counts]


def compliance(year, quarter, service_code="", now=None) -> Decimal | None:
    """The share (0-100, two decimals) of counted complaints handled within the standard, or None
    when none count yet."""
    qs = _counted(year, quarter, now)
    if service_code:
        qs = qs.filter(service__code=service_code)
    result = qs.aggregate(total=Count("pk"), within=WITHIN)
    return percent(result["within"], result["total"])


def system_actor():
    """The user the audit trail names for computed values; it has no password and no roles."""
    user, created = org.ensure_user("system", first_name="PMIS", last_name="(system)")
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def feed_targets(year, quarter, now=None) -> list[Target]:
    """Write the computed compliance into the actual of every target of ``year``'s contracts whose
    indicator is linked by a ComplianceFeed. Unchanged values are not written again, so running
    twice leaves one audit event per change. Returns the targets that changed."""
    feeds = {f.indicator_id: f for f in ComplianceFeed.objects.filter(institution_id=year.institution_id)}
    if not feeds:
        return []
    from contracts import monitoring

    targets = (Target.objects.filter(contract__financial_year=year, indicator_id__in=feeds)
               .select_related("contract").order_by("pk"))
    values = {}
    changed = []
    actor = None
    for target in targets:
        code = feeds[target.indicator_id].service_code
        if code not in values:
            values[code] = compliance(year, quarter, code, now)
        value = values[code]
        if value is None:
            continue
        if target.contract.status in monitoring.REPORTABLE:
            # A signed contract: a system-computed, accepted entry of the quarter's progress report.
            actor = actor or system_actor()
            if monitoring.record_computed(actor, target, quarter, value) is not None:
                changed.append(Target.objects.get(pk=target.pk))
            continue
        if target.actual == value:
            continue
        actor = actor or system_actor()
        changed.append(contract_targets.record_actual(actor, target, value))
    return changed
