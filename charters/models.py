"""Client service charters: what service a citizen can expect from an institution, in English
and Swahili, and the complaints and feedback citizens send when they did not get it.

A charter is versioned per institution. A published (or superseded) version is frozen: saving or
deleting it, or any of its services, raises ``FrozenCharterError``. To change a published charter
``charters.services.new_draft`` copies it into the next draft version, and ``publish`` supersedes
the previous one. The functions that write live in ``charters.services``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager, check_same_institution


class FrozenCharterError(ValidationError):
    """Raised when something tries to change a published or superseded charter version."""


class Localized:
    """``obj.name`` gives ``name_<current language>``, falling back to English when empty."""

    def __init__(self, base):
        self.base = base

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        language = (get_language() or "en").split("-")[0]
        return getattr(obj, f"{self.base}_{language}", "") or getattr(obj, f"{self.base}_en")


class Charter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    FROZEN = {Status.PUBLISHED, Status.SUPERSEDED}

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="charters", verbose_name=_("institution")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_sw = models.CharField(_("title (Swahili)"), max_length=200, blank=True)
    commitment_en = models.TextField(_("our commitment (English)"), blank=True)
    commitment_sw = models.TextField(_("our commitment (Swahili)"), blank=True)
    how_to_complain_en = models.TextField(_("how to complain (English)"), blank=True)
    how_to_complain_sw = models.TextField(_("how to complain (Swahili)"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    title = Localized("title")
    commitment = Localized("commitment")
    how_to_complain = Localized("how_to_complain")

    objects = TenantManager()

    class Meta:
        ordering = ["institution", "-version"]
        verbose_name = _("service charter")
        verbose_name_plural = _("service charters")
        constraints = [
            models.UniqueConstraint(fields=["institution", "version"], name="charter_unique_version"),
            models.UniqueConstraint(
                fields=["institution"], condition=Q(status="published"), name="charter_one_published"
            ),
            models.UniqueConstraint(fields=["institution"], condition=Q(status="draft"), name="charter_one_draft"),
        ]

    def __str__(self):
        # No status: the audit trail records this name once, and a status (in whichever language was active)
        # would be stale after the next publication.
        return f"{self.title_en} (v{self.version})"

    def save(self, *args, **kwargs):
        stored = self.stored_status()
        if stored in self.FROZEN:
            # The one change a frozen version allows: publishing a newer version supersedes it.
            superseding = (
                stored == self.Status.PUBLISHED and self.status == self.Status.SUPERSEDED
                and set(kwargs.get("update_fields") or ()) == {"status", "superseded_at"}
            )
            if not superseding:
                raise FrozenCharterError(_("A published charter cannot change; create a new draft version."))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("charters:manage", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.stored_status() in self.FROZEN:
            raise FrozenCharterError(_("A published charter cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self):
        return self.status in self.FROZEN

    def stored_status(self):
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


class Service(models.Model):
    class StandardUnit(models.TextChoices):
        HOURS = "hours", _("hours")
        WORKING_DAYS = "working_days", _("working days")

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="services", verbose_name=_("charter"))
    # Denormalised from the charter so tenancy scoping is one join-free filter.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="charter_services", verbose_name=_("institution")
    )
    code = models.SlugField(
        _("code"), max_length=40,
        help_text=_("Stays the same across charter versions, so compliance can be followed over time."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_en = models.CharField(_("service (English)"), max_length=200)
    name_sw = models.CharField(_("service (Swahili)"), max_length=200, blank=True)
    requirements_en = models.TextField(_("requirements (English)"), blank=True)
    requirements_sw = models.TextField(_("requirements (Swahili)"), blank=True)
    fee = models.DecimalField(
        _("fee"), max_digits=12, decimal_places=2, default=0, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("0 means the service is free; leave empty when it varies (explain in the cost note)."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="KES")
    cost_note_en = models.CharField(_("cost note (English)"), max_length=300, blank=True)
    cost_note_sw = models.CharField(_("cost note (Swahili)"), max_length=300, blank=True)
    standard_value = models.PositiveIntegerField(_("service standard"), validators=[MinValueValidator(1)])
    standard_unit = models.CharField(
        _("standard unit"), max_length=16, choices=StandardUnit.choices, default=StandardUnit.WORKING_DAYS
    )
    office_en = models.CharField(_("responsible office (English)"), max_length=200)
    office_sw = models.CharField(_("responsible office (Swahili)"), max_length=200, blank=True)

    name = Localized("name")
    requirements = Localized("requirements")
    cost_note = Localized("cost_note")
    office = Localized("office")

    objects = TenantManager()

    class Meta:
        ordering = ["charter", "order", "pk"]
        verbose_name = _("charter service")
        verbose_name_plural = _("charter services")
        constraints = [models.UniqueConstraint(fields=["charter", "code"], name="charter_service_unique_code")]

    def __str__(self):
        return self.name_en

    def save(self, *args, **kwargs):
        self._check_draft(self.charter_id)
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("charter_id", flat=True).first()
            if stored is not None and stored != self.charter_id:
                self._check_draft(stored)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft(self.charter_id)
        return super().delete(*args, **kwargs)

    @property
    def requirement_list(self):
        return [line.strip(" -•\t") for line in self.requirements.splitlines() if line.strip(" -•\t")]

    def due(self, start):
        """When a request received at ``start`` must be handled by (working days skip weekends)."""
        if self.standard_unit == self.StandardUnit.HOURS:
            return start + datetime.timedelta(hours=self.standard_value)
        return add_working_days(start, self.standard_value)

    def clean(self):
        errors = {}
        check_same_institution(errors, "institution", getattr(self, "charter", None), self.institution_id,
                               _("A service belongs to its charter's institution."))
        if errors:
            raise ValidationError(errors)

    def _check_draft(self, charter_id):
        status = Charter.objects.filter(pk=charter_id).values_list("status", flat=True).first()
        if status in Charter.FROZEN:
            raise FrozenCharterError(
                _("The services of a published charter cannot change; create a new draft version.")
            )


def add_working_days(start, days):
    """``start`` moved ``days`` working days (Monday to Friday) later, keeping the time of day.

    Public holidays are not known to the system, so they count as working days.
    """
    current = timezone.localtime(start) if timezone.is_aware(start) else start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


class Complaint(models.Model):
    """A complaint, compliment or suggestion a citizen sent from the public charter page."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        COMPLIMENT = "compliment", _("Compliment")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    DONE = {Status.RESOLVED, Status.CLOSED}

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("institution")
    )
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="complaints",
                                verbose_name=_("charter"))
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("service"),
    )
    reference = models.CharField(_("reference"), max_length=14, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    # The citizen's details: shown to the staff who handle the complaint, never on the tracking page.
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    message = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("assigned to"),
    )
    response = models.TextField(_("response"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["institution", "status", "-received_at"]),
            models.Index(fields=["institution", "received_at"]),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("charters:complaint-detail", args=[self.pk])

    def clean(self):
        errors = {}
        check_same_institution(errors, "charter", getattr(self, "charter", None), self.institution_id)
        check_same_institution(errors, "service", self.service, self.institution_id)
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self):
        return self.status in self.DONE

    def clock(self, now=None):
        """The service-standard clock: (state, time left or overdue as a timedelta) or None."""
        if self.due_at is None:
            return None
        if self.resolved_at is not None:
            return ("met" if self.resolved_at <= self.due_at else "missed", self.resolved_at - self.due_at)
        now = now or timezone.now()
        if now > self.due_at:
            return ("overdue", now - self.due_at)
        return ("running", self.due_at - now)


class ComplianceFeed(models.Model):
    """Links a scorecard indicator to charter compliance: targets on that indicator get the share
    of complaints handled within the service standard as their actual (see ``charters.compliance``).
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="compliance_feeds", verbose_name=_("institution")
    )
    indicator = models.OneToOneField(
        "scorecards.Indicator", on_delete=models.CASCADE, related_name="compliance_feed",
        verbose_name=_("indicator"),
    )
    service_code = models.SlugField(
        _("service code"), max_length=40, blank=True,
        help_text=_("Leave empty to measure every service of the charter."),
    )

    objects = TenantManager()

    class Meta:
        verbose_name = _("compliance feed")
        verbose_name_plural = _("compliance feeds")

    def __str__(self):
        return f"{self.indicator} ← {self.service_code or _('all services')}"

    def clean(self):
        errors = {}
        check_same_institution(errors, "indicator", getattr(self, "indicator", None), self.institution_id)
        if errors:
            raise ValidationError(errors)
