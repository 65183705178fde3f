"""A draft plan's tasks and sub-tasks: the functions that add, change and delete them, who may
(``may_edit_tasks``); their weights are checked when the plan is submitted (``cascade``). They are
plan content, so they change only while the plan's targets do (``targets.check_editable``) and freeze
when it is vetted and signed; the plan's update stage is the amendment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from scorecards import profiles

from ..models import SubTask, Task
from . import workflow
from .targets import check_editable

PART_FIELDS = ["title", "indicator", "deadline", "weight", "order"]


def may_edit_tasks(user, contract) -> bool:
    """Whether ``user`` may add, change or delete ``contract``'s tasks and sub-tasks now: the plan's
    performer while it is a draft (``edit_targets``), where the profile breaks targets into tasks. The
    page's forms and buttons and the functions below ask this one rule."""
    return workflow.can(user, contract, "edit_targets") and profiles.weekly_log_on(contract.institution)


def _check_profile(contract):
    if not profiles.weekly_log_on(contract.institution):
        raise ValidationError(_("The institution's profile does not break targets into tasks."))


def _check(actor, contract):
    check_editable(actor, contract)
    _check_profile(contract)


@transaction.atomic
def add_task(actor, target, **fields):
    _check(actor, target.contract)
    task = Task(target=target, institution_id=target.institution_id, **fields)
    task.full_clean()
    task.save()
    audit.record(actor, "task.create", task, None, audit.snapshot(task))
    return task


@transaction.atomic
def add_sub_task(actor, task, **fields):
    contract = task.target.contract
    _check(actor, contract)
    sub = SubTask(task=task, contract=contract, institution_id=task.institution_id, **fields)
    sub.full_clean()
    sub.save()
    audit.record(actor, "sub_task.create", sub, None, audit.snapshot(sub))
    return sub


def _update(actor, part, contract, action, fields):
    _check(actor, contract)
    before = audit.snapshot(part, PART_FIELDS)
    for name, value in fields.items():
        if name not in PART_FIELDS:
            raise ValidationError(_("“%(field)s” is not a field of a task.") % {"field": name})
        setattr(part, name, value)
    part.full_clean()
    part.save()
    audit.record(actor, action, part, before, audit.snapshot(part, PART_FIELDS))
    return part


@transaction.atomic
def update_task(actor, task, **fields):
    """Change a draft plan's task (its title, indicator, deadline, weight or order)."""
    task = Task.objects.select_related("target__contract__institution").get(pk=task.pk)
    return _update(actor, task, task.target.contract, "task.update", fields)


@transaction.atomic
def update_sub_task(actor, sub, **fields):
    sub = SubTask.objects.select_related("task", "contract__institution").get(pk=sub.pk)
    return _update(actor, sub, sub.contract, "sub_task.update", fields)


@transaction.atomic
def delete_task(actor, task):
    """Delete a draft plan's task and its sub-tasks (each audited)."""
    task = Task.objects.select_related("target__contract__institution").get(pk=task.pk)
    _check(actor, task.target.contract)
    for sub in task.sub_tasks.order_by("pk"):
        _delete(actor, sub, "sub_task.delete")
    _delete(actor, task, "task.delete")


@transaction.atomic
def delete_sub_task(actor, sub):
    sub = SubTask.objects.select_related("contract__institution").get(pk=sub.pk)
    _check(actor, sub.contract)
    _delete(actor, sub, "sub_task.delete")


def _delete(actor, part, action):
    before = audit.snapshot(part, PART_FIELDS)
    part_id = part.pk
    part.delete()
    part.pk = part_id  # the audit event names the row that was
    audit.record(actor, action, part, before, None)
