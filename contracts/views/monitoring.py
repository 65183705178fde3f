"""Monitoring pages: a contract's quarterly reports, entering actuals with evidence, the
verification queue, and the scoped evidence download. Every change goes through contracts.monitoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pmis.tenancy import scoped
from pmis.views import visible_or_404

from .. import monitoring, selectors
from ..models import Evidence, PerformanceContract, ProgressEntry, ProgressReport, Target
from .cycle import bad_request, target_of


def _flash(request, exc):
    for message in exc.messages:
        messages.error(request, message)


@login_required
@scoped(PerformanceContract)
def contract_reports(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    reports = {r.period: r for r in ProgressReport.objects.filter(contract=contract)}
    quarters = []
    for period in monitoring.PERIODS:
        start, end, due = monitoring.period_dates(contract.financial_year, period)
        quarters.append({"period": period, "start": start, "end": end, "due": due, "report": reports.get(period)})
    return render(request, "contracts/monitoring/contract_reports.html", {
        "contract": contract, "quarters": quarters,
        "may_report": contract.status in monitoring.REPORTABLE and monitoring.can_report(request.user, contract),
    })


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True)
def report_open(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    try:
        period = int(request.POST.get("period", ""))
        report = monitoring.open_report(request.user, contract, period)
    except ValueError:
        raise Http404 from None
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("monitoring-contract-reports", pk=contract.pk)
    return redirect(report)


@login_required
@scoped(ProgressReport)
def report_detail(request, pk):
    report = visible_or_404(ProgressReport, request.user, pk,
                            ProgressReport.objects.select_related("contract__financial_year", "contract__institution"))
    contract = report.contract
    entries = {e.target_id: e for e in ProgressEntry.objects.filter(report=report).select_related(
        "reported_by", "verified_by").prefetch_related("evidence")}
    rows = [{"target": t, "entry": entries.get(t.pk)} for t in
            Target.objects.filter(contract=contract).order_by("perspective__order", "order", "pk")]
    may_report = contract.status in monitoring.REPORTABLE and monitoring.can_report(request.user, contract)
    return render(request, "contracts/monitoring/report_detail.html", {
        "report": report, "contract": contract, "rows": rows, "may_report": may_report,
        "is_open": report.state == ProgressReport.State.DRAFT, "statuses": ProgressEntry.Status.choices,
    })


@login_required
@require_POST
@scoped(ProgressReport, post_only=True)
def entry_save(request, pk):
    report = visible_or_404(ProgressReport, request.user, pk)
    try:
        target = target_of(report.contract_id, request.POST.get("target"))
    except ValidationError as exc:
        return bad_request(request, exc)
    if target is None:
        raise Http404
    try:
        monitoring.report_actual(
            request.user, report, target, actual=request.POST.get("actual", "").strip(),
            status=request.POST.get("status") or ProgressEntry.Status.ON_TRACK,
            comment=request.POST.get("comment", ""), explanation=request.POST.get("explanation", ""),
            remedial_action=request.POST.get("remedial_action", ""),
            budget_spent=request.POST.get("budget_spent", "").strip() or None,
        )
        messages.success(request, _("Actual saved for “%(target)s”.") % {"target": target})
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(report)


@login_required
@require_POST
@scoped(ProgressReport, post_only=True)
def report_submit(request, pk):
    report = visible_or_404(ProgressReport, request.user, pk)
    try:
        monitoring.submit_report(request.user, report)
        messages.success(request, _("Report submitted for verification."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(report)


@login_required
@require_POST
@scoped(ProgressEntry, post_only=True)
def evidence_upload(request, pk):
    entry = visible_or_404(ProgressEntry, request.user, pk, ProgressEntry.objects.select_related("report"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(entry.report)
    try:
        monitoring.add_evidence(request.user, entry, upload)
        messages.success(request, _("Evidence uploaded."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(entry.report)


@login_required
@require_GET
@scoped(Evidence)
def evidence_download(request, pk):
    evidence = visible_or_404(Evidence, request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The evidence file is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def queue(request):
    entries = list(monitoring.queue_for(request.user)[:200])
    return render(request, "contracts/monitoring/queue.html", {"entries": entries})


@login_required
@require_POST
@scoped(ProgressEntry, post_only=True)
def entry_verify(request, pk):
    entry = visible_or_404(ProgressEntry, request.user, pk)
    decision = request.POST.get("decision")
    try:
        monitoring.verify(request.user, entry, decision, request.POST.get("comment", ""))
        messages.success(request, _("Accepted.") if decision == "accepted" else _("Returned to the reporter."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("monitoring-queue")
