"""The year-end evaluation of an institution's performance contract, and what each oversight body sets
for it (the policy: deadline, non-submission rule)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts.models import evidence_name  # a random stored name, as for reported actuals
from pmis.models import Institution
from pmis.tenancy import TenantManager
from scorecards.models import NUMBER

USER = settings.AUTH_USER_MODEL


class EvaluationPolicy(models.Model):
    """What an oversight body sets for the evaluation of the institutions under it (data, not code). The
    self-evaluation's deadline is the cycle calendar's (``notifications``: the "self_evaluation" stage)."""

    institution = models.OneToOneField(Institution, on_delete=models.CASCADE, related_name="evaluation_policy",
                                       verbose_name=_("oversight body"))
    grade_non_submission = models.BooleanField(
        _("grade institutions that do not submit"), default=True,
        help_text=_("An institution that has not submitted its self-evaluation by the deadline gets the "
                    "worst grade for the year, marked “not submitted”."))
    non_submission_grade = models.CharField(
        _("grade for non-submission"), max_length=64, blank=True,
        help_text=_("Blank: the worst grade of the contract's bands."))

    class Meta:
        verbose_name = _("evaluation policy")
        verbose_name_plural = _("evaluation policies")

    def __str__(self):
        return str(self.institution)


class Evaluation(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Self-evaluation in progress")
        SUBMITTED = "submitted", _("Self-evaluation submitted")
        ADJUSTED = "adjusted", _("Adjustments shared with the institution")
        RESPONDED = "responded", _("The institution has responded")
        CONCLUDED = "concluded", _("Evaluation concluded")
        NOT_SUBMITTED = "not_submitted", _("Not submitted")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("institution"))
    # A contract is deleted only while a draft, long before it is evaluated.
    contract = models.OneToOneField("contracts.PerformanceContract", on_delete=models.CASCADE,
                                    related_name="evaluation", verbose_name=_("contract"))
    financial_year = models.ForeignKey("pmis.FinancialYear", on_delete=models.PROTECT, related_name="+")
    #: the calendar year the financial year starts in: the public results are per year across institutions
    year_start = models.PositiveSmallIntegerField(_("year"), db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    due_date = models.DateField(_("self-evaluation due"))
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    second_factor = models.BooleanField(default=False)
    response = models.TextField(_("the institution's response"), blank=True)
    responded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    composite = models.DecimalField(_("evaluated composite"), **NUMBER, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=64, blank=True)
    #: the evaluated scorecard's perspectives at conclusion ([{"name", "weight", "score", "grade"}]), so the
    #: public results show each institution's summary without scoring it again
    summary = models.JSONField(_("summary scorecard"), default=list, blank=True)
    concluded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)
    moderated_composite = models.DecimalField(_("moderated composite"), **NUMBER, null=True, blank=True)
    moderated_grade = models.CharField(_("moderated grade"), max_length=64, blank=True)
    moderation_reason = models.TextField(_("reason for the moderation"), blank=True)
    moderated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True, db_index=True)
    released_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("institution evaluation")
        verbose_name_plural = _("institution evaluations")
        ordering = ["-year_start", "institution__name"]
        constraints = [
            models.CheckConstraint(condition=Q(moderated_composite__isnull=True) | ~Q(moderation_reason=""),
                                   name="evaluation_moderation_has_reason"),
        ]

    def __str__(self):
        return f"{self.institution} {self.financial_year}"

    def get_absolute_url(self):
        return reverse("evaluation-detail", args=[self.pk])

    @property
    def final_composite(self):
        return self.moderated_composite if self.moderated_composite is not None else self.composite

    @property
    def final_grade(self):
        return self.moderated_grade or self.grade

    @property
    def not_submitted(self) -> bool:
        return self.state == self.State.NOT_SUBMITTED


class Achievement(models.Model):
    """One target's achievement for the year: the institution's own figure, then the evaluator's."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="achievements")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey("contracts.Target", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("target"))
    self_actual = models.DecimalField(_("achievement for the year"), **NUMBER, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True,
                                help_text=_("Where the evidence is: documents, reports, links."))
    evaluated_actual = models.DecimalField(_("evaluated achievement"), **NUMBER, null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    evaluated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["target__perspective__order", "target__order", "target_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "target"], name="achievement_once")]

    def __str__(self):
        return str(self.target)

    @property
    def achievement(self):
        """The year's achievement as evaluated: the evaluator's figure where they set one."""
        return self.evaluated_actual if self.evaluated_actual is not None else self.self_actual

    @property
    def adjusted(self) -> bool:
        return self.evaluated_actual is not None and self.evaluated_actual != self.self_actual


class PhysicalVerification(models.Model):
    """An evaluator's check on the ground of a reported result."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="verifications")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    finding = models.TextField(_("finding"))
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("physical verification")
        verbose_name_plural = _("physical verifications")
        ordering = ["visited_on", "pk"]

    def __str__(self):
        return f"{self.place} {self.visited_on}"


class EvidenceFile(models.Model):
    """A file backing an achievement of the self-evaluation, or an evaluator's physical verification of it;
    served only through the scoped download view."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="files")
    verification = models.ForeignKey(PhysicalVerification, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="files")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=evidence_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("evaluation-evidence", args=[self.pk])


class ExogenousFactor(models.Model):
    """A cause outside the institution's control claimed against one target, and the evaluator's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting the evaluator")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    class Rule(models.TextChoices):
        EXEMPT = "exempt", _("Target left out; its weight spread over the rest")
        ADJUST_TARGET = "adjust_target", _("Target value adjusted")

    achievement = models.OneToOneField(Achievement, on_delete=models.CASCADE, related_name="exogenous_factor")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("exogenous factor"))
    evidence = models.TextField(_("evidence"), blank=True)
    claimed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices, blank=True)
    adjusted_target = models.DecimalField(_("adjusted target value"), **NUMBER, null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("exogenous factor")
        verbose_name_plural = _("exogenous factors")

    def __str__(self):
        return self.description[:80]


class ConsequenceKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    IMPROVEMENT_PLAN = "improvement_plan", _("Improvement plan required")


class ConsequenceRule(models.Model):
    """An oversight body's rule: institutions released with ``grade`` get ``kind`` (data, per body)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("oversight body"))
    grade = models.CharField(_("grade"), max_length=64)
    kind = models.CharField(_("consequence"), max_length=32, choices=ConsequenceKind.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reward or sanction rule")
        verbose_name_plural = _("reward and sanction rules")
        constraints = [models.UniqueConstraint(fields=["institution", "grade", "kind"], name="consequence_rule_once")]

    def __str__(self):
        return f"{self.grade}: {self.get_kind_display()}"


class Consequence(models.Model):
    """A reward or sanction an institution received with a released result."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="consequences")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("consequence"), max_length=32, choices=ConsequenceKind.choices)
    grade = models.CharField(_("grade"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    applied_on = models.DateField(_("applied on"))

    objects = TenantManager()

    class Meta:
        verbose_name = _("reward or sanction")
        verbose_name_plural = _("rewards and sanctions")
        ordering = ["-applied_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "kind"], name="consequence_once")]

    def __str__(self):
        return self.get_kind_display()
