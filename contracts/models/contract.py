"""Performance contracts at every level and their targets.

A contract copies its scheme and band table when it is created (``bands`` is a snapshot), so a
later edit of the institution's table never re-grades it. The cascade rules that tie a target to
its parent live in ``contracts.cycle.cascade``; the functions that write live in ``contracts.cycle.targets``.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmis.models import FinancialYear, Institution, Officer, OrgUnit
from pmis.tenancy import TenantManager, TenantQuerySet, check_same_institution
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


class ContractFrozen(ValidationError):
    """A change to content that was vetted or signed; only an amendment may change it."""


def _names(obj, fields):
    """``fields`` by name and by attribute name (``officer`` and ``officer_id``)."""
    return {*fields, *(obj._meta.get_field(f).attname for f in fields)}


def _refuse_frozen_change(obj, stored, fields):
    """Raise when ``obj`` differs from its ``stored`` row in any content field (compared as saved)."""
    model_fields = [obj._meta.get_field(f) for f in fields]
    row = stored.values(*(f.attname for f in model_fields)).first()
    if row is None:
        return
    for field in model_fields:
        mine = field.to_python(getattr(obj, field.attname))
        if isinstance(mine, Decimal):
            mine = mine.quantize(Decimal(1).scaleb(-field.decimal_places))
        if mine != row[field.attname]:
            raise ContractFrozen(
                _("This contract has been vetted or signed: its %(field)s cannot change. Amend it instead.")
                % {"field": field.verbose_name}
            )


class FrozenAwareQuerySet(TenantQuerySet):
    """Bulk writes cannot slip past the freeze either."""

    def _frozen(self):
        raise NotImplementedError

    def update(self, **kwargs):
        content = set(kwargs) & self.model.content_attnames()
        if content and self._frozen().exists():
            raise ContractFrozen(_("Vetted or signed contracts cannot be changed in bulk."))
        return super().update(**kwargs)

    def delete(self):
        if self._frozen().exists():
            raise ContractFrozen(_("Vetted or signed contracts cannot be deleted."))
        return super().delete()


def frozen_contracts(prefix=""):
    """A filter for contracts whose content is fixed: vetted or signed by status, or with a fully
    signed version of their current number (so resetting the status by hand does not unfreeze them)."""
    signed_version = ContractVersion.objects.filter(
        contract=OuterRef(f"{prefix}pk"), number=OuterRef(f"{prefix}version"), signed_at__isnull=False
    )
    return Q(**{f"{prefix}status__in": PerformanceContract.FROZEN}) | Q(Exists(signed_version))


class ContractQuerySet(FrozenAwareQuerySet):
    def _frozen(self):
        return self.filter(frozen_contracts())


class TargetQuerySet(FrozenAwareQuerySet):
    def _frozen(self):
        return self.filter(frozen_contracts("contract__"))


TargetManager = models.Manager.from_queryset(TargetQuerySet)


#: The contract list's order: newest year first, then level and title, the id last so that paging is
#: stable. Both list indexes below follow it, so a page is read from an index instead of sorting every
#: contract; the model's default ordering, the list page and the API list all use it.
LIST_ORDER = ["-year_start", "level", "title", "pk"]


class PerformanceContract(models.Model):
    Level = ContractLevel

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (target identification)")
        SUBMITTED = "submitted", _("Submitted for pre-negotiation review")
        NEGOTIATION = "negotiation", _("In negotiation")
        AGREED = "agreed", _("Agreed, awaiting vetting")
        READY_TO_SIGN = "ready_to_sign", _("Vetted, ready to sign")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        CLOSED = "closed", _("Closed")

    #: From vetting on, the content is what was (or will be) signed: no save may change it.
    FROZEN = frozenset({Status.READY_TO_SIGN, Status.SIGNED, Status.IN_FORCE, Status.CLOSED})
    #: The fields whose values a signature covers (targets add their own).
    CONTENT_FIELDS = [
        "institution", "financial_year", "level", "org_unit", "officer", "title", "performer", "counterparty",
        "scheme", "band_table_name", "band_table_version", "bands", "category_weights",
    ]

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("financial year")
    )
    # The financial year's start date, copied so the contract list's order is read from an index
    # instead of sorting every contract through the join to the years; kept in step by save() and
    # by a FinancialYear's save (sync_year_start).
    year_start = models.DateField(_("year start"), editable=False, blank=True)  # blank: set by save()
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
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    # The content version: 1 when first signed, +1 for each amendment.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Optimistic locking: every write bumps it; a write carrying an older number is refused.
    lock_version = models.PositiveIntegerField(_("edit version"), default=1)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ContractQuerySet)()

    class Meta:
        ordering = LIST_ORDER
        verbose_name = _("performance contract")
        verbose_name_plural = _("performance contracts")
        indexes = [
            # Many institutions in sight (oversight): walk this and skip the ones out of sight.
            models.Index(fields=["-year_start", "level", "title", "id"], name="contract_list_order"),
            # One or a few institutions (their own staff): each institution's contracts in list order.
            models.Index(fields=["institution", "-year_start", "level", "title", "id"],
                         name="contract_list_in_institution"),
        ]
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
        year = str(self.financial_year)
        # A title that already names its year ("…: performance contract 2026/27") is not given it twice.
        return self.title if year in self.title else f"{self.title} ({year})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        writes_content = update_fields is None or bool(set(update_fields) & _names(self, self.CONTENT_FIELDS))
        if self.pk and writes_content:  # a status move writes no signed content: nothing to compare
            stored = PerformanceContract.objects.filter(frozen_contracts(), pk=self.pk)
            _refuse_frozen_change(self, stored, self.CONTENT_FIELDS)
        if update_fields is None or {"financial_year", "financial_year_id"} & set(update_fields):
            self._copy_year_start()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "year_start"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("contract-detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        contract = super().from_db(db, field_names, values)
        contract._year_start_of = contract.__dict__.get("financial_year_id")
        return contract

    def _copy_year_start(self):
        # Read the year only when it is new or changed (an unchanged contract's save costs no query).
        if self.financial_year_id is None:
            return  # the database refuses the row anyway
        if self.year_start is None or self.financial_year_id != getattr(self, "_year_start_of", None):
            self.year_start = self.financial_year.start_date
            self._year_start_of = self.financial_year_id

    def delete(self, *args, **kwargs):
        if PerformanceContract.objects.filter(frozen_contracts(), pk=self.pk).exists():
            raise ContractFrozen(_("A signed or vetted contract cannot be deleted."))
        return super().delete(*args, **kwargs)

    @classmethod
    def content_attnames(cls):
        return {cls._meta.get_field(f).attname for f in cls.CONTENT_FIELDS} | set(cls.CONTENT_FIELDS)

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def is_frozen(self):
        return self.status in self.FROZEN

    @property
    def stage(self) -> str:
        """Which of a country profile's stages (``scorecards.models.PROFILE_STAGES``) the contract is in,
        so that a page names it the way the institution's users do: contracting up to signing is the
        plan, a signed plan is implemented and monitored, an amendment after signing is the plan's
        review, a closed year is appraised."""
        if self.status == self.Status.CLOSED:
            return "appraise"
        if self.status in (self.Status.SIGNED, self.Status.IN_FORCE):
            return "monitor"
        return "review" if self.version > 1 else "plan"

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


def quarter_end(year_start, period: int):
    """The last day of quarter ``period`` (1-4) of the financial year starting ``year_start``."""
    index = year_start.month - 1 + 3 * period
    return datetime.date(year_start.year + index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


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
    # The value expected by the end of quarters 1-3 (cumulative; quarter 4 expects the target itself).
    # Blank: an even phasing from the baseline (``expected_by``), filled in when the target is saved.
    expected_q1 = models.DecimalField(_("expected by the end of Q1"), **NUMBER, null=True, blank=True)
    expected_q2 = models.DecimalField(_("expected by the end of Q2"), **NUMBER, null=True, blank=True)
    expected_q3 = models.DecimalField(_("expected by the end of Q3"), **NUMBER, null=True, blank=True)
    # A milestone target (its indicator measured as a date) is phased as the date it is expected by,
    # not as cumulative values; set only on milestone targets (``cycle.targets`` fills it in).
    expected_date = models.DateField(
        _("milestone expected by"), null=True, blank=True,
        help_text=_("Milestone targets only: the date by which the milestone is expected. Leave empty for the "
                    "target's own day of the year."))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent target"),
    )
    partner_institutions = models.ManyToManyField(
        Institution, blank=True, related_name="shared_targets", verbose_name=_("partner institutions"),
        help_text=_("Institutions sharing this whole-of-government target."),
    )
    activities = models.TextField(
        _("activities"), blank=True, help_text=_("The activities that deliver the target, one per line.")
    )
    # Until the monitoring workflow feeds verified actuals.
    actual = models.DecimalField(_("actual"), **NUMBER, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    lock_version = models.PositiveIntegerField(_("edit version"), default=1)

    objects = TargetManager()

    class Meta:
        ordering = ["contract", "order", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        contract_frozen = PerformanceContract.objects.filter(frozen_contracts(), pk=self.contract_id)
        fields = kwargs.get("update_fields")
        if self.pk and fields is not None and not set(fields) & _names(self, self.CONTENT_FIELDS):
            super().save(*args, **kwargs)  # no signed content among the fields written (the actual)
            return
        if not self.pk:
            if contract_frozen.exists():
                raise ContractFrozen(_("A signed or vetted contract takes no new targets; amend it instead."))
            self.fill_phasing()
        elif contract_frozen.exists():
            _refuse_frozen_change(self, Target.objects.filter(pk=self.pk), self.CONTENT_FIELDS)
        else:
            self.fill_phasing()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PerformanceContract.objects.filter(frozen_contracts(), pk=self.contract_id).exists():
            raise ContractFrozen(_("A target of a signed or vetted contract cannot be deleted."))
        return super().delete(*args, **kwargs)

    @classmethod
    def content_attnames(cls):
        return {cls._meta.get_field(f).attname for f in cls.CONTENT_FIELDS} | set(cls.CONTENT_FIELDS)

    #: What a signature covers: everything but the achieved value and bookkeeping.
    CONTENT_FIELDS = [
        "contract", "institution", "perspective", "objective", "indicator", "description", "unit", "direction",
        "baseline", "target_value", "criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair",
        "criteria_poor", "weight", "budget_allocated", "parent", "activities", "order",
        "expected_q1", "expected_q2", "expected_q3", "expected_date",
    ]

    QUARTER_FIELDS = ("expected_q1", "expected_q2", "expected_q3")

    def even_phasing(self, period: int):
        """The value expected by the end of quarter ``period`` on an even phasing from the baseline
        (none: zero) to the target."""
        start = self.baseline if self.baseline is not None else Decimal(0)
        if self.target_value is None:
            return None
        return (start + (self.target_value - start) * period / 4).quantize(Decimal("0.0001"))

    def expected_by(self, period: int):
        """The cumulative value expected by the end of quarter ``period`` (1-4): the phasing agreed in
        the plan, an even phasing where it is blank, the target itself in quarter 4."""
        if period >= 4:
            return self.target_value
        value = getattr(self, f"expected_q{period}")
        return self.even_phasing(period) if value is None else value

    @property
    def is_milestone(self) -> bool:
        """Phased as a date (``expected_date``) rather than as cumulative quarterly values."""
        return self.expected_date is not None

    def milestone_quarter(self, year_start):
        """The quarter (1-4) of the year starting ``year_start`` by whose end the milestone is expected."""
        for period in (1, 2, 3):
            if self.expected_date <= quarter_end(year_start, period):
                return period
        return 4

    def milestone_missed(self, period: int, year_start, actual) -> bool:
        """Whether the milestone is off track in quarter ``period``: its expected date has passed by the
        quarter's end and it is not done by then (``actual``, the day of the year it was reached counted
        from ``year_start``, is none or after the quarter's end)."""
        end = quarter_end(year_start, period)
        if self.expected_date > end:
            return False
        return actual is None or actual > (end - year_start).days

    @property
    def quarterly(self):
        """[Q1, Q2, Q3, Q4] expected values (cumulative)."""
        return [self.expected_by(period) for period in (1, 2, 3, 4)]

    def fill_phasing(self):
        """Blank quarterly values take the even phasing."""
        for period, name in enumerate(self.QUARTER_FIELDS, start=1):
            if getattr(self, name) is None and self.target_value is not None:
                setattr(self, name, self.even_phasing(period))

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


@receiver(m2m_changed, sender=Target.partner_institutions.through)
def _refuse_frozen_partners(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    targets = Target.objects.filter(partner_institutions=instance) if reverse else Target.objects.filter(
        pk=instance.pk)
    if targets.filter(frozen_contracts("contract__")).exists():
        raise ContractFrozen(_("The partners of a vetted or signed target cannot change. Amend it instead."))


class PartnerConfirmation(models.Model):
    """A partner institution's acceptance of a shared target that names it, by the partner itself or
    by the performance department overseeing both (``targets.may_confirm_partner``). A named partner
    counts (its results shown beside the lead's) only with one; naming alone proves nothing."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="partner_confirmations")
    partner = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("partner institution"))
    # The lead's (the target's) institution, so the row scopes with its target.
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("partner confirmation")
        constraints = [models.UniqueConstraint(fields=["target", "partner"], name="partner_confirmed_once")]

    def __str__(self):
        return f"{self.partner} · {self.target}"


class ContractVersion(models.Model):
    """The content of one version as vetted and signed: canonical JSON and its SHA-256.

    ``verify_code`` is the unguessable key of the public verification page.
    """

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="versions")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("signed content"))
    content_hash = models.CharField(_("SHA-256"), max_length=64)
    verify_code = models.CharField(_("verification code"), max_length=64, unique=True)
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(_("fully signed"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("contract version")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique")]

    def __str__(self):
        return f"{self.contract} v{self.number}"

    def get_absolute_url(self):
        return reverse("contract-verify", args=[self.verify_code])


@receiver(post_save, sender=FinancialYear)
def sync_year_start(sender, instance, created, raw=False, **kwargs):
    """A year whose start date moved carries its contracts' copy (``PerformanceContract.year_start``)
    with it, by a queryset update that passes by ``save``'s frozen-contract checks: the copy is no signed
    content. (A bulk ``FinancialYear`` update sends no signal and leaves the copies behind.)"""
    if created or raw:
        return
    PerformanceContract.objects.filter(financial_year=instance).exclude(year_start=instance.start_date).update(
        year_start=instance.start_date)
