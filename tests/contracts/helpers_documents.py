"""Contracts for the contract PDF's tests: drafts, vetted and signed versions built from rows, and reading
a PDF back."""

import io
import re
import secrets

from django.utils import timezone
from pypdf import PdfReader

from contracts.cycle import content, signing
from contracts.models import ContractVersion, PerformanceContract, Signature


def ministry_contract(demo):
    """A draft with several targets: the water directorate's contract, returned to draft."""
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.DRAFT)
    return PerformanceContract.objects.get(pk=contract.pk)


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squash(text):
    return re.sub(r"\s+", " ", text)


def vetted(contract):
    """The contract as vetting leaves it: its content fixed in a version, ready to sign.

    Built from rows rather than through ``contracts.cycle.workflow`` so these tests exercise the document
    alone (the workflow's own tests carry a contract through the cycle).
    """
    data = content.contract_content(contract)
    version = ContractVersion.objects.create(
        contract=contract, institution_id=contract.institution_id, number=contract.version, content=data,
        content_hash=content.fingerprint(data), verify_code=secrets.token_urlsafe(24))
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.READY_TO_SIGN)
    return version


def signed(contract, version):
    """Both parties' signatures on ``version``; the contract is then signed."""
    now = timezone.now()
    for side, user in (("performer", contract.performer), ("counterparty", contract.counterparty)):
        Signature.objects.create(
            version=version, contract=contract, institution_id=contract.institution_id, side=side, signer=user,
            signer_name=user.get_full_name(), role=str(signing.ROLE_OF_SIDE[(contract.level, side)]),
            content_hash=version.content_hash, signed_at=now, ip="127.0.0.1", user_agent="pytest")
    version.signed_at = now
    version.save(update_fields=["signed_at"])
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.SIGNED)
    return PerformanceContract.objects.get(pk=contract.pk)


def sign_through(demo, contract):
    return signed(contract, vetted(contract))
