"""Report pages: the list, the request form, one report's progress (htmx polling) and its download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import builders, requesting, services
from .forms import ReportRequestForm
from .models import GeneratedReport


def _reports(user):
    return GeneratedReport.objects.readable_by(user).select_related("institution")


@login_required
@require_GET
def report_list(request):
    reports = _reports(request.user).order_by("-created_at", "-pk")
    if request.GET.get("mine"):
        reports = reports.filter(requested_by=request.user)
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {"page": page, "mine": bool(request.GET.get("mine"))})


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    if request.method == "POST":
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = requesting.request_report(
                    request.user, form.cleaned_data["kind"], form.parameters(), form.cleaned_data["format"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                return redirect(report)
        status = 400
    else:
        initial = {k: request.GET[k] for k in ("kind", "format", "institution", "financial_year", "contract")
                   if request.GET.get(k)}
        form = ReportRequestForm(initial=initial, user=request.user)
        status = 200
    return render(request, "reports/report_new.html", {"form": form, "kinds": builders.REGISTRY.values()},
                  status=status)


@login_required
@scoped(GeneratedReport)
@require_GET
def report_detail(request, pk):
    report = visible_or_404(GeneratedReport, request.user, pk, _reports(request.user))
    return render(request, "reports/report_detail.html", {"report": report})


@login_required
@scoped(GeneratedReport)
@require_GET
def report_status(request, pk):
    report = visible_or_404(GeneratedReport, request.user, pk, _reports(request.user))
    return render(request, "reports/_report_status.html", {"report": report})


@login_required
@scoped(GeneratedReport)
@require_GET
def report_download(request, pk):
    report = visible_or_404(GeneratedReport, request.user, pk, _reports(request.user))
    if report.state != GeneratedReport.State.READY or not report.file:
        return render(request, "reports/report_detail.html", {"report": report})
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this report is missing; ask for the report again."))
    services.record_download(request.user, report)
    return FileResponse(handle, as_attachment=True, filename=services.file_name(report),
                        content_type=services.CONTENT_TYPES[report.format])
