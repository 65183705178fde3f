"""The contracting cycle's records: transitions, comments, negotiation rounds and vetting checks."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager

from .contract import PerformanceContract, Target

# ---------------------------------------------------------------------------------------------
# The contracting cycle's records. Each carries ``institution`` (denormalised) so it scopes alone.


class ContractTransition(models.Model):
    """One step of a contract through the cycle: who moved it, from where to where, and why."""

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="transitions")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=32, choices=PerformanceContract.Status.choices)
    to_status = models.CharField(_("to"), max_length=32, choices=PerformanceContract.Status.choices)
    version = models.PositiveIntegerField(_("version"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["contract", "created_at", "pk"]
        verbose_name = _("contract transition")

    def __str__(self):
        return f"{self.contract}: {self.from_status} → {self.to_status}"


class ContractComment(models.Model):
    """A reviewer's remark on a contract or one of its targets (pre-negotiation, vetting, return)."""

    class Stage(models.TextChoices):
        PRE_NEGOTIATION = "pre_negotiation", _("Pre-negotiation review")
        NEGOTIATION = "negotiation", _("Negotiation")
        VETTING = "vetting", _("Vetting")

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="comments")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices)
    version = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")

    def __str__(self):
        return self.body[:80]


class NegotiationRound(models.Model):
    """One proposal in the negotiation of a target: new values with a comment, and the answer.

    A counter-proposal is a new round pointing at the one it answers, so every round is kept.
    """

    class Side(models.TextChoices):
        PERFORMER = "performer", _("Performer")
        COUNTERPARTY = "counterparty", _("Counter-party")

    class State(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        COUNTERED = "countered", _("Countered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: What a round may change on a target.
    NEGOTIABLE = [
        "baseline", "target_value", "criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair",
        "criteria_poor", "weight", "budget_allocated",
    ]

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="rounds")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("target"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("round"))
    side = models.CharField(_("proposed by"), max_length=16, choices=Side.choices)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(_("proposed values"))
    previous = models.JSONField(_("values before"))
    comment = models.TextField(_("comment"))
    answers = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="counters",
        verbose_name=_("answers round"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["target", "number"]
        verbose_name = _("negotiation round")
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="round_number_unique"),
            # At most one open proposal per target: the other side answers before anyone proposes again.
            models.UniqueConstraint(fields=["target"], condition=Q(state="open"), name="round_one_open_per_target"),
        ]

    def __str__(self):
        return f"{self.target} · round {self.number}"


class VettingCheck(models.Model):
    """The vetting committee's finding on one target of one contract version."""

    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="vetting_checks")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="vetting_checks")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    smart = models.BooleanField(_("SMART"), help_text=_("Specific, measurable, achievable, realistic, time-bound."))
    aligned = models.BooleanField(_("aligned"), help_text=_("Traces to the plan and the parent contract."))
    comment = models.TextField(_("comment"), blank=True)
    #: SHA-256 of the target's content as judged (``content.target_content``): a finding counts only
    #: while the target still has that content (``workflow.vetting_gaps``).
    content_hash = models.CharField(_("content vetted (SHA-256)"), max_length=64, blank=True, default="")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("vetting check")
        constraints = [models.UniqueConstraint(fields=["target", "version"], name="vetting_check_once")]

    def __str__(self):
        return f"{self.target} v{self.version}"

    @property
    def passed(self):
        return self.smart and self.aligned
