"""Generated reports: one row per request, rendered by a Celery task, kept and re-downloadable."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager, TenantQuerySet


class GeneratedReportQuerySet(TenantQuerySet):
    def readable_by(self, user):
        """The reports ``user`` may read: in their institutions, and — for a kind whose contents are
        narrower than the institution (``Kind.readers``: the appraisal summary) — only their own or
        where they may read everything such a report holds. The one rule for the list, a report's page,
        its status and its file."""
        from . import builders

        found = self.visible_to(user)
        if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
            return found
        narrow = [kind for kind in builders.REGISTRY.values() if kind.readers is not None]
        if not narrow:
            return found
        allowed = Q(requested_by=user) | ~Q(kind__in=[kind.key for kind in narrow])
        for kind in narrow:
            allowed |= Q(kind=kind.key, institution_id__in=kind.readers(user))
        return found.filter(allowed)


class GeneratedReport(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        XLSX = "xlsx", _("Excel (XLSX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # The institution the report is about (an oversight body for a league table); NULL: system-wide.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("institution"),
    )
    kind = models.CharField(_("report"), max_length=48)
    title = models.CharField(_("title"), max_length=300, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.PDF)
    # The worker has no request: the report is written in the language its requester read when asking.
    language = models.CharField(_("language"), max_length=8, default="en")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # SHA-256 of the canonical JSON of the data the report prints (not of the file bytes).
    data_hash = models.CharField(_("data SHA-256"), max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"),
    )
    requested_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)

    objects = TenantManager.from_queryset(GeneratedReportQuerySet)()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        indexes = [models.Index(fields=["institution", "-created_at"])]

    def __str__(self):
        return self.title or self.kind

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def label(self) -> str:
        """The kind's name in the reader's language (``title`` keeps it as the requester read it)."""
        from . import builders

        kind = builders.REGISTRY.get(self.kind)
        return str(kind.label) if kind else str(self)

    @property
    def busy(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)
