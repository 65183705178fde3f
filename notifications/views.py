import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pmis import access
from pmis.models import FinancialYear, Institution, Role
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import cycle, inbox, kinds, language, services
from .models import LanguagePreference, Notification, NotificationPreference, Stage, StageDefault
from .selectors import status_of, task_filters


@login_required
def task_list(request):
    """Everything waiting for the user (or, with ``team=1``, for the people they lead), overdue first."""
    team = request.GET.get("team") == "1"
    items = inbox.team_items(request.user) if team else None
    if items is None:
        team = False
        items = inbox.open_for(request.user)
    places = Institution.objects.filter(pk__in=items.values("institution_id")).order_by("name")
    items, chosen = task_filters(request, items)
    today = inbox.today()
    page = Paginator(inbox.overdue_first(items, today), 25).get_page(request.GET.get("page"))
    page.object_list = inbox.rows(page.object_list, today, who=team)
    return render(request, "notifications/tasks.html", {
        "page": page, "team": team, "kinds": inbox.kind_choices(), "institutions": places, "chosen": chosen,
        "leads": team or inbox.team_items(request.user) is not None,
    })


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    if request.POST.get("all"):
        services.mark_all_read(request.user)
    else:
        try:
            pk = int(request.POST.get("id", ""))
        except ValueError:
            pk = None
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        services.mark_read(request.user, notification)
        target = request.POST.get("next")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return redirect(target)
    return redirect("notifications:list")


@login_required
def preferences(request):
    categories = kinds.non_critical_categories()
    current = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("category", "email")
    )
    if request.method == "POST":
        services.set_email_preferences(
            request.user, {key: request.POST.get(f"email_{key}") == "on" for key, _label in categories}
        )
        language.choose(request, request.POST.get("language", ""))
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    rows = [(key, label, current.get(key, True)) for key, label in categories]
    work = set(inbox.KINDS)
    critical = [label for _key, (label, is_critical) in kinds.CATEGORIES.items() if is_critical]
    chosen = (LanguagePreference.objects.filter(user=request.user).values_list("language", flat=True).first()
            or settings.LANGUAGE_CODE)
    return render(request, "notifications/preferences.html", {
        "rows": [r for r in rows if r[0] not in work], "work_rows": [r for r in rows if r[0] in work],
        "critical": critical, "language": chosen, "languages": settings.LANGUAGES})


def can_edit_calendar(user, institution) -> bool:
    if user.is_superuser:
        return True
    return bool(access.roles_in(user, institution.pk) & {Role.ADMIN, Role.PERFORMANCE_OFFICER})


@login_required
@scoped(FinancialYear)
def calendar(request, pk):
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    editable = can_edit_calendar(request.user, year.institution)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        try:
            stage = request.POST.get("stage", "")
            raw = request.POST.get("due_date", "")
            due = None if request.POST.get("reset") else datetime.date.fromisoformat(raw)
            cycle.override_deadline(request.user, year, stage, due)
        except ValueError:
            messages.error(request, _("Enter a date as YYYY-MM-DD."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The deadline is saved."))
        return redirect("notifications:calendar", pk=year.pk)
    today = timezone.localdate()
    rows = [(d, *status_of(d, today)) for d in cycle.calendar_for(year)]
    return render(request, "notifications/calendar.html", {"year": year, "rows": rows, "editable": editable})


@login_required
def calendar_defaults(request):
    """The performance department's default deadlines (days after the start of the year)."""
    bodies = Institution.objects.filter(kind=Institution.Kind.OVERSIGHT)
    if not request.user.is_superuser:
        bodies = bodies.filter(memberships__user=request.user, memberships__role=Role.OVERSIGHT)
    bodies = list(bodies.distinct().order_by("name"))
    if not bodies:
        raise PermissionDenied
    body = bodies[0]
    if request.GET.get("body"):
        body = next((b for b in bodies if str(b.pk) == request.GET["body"]), body)
    if request.method == "POST":
        try:
            cycle.set_stage_default(request.user, body, request.POST.get("stage", ""),
                                    int(request.POST.get("offset_days", "")))
        except ValueError:
            messages.error(request, _("Enter a whole number of days."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The default is saved."))
        return redirect(f"{request.path}?body={body.pk}")
    own = dict(StageDefault.objects.filter(institution=body).values_list("stage", "offset_days"))
    effective = cycle.offsets_for([body])[body.pk]
    rows = [(value, label, effective[value], value in own) for value, label in Stage.choices if value in cycle.YEARLY]
    return render(request, "notifications/defaults.html", {"body": body, "bodies": bodies, "rows": rows})
