import functools
import io

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pmis import spreadsheets
from pmis.models import FinancialYear, Institution
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import dashboards, selectors


@login_required
@scoped(FinancialYear)
def framework(request, pk):
    """A year's scorecard set-up: perspectives and weights, objectives, indicators, bands."""
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    return render(request, "scorecards/framework.html", {"year": year, "framework": selectors.framework_for(year)})


# ---------------------------------------------------------------------------------------------
# Dashboards (issue 7): the institution dashboard and the league table, with CSV/XLSX exports.


# Read-only pages run outside a transaction (ATOMIC_REQUESTS would add BEGIN and COMMIT round trips).
@transaction.non_atomic_requests
@login_required
@scoped(Institution)
def institution_dashboard(request, pk):
    institution = visible_or_404(Institution, request.user, pk)
    reader = dashboards.evaluated_reader()
    evaluated = None if reader is None else functools.partial(reader, request.user)
    board = dashboards.institution_dashboard(institution, request.GET.get("period"),
                                             dashboards.participation_reader(), evaluated)
    return render(request, "scorecards/dashboard.html", {"board": board, "periods": dashboards.PERIODS})


@transaction.non_atomic_requests
@login_required
def league_table(request):
    table = dashboards.league(request.user, request.GET.get("year"), request.GET.get("period"),
                              request.GET.get("kind", ""), request.GET.get("body"), page=request.GET.get("page", 1))
    return render(request, "scorecards/league.html", {"table": table, "periods": dashboards.PERIODS})


def _export(rows, header, name, fmt):
    if fmt == "csv":
        buffer = io.StringIO()
        writer = spreadsheets.CsvWriter(buffer)  # every cell through the one formula-injection rule
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        spreadsheets.append(sheet, header)
        for row in rows:
            spreadsheets.append(sheet, row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _number(value):
    return None if value is None else float(value)


@login_required
def league_export(request, fmt):
    table = dashboards.league(request.user, request.GET.get("year"), request.GET.get("period"),
                              request.GET.get("kind", ""), request.GET.get("body"))
    header = [_("Rank"), _("Institution"), _("Kind"), _("Year"), _("Quarter"), _("Composite"), _("Grade"),
              _("Previous rank"), _("Movement"), _("Targets"), _("Verified"), _("On track"), _("At risk"),
              _("Off track"), _("Reporting")]
    rows = [[r.rank or None, r.score.institution.name, r.score.institution.get_kind_display(), table.year,
             f"Q{table.period}", _number(r.score.composite), r.score.grade, r.previous_rank, r.movement,
             r.score.targets_total, r.score.targets_verified, r.score.green, r.score.amber, r.score.red,
             r.score.get_reporting_display()] for r in table.rows]
    return _export(rows, header, f"league-{table.year}-Q{table.period}", fmt)


@login_required
@scoped(Institution)
def institution_export(request, pk, fmt):
    institution = visible_or_404(Institution, request.user, pk)
    board = dashboards.institution_dashboard(institution, request.GET.get("period"))
    header = [_("Institution"), _("Quarter"), _("Target"), _("Perspective"), _("Weight"), _("Target value"),
              _("Verified actual"), _("Score"), _("Grade"), _("Status"), _("Budget allocated"), _("Budget spent")]
    rows = []
    for t in board.score.targets if board.score else []:
        rows.append([institution.name, f"Q{board.period}", t["description"], t["perspective"],
                     _number(t["weight"]), _number(t["target"]), _number(t["actual"]), _number(t["raw"]),
                     t["grade"], t["tone"], _number(t["budget_allocated"]), _number(t["budget_spent"])])
    if board.score is not None:
        rows.append([institution.name, f"Q{board.period}", _("Composite"), "", 100, None, None,
                     _number(board.score.composite), board.score.grade, board.score.tone, None, None])
    return _export(rows, header, f"{institution.slug}-Q{board.period}", fmt)
