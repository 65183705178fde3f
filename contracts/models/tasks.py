"""A target broken into tasks and sub-tasks (PEPMIS, and any profile that turns the weekly log on),
and the supervisor's 0–100 mark on each sub-task.

Tasks and sub-tasks are part of the plan: they enter its signed content and freeze with it. A mark
is a result, not content: it is written on a signed plan, like a target's actual.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmis.models import Institution
from pmis.tenancy import TenantManager
from scorecards.models import NUMBER

from .contract import ContractFrozen, PerformanceContract, Target, frozen_contracts

WEIGHT = {"validators": [MinValueValidator(0), MaxValueValidator(100)]}


class _PlanPart(models.Model):
    """What tasks and sub-tasks share: a title, an indicator, a deadline, a weight, frozen with the plan."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("institution"))
    title = models.CharField(_("title"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True,
                                 help_text=_("How completion is shown, e.g. 'Report approved by the council'."))
    deadline = models.DateField(_("deadline"))
    weight = models.DecimalField(_("weight (%)"), **NUMBER, **WEIGHT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TenantManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if PerformanceContract.objects.filter(frozen_contracts(), pk=self._contract_id()).exists():
            raise ContractFrozen(_("The plan is signed or vetted; change its tasks through an amendment."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PerformanceContract.objects.filter(frozen_contracts(), pk=self._contract_id()).exists():
            raise ContractFrozen(_("The plan is signed or vetted; change its tasks through an amendment."))
        return super().delete(*args, **kwargs)

    def _contract_id(self):
        raise NotImplementedError


class Task(_PlanPart):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("target"))

    class Meta:
        ordering = ["target", "order", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def _contract_id(self):
        return Target.objects.filter(pk=self.target_id).values("contract_id")[:1]


class SubTask(_PlanPart):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="sub_tasks", verbose_name=_("task"))
    #: Denormalised so an officer's sub-tasks and their weekly logs are one indexed filter.
    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="sub_tasks",
                                 verbose_name=_("plan"))

    class Meta:
        ordering = ["task", "order", "pk"]
        verbose_name = _("sub-task")
        verbose_name_plural = _("sub-tasks")
        indexes = [models.Index(fields=["contract", "deadline"])]

    def _contract_id(self):
        return self.contract_id

    def clean(self):
        task = getattr(self, "task", None)
        if task is not None and self.deadline and task.deadline and self.deadline > task.deadline:
            raise ValidationError({"deadline": _("A sub-task is due by its task's deadline.")})


class SubTaskMark(models.Model):
    """The supervisor's mark on a sub-task, 0–100; the task and target scores roll up from these."""

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    sub_task = models.OneToOneField(SubTask, on_delete=models.CASCADE, related_name="mark",
                                    verbose_name=_("sub-task"))
    contract = models.ForeignKey(PerformanceContract, on_delete=models.CASCADE, related_name="sub_task_marks")
    mark = models.DecimalField(_("mark (0–100)"), **NUMBER, validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("comment"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = _("sub-task mark")
        verbose_name_plural = _("sub-task marks")

    def __str__(self):
        return f"{self.sub_task}: {self.mark}"
