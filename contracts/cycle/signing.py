"""Online signing: re-authenticate, hash the canonical content, store who signed what, verify.

The signer re-enters the password (and the authentication code where two-factor applies) on a
page that shows exactly what is signed. The signature stores signer, role, time, IP, browser and
the SHA-256 of the content vetted into the version; once both parties sign, the contract is
signed (and in force when its year has begun), and its content is frozen in the model layer.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmis import audit, twofactor
from scorecards.models import ContractLevel

from ..models import ContractVersion, PerformanceContract, Signature
from . import content, workflow

ROLE_OF_SIDE = {
    (ContractLevel.INSTITUTION, "performer"): gettext_lazy("Head of institution"),
    (ContractLevel.INSTITUTION, "counterparty"): gettext_lazy("Principal"),
    (ContractLevel.UNIT, "performer"): gettext_lazy("Director / head of unit"),
    (ContractLevel.UNIT, "counterparty"): gettext_lazy("Head of institution"),
    (ContractLevel.OFFICER, "performer"): gettext_lazy("Officer"),
    (ContractLevel.OFFICER, "counterparty"): gettext_lazy("Supervisor"),
}


class SigningError(ValidationError):
    """Re-authentication failed or the content is not what was vetted; nothing was recorded."""


def current_version(contract) -> ContractVersion | None:
    return ContractVersion.objects.filter(contract=contract, number=contract.version).first()


def pending_side(user, contract, signed_sides) -> str | None:
    """The side ``user`` still has to sign on, if any."""
    if contract.performer_id == user.pk and "performer" not in signed_sides:
        return "performer"
    if contract.counterparty_id == user.pk and "counterparty" not in signed_sides:
        return "counterparty"
    return None


def may_sign(user, contract, signed_sides=None, parts=None) -> str | None:
    """The side ``user`` may sign ``contract`` on now, else None: the workflow allows signing and that
    side has not signed this version. The sign page, its button, the API, the signature itself and the
    work inbox ask this. ``signed_sides``, ``parts``: the sides already signed and the user's parts in
    the contract, when read beforehand."""
    if not workflow.can(user, contract, "sign", parts):
        return None
    if signed_sides is None:
        version = current_version(contract)
        if version is None:
            return None
        signed_sides = set(version.signatures.values_list("side", flat=True))
    return pending_side(user, contract, signed_sides)


def reauthenticate(request, user, password, code) -> bool:
    """The password again, and the authentication code where two-factor applies (pmis.twofactor). A
    wrong answer counts in the one lockout, which keeps its count whatever this request's transaction
    does: the refusal rolls nothing back but the failure stays counted. Whatever else a head signs (the
    year-end self-evaluation) asks the same."""
    try:
        return twofactor.confirm_identity(request, user, password=password, code=code, acting=True)
    except twofactor.Refused as refused:
        messages = refused.message_dict if hasattr(refused, "error_dict") else {"__all__": refused.messages}
        raise SigningError({field: [f"{m} {_('Nothing was signed.')}" for m in found]
                            for field, found in messages.items()}) from None


def sign(request, contract, *, password, code=None, lock_version=None):
    """Sign ``contract`` as ``request.user``. Raises and records nothing (but a failed attempt)
    when anything is off."""
    user = request.user
    workflow.check(user, PerformanceContract.objects.get(pk=contract.pk), "sign")  # before asking for secrets
    second_factor = reauthenticate(request, user, password, code)
    return _record(request, contract, second_factor, lock_version)


@transaction.atomic
def _record(request, contract, second_factor, lock_version):
    with audit.together():  # the signature and, for the last one, signed and in force: one write
        return _store(request, contract, second_factor, lock_version)


def _store(request, contract, second_factor, lock_version):
    user = request.user
    contract = workflow.lock(contract, lock_version)
    workflow.check(user, contract, "sign")
    version = ContractVersion.objects.select_for_update().get(contract=contract, number=contract.version)
    signed_sides = set(version.signatures.values_list("side", flat=True))
    side = may_sign(user, contract, signed_sides)
    if side is None:
        raise workflow.TransitionError(_("You have already signed this version."))
    live = content.fingerprint(content.contract_content(contract))
    if live != version.content_hash:
        raise SigningError(_("The contract no longer matches what was vetted; it cannot be signed."))
    # The version is locked, so a side signs once; the unique constraint stands behind that, and its
    # error rolls this step back with the savepoint of ``_record``.
    try:
        signature = Signature.objects.create(
            version=version, contract=contract, institution_id=contract.institution_id, side=side, signer=user,
            signer_name=user.get_full_name() or user.get_username(),
            role=str(ROLE_OF_SIDE[(contract.level, side)]), content_hash=version.content_hash,
            signed_at=timezone.now(), ip=audit.current_ip.get(),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:400], second_factor=second_factor,
        )
    except IntegrityError as exc:
        raise workflow.TransitionError(_("This side has already signed.")) from exc
    audit.record(user, "contract.signature", contract, None,
                 {"version": version.number, "side": side, "hash": version.content_hash,
                  "second_factor": second_factor})
    if signed_sides | {side} >= {"performer", "counterparty"}:
        version.signed_at = signature.signed_at
        version.save(update_fields=["signed_at"])
        workflow.fully_signed(user, contract)
    return signature


@dataclass
class Verification:
    version: ContractVersion
    contract: PerformanceContract
    signatures: list
    stored_intact: bool  # the stored content still hashes to the signed hash
    live_matches: bool | None  # the contract's rows still give that hash (None: superseded version)
    superseded: bool

    @property
    def matches(self):
        return self.stored_intact and self.live_matches is not False


def verify(code) -> Verification | None:
    version = (
        ContractVersion.objects.select_related("contract__institution", "contract__financial_year",
                                               "contract__performer", "contract__counterparty")
        .filter(verify_code=code).first()
    )
    if version is None:
        return None
    contract = version.contract
    stored_intact = content.fingerprint(version.content) == version.content_hash
    superseded = contract.version != version.number
    live = None
    if not superseded:
        live = content.fingerprint(content.contract_content(contract)) == version.content_hash
    signatures = list(version.signatures.order_by("signed_at"))
    signed_hashes_ok = all(s.content_hash == version.content_hash for s in signatures)
    return Verification(version, contract, signatures, stored_intact and signed_hashes_ok, live, superseded)
