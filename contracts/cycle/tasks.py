"""A draft plan's tasks and sub-tasks: the functions that add them. They are plan content, so they
change only while the plan's targets do (``targets.check_editable``) and freeze when it is vetted
and signed; the plan's update stage is the amendment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from scorecards import profiles

from ..models import SubTask, Task
from .targets import check_editable

PART_FIELDS = ["title", "indicator", "deadline", "weight", "order"]


def _check_profile(contract):
    if not profiles.weekly_log_on(contract.institution):
        raise ValidationError(_("The institution's profile does not break targets into tasks."))


@transaction.atomic
def add_task(actor, target, **fields):
    check_editable(actor, target.contract)
    _check_profile(target.contract)
    task = Task(target=target, institution_id=target.institution_id, **fields)
    task.full_clean()
    task.save()
    audit.record(actor, "task.create", task, None, audit.snapshot(task))
    return task


@transaction.atomic
def add_sub_task(actor, task, **fields):
    contract = task.target.contract
    check_editable(actor, contract)
    _check_profile(contract)
    sub = SubTask(task=task, contract=contract, institution_id=task.institution_id, **fields)
    sub.full_clean()
    sub.save()
    audit.record(actor, "sub_task.create", sub, None, audit.snapshot(sub))
    return sub
