"""Pages for the contract PDF (ask, watch progress, download) and the bulk import of targets."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from pmis.tenancy import scoped
from pmis.views import visible_or_404

from .. import printing, selectors
from ..cycle import workflow
from ..documents import importing, pdf, uploads
from ..models import ContractDocument, PerformanceContract


def _contract_url(contract):
    try:
        return reverse("contract-detail", args=[contract.pk])
    except NoReverseMatch:  # the contract page arrives with the workflow pages
        return reverse("contract-scorecard", args=[contract.pk])


# ---------------------------------------------------------------------------------------------
# Contract PDF


@login_required
@scoped(PerformanceContract)
@require_http_methods(["GET", "POST"])
def contract_pdf(request, pk):
    """GET: the PDF's progress and download. POST: ask for it (anyone who can see the contract)."""
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    if request.method == "POST":
        document = printing.request_document(request.user, contract, request)
        if request.headers.get("HX-Request"):  # asked from a page: its status, which then polls itself
            return render(request, "contracts/_document_status.html", {"contract": contract, "document": document})
        return redirect("contract-pdf", pk=contract.pk)
    document = pdf.document_for(contract)
    return render(request, "contracts/document.html", {
        "contract": contract, "document": document, "contract_url": _contract_url(contract),
    })


@login_required
@scoped(PerformanceContract)
@require_GET
def contract_pdf_status(request, pk):
    """The status partial alone, for htmx polling."""
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    return render(request, "contracts/_document_status.html", {
        "contract": contract, "document": pdf.document_for(contract),
    })


@login_required
@scoped(ContractDocument)
@require_GET
def document_download(request, pk):
    document = visible_or_404(
        ContractDocument, request.user, pk, ContractDocument.objects.select_related("contract__institution")
    )
    if document.state != ContractDocument.State.READY or not document.file:
        # Not ready (or being redone): show its progress rather than a broken download.
        return render(request, "contracts/document.html", {
            "contract": document.contract, "document": document, "contract_url": _contract_url(document.contract),
        })
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing; ask for the PDF again."))
    return FileResponse(handle, as_attachment=True, filename=pdf.file_name(document),
                        content_type="application/pdf")


# ---------------------------------------------------------------------------------------------
# Bulk import of targets


@login_required
@scoped(PerformanceContract)
@require_http_methods(["GET", "POST"])
def import_targets_view(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    allowed = request.user.is_superuser and contract.is_editable or workflow.can(
        request.user, contract, "edit_targets")
    context = {"contract": contract, "allowed": allowed, "columns": importing.COLUMNS,
               "contract_url": _contract_url(contract), "errors": None,
               "max_rows": settings.TARGET_IMPORT_MAX_ROWS,
               "max_size": uploads.megabytes(settings.TARGET_IMPORT_MAX_BYTES)}
    if request.method == "GET":
        return render(request, "contracts/import.html", context)
    if not allowed:
        raise PermissionDenied(_("Only the performer can import targets, while the contract is a draft."))
    upload = request.FILES.get("file")
    if upload is None:
        context["errors"] = [importing.RowError(None, "", _("Choose a CSV or XLSX file to import."))]
        return render(request, "contracts/import.html", context, status=400)
    try:
        result = importing.import_targets(request.user, contract, upload)
    except workflow.NotAllowed as exc:
        raise PermissionDenied(str(exc))
    except ValidationError as exc:
        context["errors"] = [importing.RowError(None, "", m) for m in exc.messages]
        return render(request, "contracts/import.html", context, status=400)
    if not result.ok:
        context.update(errors=result.errors, filename=upload.name)
        return render(request, "contracts/import.html", context, status=400)
    messages.success(request, ngettext(
        "%(n)s target imported.", "%(n)s targets imported.", result.count) % {"n": result.count})
    return redirect(_contract_url(contract))


@login_required
@scoped(PerformanceContract)
@require_GET
def import_template(request, pk, fmt):
    contract = visible_or_404(PerformanceContract, request.user, pk)
    if fmt == "xlsx":
        response = HttpResponse(
            importing.template_xlsx(contract),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pmis-targets-template.{fmt}"'
    return response


# ---------------------------------------------------------------------------------------------
# Placeholder: the public verification page (the lead's); here only so the QR code has a URL name.
