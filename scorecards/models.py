"""What a scorecard is made of, per institution and financial year: perspectives (or performance-
criteria categories) with their weights, strategic objectives, indicator definitions, and the
scoring scheme and band table each contract level is scored with.

The arithmetic lives in ``scorecards.scoring``; these models only hold the data it is given.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmis.models import FinancialYear, Institution
from pmis.tenancy import TenantManager, check_same_institution

from . import scoring
from .naming import perspective_label

NUMBER = {"max_digits": 20, "decimal_places": 4}


class Scheme(models.TextChoices):
    KENYA_PC = "kenya_pc", _("Kenya performance contract (criteria values, 1 best … 5 worst)")
    PERCENT_ACHIEVEMENT = "percent_achievement", _("Percentage achievement of target (SPAS)")
    OPRAS = "opras", _("OPRAS marks (Tanzania)")
    LIKERT_5 = "likert_5", _("Rating 1–5 (Uganda performance agreement)")
    PEPMIS = "pepmis", _("Task scores 0–100 (Tanzania PEPMIS)")


assert set(Scheme.values) == set(scoring.SCHEMES), "Scheme choices must follow the scoring engine"


class ContractLevel(models.TextChoices):
    """Who a performance contract binds; declared here so a scoring policy can name it."""

    INSTITUTION = "institution", _("Institution")
    UNIT = "unit", _("Directorate or unit")
    OFFICER = "officer", _("Officer")


def level_order(field="level"):
    """An ORDER BY expression putting institution before unit before officer."""
    return models.Case(
        models.When(**{field: ContractLevel.INSTITUTION}, then=0),
        models.When(**{field: ContractLevel.UNIT}, then=1),
        default=2,
    )


class Direction(models.TextChoices):
    HIGHER = scoring.HIGHER, _("Higher is better")
    LOWER = scoring.LOWER, _("Lower is better")


def band_errors(bands, scheme) -> list[str]:
    """The problems of a band table for ``scheme``, as one message per offending field."""
    if scheme not in scoring.SCHEMES:
        return []
    try:
        scoring.validate_bands(bands, scheme)
    except scoring.ScoringValidationError as exc:
        return [f"{path}: {' '.join(msgs)}" for path, msgs in exc.errors.items()]
    return []


# ---------------------------------------------------------------------------------------------
# Band tables and scoring policies


class BandTable(models.Model):
    """A named grade table for one scheme, e.g. ``kenya_pc`` or ``kenya_pc_2013``.

    Editing the limits bumps ``version``. Contracts copy the bands when they are created, so a
    change here reaches next year's contracts and never a contract already scored.
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="band_tables", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="band_tables", verbose_name=_("financial year")
    )
    name = models.CharField(_("name"), max_length=64)
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    bands = models.JSONField(
        _("bands"), help_text=_('Best grade first: [{"grade": "Excellent", "limit": "2.40"}, …]')
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["financial_year", "name"]
        verbose_name = _("band table")
        verbose_name_plural = _("band tables")
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "name"], name="band_table_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def clean(self):
        errors = {}
        check_same_institution(errors, "financial_year", getattr(self, "financial_year", None), self.institution_id)
        if problems := band_errors(self.bands, self.scheme):
            errors["bands"] = problems
        if errors:
            raise ValidationError(errors)


class ScoringPolicy(models.Model):
    """Which scheme and band table an institution's contracts of one level use in one year."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="scoring_policies", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="scoring_policies", verbose_name=_("financial year")
    )
    level = models.CharField(_("contract level"), max_length=16, choices=ContractLevel.choices)
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    band_table = models.ForeignKey(
        BandTable, on_delete=models.PROTECT, related_name="policies", verbose_name=_("band table")
    )
    category_weights = models.BooleanField(
        _("enforce category weights"),
        default=True,
        help_text=_("Targets in each perspective or criteria category must add up to the category's weight."),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["financial_year", "level"]
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "level"], name="scoring_policy_unique_level"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.scheme} / {self.band_table}"

    def clean(self):
        errors = {}
        check_same_institution(errors, "financial_year", getattr(self, "financial_year", None), self.institution_id)
        table = getattr(self, "band_table", None)
        check_same_institution(errors, "band_table", table, self.institution_id)
        if table is not None and table.scheme != self.scheme:
            errors["band_table"] = _("The band table is for the %(scheme)s scheme.") % {"scheme": table.scheme}
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Perspectives, objectives, indicators


class Perspective(models.Model):
    """A balanced-scorecard perspective or a performance-criteria category, with its weight."""

    class Kind(models.TextChoices):
        BSC_PERSPECTIVE = "bsc_perspective", _("Balanced-scorecard perspective")
        PC_CRITERIA_CATEGORY = "pc_criteria_category", _("Performance-criteria category")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="perspectives", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="perspectives", verbose_name=_("financial year")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"), **NUMBER, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["financial_year", "order", "name"]
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "code"], name="perspective_unique_code"),
        ]

    def __str__(self):
        return perspective_label(self.name)

    @property
    def label(self) -> str:
        return perspective_label(self.name)

    def clean(self):
        errors = {}
        check_same_institution(errors, "financial_year", getattr(self, "financial_year", None), self.institution_id)
        if errors:
            raise ValidationError(errors)


class StrategicObjective(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="strategic_objectives", verbose_name=_("institution")
    )
    perspective = models.ForeignKey(
        Perspective, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("perspective")
    )
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["perspective", "order", "name"]
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        check_same_institution(errors, "perspective", getattr(self, "perspective", None), self.institution_id)
        if errors:
            raise ValidationError(errors)


class Indicator(models.Model):
    """What is measured and how; targets set the values for one contract."""

    class MeasurementType(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        CURRENCY = "currency", _("Currency")
        MILESTONE = "milestone", _("Date / milestone (days from the start of the year)")
        YES_NO = "yes_no", _("Yes / no (1 = yes, 0 = no)")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=64, blank=True)
    measurement_type = models.CharField(_("measurement type"), max_length=16, choices=MeasurementType.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)

    objects = TenantManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="indicator_unique_name"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# The summary table: one row per contract and quarter, maintained by ``scorecards.summary`` when
# actuals are verified, so dashboards and league tables read it and never scan targets.


class ContractScore(models.Model):
    class Reporting(models.TextChoices):
        NOT_STARTED = "not_started", _("Not reported")
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted, being verified")
        VERIFIED = "verified", _("Verified")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="contract_scores")
    contract = models.ForeignKey(
        "contracts.PerformanceContract", on_delete=models.CASCADE, related_name="scores"
    )
    financial_year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    #: The calendar year the financial year starts in, so institutions' years line up in a league table.
    year_start = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("contract level"), max_length=16, choices=ContractLevel.choices)
    period = models.PositiveSmallIntegerField(_("quarter"))
    scheme = models.CharField(_("scheme"), max_length=32, choices=Scheme.choices)
    composite = models.DecimalField(_("composite"), **NUMBER, null=True, blank=True)
    #: The composite turned so that larger is better on every scheme (for ranking).
    standing = models.DecimalField(**NUMBER, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=64, blank=True)
    tone = models.CharField(max_length=8, blank=True)
    perspectives = models.JSONField(_("per-perspective scores"), default=list)
    targets = models.JSONField(_("targets"), default=list)
    reporting = models.CharField(_("reporting"), max_length=16, choices=Reporting.choices,
                                 default=Reporting.NOT_STARTED)
    targets_total = models.PositiveIntegerField(default=0)
    targets_verified = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)
    amber = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    budget_allocated = models.DecimalField(**NUMBER, null=True, blank=True)
    budget_spent = models.DecimalField(**NUMBER, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "period"]
        verbose_name = _("contract score")
        verbose_name_plural = _("contract scores")
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="contract_score_once")]
        indexes = [models.Index(fields=["year_start", "period", "level", "standing"])]

    def __str__(self):
        return f"{self.contract_id} · Q{self.period}: {self.composite}"

    @property
    def final(self):
        """Every target scored: the composite is the year's (or quarter's) own, not a composite so far."""
        return self.composite is not None and self.targets_verified == self.targets_total

    @property
    def untracked(self):
        return max(self.targets_total - self.green - self.amber - self.red, 0)


# ---------------------------------------------------------------------------------------------
# Country profiles: the set-up one public service starts from, kept as data.


#: The stages a profile names, in the order an officer meets them.
PROFILE_STAGES = ("plan", "monitor", "review", "appraise", "appeal")


def stage_name_in(names, stage, language="en") -> str:
    """One stage's name out of a profile's ``stage_names`` in ``language``; English, then the code, without it."""
    entry = (names if isinstance(names, dict) else {}).get(stage) or {}
    return entry.get("sw" if (language or "").startswith("sw") else "en") or entry.get("en") or stage


class Profile(models.Model):
    """How one public service runs performance management: Kenya's performance contracting and SPAS,
    Tanzania's PEPMIS, Uganda's balanced scorecard. Its values are defaults an institution's new
    financial years and contracts start from; what a contract has copied stays with the contract."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_sw = models.CharField(_("name in Swahili"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    language = models.CharField(
        _("language of the set-up's names"), max_length=8, default="en",
        choices=[("en", "English"), ("sw", "Kiswahili")],
    )
    perspective_kind = models.CharField(_("perspective set"), max_length=32, choices=Perspective.Kind.choices)
    perspectives = models.JSONField(
        _("perspectives or criteria categories"),
        help_text=_('[{"code": "CL", "name": "Client/Customer", "name_sw": "…", "weight": "25"}, …]'),
    )
    schemes = models.JSONField(
        _("scheme per contract level"),
        help_text=_('{"officer": {"scheme": "pepmis", "band_table": "pepmis", "category_weights": false}, …}'),
    )
    fy_start_month = models.PositiveSmallIntegerField(_("financial year starts in month"), default=7)
    stage_names = models.JSONField(
        _("stage names"), help_text=_('{"plan": {"en": "Annual plan", "sw": "Mpango wa Utendaji Kazi"}, …}')
    )
    weekly_log = models.BooleanField(
        _("weekly task log"), default=False,
        help_text=_("Officers break targets into tasks and sub-tasks and log each week; supervisors mark "
                    "sub-tasks 0–100."),
    )
    quarterly_reports = models.BooleanField(_("quarterly progress reports"), default=True)

    class Meta:
        ordering = ["country", "code"]
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        perspectives = self.perspectives if isinstance(self.perspectives, list) else None
        if not perspectives or not all(isinstance(p, dict) and p.get("code") and p.get("name")
                                       for p in perspectives):
            errors["perspectives"] = _("List each perspective with a code, a name and a weight.")
        else:
            try:
                total = sum(Decimal(str(p.get("weight"))) for p in perspectives)
            except ArithmeticError:
                total = None
            if total != 100:
                errors["perspectives"] = _("The perspectives' weights must add up to 100.")
        schemes = self.schemes if isinstance(self.schemes, dict) else {}
        problems = []
        for level in ContractLevel.values:
            entry = schemes.get(level)
            if not isinstance(entry, dict) or entry.get("scheme") not in Scheme.values:
                problems.append(_("Choose a scheme for the %(level)s level.") % {"level": level})
            elif scoring.BAND_TABLE_SCHEME.get(entry.get("band_table")) != entry["scheme"]:
                problems.append(_("The %(level)s level's band table is not one for its scheme.") % {"level": level})
        if problems:
            errors["schemes"] = problems
        names = self.stage_names if isinstance(self.stage_names, dict) else {}
        if not all(isinstance(names.get(stage), dict) and names[stage].get("en") and names[stage].get("sw")
                   for stage in PROFILE_STAGES):
            errors["stage_names"] = _("Name every stage in English and Swahili.")
        if not 1 <= (self.fy_start_month or 0) <= 12:
            errors["fy_start_month"] = _("Choose a month between 1 and 12.")
        if errors:
            raise ValidationError(errors)

    def stage_name(self, stage, language="en"):
        return stage_name_in(self.stage_names, stage, language)


class InstitutionProfile(models.Model):
    """The profile an institution has chosen (without one, the first profile of its country)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="profile_choice", verbose_name=_("institution")
    )
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+", verbose_name=_("profile"))
    chosen_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("institution's profile")
        verbose_name_plural = _("institutions' profiles")

    def __str__(self):
        return f"{self.institution}: {self.profile}"
