"""The public results of a year, without login: institutions ranked within each category, the composite to
four decimals and the grade, the grade distribution as a chart, each institution's summary scorecard, and
the same rows as CSV and XLSX. Only released results are read (``results.released_for_year``)."""

import io
from html import escape

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pmis.spreadsheets import CsvWriter, append
from scorecards import charts, summary
from scorecards.grades import grade_label
from scorecards.precision import composite_text

from . import results
from .models import Evaluation


def _years():
    return list(Evaluation.objects.filter(results.released_filter()).values_list("year_start", flat=True)
                .distinct().order_by("-year_start"))


def _label(year):
    return f"{year}/{str(year + 1)[-2:]}"


def _grades(ranked, bands):
    """[(grade, count, tone)] in the bands' order, then any other grade (a policy's own for non-submission)."""
    counts = {}
    for _category, rows in ranked:
        for _rank, e in rows:
            counts[e.final_grade] = counts.get(e.final_grade, 0) + 1
    order = [b["grade"] for b in bands]
    order += [g for g in counts if g not in order]
    return [(g, counts[g], summary.tone_for(g, bands) or "red") for g in order if g in counts]


@require_GET
def year_list(request):
    return render(request, "evaluations/public_years.html", {"years": [(y, _label(y)) for y in _years()]})


def _rows_html(ranked, here, not_submitted):
    """Each category's table body, built in one pass (a national year is hundreds of rows); every value
    is escaped."""
    flag = f' <span class="badge red" data-not-submitted>{escape(not_submitted)}</span>'
    out = []
    for category, rows in ranked:
        body = "".join(
            f'<tr data-institution="{escape(e.institution.slug)}"><td class="num" data-rank>{rank}</td>'
            f'<td><a href="{escape(here)}{escape(e.institution.slug)}/">{escape(e.institution.name)}</a></td>'
            f'<td class="num" data-composite>{composite_text(e.final_composite)}</td>'
            f'<td data-grade>{escape(grade_label(e.final_grade))}{flag if e.not_submitted else ""}</td></tr>'
            for rank, e in rows)
        out.append((category, mark_safe(body)))  # noqa: S308 (built above from escaped values)
    return out


@require_GET
def year_results(request, year):
    ranked = results.ranked(results.released_rows(year))
    if not ranked:
        raise Http404(_("No results have been released for this year."))
    grades = _grades(ranked, results.released_bands(year))
    chart = charts.bar_chart([(grade_label(g), n, tone) for g, n, tone in grades],
                             title=_("Grade distribution, %(year)s") % {"year": _label(year)},
                             scale_max=max(n for _g, n, _t in grades))
    return render(request, "evaluations/public_results.html", {
        "year": year, "label": _label(year), "chart": chart,
        "tables": _rows_html(ranked, request.path, _("not submitted")),
        "total": sum(len(rows) for _c, rows in ranked),
    })


@require_GET
def institution_result(request, year, slug):
    """One institution's released result: composite, grade, summary scorecard, rewards and sanctions."""
    evaluation = (Evaluation.objects.filter(results.released_filter(), year_start=year, institution__slug=slug)
                  .select_related("institution").prefetch_related("consequences").first())
    if evaluation is None:
        raise Http404(_("No results have been released for this year."))
    return render(request, "evaluations/public_institution.html", {
        "year": year, "label": _label(year), "e": evaluation})


def _table(year):
    header = [_("Category"), _("Rank"), _("Institution"), _("Composite"), _("Grade"), _("Not submitted")]
    rows = []
    for category, ranked in results.ranked(results.released_rows(year)):
        for rank, e in ranked:
            rows.append([str(category), rank, e.institution.name,
                         None if e.final_composite is None else f"{e.final_composite:.4f}", grade_label(e.final_grade),
                         _("yes") if e.not_submitted else ""])
    return header, rows


@require_GET
def year_download(request, year, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = _table(year)
    if not rows:
        raise Http404
    name = f"results-{year}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = CsvWriter(response)
        writer.writerow(header)
        writer.writerows(rows)
        return response
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _label(year).replace("/", "-")
    append(sheet, header)
    for row in rows:
        append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
