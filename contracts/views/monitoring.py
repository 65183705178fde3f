"""Monitoring pages: a contract's quarterly reports, entering actuals with evidence, the
verification queue, and the scoped evidence download. Every change goes through contracts.monitoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pmis.tenancy import scoped
from pmis.views import visible_or_404
from scorecards import profiles

from .. import monitoring, selectors
from ..documents import uploads
from ..models import Evidence, PerformanceContract, ProgressEntry, ProgressReport, Target
from .cycle import bad_request, target_of


def _flash(request, exc):
    for message in exc.messages:
        messages.error(request, message)


@login_required
@scoped(PerformanceContract)
def contract_reports(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    quarterly = profiles.quarterly_reports_on(contract.institution)
    reports = {r.period: r for r in ProgressReport.objects.filter(contract=contract)} if quarterly else {}
    quarters = []
    for period in monitoring.PERIODS if quarterly else ():
        start, end, due = monitoring.period_dates(contract.financial_year, period)
        quarters.append({"period": period, "start": start, "end": end, "due": due, "report": reports.get(period),
                         "started": monitoring.has_started(contract.financial_year, period)})
    return render(request, "contracts/monitoring/contract_reports.html", {
        "contract": contract, "quarters": quarters, "quarterly": quarterly,
        "may_report": monitoring.reports_quarterly(contract) and monitoring.can_report(request.user, contract),
    })


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True)
def report_open(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    try:
        period = int(request.POST.get("period", ""))
        if not monitoring.has_started(contract.financial_year, period):
            start = monitoring.period_dates(contract.financial_year, period)[0]
            raise ValidationError(_("Quarter %(n)s starts on %(date)s; its report opens then.") % {
                "n": period, "date": formats.date_format(start, "j M Y")})
        report = monitoring.open_report(request.user, contract, period)
    except ValueError:
        raise Http404 from None
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("monitoring-contract-reports", pk=contract.pk)
    return redirect(report)


def _report_rows(report, contract, posted=None, errors=None):
    """The form's rows: each target, its entry, what the form shows (typed values after an error, the
    stored entry otherwise), its errors and the value expected by the end of the quarter."""
    entries = {e.target_id: e for e in ProgressEntry.objects.filter(report=report).select_related(
        "reported_by", "verified_by").prefetch_related("evidence")}
    errors = errors or {}
    rows = []
    for t in Target.objects.filter(contract=contract).order_by("perspective__order", "order", "pk"):
        e = entries.get(t.pk)
        if posted is not None and t.pk in posted:
            shown = posted[t.pk]
        elif e is not None:
            shown = {"actual": _plain(e.actual), "budget_spent": _plain(e.budget_spent), "status": e.status,
                     "comment": e.comment, "explanation": e.explanation, "remedial_action": e.remedial_action}
        else:
            shown = {}
        rows.append({"target": t, "entry": e, "values": shown, "errors": errors.get(t.pk, {}),
                     "expected": t.expected_by(report.period),
                     "editable": not (e is not None and e.system_computed) and (
                         report.state == ProgressReport.State.DRAFT
                         or (e is not None and e.verification == ProgressEntry.Verification.RETURNED))})
    return rows


def _plain(value):
    """A stored number as the form shows it back: no trailing zeros, no thousands separators."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def _report_page(request, report, rows, *, status=200, general=()):
    contract = report.contract
    may_report = monitoring.reports_quarterly(contract) and monitoring.can_report(request.user, contract)
    return render(request, "contracts/monitoring/report_detail.html", {
        "report": report, "contract": contract, "rows": rows, "may_report": may_report,
        "is_open": report.state == ProgressReport.State.DRAFT, "statuses": ProgressEntry.Status.choices,
        "editable": may_report and any(row["editable"] for row in rows),
        "errors": [(row, message) for row in rows for message in row["errors"].values()], "general": general,
    }, status=status)


@login_required
@scoped(ProgressReport)
def report_detail(request, pk):
    report = visible_or_404(ProgressReport, request.user, pk,
                            ProgressReport.objects.select_related("contract__financial_year", "contract__institution"))
    return _report_page(request, report, _report_rows(report, report.contract))


@login_required
@require_POST
@scoped(ProgressReport, post_only=True)
def report_save(request, pk):
    """The one form of a report: "Save draft" stores everything typed that can be stored; "Submit for
    verification" saves and submits. On an error the page comes back with every value as typed and
    the error beside its target (and listed at the top)."""
    report = visible_or_404(ProgressReport, request.user, pk,
                            ProgressReport.objects.select_related("contract__financial_year", "contract__institution"))
    contract = report.contract
    posted = {}
    for target_id in Target.objects.filter(contract=contract).values_list("pk", flat=True):
        if f"actual-{target_id}" in request.POST:
            posted[target_id] = {name: request.POST.get(f"{name}-{target_id}", "")
                                 for name in monitoring.FORM_FIELDS}
    submit = request.POST.get("action") == "submit"
    try:
        saved = monitoring.save_report(request.user, report, posted, submit=submit)
    except ValidationError as exc:
        return _report_page(request, report, _report_rows(report, contract, posted), status=400,
                            general=exc.messages)
    errors = dict(saved.errors)
    uploaded = 0
    for target_id, entry in saved.entries.items():
        files = request.FILES.getlist(f"evidence-{target_id}")
        for upload in files:
            try:
                monitoring.add_evidence(request.user, entry, upload)
                uploaded += 1
            except ValidationError as exc:
                errors.setdefault(target_id, {})["evidence"] = _(
                    "“%(name)s” was not uploaded: %(reason)s Choose the file again.") % {
                    "name": upload.name, "reason": " ".join(exc.messages)}
    for key in request.FILES:
        target_id = key.removeprefix("evidence-")
        if target_id.isdigit() and int(target_id) in posted and int(target_id) not in saved.entries:
            errors.setdefault(int(target_id), {})["evidence"] = _(
                "Evidence is kept with an actual: enter the actual, then choose the file again.")
    if errors or saved.general:
        report.refresh_from_db()
        return _report_page(request, report, _report_rows(report, contract, posted, errors), status=400,
                            general=saved.general)
    if saved.submitted:
        messages.success(request, _("Report submitted. A performance officer now verifies each actual; you will "
                                    "see here which are accepted or returned."))
    else:
        messages.success(request, _("Draft saved: %(count)s entries written.") % {"count": saved.written})
    return redirect(report)


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
    return uploads.attachment(evidence.file, evidence.original_name)


@login_required
def queue(request):
    entries = list(monitoring.queue_for(request.user)[:200])
    for e in entries:  # what the quarter expected, beside the status the actual earns against it
        e.expected = e.target.expected_by(e.report.period)
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
