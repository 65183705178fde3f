"""The weekly task log's pages: an officer's week (log it), the supervisor's review of it, and the
supervisor's team for a week. Plans are looked up within the user's institutions (another's answers
404) and open only to the plan's officer and supervisor. Writes go through ``appraisals.weekly``."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import scores
from contracts.models import PerformanceContract
from pmis.access import NotAllowed
from pmis.tenancy import scoped

from . import weekly


def _plan(user, pk):
    plan = (PerformanceContract.objects.visible_to(user).select_related("officer__user", "institution",
                                                                        "financial_year", "counterparty")
            .filter(pk=pk, level="officer").first())
    if plan is None or not (user.is_superuser or user.pk in (plan.performer_id, plan.counterparty_id)):
        raise Http404
    if not weekly.uses_weekly_log(plan):
        raise Http404
    return plan


def _week(request):
    return weekly.parse_week(request.GET.get("week") or request.POST.get("week")) or weekly.week_of(
        timezone.localdate())


def _url(name, pk, week):
    return f"{reverse(name, args=[pk])}?week={week.isoformat()}"


@login_required
@scoped(PerformanceContract, confidential=True)
def week(request, pk):
    """The officer's week: one row per sub-task (progress, note, evidence); the supervisor sees it read-only
    with the marking form."""
    plan = _plan(request.user, pk)
    week_start = _week(request)
    errors, posted = {}, {}
    if request.method == "POST":
        entries = {}
        for key, value in request.POST.items():
            kind, _sep, sub_id = key.partition("-")
            if kind in ("progress", "note") and sub_id.isdigit():
                entries.setdefault(int(sub_id), {})[kind] = value
        evidence = {int(k.partition("-")[2]): f for k, f in request.FILES.items()
                    if k.startswith("evidence-") and k.partition("-")[2].isdigit()}
        try:
            weekly.log_week(request.user, plan, week_start, entries, evidence)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            posted = request.POST
        else:
            messages.success(request, _("Your week is saved."))
            return redirect(_url("appraisals:week", plan.pk, week_start))
    return _render_week(request, plan, week_start, errors, posted, status=400 if errors else 200)


def _render_week(request, plan, week_start, errors, posted, status=200):
    data = weekly.week_rows(plan, week_start)
    score = scores.score(plan)
    rows = []
    for row in data.rows:
        sub = row.sub_task
        key = str(sub.pk)
        rows.append({
            "sub": sub, "log": row.log, "mark": weekly.has_mark(sub) and sub.mark,
            "progress": posted.get(f"progress-{key}", row.log.progress if row.log else ""),
            "note": posted.get(f"note-{key}", row.log.note if row.log else ""),
            "progress_error": errors.get(f"progress-{key}", [""])[0] if errors else "",
            "evidence_error": errors.get(f"evidence-{key}", [""])[0] if errors else "",
            "mark_error": errors.get(f"mark-{key}", [""])[0] if errors else "",
            "mark_value": posted.get(f"mark-{key}", ""),
        })
    return render(request, "appraisals/weekly_week.html", {
        "plan": plan, "week_start": week_start, "week_end": week_start + datetime.timedelta(days=6),
        "previous": week_start - datetime.timedelta(days=7), "next": week_start + datetime.timedelta(days=7),
        "rows": rows, "review": data.review, "unmarked": data.unmarked,
        "may_log": weekly.may_log(request.user, plan), "may_review": weekly.may_review(request.user, plan),
        "errors": errors.get("__all__", []) if errors else [],
        "score": score,
    }, status=status)


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True, confidential=True)
def review(request, pk):
    """The supervisor's review of the week: a comment and the sub-tasks' marks."""
    plan = _plan(request.user, pk)
    week_start = _week(request)
    given = {int(k.partition("-")[2]): v for k, v in request.POST.items()
             if k.startswith("mark-") and k.partition("-")[2].isdigit()}
    try:
        weekly.review_week(request.user, plan, week_start, comment=request.POST.get("comment", ""),
                           marks_given=given)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _render_week(request, plan, week_start, errors, request.POST, status=400)
    messages.success(request, _("The week is reviewed."))
    return redirect(_url("appraisals:week", plan.pk, week_start))


@login_required
def team_week(request):
    """The supervisor's team for a week: each officer's sub-tasks with what they logged, and the
    review and marking of each. A fixed number of queries a page, whatever the team's size."""
    week_start = _week(request)
    page = Paginator(weekly.team_plans(request.user), weekly.TEAM_PAGE).get_page(request.GET.get("page"))
    plans = list(page.object_list)
    return render(request, "appraisals/weekly_team.html", {
        "page": page, "weeks": weekly.team_week(plans, week_start), "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6),
        "previous": week_start - datetime.timedelta(days=7), "next": week_start + datetime.timedelta(days=7),
    })
