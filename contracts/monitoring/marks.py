"""The supervisor's 0–100 marks on a signed plan's sub-tasks (PEPMIS). A task's score is the weighted
mean of its marked sub-tasks, a target's the weighted mean of its tasks (``scores``, the one read
path, rolls them up into the plan's ``pepmis`` composite)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from pmis.access import NotAllowed
from scorecards.models import ContractScore

from ..models import PerformanceContract, SubTask, SubTaskMark
from .rules import REPORTABLE
from .summaries import refresh_summary


def may_mark(user, contract) -> bool:
    """The plan's supervisor (its counter-party) marks its sub-tasks once the plan is signed."""
    if contract.status not in REPORTABLE:
        return False
    return bool(getattr(user, "is_superuser", False) or (user.pk and user.pk == contract.counterparty_id))


def parse_mark(value) -> Decimal:
    try:
        mark = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("A mark is a number from 0 to 100.")) from None
    if not mark.is_finite() or not 0 <= mark <= 100:
        raise ValidationError(_("A mark is a number from 0 to 100."))
    return mark


@transaction.atomic
def mark_sub_task(actor, sub_task, mark, comment=""):
    """Record (or change) the mark of ``sub_task``; one audit event per change."""
    contract = PerformanceContract.objects.select_for_update().get(pk=sub_task.contract_id)
    if not may_mark(actor, contract):
        raise NotAllowed(_("Only the plan's supervisor marks its sub-tasks, once the plan is signed."))
    mark = parse_mark(mark)
    found = SubTaskMark.objects.filter(sub_task=sub_task).first()
    if found is not None and found.mark == mark and found.comment == comment:
        return found
    before = audit.snapshot(found) if found else None
    if found is None:
        found = SubTaskMark(sub_task=sub_task, contract=contract, institution_id=contract.institution_id)
    found.mark, found.comment, found.marked_by = mark, comment, actor
    found.full_clean()
    found.save()
    audit.record(actor, "sub_task.mark", found, before, audit.snapshot(found))
    # Stored quarters of the plan count the marks too: refresh the earliest (it refreshes the later ones).
    stored = ContractScore.objects.filter(contract=contract).order_by("period").values_list("period", flat=True)
    if first := next(iter(stored), None):
        refresh_summary(contract, first)
    return found


def sub_tasks_of(contract_ids):
    """The sub-tasks of the plans ``contract_ids`` with their tasks, targets and marks: one query."""
    return (SubTask.objects.filter(contract_id__in=contract_ids)
            .select_related("task__target", "mark").order_by("contract_id", "task__target__order",
                                                              "task__target_id", "task__order", "task_id",
                                                              "order", "pk"))
