"""What monitoring shows: the verification queue and the dashboard's participation card."""


from django.db.models import Count, Exists, F, OuterRef, Q

from pmis import access
from pmis.models import Officer, Role
from scorecards.models import level_order

from ..models import PerformanceContract, ProgressEntry, ProgressReport
from .rules import Status, Verification

# ---------------------------------------------------------------------------------------------
# Reading


def queue_for(user):
    """Entries waiting for ``user``'s verification: pending entries of submitted reports in the
    institutions where they are a performance officer (everything, for a superuser), but for those
    ``may_verify`` refuses them (a contract they are a party to, an actual they reported)."""
    entries = ProgressEntry.objects.filter(
        verification=Verification.PENDING, report__state=ProgressReport.State.SUBMITTED
    ).select_related("report__contract__institution", "target", "reported_by").prefetch_related("evidence")
    if not user.is_superuser:
        institutions = access.institutions_with(user, Role.PERFORMANCE_OFFICER)
        entries = entries.filter(institution_id__in=institutions).exclude(reported_by=user)
    # ``may_verify``'s rule as a filter: nobody verifies a contract they are a party to.
    entries = entries.exclude(report__contract__performer=user).exclude(report__contract__counterparty=user)
    return entries.order_by("report__due_date", "report_id", "target__order", "pk")


#: how many of the contracts still to sign or report the dashboard names (the rest are counted)
LAGGING_SHOWN = 20


def participation(institution_id, financial_year_id, period, quarterly=True):
    """How the institution's year is taking part, counted in the database: per contract level, how many
    contracts are planned, signed and reported for ``period``; and the first ``LAGGING_SHOWN`` contracts
    still to sign or report, to chase (with ``signed``, ``status_label`` and ``level_label`` set).
    And the quarter's reports submitted late (``late``, each with ``days_late``); officer plans are counted
    against the institution's officers (``of``). Four queries, whatever
    the number of officers: every dashboard view asks them. Not ``quarterly`` (the institution's profile
    has no quarterly reports, ``profiles.quarterly_reports_on``): nothing is reported or late, and only
    contracts still to sign are chased."""
    counts = {level: {"level": level, "planned": planned, "signed": signed, "reported": reported}
              for level, planned, signed, reported in _level_counts(institution_id, financial_year_id, period)}
    levels = [{**counts[level], "label": PerformanceContract.Level(level).label}
              for level in PerformanceContract.Level.values if level in counts]
    lagging = list(_lagging(institution_id, financial_year_id, period, quarterly))
    # Labels translated once for the list (get_FOO_display rebuilds the choices on every call).
    statuses, level_labels = dict(Status.choices), dict(PerformanceContract.Level.choices)
    for c in lagging:
        c.signed = c.status in SIGNED_STATES
        c.status_label, c.level_label = statuses.get(c.status, c.status), level_labels.get(c.level, c.level)
    officers = Officer.objects.filter(institution_id=institution_id).count()
    for row in levels:
        # An officer's plan is counted against every officer: "2 of 25", not "2".
        row["of"] = officers if row["level"] == PerformanceContract.Level.OFFICER else row["planned"]
    chased = "reported" if quarterly else "signed"
    return {"levels": levels, "lagging": lagging, "officers": officers, "quarterly": quarterly,
            "lagging_total": sum(row["planned"] - row[chased] for row in levels),
            "late": list(_late(institution_id, financial_year_id, period)) if quarterly else []}


def _late(institution_id, financial_year_id, period):
    """The quarter's reports submitted after their due date (each with ``days_late``), latest first."""
    return (ProgressReport.objects.filter(
        institution_id=institution_id, contract__financial_year_id=financial_year_id, period=period,
        state=ProgressReport.State.SUBMITTED, submitted_at__date__gt=F("due_date"))
        .select_related("contract").only("pk", "period", "due_date", "submitted_at", "state", "contract__title")
        .order_by("-submitted_at", "pk")[:LAGGING_SHOWN])


SIGNED_STATES = (Status.SIGNED, Status.IN_FORCE, Status.CLOSED)


def quarter_reports(contract_ids, period):
    """{contract id: its report for quarter ``period``} of ``contract_ids`` (the exports' lateness: each
    report's ``days_late``, as the pages show it). One query."""
    return {r.contract_id: r for r in ProgressReport.objects.filter(contract_id__in=contract_ids, period=period)
            .only("pk", "contract_id", "period", "due_date", "submitted_at", "state")}


def participation_rows(institution_id, financial_year_id, period):
    """Every contract of the institution's year with its report for ``period`` (None when not opened), in
    level and title order: [(contract, report)], each contract with ``signed``, ``status_label`` and
    ``level_label`` set (the dashboard's participation export). Two queries."""
    contracts = list(PerformanceContract.objects.filter(
        institution_id=institution_id, financial_year_id=financial_year_id)
        .only("pk", "title", "level", "status").order_by(level_order(), "title", "pk"))
    reports = {r.contract_id: r for r in ProgressReport.objects.filter(
        institution_id=institution_id, contract__financial_year_id=financial_year_id, period=period)
        .only("pk", "contract_id", "period", "due_date", "submitted_at", "state")}
    statuses, level_labels = dict(Status.choices), dict(PerformanceContract.Level.choices)
    for c in contracts:
        c.signed = c.status in SIGNED_STATES
        c.status_label, c.level_label = statuses.get(c.status, c.status), level_labels.get(c.level, c.level)
    return [(c, reports.get(c.pk)) for c in contracts]


def _year_contracts(institution_id, financial_year_id, period):
    return PerformanceContract.objects.filter(
        institution_id=institution_id, financial_year_id=financial_year_id
    ).annotate(reported=Exists(ProgressReport.objects.filter(
        contract=OuterRef("pk"), period=period, state=ProgressReport.State.SUBMITTED)))


def _level_counts(institution_id, financial_year_id, period):
    return _year_contracts(institution_id, financial_year_id, period).order_by().values("level").annotate(
        planned=Count("pk"), signed=Count("pk", filter=Q(status__in=SIGNED_STATES)),
        reported=Count("pk", filter=Q(reported=True))).values_list("level", "planned", "signed", "reported")


def _lagging(institution_id, financial_year_id, period, quarterly=True):
    behind = Q(reported=False) if quarterly else ~Q(status__in=SIGNED_STATES)
    return (_year_contracts(institution_id, financial_year_id, period).filter(behind)
            .only("pk", "title", "level", "status").order_by(level_order(), "title", "pk")[:LAGGING_SHOWN])
