"""A plan's tasks and sub-tasks (profiles with the weekly log): the breakdown of each target, and in a
draft the performer's forms to add to it. Writes go through ``contracts.cycle.tasks``."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pmis.tenancy import scoped
from pmis.views import visible_or_404
from scorecards import profiles

from ..cycle import tasks, workflow
from ..models import PerformanceContract, SubTask, Target, Task


def _parts(request):
    """The posted title, indicator, deadline and weight, or the errors by field."""
    errors, values = {}, {"title": request.POST.get("title", "").strip(),
                          "indicator": request.POST.get("indicator", "").strip()}
    if not values["title"]:
        errors["title"] = _("Give a title.")
    try:
        values["deadline"] = datetime.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        errors["deadline"] = _("Give the deadline as a date.")
    try:
        values["weight"] = Decimal(request.POST.get("weight", "").strip())
        if not values["weight"].is_finite() or not 0 <= values["weight"] <= 100:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["weight"] = _("The weight is a number from 0 to 100.")
    return values, errors


@login_required
@scoped(PerformanceContract)
def plan_tasks(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk,
                              PerformanceContract.objects.select_related("institution", "financial_year"))
    may_edit = workflow.can(request.user, contract, "edit_targets") and profiles.weekly_log_on(contract.institution)
    errors = {}
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the performer adds tasks, while the plan is a draft."))
        values, errors = _parts(request)
        if not errors:
            try:
                if request.POST.get("task"):
                    task = Task.objects.select_related("target__contract").get(
                        pk=int(request.POST["task"]), target__contract=contract)
                    tasks.add_sub_task(request.user, task, **values)
                else:
                    target = Target.objects.select_related("contract").get(
                        pk=int(request.POST.get("target") or 0), contract=contract)
                    tasks.add_task(request.user, target, **values)
            except (Task.DoesNotExist, Target.DoesNotExist, ValueError):
                errors["__all__"] = _("Choose a target or task of this plan.")
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                messages.success(request, _("Added."))
                return redirect("contract-tasks", pk=contract.pk)
    targets = Target.objects.filter(contract=contract).order_by("order", "pk").prefetch_related(
        Prefetch("tasks", Task.objects.order_by("order", "pk").prefetch_related(
            Prefetch("sub_tasks", SubTask.objects.order_by("order", "pk")))))
    return render(request, "contracts/plan_tasks.html", {
        "contract": contract, "targets": targets, "may_edit": may_edit, "errors": errors,
        "posted": request.POST if errors else {},
        "weekly": profiles.weekly_log_on(contract.institution),
    }, status=400 if errors else 200)
