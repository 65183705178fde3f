"""Officer appraisal: the year's feedback log, the mid-year review, the year-end appraisal (self,
supervisor, agreed marks, OPRAS attributes, countersigning, acknowledgement), moderation, appeals
and what follows (outcome rules, improvement plans, training needs).

Every row carries ``institution`` for tenancy; who may *read* an appraisal is narrower than the
institution (see ``appraisals.confidentiality``). The functions that write live in
``appraisals.services``.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import PerformanceContract, Target
from pmis.models import FinancialYear, Institution, Officer, OrgUnit
from pmis.tenancy import TenantManager, TenantQuerySet
from scorecards.models import NUMBER

USER = settings.AUTH_USER_MODEL

#: The attributes of good performance (OPRAS form, part of the year-end review).
OPRAS_ATTRIBUTES = [
    _("Working relationships"),
    _("Communication and listening"),
    _("Management and leadership"),
    _("Quality of performance"),
    _("Responsibility and judgement"),
    _("Customer focus"),
    _("Loyalty"),
    _("Integrity"),
]


class AppraisalQuerySet(TenantQuerySet):
    #: filter(user) → Q of the appraisals ``user`` may read: the confidentiality rule, which reads these
    #: models, set on the queryset by AppraisalsConfig.ready (so models do not import the rule).
    readable_filter = None

    def readable_by(self, user):
        reader = type(self).readable_filter
        if reader is None:  # not yet wired: read nothing rather than everything
            return self.none()
        return self.visible_to(user).filter(reader(user))


class Appraisal(models.Model):
    class Status(models.TextChoices):
        IN_YEAR = "in_year", _("In the year (feedback and mid-year review)")
        SELF_SUBMITTED = "self_submitted", _("Self-appraisal submitted")
        SUPERVISOR_DONE = "supervisor_done", _("Appraised by the supervisor")
        COUNTERSIGNED = "countersigned", _("Countersigned")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the officer, awaiting moderation")
        RESULT = "result", _("Result issued (appeal window open)")
        APPEAL = "appeal", _("Under appeal")
        FINAL = "final", _("Final")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("institution"))
    contract = models.OneToOneField(PerformanceContract, on_delete=models.PROTECT, related_name="appraisal",
                                    verbose_name=_("annual plan"))
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="appraisals",
                                verbose_name=_("officer"))
    financial_year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("financial year"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("org unit"))
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("supervisor"))
    countersigner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("second-level supervisor"))
    scheme = models.CharField(_("scheme"), max_length=32)
    bands = models.JSONField(_("bands"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IN_YEAR)

    midyear_progress = models.TextField(_("mid-year progress"), blank=True)
    midyear_at = models.DateTimeField(_("mid-year review held"), null=True, blank=True)
    midyear_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    midyear_amended = models.BooleanField(_("targets amended at mid-year"), default=False)

    self_comments = models.TextField(_("officer's comments"), blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    supervisor_comments = models.TextField(_("supervisor's comments"), blank=True)
    supervisor_at = models.DateTimeField(null=True, blank=True)
    countersign_comment = models.TextField(_("countersigning comment"), blank=True)
    countersigned_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    disagrees = models.BooleanField(_("the officer disagrees"), default=False)
    disagreement = models.TextField(_("officer's disagreement"), blank=True)

    composite = models.DecimalField(_("overall score"), **NUMBER, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=64, blank=True)
    moderated_grade = models.CharField(_("moderated grade"), max_length=64, blank=True)
    final_grade = models.CharField(_("final grade"), max_length=64, blank=True)
    result_at = models.DateTimeField(_("result issued"), null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(AppraisalQuerySet)()

    class Meta:
        ordering = ["-financial_year__start_date", "pk"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")

    def __str__(self):
        return _("Appraisal of %(officer)s, %(year)s") % {"officer": self.officer, "year": self.financial_year}

    def get_absolute_url(self):
        return reverse("appraisals:detail", args=[self.pk])

    @property
    def stage(self) -> str:
        """The country profile's stage the appraisal is in (``scorecards.models.PROFILE_STAGES``)."""
        return "appeal" if self.status == self.Status.APPEAL else "appraise"

    @property
    def effective_grade(self):
        """The grade that counts now: final, else moderated, else computed."""
        return self.final_grade or self.moderated_grade or self.grade

    @property
    def appeal_deadline(self):
        if self.result_at is None:
            return None
        return timezone.localdate(self.result_at) + datetime.timedelta(days=settings.APPRAISAL_APPEAL_DAYS)


class AppraisalItem(models.Model):
    """One target of the plan as appraised. ``*_value`` is the scheme's input for the target: the
    actual achieved (kenya_pc, percent_achievement), a rating 1–5 (likert_5), a score 0–100
    (pepmis) or a mark 1–5 (opras)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="items")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+", verbose_name=_("target"))
    self_value = models.DecimalField(_("officer's value"), **NUMBER, null=True, blank=True)
    self_comment = models.TextField(_("officer's comment"), blank=True)
    supervisor_value = models.DecimalField(_("supervisor's value"), **NUMBER, null=True, blank=True)
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)
    agreed_value = models.DecimalField(_("agreed value"), **NUMBER, null=True, blank=True)
    raw = models.DecimalField(_("score"), **NUMBER, null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["appraisal", "target__order", "target_id"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "target"], name="appraisal_item_once")]

    def __str__(self):
        return str(self.target)


class AttributeMark(models.Model):
    """An OPRAS attribute of good performance, marked 1 (outstanding) to 5 (poor)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="attributes")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("attribute"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    self_mark = models.DecimalField(_("officer's mark"), **NUMBER, null=True, blank=True)
    supervisor_mark = models.DecimalField(_("supervisor's mark"), **NUMBER, null=True, blank=True)
    agreed_mark = models.DecimalField(_("agreed mark"), **NUMBER, null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["appraisal", "order", "pk"]

    def __str__(self):
        return self.name


class FeedbackEntry(models.Model):
    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in")
        COACHING = "coaching", _("Coaching")
        MID_YEAR = "mid_year", _("Mid-year review")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="feedback")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHECK_IN)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("target"))
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["appraisal", "-created_at", "-pk"]

    def __str__(self):
        return self.note[:60]


class TrainingNeed(models.Model):
    """A development need captured in the appraisal, listed per unit for the HR department."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="training_needs")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    need = models.CharField(_("training need"), max_length=300)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["org_unit", "need", "pk"]

    def __str__(self):
        return self.need


class ModerationSession(models.Model):
    """A moderation panel's session for one institution (or one directorate) and year."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    financial_year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("financial year"))
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("directorate"),
                                 help_text=_("Leave empty to moderate the whole institution."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("panel's note"), blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("moderation session")

    def __str__(self):
        scope = self.org_unit or self.institution
        return _("Moderation of %(scope)s, %(year)s") % {"scope": scope, "year": self.financial_year}

    def get_absolute_url(self):
        return reverse("appraisals:moderation", args=[self.pk])


class ModerationAdjustment(models.Model):
    session = models.ForeignKey(ModerationSession, on_delete=models.PROTECT, related_name="adjustments")
    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="adjustments")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    from_grade = models.CharField(_("from"), max_length=64)
    to_grade = models.CharField(_("to"), max_length=64)
    reason = models.TextField(_("reason"))
    adjusted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    adjusted_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["adjusted_at", "pk"]

    def __str__(self):
        return f"{self.from_grade} → {self.to_grade}"


class Appeal(models.Model):
    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the officer's own marks replace the agreed marks")
        VARIED = "varied", _("Varied: the committee sets new marks")
        DISMISSED = "dismissed", _("Dismissed: the result stands")

    appraisal = models.OneToOneField(Appraisal, on_delete=models.PROTECT, related_name="appeal")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("grounds"))
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decision_due = models.DateField(_("decision due by"))
    hearing_date = models.DateField(_("hearing date"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    grade_before = models.CharField(max_length=64, blank=True)
    grade_after = models.CharField(max_length=64, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("appeal")

    def __str__(self):
        return _("Appeal against %(appraisal)s") % {"appraisal": self.appraisal}

    @property
    def is_open(self):
        return not self.decision


def appeal_upload_to(instance, filename):
    return f"appeals/{instance.institution_id}/{instance.appeal_id}/{filename}"


class AppealDocument(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="documents")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=appeal_upload_to)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    def __str__(self):
        return self.name


class OutcomeRule(models.Model):
    """The institution's rewards-and-sanctions table: what a grade leads to."""

    class Outcome(models.TextChoices):
        RECOGNITION = "recognition", _("Recognition")
        BONUS = "bonus", _("Eligible for a performance bonus")
        PROMOTION = "promotion", _("Eligible for promotion")
        WARNING = "warning", _("Written warning")
        IMPROVEMENT_PLAN = "improvement_plan", _("Performance improvement plan")
        TRAINING = "training", _("Targeted training")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["institution", "grade", "outcome"]
        constraints = [models.UniqueConstraint(fields=["institution", "grade", "outcome"], name="outcome_rule_once")]

    def __str__(self):
        return f"{self.grade} → {self.get_outcome_display()}"


class ImprovementPlan(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Result(models.TextChoices):
        IMPROVED = "improved", _("Performance improved to the expected level")
        EXTENDED = "extended", _("Partly improved; a new plan follows")
        NOT_IMPROVED = "not_improved", _("Not improved; referred to HR for action")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="improvement_plans")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    objectives = models.TextField(_("objectives"))
    support = models.TextField(_("support the institution gives"))
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(_("closing outcome"), max_length=16, choices=Result.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("performance improvement plan")

    def __str__(self):
        return _("Improvement plan for %(officer)s") % {"officer": self.appraisal.officer}

    def get_absolute_url(self):
        return reverse("appraisals:pip", args=[self.pk])


class PlanReview(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="reviews")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("review date"))
    note = models.TextField(_("what the review found"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["plan", "due", "pk"]

    def __str__(self):
        return str(self.due)


# ---------------------------------------------------------------------------------------------
# The weekly task log (PEPMIS, and any profile that turns it on)


def weekly_evidence_upload_to(instance, filename):
    # The stored name never comes from the user: institution, plan and week only.
    return f"weekly/{instance.institution_id}/{instance.contract_id}/{instance.week_start:%Y-%m-%d}-{uuid.uuid4().hex}"


class WeeklyLog(models.Model):
    """What an officer did in one week on one sub-task of their signed plan."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="weekly_logs",
                                 verbose_name=_("plan"))
    sub_task = models.ForeignKey("contracts.SubTask", on_delete=models.CASCADE, related_name="weekly_logs",
                                 verbose_name=_("sub-task"))
    #: the Monday the week starts on
    week_start = models.DateField(_("week starting"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)],
        help_text=_("How much of the sub-task is done by the end of the week, 0–100."))
    note = models.TextField(_("what was done"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=weekly_evidence_upload_to, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "week_start", "sub_task"]
        verbose_name = _("weekly log")
        verbose_name_plural = _("weekly logs")
        constraints = [models.UniqueConstraint(fields=["sub_task", "week_start"], name="weekly_log_once")]
        indexes = [models.Index(fields=["contract", "week_start"])]

    def __str__(self):
        return f"{self.sub_task_id} · {self.week_start}: {self.progress}%"


class WeekReview(models.Model):
    """The supervisor's review of an officer's logged week: a comment (marks go on the sub-tasks)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="week_reviews",
                                 verbose_name=_("plan"))
    week_start = models.DateField(_("week starting"))
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "week_start"]
        verbose_name = _("week's review")
        verbose_name_plural = _("weeks' reviews")
        constraints = [models.UniqueConstraint(fields=["contract", "week_start"], name="week_review_once")]

    def __str__(self):
        return f"{self.contract_id} · {self.week_start}"
