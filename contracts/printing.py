"""How a page asks for a contract's PDF: one ``ContractDocument`` row per (contract, version),
re-rendered only when what it would print changed, rendered by the Celery task
``tasks.render_contract_document`` after the request's transaction commits. The task renders with
``documents``; asking sits above both, so neither imports the other back.
"""

from django.db import transaction

from pmis import addresses, audit

from .documents.pdf import is_current, printable
from .models import ContractDocument
from .tasks import render_contract_document


def request_document(user, contract, request=None) -> ContractDocument:
    """The PDF of the contract's current version: reuse it when it is current, else (re)render it. Its
    verification link goes to the public address (``pmis.addresses``; ``request``'s host when none is set)."""
    base = addresses.public_base(request)
    doc = printable(contract)
    with transaction.atomic():
        document, created = ContractDocument.objects.get_or_create(
            contract=contract, version=contract.version,
            defaults={"institution_id": contract.institution_id, "requested_by": user if user else None},
        )
        document = ContractDocument.objects.select_for_update().get(pk=document.pk)
        reused = not created and is_current(document, doc)
        if not reused:
            if document.state != ContractDocument.State.RENDERING:
                document.state = ContractDocument.State.QUEUED
            document.error = ""
            document.requested_by = user if getattr(user, "is_authenticated", False) else None
            document.save(update_fields=["state", "error", "requested_by", "updated_at"])
            pk = document.pk
            # robust: a broker hiccup (or an eager render failing) must not undo the request's page.
            transaction.on_commit(lambda: render_contract_document.delay(pk, base), robust=True)
        audit.record(user, "contract.document_request", contract, None,
                     {"document": document.pk, "version": document.version, "hash": doc.content_hash,
                      "reused": reused})
    return document
