"""Coverage: how many of an institution's (or a unit's) officers have a plan, a signed plan and this
quarter's report, out of how many officers there are, and who has not.

Every figure set is one aggregate statement over the officers, whatever their number: each officer's
plan of the year is read through the one-plan-per-officer index, and their report through the
one-report-per-quarter index.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from pmis import access
from pmis.models import Officer, Role
from scorecards import profiles
from scorecards.models import ContractLevel

from .models import PerformanceContract, ProgressReport
from .monitoring.reading import SIGNED_STATES

#: what a coverage figure counts, and so whom "remind them" reminds
PLAN, SIGNED, REPORTED = "plan", "signed", "reported"
FIGURES = {
    PLAN: _("Officers with a plan"),
    SIGNED: _("Officers with a signed plan"),
    REPORTED: _("Officers whose quarter's report is submitted"),
}
#: who is missing from each figure, as a filter on ``officers()``
_MISSING = {
    PLAN: Q(plan_status__isnull=True),
    SIGNED: Q(plan_status__isnull=True) | ~Q(plan_status__in=SIGNED_STATES),
    REPORTED: Q(reported=False),
}


def figures_for(institution) -> dict:
    """{figure: label} of the figures ``institution``'s coverage counts: no quarter's report where its
    profile has no quarterly reports (``profiles.quarterly_reports_on``)."""
    if profiles.quarterly_reports_on(institution):
        return dict(FIGURES)
    return {key: label for key, label in FIGURES.items() if key != REPORTED}


def figure_or_default(value, institution=None) -> str:
    """``value`` if it names a figure (of ``institution``'s, when given), else the plans' figure."""
    return value if value in (FIGURES if institution is None else figures_for(institution)) else PLAN


# ---------------------------------------------------------------------------------------------
# Who may see it and remind


def may_see_coverage(user, institution, unit=None) -> bool:
    """The performance department (a performance officer there, or an oversight body over it) sees every
    institution in sight; the head their institution; a director the unit they direct and below."""
    seen = access.of(user)
    if seen.superuser:
        return True
    if not seen.sees(institution.pk):
        return False
    if institution.pk in seen.overseen:
        return True
    roles = seen.roles_in(institution.pk)
    if roles & {Role.HEAD, Role.PERFORMANCE_OFFICER}:
        return True
    return unit is not None and Role.DIRECTOR in roles and access.directs(user, unit)


def may_remind(user, institution, unit=None) -> bool:
    """Whether ``user`` may press "remind them" on the institution's (or unit's) coverage: whoever is
    answerable for it, the same people who see it."""
    return may_see_coverage(user, institution, unit)


# ---------------------------------------------------------------------------------------------
# Reading


def _plans(financial_year_id):
    return PerformanceContract.objects.filter(
        financial_year_id=financial_year_id, level=ContractLevel.OFFICER, officer=OuterRef("pk"))


def _reports(financial_year_id, period):
    return ProgressReport.objects.filter(
        contract__financial_year_id=financial_year_id, contract__level=ContractLevel.OFFICER,
        contract__officer=OuterRef("pk"), period=period, state=ProgressReport.State.SUBMITTED)


def _in(institution_id, unit):
    found = Officer.objects.filter(institution_id=institution_id)
    if unit is not None:
        found = found.filter(org_unit__path__startswith=unit.path)
    return found


def officers(institution_id, financial_year_id, period, unit=None):
    """The institution's officers (in ``unit`` and below, when given), each with ``plan_status`` (None
    without a plan this year) and ``reported`` (their plan's report for ``period`` is submitted)."""
    return _in(institution_id, unit).annotate(
        plan_status=Subquery(_plans(financial_year_id).order_by().values("status")[:1]),
        reported=Exists(_reports(financial_year_id, period)),
    )


@dataclass
class Coverage:
    officers: int
    planned: int
    signed: int
    reported: int

    def count(self, figure):
        return {PLAN: self.planned, SIGNED: self.signed, REPORTED: self.reported}[figure]

    def missing(self, figure):
        return self.officers - self.count(figure)

    @property
    def rows(self):
        return self.rows_of(FIGURES)

    def rows_of(self, figures):
        """[(figure, label, count, officers)] of ``figures`` ({figure: label}, e.g. ``figures_for``)."""
        return [(key, label, self.count(key), self.officers) for key, label in figures.items()]


def _counts(financial_year_id, period):
    # The conditions inline (not annotations): an aggregate over annotated rows is not filtered by them.
    plans = _plans(financial_year_id)
    return dict(officers=Count("pk"), planned=Count("pk", filter=Q(Exists(plans))),
                signed=Count("pk", filter=Q(Exists(plans.filter(status__in=SIGNED_STATES)))),
                reported=Count("pk", filter=Q(Exists(_reports(financial_year_id, period)))))


def total(rows) -> Coverage:
    """The whole of ``by_unit``'s rows: the institution's (or unit's) figures without a statement more."""
    return Coverage(*(sum(getattr(c, name) for _u, c in rows) for name in ("officers", "planned", "signed",
                                                                            "reported")))


def coverage(institution_id, financial_year_id, period, unit=None) -> Coverage:
    """The N of M figures of the institution (or unit and below): one statement."""
    return Coverage(**_in(institution_id, unit).aggregate(**_counts(financial_year_id, period)))


def by_unit(institution_id, financial_year_id, period, unit=None) -> list:
    """[(org unit id, Coverage)] of the officers posted in each unit (not below it): one statement."""
    rows = (_in(institution_id, unit).order_by().values("org_unit_id")
            .annotate(**_counts(financial_year_id, period)))
    return [(row.pop("org_unit_id"), Coverage(**row)) for row in rows]


def missing(institution_id, financial_year_id, period, figure, unit=None):
    """The officers not counted in ``figure``, by name (a queryset to paginate; their units' names come
    with ``by_unit``'s, not joined to every row)."""
    return (officers(institution_id, financial_year_id, period, unit).filter(_MISSING[figure])
            .select_related("user").order_by("user__last_name", "user__first_name", "pk"))


def with_plan_status(queryset, financial_year_id):
    """``queryset`` of officers, each with ``plan_status`` (None without a plan that year) and its label
    (``plan_label``, when read through ``plan_label``): the org-unit page's column, in its page query."""
    plans = PerformanceContract.objects.filter(
        financial_year_id=financial_year_id, level=ContractLevel.OFFICER, officer=OuterRef("pk"))
    return queryset.annotate(plan_status=Subquery(plans.order_by().values("status")[:1]))


def status_label(status) -> str:
    """An officer's plan status as the pages say it."""
    if status is None:
        return str(_("No plan yet"))
    return str(PerformanceContract.Status(status).label)
