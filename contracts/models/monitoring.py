"""Monitoring's records: quarterly progress reports, their entries and evidence files."""


from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager
from scorecards.models import (
    NUMBER,
)

from .contract import PerformanceContract, Target

# ---------------------------------------------------------------------------------------------
# Monitoring: quarterly progress reports, their entries (one per target) and evidence files.
# The functions that write them live in ``contracts.monitoring``.


class ProgressReport(models.Model):
    """One contract's progress report for one quarter of its financial year."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted")

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="progress_reports", verbose_name=_("contract")
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_date = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="progress_report_once")]

    def __str__(self):
        return f"{self.contract} · Q{self.period}"

    def get_absolute_url(self):
        return reverse("monitoring-report", args=[self.pk])

    @property
    def label(self):
        return f"Q{self.period}"

    @property
    def days_late(self) -> int:
        """How many days after its due date the report was submitted (0: on time, or not submitted)."""
        if self.submitted_at is None:
            return 0
        return max((timezone.localdate(self.submitted_at) - self.due_date).days, 0)

    @property
    def days_overdue(self) -> int:
        """How many days past its due date a report not yet submitted is (0: not due yet, or submitted)."""
        if self.submitted_at is not None or self.state != self.State.DRAFT:
            return 0
        return max((timezone.localdate() - self.due_date).days, 0)


class ProgressEntry(models.Model):
    """A target's actual to date in one report, the reporter's account of it, and its verification.

    Only an accepted entry counts: accepting it writes ``Target.actual`` and refreshes the summary."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        ACHIEVED = "achieved", _("Achieved")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="entries")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress_entries")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    actual = models.DecimalField(_("actual to date"), **NUMBER)
    budget_spent = models.DecimalField(_("budget spent to date"), **NUMBER, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ON_TRACK)
    #: The red/amber/green the actual earns on the contract's bands (computed when reported).
    rag = models.CharField(_("RAG"), max_length=8, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    explanation = models.TextField(_("explanation of the variance"), blank=True)
    remedial_action = models.TextField(_("remedial action"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    system_computed = models.BooleanField(
        _("computed by the system"), default=False,
        help_text=_("Written by a feed (e.g. charter compliance) rather than typed by a person."),
    )
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, default=Verification.PENDING
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_comment = models.TextField(_("verifier's comment"), blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["report", "target__order", "target_id"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        constraints = [models.UniqueConstraint(fields=["report", "target"], name="progress_entry_once")]
        indexes = [models.Index(fields=["institution", "verification"])]

    def __str__(self):
        return f"{self.target} · Q{self.report.period}" if self.report_id else str(self.target)


def evidence_name(instance, filename):
    """A random stored name: the uploader's file name never reaches the file system."""
    import secrets

    return f"evidence/{instance.institution_id}/{secrets.token_hex(16)}"


class Evidence(models.Model):
    """A file backing a reported actual; served only through the scoped download view."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="evidence")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=evidence_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name
