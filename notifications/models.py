"""The cycle calendar, the reminder outbox, in-app notifications and email preferences.

- ``StageDefault``: an oversight body's default deadline for a stage, in days from the start of the
  financial year (code defaults in ``cycle.BUILT_IN_OFFSETS`` when the body sets none).
- ``CycleDeadline``: one stage's deadline for one institution and year, materialised from the
  defaults or overridden by the institution (``overridden``).
- ``Outbox``: one message to one person about one deadline, unique on (deadline, recipient, kind)
  so a reminder exists once however often, or however concurrently, the sweep runs.
- ``Notification``: the in-app copy of a delivered outbox row (one per row: ``outbox`` is unique).
- ``NotificationPreference``: a user's email on/off for a non-critical category.
- ``WorkItem``: the work inbox, materialised: one open row per (assignee, kind, subject) that is
  waiting for the assignee now, kept in step with the rules at every handoff (``inbox``).
- ``LanguagePreference``: the language a user's notifications and emails are written in.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmis.models import FinancialYear, Institution
from pmis.tenancy import TenantManager


class Stage(models.TextChoices):
    TARGET_IDENTIFICATION = "target_identification", _("Target identification (plans drafted)")
    PRE_NEGOTIATION = "pre_negotiation", _("Pre-negotiation review")
    NEGOTIATION = "negotiation", _("Negotiation")
    VETTING = "vetting", _("Vetting")
    SIGNING = "signing", _("Signing")
    Q1_REPORT = "q1_report", _("First quarter report")
    Q2_REPORT = "q2_report", _("Second quarter report")
    Q3_REPORT = "q3_report", _("Third quarter report")
    Q4_REPORT = "q4_report", _("Fourth quarter report")
    APPRAISAL = "appraisal", _("Appraisal")
    APPEAL_WINDOW = "appeal_window", _("Appeal window closes")
    SELF_EVALUATION = "self_evaluation", _("Institution's year-end self-evaluation")
    #: one deadline per week (``CycleDeadline.week_start``), made by ``cycle.ensure_weekly``
    WEEKLY_LOG = "weekly_log", _("Weekly task log")


class StageDefault(models.Model):
    """An oversight body's default deadline for a stage, for every institution under it."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="stage_defaults", verbose_name=_("oversight body")
    )
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    offset_days = models.IntegerField(
        _("days after the start of the financial year"),
        help_text=_("Negative numbers fall before the year starts."),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["institution", "offset_days"]
        verbose_name = _("stage default deadline")
        verbose_name_plural = _("stage default deadlines")
        constraints = [models.UniqueConstraint(fields=["institution", "stage"], name="stage_default_unique")]

    def __str__(self):
        return f"{self.get_stage_display()}: +{self.offset_days}"


class CycleDeadline(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="cycle_deadlines", verbose_name=_("institution")
    )
    financial_year = models.ForeignKey(
        FinancialYear, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("financial year")
    )
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    due_date = models.DateField(_("due date"))
    overridden = models.BooleanField(
        _("set by the institution"), default=False,
        help_text=_("Unset: the date follows the performance department's default."),
    )
    #: the week a weekly stage's deadline is about (its log due ``due_date``); None for the yearly stages
    week_start = models.DateField(_("week starting"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["due_date", "stage"]
        verbose_name = _("cycle deadline")
        verbose_name_plural = _("cycle deadlines")
        constraints = [
            models.UniqueConstraint(fields=["financial_year", "stage"], condition=Q(week_start__isnull=True),
                                    name="cycle_deadline_unique_stage"),
            models.UniqueConstraint(fields=["financial_year", "stage", "week_start"],
                                    condition=Q(week_start__isnull=False), name="cycle_deadline_unique_week"),
        ]
        indexes = [models.Index(fields=["due_date"])]

    def __str__(self):
        return f"{self.get_stage_display()} — {self.due_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("notifications:calendar", args=[self.financial_year_id])


class Kind(models.TextChoices):
    """What an outbox row says. ``due_<n>`` kinds are generated from REMINDER_DAYS (see kinds.py)."""

    OVERDUE = "overdue", _("Overdue")
    ESCALATE_SUPERVISOR = "escalate_supervisor", _("Escalated to the supervisor")
    ESCALATE_PERFORMANCE_OFFICER = "escalate_performance_officer", _("Escalated to the performance officer")


class Outbox(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # No database FK constraints on this transient queue: checking them (a FOR KEY SHARE lock on
    # every referenced user) doubled the sweep's time over 100,000 reminders. Deletes through the
    # ORM still cascade (Django's collector), and the sender skips a row whose people are gone.
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # A reminder is about a deadline; a handoff's message is about a work item (exactly one is set).
    deadline = models.ForeignKey(CycleDeadline, on_delete=models.CASCADE, related_name="outbox", db_constraint=False,
                                 null=True, blank=True)
    item = models.ForeignKey("WorkItem", on_delete=models.CASCADE, related_name="outbox", db_constraint=False,
                             null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    kind = models.CharField(max_length=40)
    critical = models.BooleanField(default=False)
    # How many people an escalation is about; the text is rendered when the row is delivered.
    count = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    emailed = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "recipient", "kind"], name="outbox_once_per_kind"),
            # One message per handoff (a work item is opened once per handoff) and recipient.
            models.UniqueConstraint(fields=["item", "recipient", "kind"], name="outbox_once_per_item"),
        ]
        indexes = [
            # The sender's claim: only unsent rows are in this index, so it stays small.
            models.Index(
                fields=["status", "id"], name="outbox_unsent",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id} ({self.status})"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    outbox = models.OneToOneField(Outbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification")
    kind = models.CharField(max_length=40)
    critical = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("category"), max_length=32)
    email = models.BooleanField(_("send me an email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.category}: {'email' if self.email else 'in-app'}"


class WorkItem(models.Model):
    """Something waiting for ``assignee``: ``kind`` (see ``inbox.KINDS``) on one subject.

    Open while ``closed_at`` is empty; at most one open row per (assignee, kind, subject, number), so
    a repeated handoff (a replayed request, a retried task) finds the row and opens nothing. A row is
    closed, never deleted, when the subject moves on; a later handoff of the same kind opens a new row
    (and so a new notification). ``title`` and ``url`` are copied from the subject so that lists and
    the home page read this table alone.
    """

    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_items",
                                 verbose_name=_("assignee"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("institution"))
    kind = models.CharField(_("kind"), max_length=32)
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    #: a part of the subject (a quarter of a contract), 0 when the subject is whole
    number = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("on"), max_length=300)
    url = models.CharField(max_length=300)
    since = models.DateTimeField(_("since"))
    due = models.DateField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.UniqueConstraint(
                fields=["assignee", "kind", "subject_type", "subject_id", "number"], name="work_item_open_once",
                condition=Q(closed_at__isnull=True),
            ),
        ]
        indexes = [
            # The badge's count and the inbox's page: the assignee's open items only.
            models.Index(fields=["assignee", "due"], name="work_item_open", condition=Q(closed_at__isnull=True)),
            # Resync: the open items of a subject.
            models.Index(fields=["subject_type", "subject_id"], name="work_item_subject",
                         condition=Q(closed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.kind} → {self.assignee_id}: {self.title}"


class LanguagePreference(models.Model):
    """The language PMIS writes to a user in (notifications and emails); the site's default without it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self):
        return f"{self.user_id}: {self.language}"


class Nudge(models.Model):
    """One press of "remind them" on a coverage figure: who pressed it, when, and how many officers it
    reminded. Each reminded officer gets one outbox row keyed on the nudge (``kind`` ``nudge_<id>``), so
    a retried send writes none twice; a second press on the same figure within
    ``PMIS_REMIND_AGAIN_AFTER_MINUTES`` makes no nudge at all."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("institution"))
    financial_year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+",
                                       verbose_name=_("financial year"))
    org_unit = models.ForeignKey("pmis.OrgUnit", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("org unit"))
    figure = models.CharField(_("figure"), max_length=16)
    period = models.PositiveSmallIntegerField(_("quarter"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                verbose_name=_("sent by"))
    recipients = models.PositiveIntegerField(_("officers reminded"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("coverage reminder")
        verbose_name_plural = _("coverage reminders")
        indexes = [models.Index(fields=["institution", "figure", "-created_at"], name="nudge_latest")]

    def __str__(self):
        return f"{self.figure} Q{self.period} → {self.recipients}"
