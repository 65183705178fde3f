"""The organisation core: institutions (the tenants), their org-unit trees, officers, financial
years, role memberships and the append-only audit trail."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .naming import local_name
from .tenancy import TenantManager, TenantQuerySet, check_same_institution, scope

# ---------------------------------------------------------------------------------------------
# Institutions


class InstitutionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope(self, user, "pk")


class Institution(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        STATE_DEPARTMENT = "state_department", _("State department")
        AGENCY = "agency", _("Agency / state corporation")
        COUNTY = "county", _("County government")
        COUNTY_DEPARTMENT = "county_department", _("County department")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        MUNICIPALITY = "municipality", _("Municipality")
        OVERSIGHT = "oversight", _("Performance management department")

    name = models.CharField(_("name"), max_length=200)
    name_sw = models.CharField(_("name in Swahili"), max_length=200, blank=True,
                               help_text=_("Shown on Swahili pages; the name above when left empty."))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, default="KE")
    oversight_parent = models.ForeignKey(
        "self",
        verbose_name=_("oversight body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overseen",
    )
    # Materialised ancestry ("/3/17/") so "everything under this oversight body" is one
    # indexed prefix match rather than a recursive walk.
    oversight_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    coat_of_arms = models.ImageField(
        _("coat of arms or logo"), upload_to="institutions/emblems/", blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("PNG or JPEG, printed on the cover of the institution's contracts and reports."))
    fy_start_month = models.PositiveSmallIntegerField(
        _("financial year starts in month"),
        default=7,
        help_text=_("1 = January … 12 = December. Kenya, Tanzania and Uganda use July."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        permissions = [("audit_institution", _("Can audit the institution (read-only)")),
                       ("evaluate_institution", _("Can evaluate the institution at year end"))]

    def __str__(self):
        return local_name(self)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = (self.oversight_parent.oversight_path if self.oversight_parent else "/") + f"{self.pk}/"
        if path != self.oversight_path:
            old = self.oversight_path
            Institution.objects.filter(pk=self.pk).update(oversight_path=path)
            self.oversight_path = path
            if old:
                # Re-root the institutions beneath this one as well.
                for child in Institution.objects.filter(oversight_parent=self):
                    child.save()

    def get_absolute_url(self):
        return reverse("institution-detail", args=[self.pk])

    def clean(self):
        if not 1 <= self.fy_start_month <= 12:
            raise ValidationError({"fy_start_month": _("Choose a month between 1 and 12.")})
        parent = self.oversight_parent
        while parent is not None:
            if parent.pk == self.pk:
                raise ValidationError(
                    {"oversight_parent": _("An institution cannot oversee itself.")}
                )
            parent = parent.oversight_parent

    @property
    def tenant_id(self):
        return self.pk


class InstitutionUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants (auditors), so scoping is a join rather than a text match."""

    content_object = models.ForeignKey(Institution, on_delete=models.CASCADE)


class InstitutionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Institution, on_delete=models.CASCADE)


# ---------------------------------------------------------------------------------------------
# The org-unit tree


class OrgUnitQuerySet(MP_NodeQuerySet, TenantQuerySet):
    pass


class OrgUnitManager(MP_NodeManager.from_queryset(OrgUnitQuerySet)):
    def get_queryset(self):
        # treebeard relies on path order for its tree operations.
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


class OrgUnit(MP_Node):
    """A directorate, department, division/unit or section.

    Materialised path (treebeard): a subtree is one ``path LIKE 'prefix%'`` query.
    """

    class Level(models.TextChoices):
        DIRECTORATE = "directorate", _("Directorate")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Division / unit")
        SECTION = "section", _("Section")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="org_units", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    name_sw = models.CharField(_("name in Swahili"), max_length=200, blank=True,
                               help_text=_("Shown on Swahili pages; the name above when left empty."))
    code = models.CharField(_("code"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)

    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        indexes = [models.Index(fields=["institution", "path"])]

    def __str__(self):
        return local_name(self)

    def get_absolute_url(self):
        return reverse("orgunit-detail", args=[self.pk])

    def subtree(self):
        """This unit and every unit below it, in one query."""
        return OrgUnit.objects.filter(institution_id=self.institution_id, path__startswith=self.path)


# ---------------------------------------------------------------------------------------------
# Officers


class Officer(models.Model):
    """A staff member's profile: who they are in the institution and who supervises them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="officers", verbose_name=_("institution")
    )
    personal_number = models.CharField(_("personal number"), max_length=32)
    designation = models.CharField(_("designation"), max_length=200)
    job_grade = models.CharField(_("job grade"), max_length=16, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("org unit"),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("supervisor"),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "personal_number"], name="officer_unique_personal_number"
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.username

    def get_absolute_url(self):
        return reverse("officer-detail", args=[self.pk])

    def clean(self):
        errors = {}
        check_same_institution(
            errors, "org_unit", self.org_unit, self.institution_id, _("The org unit belongs to another institution.")
        )
        if self.supervisor_id and self.supervisor_id == self.pk:
            errors["supervisor"] = _("An officer cannot supervise themselves.")
        else:
            check_same_institution(
                errors, "supervisor", self.supervisor, self.institution_id,
                _("The supervisor works in another institution."),
            )
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Financial years


class FinancialYear(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="financial_years", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=16, help_text=_("For example 2026/27."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_current = models.BooleanField(_("current year"), default=False)

    objects = TenantManager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("financial year")
        verbose_name_plural = _("financial years")
        constraints = [
            models.UniqueConstraint(fields=["institution", "start_date"], name="fy_unique_start"),
            models.UniqueConstraint(
                fields=["institution"], condition=Q(is_current=True), name="fy_one_current"
            ),
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="fy_end_after_start"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("financialyear-detail", args=[self.pk])

    @classmethod
    def bounds_for(cls, start_year: int, start_month: int = 7) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the year starting in ``start_month`` of ``start_year``."""
        start = datetime.date(start_year, start_month, 1)
        next_start = datetime.date(start_year + 1, start_month, 1)
        return start, next_start - datetime.timedelta(days=1)

    @classmethod
    def label_for(cls, start_year: int, start_month: int = 7) -> str:
        if start_month == 1:
            return str(start_year)
        return f"{start_year}/{str(start_year + 1)[-2:]}"

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


# ---------------------------------------------------------------------------------------------
# Roles


class Role(models.TextChoices):
    HEAD = "head", _("Head of institution")
    PRINCIPAL = "principal", _("Principal")
    DIRECTOR = "director", _("Director / head of unit")
    SUPERVISOR = "supervisor", _("Supervisor")
    OFFICER = "officer", _("Officer")
    PERFORMANCE_OFFICER = "performance_officer", _("Performance officer (secretariat)")
    VETTING = "vetting", _("Vetting committee member")
    APPEALS = "appeals", _("Appeals committee member")
    OVERSIGHT = "oversight", _("Performance department (oversight)")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Institution administrator")


class RoleMembershipQuerySet(TenantQuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class RoleMembership(models.Model):
    """A user's role in an institution, optionally limited to an org unit (directors)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("org unit")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(RoleMembershipQuerySet)()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role", "org_unit"], name="role_membership_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=Q(org_unit__isnull=True),
                name="role_membership_unique_institution_wide",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.institution}"

    def clean(self):
        errors = {}
        check_same_institution(
            errors, "org_unit", self.org_unit, self.institution_id, _("The org unit belongs to another institution.")
        )
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Audit trail


class AuditEventQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")

    def _raw_delete(self, using):
        raise PermissionError("Audit events are append-only.")

    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def readable_by(self, user):
        """The events ``user`` may read: in their institutions, and about objects they may read
        (an appraisal's events follow the appraisal's confidentiality; see ``pmis.confidential``)."""
        from .confidential import event_filter

        return self.visible_to(user).filter(event_filter(user))


class AuditEvent(models.Model):
    """One append-only entry of the audit trail; see ``pmis.audit`` for how entries chain."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    # Position in its institution's chain (institution NULL: the system-wide chain).
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = TenantManager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["institution_id", "seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["institution", "seq"], name="audit_unique_seq"),
            # The system chain (no institution) needs its own uniqueness; portable to SQLite.
            models.UniqueConstraint(
                fields=["seq"], condition=Q(institution__isnull=True), name="audit_unique_system_seq"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not kwargs.get("force_insert"):
            raise PermissionError("Audit events are append-only; write them with pmis.audit.record().")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class AuditChain(models.Model):
    """The head of one hash chain; locked FOR UPDATE while an event is appended."""

    key = models.CharField(max_length=32, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"{self.key} @ {self.seq}"
