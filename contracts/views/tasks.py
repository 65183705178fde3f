"""A plan's tasks and sub-tasks (profiles with the weekly log): the breakdown of each target, and in a
draft the performer's forms to add, change and delete them (``tasks.may_edit_tasks``). Writes go
through ``contracts.cycle.tasks``."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pmis.tenancy import scoped
from pmis.views import visible_or_404
from scorecards import profiles

from ..cycle import tasks
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
    may_edit = tasks.may_edit_tasks(request.user, contract)
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
                errors = _errors(exc)
            else:
                messages.success(request, _("Added."))
                return redirect("contract-tasks", pk=contract.pk)
    targets = Target.objects.filter(contract=contract).order_by("order", "pk").prefetch_related(
        Prefetch("tasks", Task.objects.order_by("order", "pk").prefetch_related(
            Prefetch("sub_tasks", SubTask.objects.order_by("order", "pk")))))
    return render(request, "contracts/plan_tasks.html", {
        "contract": contract, "targets": _with_totals(targets), "may_edit": may_edit, "errors": errors,
        "posted": request.POST if errors else {},
        "weekly": profiles.weekly_log_on(contract.institution),
    }, status=400 if errors else 200)


def _errors(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _with_totals(targets):
    """``targets`` with their tasks' weights added up (``task_total``) and each task's sub-tasks'
    (``sub_total``), for the page to show beside the rule checked on submission
    (``cascade.task_weight_problems``: each adds up to 100)."""
    targets = list(targets)
    for target in targets:
        target.task_list = list(target.tasks.all())
        target.task_total = sum((t.weight for t in target.task_list), Decimal(0))
        for task in target.task_list:
            task.sub_list = list(task.sub_tasks.all())
            task.sub_total = sum((s.weight for s in task.sub_list), Decimal(0))
    return targets


#: the parts a plan breaks into, and how each finds its plan
PARTS = {"task": (Task, "target__contract"), "sub": (SubTask, "contract")}


def _part(request, pk, kind, part_pk):
    """The plan (404 outside the user's sight) and its task or sub-task (404 when not this plan's); 403
    unless the user may change the plan's tasks now."""
    contract = visible_or_404(PerformanceContract, request.user, pk,
                              PerformanceContract.objects.select_related("institution", "financial_year"))
    if kind not in PARTS:
        raise Http404(_("Not found."))
    model, path = PARTS[kind]
    part = model.objects.filter(pk=part_pk, **{path: contract}).first()
    if part is None:
        raise Http404(_("Not found."))
    if not tasks.may_edit_tasks(request.user, contract):
        raise PermissionDenied(_("Only the performer changes tasks, while the plan is a draft."))
    return contract, part


@login_required
# Only the plan's performer, while it is a draft (tests/contracts/test_tasks.py lists who may).
@scoped(PerformanceContract, confidential=True, url_kwargs={"kind": "task", "part_pk": 1})
def plan_part_edit(request, pk, kind, part_pk):
    contract, part = _part(request, pk, kind, part_pk)
    errors = {}
    if request.method == "POST":
        values, errors = _parts(request)
        if not errors:
            try:
                (tasks.update_task if kind == "task" else tasks.update_sub_task)(request.user, part, **values)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("contract-tasks", pk=contract.pk)
    shown = request.POST if errors else {"title": part.title, "indicator": part.indicator,
                                         "deadline": part.deadline.isoformat(), "weight": _plain(part.weight)}
    return render(request, "contracts/plan_part_edit.html", {
        "contract": contract, "part": part, "kind": kind, "errors": errors, "shown": shown,
    }, status=400 if errors else 200)


@login_required
# Only the plan's performer, while it is a draft (tests/contracts/test_tasks.py lists who may).
@scoped(PerformanceContract, confidential=True, url_kwargs={"kind": "task", "part_pk": 1})
def plan_part_delete(request, pk, kind, part_pk):
    """GET asks to confirm (the page's button confirms in the browser first); POST deletes."""
    contract, part = _part(request, pk, kind, part_pk)
    if request.method == "POST":
        try:
            (tasks.delete_task if kind == "task" else tasks.delete_sub_task)(request.user, part)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Deleted."))
        return redirect("contract-tasks", pk=contract.pk)
    subs = list(part.sub_tasks.order_by("order", "pk")) if kind == "task" else []
    return render(request, "contracts/plan_part_delete.html",
                  {"contract": contract, "part": part, "kind": kind, "subs": subs})


def _plain(value):
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
