"""Read-side helpers for the organisation pages: what each role should look at first."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import access, activity
from .models import AuditEvent, FinancialYear, Institution, Officer, Role


@dataclass
class Panel:
    """One card on the home page: a title, a one-line summary and a few links."""

    key: str
    title: str
    summary: str = ""
    items: list = field(default_factory=list)  # (label, url, detail) triples, unless ``template`` says otherwise
    #: a template of its own for the card's body (an app's richer list), and what else it needs
    template: str = ""
    extra: dict = field(default_factory=dict)
    #: what the card says when it has nothing to list (default: "Nothing here yet.")
    empty: str = ""


#: builders(user) → Panel or None, shown first on the home page of anyone with a role or an officer
#: record. Apps above the core register theirs from ``AppConfig.ready`` (the core imports none of them).
_LEADING_PANELS = []


def register_leading_panel(builder):
    if builder not in _LEADING_PANELS:
        _LEADING_PANELS.append(builder)


def roles_of(user):
    return access.memberships(user)


def home_for(user):
    """The panels a user's roles call for, with a bounded number of queries."""
    memberships = roles_of(user)
    roles = {m.role for m in memberships}
    officer = Officer.objects.select_related("institution", "org_unit", "supervisor__user").filter(user=user).first()
    panels = []

    if officer:
        items = [
            (_("My annual plan and contracts"), reverse("contract-list") + "?mine=1", _("Plan, reports, signing")),
            (_("My appraisals"), reverse("appraisals:list"), _("Self-appraisal, results, appeals")),
            (_("My profile"), officer.get_absolute_url(), officer.designation),
        ]
        if officer.org_unit:
            items.append((officer.org_unit.name, officer.org_unit.get_absolute_url(), _("My unit")))
        if officer.supervisor:
            items.append((str(officer.supervisor), officer.supervisor.get_absolute_url(), _("My supervisor")))
        panels.append(
            Panel("officer", _("My work"), _("Your annual plan, progress reports and appraisal start here."), items)
        )

    if officer and (roles & {Role.SUPERVISOR, Role.DIRECTOR, Role.HEAD}):
        reports = officer.reports.select_related("user", "org_unit")[:10]
        panels.append(
            Panel(
                "supervisor",
                _("My team"),
                _("Officers who report to you."),
                [(str(r), r.get_absolute_url(), r.designation) for r in reports],
            )
        )

    institutions = {m.institution for m in memberships if m.role not in (Role.OVERSIGHT, Role.AUDITOR)}
    if institutions:
        years = {
            y.institution_id: y
            for y in FinancialYear.objects.filter(institution__in=institutions, is_current=True)
        }
        items = []
        for inst in sorted(institutions, key=lambda i: i.name):
            year = years.get(inst.pk)
            detail = _("Current year %(year)s") % {"year": year.name} if year else _("No current financial year")
            items.append((inst.name, inst.get_absolute_url(), detail))
        panels.append(Panel("institution", _("My institution"), _("Contracts, units and the current year."), items))

    if Role.OVERSIGHT in roles or user.is_superuser:
        overseen = (
            Institution.objects.visible_to(user)
            .exclude(kind=Institution.Kind.OVERSIGHT)
            .annotate(officer_count=Count("officers", distinct=True))
            .order_by("name")
        )
        panels.append(
            Panel(
                "oversight",
                _("Institutions under oversight"),
                _("Monitor every institution's contracts and reporting."),
                [(i.name, i.get_absolute_url(), _("%(n)s officers") % {"n": i.officer_count}) for i in overseen[:20]],
            )
        )

    if Role.AUDITOR in roles:
        audited = Institution.objects.filter(pk__in=access.of(user).audited)
        panels.append(
            Panel(
                "auditor",
                _("Assigned for audit"),
                _("Read-only access to these institutions' records."),
                [(i.name, i.get_absolute_url(), _("Read-only")) for i in audited],
            )
        )

    if roles & {Role.HEAD, Role.PERFORMANCE_OFFICER, Role.AUDITOR, Role.ADMIN}:
        events = AuditEvent.objects.readable_by(user).select_related("institution", "actor").defer(
            "before").order_by("-created_at")[:5]
        panels.append(
            Panel(
                "activity",
                _("Recent activity"),
                _("The latest entries of the audit trail."),
                [(activity.sentence(e), reverse("audit-event-detail", args=[e.pk]),
                  date_format(timezone.localtime(e.created_at), "DATETIME_FORMAT")) for e in events],
            )
        )
    if memberships or officer:
        leading = [panel for panel in (builder(user) for builder in _LEADING_PANELS) if panel]
        panels[:0] = leading
    return {"panels": panels, "memberships": memberships, "officer": officer}


#: (annotate(officers, financial_year_id), label(status)): the org-unit page's plan-status column. The
#: contracts app owns plans, above the core: it registers the pair from its AppConfig.ready.
_PLAN_STATUS = []


def register_plan_status(annotate, label):
    _PLAN_STATUS[:] = [(annotate, label)]


def officers_with_plan_status(officers, institution_id):
    """``officers`` with ``plan_status`` of the institution's current year (``None`` when nothing is
    registered or there is no current year), and a function naming a status."""
    if not _PLAN_STATUS:
        return officers, None
    annotate, label = _PLAN_STATUS[0]
    year = FinancialYear.objects.filter(institution_id=institution_id, is_current=True).values_list(
        "pk", flat=True).first()
    if year is None:
        return officers, None
    return annotate(officers, year), label
