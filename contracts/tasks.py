"""Celery tasks of the contracts app.

``render_contract_document`` is idempotent: it renders only when the stored PDF does not print
what the contract would print now, and writes the file under a name fixed by (contract, version,
hash), replacing the row's older file — running it twice, or on two workers at once, leaves one
file and one row. It is retried with backoff; the last failure marks the row FAILED with a
readable error.
"""

import io
import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ContractDocument, PerformanceContract

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@worker_process_init.connect
def warm_up_pdf_rendering(**kwargs):
    """Each worker process imports WeasyPrint, parses the print stylesheet and renders a specimen
    contract when it starts (~1 s), so the first PDF someone asks for is not the one that pays for it."""
    from .documents.pdf import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 — a worker that cannot warm up still renders, just slower the first time
        logging.getLogger(__name__).exception("PDF warm-up failed")


def pdf_name(document, content_hash) -> str:
    return f"contracts/pdf/{document.contract_id}-v{document.version}-{content_hash[:12]}.pdf"


def count_pages(data: bytes) -> int:
    """The PDF's number of pages: as the render counted them, else by reading the file back."""
    if getattr(data, "pages", None) is not None:  # pdf.PDF: spares the worker pypdf (~8 MB, 0.1 s)
        return data.pages
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _set(document_id, **fields):
    # ``update`` rather than ``save``: never overwrite a concurrent request's fields wholesale.
    from django.utils import timezone

    ContractDocument.objects.filter(pk=document_id).update(updated_at=timezone.now(), **fields)


@shared_task(
    bind=True, autoretry_for=(Exception,), max_retries=MAX_RETRIES, retry_backoff=2, retry_backoff_max=60,
    retry_jitter=False, acks_late=True,
)
def render_contract_document(self, document_id, base=None):
    """Render one ContractDocument's PDF. Returns what it did: "ready", "current", "failed", "missing"."""
    from .documents import pdf

    document = ContractDocument.objects.select_related("contract").filter(pk=document_id).first()
    if document is None:
        logger.info("contract document %s no longer exists; nothing to render", document_id)
        return "missing"
    contract = document.contract
    try:
        try:
            doc = pdf.printable(contract, document.version)
        except pdf.Superseded:
            # An amendment moved the contract on before this never-vetted version was printed.
            _set(document.pk, state=ContractDocument.State.FAILED,
                 error=_("This version was replaced by an amendment before it was vetted; there is nothing "
                         "to print for it."))
            return "superseded"
        if pdf.is_current(document, doc) and default_storage.exists(document.file.name):
            return "current"
        _set(document.pk, state=ContractDocument.State.RENDERING)
        data = pdf.render_printable(doc, base)
        pages = count_pages(data)
        name = pdf_name(document, doc.content_hash)
        old = document.file.name if document.file else ""
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(data))
        if old and old != stored and default_storage.exists(old):
            default_storage.delete(old)
        document.refresh_from_db()
        document.file.name = stored
        document.content_hash = doc.content_hash
        document.pages = pages
        document.error = ""
        document.state = ContractDocument.State.READY
        document.save(update_fields=["file", "content_hash", "pages", "error", "state", "updated_at"])
        return "ready"
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("contract document %s failed after %s attempts", document_id, self.request.retries + 1)
            _set(document_id, state=ContractDocument.State.FAILED, error=_(
                "The PDF could not be produced (%(error)s). Ask for it again; if it keeps failing, tell the "
                "system administrator.") % {"error": f"{type(exc).__name__}: {exc}"[:300]})
            return "failed"
        _set(document_id, state=ContractDocument.State.QUEUED,
             error=_("Attempt %(n)s failed; trying again.") % {"n": self.request.retries + 1})
        raise


def queue_after_commit(sender, contract, **kwargs):
    """Queue the PDF of ``contract``'s current version once the step that changed it commits (a version
    fixed by vetting, the last signature, an amendment: ``cycle.events.version_changed``), so nobody has
    to ask for it or wait on a click. Robust: a broker hiccup must not undo the step."""
    pk = contract.pk
    transaction.on_commit(lambda: prepare_contract_document.delay(pk), robust=True)


@shared_task(
    bind=True, autoretry_for=(Exception,), max_retries=MAX_RETRIES, retry_backoff=2, retry_backoff_max=60,
    retry_jitter=False, acks_late=True,
)
def prepare_contract_document(self, contract_id):
    """The row of a contract's current version's PDF, queued for ``render_contract_document``: one row
    per (contract, version), and the render does nothing when the stored file already prints what the
    contract would print now, so a retried or repeated job leaves one row and one file. Returns the
    row's state ("missing": the contract is gone)."""
    contract = PerformanceContract.objects.filter(pk=contract_id).first()
    if contract is None:
        return "missing"
    with transaction.atomic():
        document, created = ContractDocument.objects.get_or_create(
            contract=contract, version=contract.version, defaults={"institution_id": contract.institution_id})
        document = ContractDocument.objects.select_for_update().get(pk=document.pk)
        if created or document.state == ContractDocument.State.FAILED:
            document.state, document.error = ContractDocument.State.QUEUED, ""
            document.save(update_fields=["state", "error", "updated_at"])
        pk = document.pk
        transaction.on_commit(lambda: render_contract_document.delay(pk), robust=True)
    return document.state
