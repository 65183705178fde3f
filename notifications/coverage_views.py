"""The coverage page: N of M officers with a plan, a signed plan and this quarter's report, who has
not, and "remind them"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contracts import coverage
from contracts.monitoring.rules import current_period
from pmis.models import FinancialYear, Institution, OrgUnit
from pmis.tenancy import in_range, scoped
from pmis.views import visible_or_404

from . import nudges

MISSING_PAGE_SIZE = 25


def _unit(institution, value):
    """The unit ``?unit=`` names, in this institution (404 otherwise), or None for the whole."""
    if value in (None, ""):
        return None
    unit = OrgUnit.objects.filter(institution=institution, pk=in_range(value)).first() if in_range(value) else None
    if unit is None:
        raise Http404(_("Not found."))
    return unit


def _place(request, pk, unit_id):
    institution = visible_or_404(Institution, request.user, pk)
    unit = _unit(institution, unit_id)
    if not coverage.may_see_coverage(request.user, institution, unit):
        raise PermissionDenied(_("Only the performance department, the head or the unit's director sees this."))
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    return institution, unit, year


def _url(institution, unit=None, figure=None):
    query = {k: v for k, v in (("unit", unit.pk if unit else ""), ("missing", figure or "")) if v}
    return reverse("notifications:coverage", args=[institution.pk]) + (f"?{urlencode(query)}" if query else "")


# Read-only: outside a transaction (ATOMIC_REQUESTS would add BEGIN and COMMIT round trips).
@transaction.non_atomic_requests
@login_required
@scoped(Institution, confidential=True)  # the performance department, the head, a unit's director
def coverage_page(request, pk):
    institution, unit, year = _place(request, pk, request.GET.get("unit"))
    context = {"institution": institution, "unit": unit, "year": year}
    if year is not None:
        period = current_period(year)
        figures = coverage.figures_for(institution)
        figure = coverage.figure_or_default(request.GET.get("missing"), institution)
        by_unit = coverage.by_unit(institution.pk, year.pk, period, unit)
        found = coverage.total(by_unit)  # the same statement's rows, added up
        names = dict(OrgUnit.objects.filter(pk__in=[u for u, _c in by_unit if u]).values_list("pk", "name"))
        units = sorted(((u, names.get(u), c) for u, c in by_unit), key=lambda r: (r[1] is None, r[1] or ""))
        page = Paginator(coverage.missing(institution.pk, year.pk, period, figure, unit),
                         MISSING_PAGE_SIZE).get_page(request.GET.get("page"))
        for officer in page:
            officer.plan_label = coverage.status_label(officer.plan_status)
            officer.unit_name = names.get(officer.org_unit_id)
        last = nudges.latest(institution, figure, period, year.pk, unit)
        links = {key: _url(institution, unit, key) for key in figures}
        context.update(period=period, figure=figure, figure_label=figures[figure], coverage=found,
                       units=units, page=page, last=last, quarterly=coverage.REPORTED in figures,
                       may_remind=coverage.may_remind(request.user, institution, unit),
                       missing_count=found.missing(figure),
                       cards=[(key, label, n, m, links[key]) for key, label, n, m in found.rows_of(figures)],
                       tabs=[(key, label, links[key]) for key, label in figures.items()])
    return render(request, "notifications/coverage.html", context)


@require_POST
@login_required
@scoped(Institution, post_only=True, confidential=True)
def coverage_remind(request, pk):
    institution, unit, year = _place(request, pk, request.POST.get("unit"))
    figure = coverage.figure_or_default(request.POST.get("figure"), institution)
    if year is None:
        raise Http404(_("Not found."))
    if not coverage.may_remind(request.user, institution, unit):
        raise PermissionDenied(_("You may not remind this institution's officers."))
    done = nudges.remind(request.user, institution, year, figure, current_period(year), unit)
    if done.refused:
        again = done.earlier.created_at + nudges.window()
        messages.warning(request, _(
            "Nothing sent: these officers were reminded at %(then)s. You can remind them again after %(again)s."
        ) % {"then": formats.date_format(timezone.localtime(done.earlier.created_at), "DATETIME_FORMAT"),
             "again": formats.date_format(timezone.localtime(again), "DATETIME_FORMAT")})
    elif done.nudge.recipients:
        messages.success(request, ngettext(
            "Reminder sent to %(count)s officer.", "Reminder sent to %(count)s officers.",
            done.nudge.recipients) % {"count": done.nudge.recipients})
    else:
        messages.info(request, _("Nobody to remind: every officer is counted."))
    return redirect(_url(institution, unit, figure))
