"""What the parties sign and what is printed: a version's signatures and its PDF."""


from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager

from .contract import ContractFrozen, ContractVersion, PerformanceContract
from .negotiation import NegotiationRound


class Signature(models.Model):
    """One party's online signature on one version: who, as what, when, from where, over which hash."""

    version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, related_name="signatures")
    contract = models.ForeignKey(PerformanceContract, on_delete=models.PROTECT, related_name="signatures")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("signed as"), max_length=16, choices=NegotiationRound.Side.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    signer_name = models.CharField(_("signer"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    content_hash = models.CharField(_("SHA-256 signed"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    second_factor = models.BooleanField(_("second factor checked"), default=False)

    objects = TenantManager()

    class Meta:
        ordering = ["version", "signed_at"]
        verbose_name = _("signature")
        constraints = [models.UniqueConstraint(fields=["version", "side"], name="signature_once_per_side")]

    def __str__(self):
        return f"{self.signer_name} · {self.version}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ContractFrozen(_("A signature cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def role_label(self):
        """The role signed as (stored in the words of the day it was signed), in the reader's language."""
        return gettext(self.role)


class ContractDocument(models.Model):
    """The contract PDF of one version, rendered by a Celery task; one row (and file) per version."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="documents")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    # Unsigned drafts render too; their PDF is replaced whenever the content hash changes.
    content_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("file"), upload_to="contracts/pdf/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("contract document")
        constraints = [models.UniqueConstraint(fields=["contract", "version"], name="contract_document_per_version")]

    def __str__(self):
        return f"{self.contract} v{self.version} PDF"
