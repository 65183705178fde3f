"""Performance contracts at every level and their targets.

A contract copies its scheme and band table when it is created (``bands`` is a snapshot), so a
later edit of the institution's table never re-grades it. The cascade rules that tie a target to
its parent live in ``contracts.cascade``; the functions that write live in ``contracts.targets``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmis.models import FinancialYear, Institution, Officer, OrgUnit
from pmis.tenancy import TenantManager, check_same_institution
from scorecards import scoring
from scorecards.models import (
    NUMBER,
    ContractLevel,
    Direction,
    Indicator,
    Perspective,
    Scheme,
    StrategicObjective,
    band_errors,
)


class PerformanceContract(models.Model):
    Level = ContractLevel

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("financial year")
    )
    level = models.CharField(_("level"), max_length=16, choices=ContractLevel.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts",
        verbose_name=_("org unit"),
    )
    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts",
        verbose_name=_("officer"),
    )
    title = models.CharField(_("title"), max_length=300)
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_performed",
        verbose_name=_("performer"),
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="contracts_countersigned", verbose_name=_("counterparty"),
        help_text=_("The principal, head or supervisor who agrees the contract with the performer."),
    )
    # Copied from the scoring policy when the contract is created; never re-read from it.
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    band_table_name = models.CharField(_("band table"), max_length=64)
    band_table_version = models.PositiveIntegerField(_("band table version"))
    bands = models.JSONField(_("bands"))
    category_weights = models.BooleanField(_("enforce category weights"), default=True)
    status = models.CharField(_("status"), max_length=32, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["financial_year", "level", "title"]
        verbose_name = _("performance contract")
        verbose_name_plural = _("performance contracts")
        constraints = [
            models.CheckConstraint(
                name="contract_level_matches_party",
                condition=(
                    Q(level="institution", org_unit__isnull=True, officer__isnull=True)
                    | Q(level="unit", org_unit__isnull=False, officer__isnull=True)
                    | Q(level="officer", officer__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["financial_year"], condition=Q(level="institution"), name="contract_one_institution"
            ),
            models.UniqueConstraint(
                fields=["financial_year", "org_unit"], condition=Q(level="unit"), name="contract_one_per_unit"
            ),
            models.UniqueConstraint(
                fields=["financial_year", "officer"], condition=Q(level="officer"), name="contract_one_per_officer"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.financial_year})"

    def get_absolute_url(self):
        return reverse("contract-scorecard", args=[self.pk])

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    def clean(self):
        errors = {}
        check_same_institution(
            errors, "financial_year", getattr(self, "financial_year", None), self.institution_id,
            _("The financial year belongs to another institution."),
        )
        if self.level == ContractLevel.INSTITUTION and (self.org_unit_id or self.officer_id):
            errors["level"] = _("An institution contract names neither a unit nor an officer.")
        if self.level == ContractLevel.UNIT:
            if not self.org_unit_id:
                errors["org_unit"] = _("A unit contract needs its org unit.")
            if self.officer_id:
                errors["officer"] = _("A unit contract does not name an officer.")
        if self.level == ContractLevel.OFFICER:
            if not self.officer_id:
                errors["officer"] = _("An officer contract needs its officer.")
        check_same_institution(
            errors, "org_unit", self.org_unit, self.institution_id, _("The org unit belongs to another institution.")
        )
        check_same_institution(
            errors, "officer", self.officer, self.institution_id, _("The officer works in another institution.")
        )
        if problems := band_errors(self.bands, self.scheme):
            errors["bands"] = problems
        if errors:
            raise ValidationError(errors)

    @property
    def party(self):
        """The unit or officer the contract binds (None for an institution contract)."""
        return self.officer or self.org_unit


class Target(models.Model):
    """One weighted target of a contract: what is measured, the criteria values and the result."""

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="targets", verbose_name=_("contract")
    )
    # Denormalised from the contract so tenancy scoping is one join-free filter.
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="targets", verbose_name=_("institution")
    )
    perspective = models.ForeignKey(
        Perspective, on_delete=models.PROTECT, null=True, blank=True, related_name="targets",
        verbose_name=_("perspective / criteria category"),
    )
    objective = models.ForeignKey(
        StrategicObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="targets",
        verbose_name=_("strategic objective"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    description = models.CharField(_("description"), max_length=500)
    unit = models.CharField(_("unit of measure"), max_length=64, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(_("baseline"), **NUMBER, null=True, blank=True)
    target_value = models.DecimalField(_("target"), **NUMBER)
    criteria_excellent = models.DecimalField(_("excellent"), **NUMBER, null=True, blank=True)
    criteria_very_good = models.DecimalField(_("very good"), **NUMBER, null=True, blank=True)
    criteria_good = models.DecimalField(_("good"), **NUMBER, null=True, blank=True)
    criteria_fair = models.DecimalField(_("fair"), **NUMBER, null=True, blank=True)
    criteria_poor = models.DecimalField(_("poor"), **NUMBER, null=True, blank=True)
    weight = models.DecimalField(_("weight (%)"), **NUMBER, validators=[MinValueValidator(0), MaxValueValidator(100)])
    budget_allocated = models.DecimalField(_("budget allocated"), **NUMBER, null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent target"),
    )
    partner_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="shared_targets", verbose_name=_("partner institutions"),
        help_text=_("Institutions sharing this whole-of-government target."),
    )
    # Until the monitoring workflow feeds verified actuals.
    actual = models.DecimalField(_("actual"), **NUMBER, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "order", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return self.description

    CRITERIA_FIELDS = {level: f"criteria_{level}" for level in scoring.CRITERIA_LEVELS}

    @property
    def criteria(self):
        """{excellent: …, …, poor: …} with only the levels that are set."""
        values = {level: getattr(self, name) for level, name in self.CRITERIA_FIELDS.items()}
        return {level: value for level, value in values.items() if value is not None}

    def clean(self):
        errors = {}
        contract = getattr(self, "contract", None)
        check_same_institution(
            errors, "institution", contract, self.institution_id, _("A target belongs to its contract's institution.")
        )
        for field in ("indicator", "objective"):
            check_same_institution(errors, field, getattr(self, field, None), self.institution_id)
        perspective = getattr(self, "perspective", None)
        if perspective is not None and contract is not None and (
            perspective.financial_year_id != contract.financial_year_id
        ):
            errors["perspective"] = _("The perspective belongs to another institution or year.")
        objective = getattr(self, "objective", None)
        if objective is not None and perspective is not None and objective.perspective_id != perspective.pk:
            errors["objective"] = _("The objective sits under another perspective.")
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A target cannot be its own parent.")
        criteria = self.criteria
        if criteria or (contract is not None and contract.scheme == Scheme.KENYA_PC):
            try:
                # Scoring the excellent value checks that all five levels exist and run the right way.
                scoring.kenya_pc_raw(criteria, criteria.get("excellent", 0), self.direction)
            except ValueError as exc:
                errors["criteria_excellent"] = str(exc)
        if errors:
            raise ValidationError(errors)
