import functools
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pmis import spreadsheets
from pmis.models import FinancialYear, Institution
from pmis.numbers import financial_year
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import bandtables, dashboards, profiles, selectors, setup
from .grades import grade_label, table_label, tone_label
from .models import PROFILE_STAGES, BandTable, ContractLevel, Profile, Scheme, ScoringPolicy, level_order
from .naming import perspective_label
from .precision import composite, composite_text


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


def _export(rows, header, name, fmt, composite_columns=()):
    """The rows as CSV or XLSX; ``composite_columns`` (indexes) are shown to four places in Excel too."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = spreadsheets.CsvWriter(buffer)  # every cell through the one formula-injection rule
        writer.writerow(header)
        # Composites keep their four places in CSV too ("2.5000"), like the table and the workbook.
        writer.writerows([[composite_text(v) if i in composite_columns and v is not None else v
                           for i, v in enumerate(row)] for row in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        spreadsheets.write_table(sheet, header, rows)
        for column in composite_columns:  # composites read to four places in Excel too
            for row in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                row[0].number_format = "0.0000"
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


def _lateness_header():
    return [_("Report due"), _("Report submitted"), _("Late"), _("Days late")]


def _lateness(report):
    """A quarter report's lateness as the export's cells: due date, day submitted, late or not, and by how
    many days (the report's ``days_late``, as the pages show it); blank where it is not submitted."""
    if report is None:
        return [None, None, None, None]
    if report.submitted_at is None:
        return [report.due_date, None, None, None]
    days = report.days_late
    return [report.due_date, timezone.localdate(report.submitted_at), _("Yes") if days else _("No"), days]


@login_required
def league_export(request, fmt):
    table = dashboards.league(request.user, request.GET.get("year"), request.GET.get("period"),
                              request.GET.get("kind", ""), request.GET.get("body"))
    header = [_("Rank"), _("Institution"), _("Kind"), _("Year"), _("Quarter"), _("Composite"), _("Grade"),
              _("Previous rank"), _("Movement"), _("Targets"), _("Verified"), _("On track"), _("At risk"),
              _("Off track"), _("Reporting"), *_lateness_header()]
    reports = dashboards.quarter_reports([r.score.contract_id for r in table.rows], table.period)
    year = financial_year(table.year) if table.year else ""  # nothing scored in sight: an empty table
    rows = [[r.rank or None, str(r.score.institution), r.score.institution.get_kind_display(), year, f"Q{table.period}",
             composite(r.score.composite), grade_label(r.score.grade), r.previous_rank, r.movement,
             r.score.targets_total, r.score.targets_verified, r.score.green, r.score.amber, r.score.red,
             r.score.get_reporting_display(), *_lateness(reports.get(r.score.contract_id))] for r in table.rows]
    return _export(rows, header, f"league-{table.year}-Q{table.period}", fmt, composite_columns=(5,))


@login_required
@scoped(Institution)
def institution_export(request, pk, fmt):
    institution = visible_or_404(Institution, request.user, pk)
    board = dashboards.institution_dashboard(institution, request.GET.get("period"))
    header = [_("Institution"), _("Quarter"), _("Target"), _("Perspective"), _("Weight"), _("Target value"),
              _("Verified actual"), _("Score"), _("Grade"), _("Status"), _("Budget allocated"), _("Budget spent"),
              *_lateness_header()]
    rows = []
    report = None
    if board.score is not None:
        report = dashboards.quarter_reports([board.score.contract_id], board.period).get(board.score.contract_id)
    lateness = _lateness(report)  # the institution contract's report of the quarter, on every row
    for t in board.score.targets if board.score else []:
        rows.append([str(institution), f"Q{board.period}", t["description"], perspective_label(t["perspective"]),
                     _number(t["weight"]), _number(t["target"]), _number(t["actual"]), _number(t["raw"]),
                     grade_label(t["grade"]), tone_label(t["tone"]), _number(t["budget_allocated"]),
                     _number(t["budget_spent"]), *lateness])
    if board.score is not None:
        rows.append([str(institution), f"Q{board.period}", _("Composite"), "", 100, None, None,
                     composite(board.score.composite), grade_label(board.score.grade), tone_label(board.score.tone),
                     None, None, *lateness])
    return _export(rows, header, f"{institution.slug}-Q{board.period}", fmt, composite_columns=(7,))


@login_required
@scoped(Institution)
def participation_export(request, pk, fmt):
    """The dashboard's participation as a file: every contract of the institution's year with its
    quarter report's state and lateness."""
    institution = visible_or_404(Institution, request.user, pk)
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    period = dashboards.period_or(request.GET.get("period"), 1)
    header = [_("Institution"), _("Quarter"), _("Contract"), _("Level"), _("Contract status"), _("Report"),
              *_lateness_header()]
    rows = []
    for contract, report in dashboards.participation_rows(institution.pk, year.pk, period) if year else []:
        state = report.get_state_display() if report is not None else _("Not started")
        rows.append([str(institution), f"Q{period}", contract.title, contract.level_label, contract.status_label,
                     state, *_lateness(report)])
    return _export(rows, header, f"{institution.slug}-participation-Q{period}", fmt)


# ---------------------------------------------------------------------------------------------
# The institution's country profile


@login_required
@scoped(Institution)
def institution_profile(request, pk):
    """The profile an institution runs (stage names, schemes, forms) and, for its administrator,
    the choice of another."""
    institution = visible_or_404(Institution, request.user, pk)
    may_choose = profiles.may_choose(request.user, institution)
    error = None
    if request.method == "POST":
        if not may_choose:
            raise PermissionDenied(_("Only the institution's administrator chooses its profile."))
        chosen = Profile.objects.filter(code=request.POST.get("profile", "")).first()
        if chosen is None:
            error = _("Choose one of the profiles listed.")
        else:
            setup.choose_profile(request.user, institution, chosen)
            messages.success(request, _("%(institution)s now follows %(profile)s. New contracts use its defaults; "
                                        "contracts already made keep theirs.") % {
                "institution": institution, "profile": chosen})
            return redirect("institution-profile", pk=institution.pk)
    current = profiles.of(institution)
    language = get_language()
    stages = [(stage, current.stage_name(stage, language)) for stage in PROFILE_STAGES] if current else []
    return render(request, "scorecards/institution_profile.html", {
        "institution": institution, "current": current, "stages": stages, "may_choose": may_choose,
        "choices": Profile.objects.all(), "error": error,
        "schemes": dict(Scheme.choices), "levels": dict(ContractLevel.choices),
    }, status=400 if error else 200)


# ---------------------------------------------------------------------------------------------
# The institution's band tables: the national ones for reference, its own edited in both languages


def _year_of(institution, value):
    years = list(institution.financial_years.order_by("-start_date"))
    if value:
        chosen = next((y for y in years if str(y.pk) == value), None)
        if chosen is None:
            raise Http404
        return years, chosen
    return years, next((y for y in years if y.is_current), years[0] if years else None)


@login_required
@scoped(Institution)
def band_tables(request, pk):
    """A year's band tables, each band as a range with its grade in English and Swahili; the administrator
    starts a table of the institution's own from a national one."""
    institution = visible_or_404(Institution, request.user, pk)
    years, year = _year_of(institution, request.GET.get("year") or request.POST.get("year"))
    # The institution's own tables first: those are the ones it works on.
    tables = sorted(BandTable.objects.filter(financial_year=year) if year else [], key=bandtables.is_national)
    may_edit = bandtables.may_edit_bands(request.user, institution)
    national = [t for t in tables if bandtables.is_national(t)]
    form = bandtables.NewTableForm(request.POST if request.method == "POST" else None,
                                   taken=[t.name for t in tables])
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the institution's administrator may change its band tables."))
        source = next((t for t in national if str(t.pk) == request.POST.get("source")), None)
        valid = form.is_valid()
        if source is None:
            form.add_error(None, _("Choose the national table to start from."))
        elif valid:
            table = setup.start_own_band_table(request.user, source, form.cleaned_data["name"])
            messages.success(request, _("Your table is ready: set its bands and their names in both languages."))
            return redirect("band-table", pk=table.pk)
    used = {}
    for policy in ScoringPolicy.objects.filter(financial_year=year).order_by("level") if year else ():
        used.setdefault(policy.band_table_id, []).append(policy.get_level_display())
    schemes = dict(Scheme.choices)
    shown = [{
        "table": t, "label": table_label(t.name), "scheme": schemes.get(t.scheme, t.scheme),
        "national": bandtables.is_national(t), "bands": bandtables.ranges(t.scheme, t.bands),
        "used_by": used.get(t.pk, []), "editable": bandtables.may_edit_bands(request.user, institution, t),
    } for t in tables]
    return render(request, "scorecards/band_tables.html", {
        "institution": institution, "years": years, "year": year, "tables": shown, "may_edit": may_edit,
        "national": [(t, table_label(t.name)) for t in national], "form": form,
    }, status=400 if form.errors else 200)


@login_required
@scoped(BandTable)
def band_table(request, pk):
    """One of the institution's own tables, edited band by band; contracts already made keep their copy."""
    table = visible_or_404(BandTable, request.user, pk,
                           BandTable.objects.select_related("institution", "financial_year"))
    may_edit = bandtables.may_edit_bands(request.user, table.institution, table)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Only the institution's administrator may change its band tables."))
    policies = list(ScoringPolicy.objects.filter(financial_year_id=table.financial_year_id, scheme=table.scheme)
                    .order_by(level_order()))
    if request.method == "POST" and "use" in request.POST:
        setup.use_band_table(request.user, table, set(request.POST.getlist("level")))
        messages.success(request, _("Saved. New contracts of the levels ticked use this table; contracts already "
                                    "made keep their bands."))
        return redirect("band-table", pk=table.pk)
    formset = bandtables.formset(table, request.POST if request.method == "POST" else None) if may_edit else None
    if formset is not None and formset.is_bound and formset.is_valid():
        try:
            setup.update_band_table(request.user, table, formset.bands())
        except ValidationError as exc:  # the engine's own check, should the form have let something by
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Saved. New contracts use these bands; contracts already made keep "
                                        "theirs."))
            return redirect(f"{reverse('institution-bands', args=[table.institution_id])}"
                            f"?year={table.financial_year_id}")
    return render(request, "scorecards/band_table.html", {
        "table": table, "label": table_label(table.name), "formset": formset, "may_edit": may_edit,
        "bands": bandtables.ranges(table.scheme, table.bands), "scale": bandtables.scale_text(table.scheme),
        "better": bandtables.better_end(table.scheme), "scheme": dict(Scheme.choices).get(table.scheme),
        "open_top": bandtables.open_ended(table.scheme),
        "levels": [(p.level, p.get_level_display(), p.band_table_id == table.pk) for p in policies],
    }, status=400 if formset is not None and formset.is_bound else 200)
