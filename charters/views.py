"""Public charter pages (no login) and the staff pages that handle complaints."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pmis.middleware import client_ip
from pmis.models import FinancialYear, Institution
from pmis.tenancy import scoped
from pmis.views import visible_or_404

from . import compliance, services
from .forms import ComplaintForm, HandleForm, SpamError, TrackForm
from .models import Charter, Complaint, Service

RATE_WINDOW = 3600

# ---------------------------------------------------------------------------------------------
# Public pages


def published_charter(slug):
    charter = (
        Charter.objects.filter(institution__slug=slug, status=Charter.Status.PUBLISHED)
        .select_related("institution").prefetch_related("services").first()
    )
    if charter is None:
        raise Http404("No published charter")
    return charter


@require_GET
def directory(request):
    institutions = (
        Institution.objects.filter(charters__status=Charter.Status.PUBLISHED)
        .prefetch_related(Prefetch("charters", Charter.objects.filter(status=Charter.Status.PUBLISHED),
                                   to_attr="published"))
        .order_by("name")
    )
    return render(request, "charters/directory.html", {"institutions": institutions, "track_form": TrackForm()})


def rate_key(request):
    return f"charters:submissions:{client_ip(request)}"


def over_limit(request):
    return (cache.get(rate_key(request)) or 0) >= settings.CHARTERS_SUBMISSIONS_PER_HOUR


def count_submission(request):
    key = rate_key(request)
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW)


@require_http_methods(["GET", "POST"])
def charter_page(request, slug):
    charter = published_charter(slug)
    status = 200
    form_error = ""
    if request.method == "POST":
        if over_limit(request):
            return render(request, "charters/too_many.html", {"charter": charter}, status=429)
        form = ComplaintForm(request.POST, charter=charter)
        try:
            form.check_spam()
        except SpamError as exc:
            count_submission(request)
            # A fresh form (and time stamp) keeping what was typed, with the reason.
            form = ComplaintForm(initial={k: request.POST.get(k, "") for k in ("kind", "message", "name")},
                                 charter=charter)
            form_error = str(exc.args[0])
            status = 400
        else:
            if form.is_valid():
                data = {k: form.cleaned_data[k] for k in ("kind", "service", "message", "name", "phone", "email")}
                try:
                    complaint = services.submit_complaint(charter, **data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                    status = 400
                else:
                    count_submission(request)
                    messages.success(request, _("Thank you. Your reference number is %(ref)s — keep it to check "
                                                "progress.") % {"ref": complaint.reference})
                    return redirect("charters:track", reference=complaint.reference)
            else:
                status = 400
    else:
        form = ComplaintForm(charter=charter)
    return render(request, "charters/charter.html", {"charter": charter, "form": form, "form_error": form_error},
                  status=status)


@require_GET
def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        reference = services.normalise_reference(form.cleaned_data["reference"])
        if reference:
            return redirect("charters:track", reference=reference)
        form.add_error("reference", _("A reference looks like CMP-7K3X-9QF2."))
    return render(request, "charters/track_lookup.html", {"form": form})


@require_GET
def track(request, reference):
    normalised = services.normalise_reference(reference)
    if not normalised:
        raise Http404("Unknown reference")
    if normalised != reference:
        return redirect("charters:track", reference=normalised)
    # Only what the tracking page shows is loaded: never the citizen's details or the text.
    complaint = get_object_or_404(
        Complaint.objects.select_related("institution").only(
            "reference", "kind", "status", "received_at", "updated_at", "institution__name", "institution__name_sw",
            "institution__slug"),
        reference=normalised,
    )
    return render(request, "charters/track.html", {"complaint": complaint})


# ---------------------------------------------------------------------------------------------
# Staff pages


@login_required
def complaint_list(request):
    complaints = Complaint.objects.visible_to(request.user).select_related("institution", "service", "assigned_to")
    institutions = Institution.objects.visible_to(request.user).filter(complaints__isnull=False).distinct()
    status = request.GET.get("status", "")
    service = request.GET.get("service", "")
    institution = request.GET.get("institution", "")
    if status in Complaint.Status.values:
        complaints = complaints.filter(status=status)
    if service:
        complaints = complaints.filter(service__code=service)
    if institution.isdigit():
        complaints = complaints.filter(institution_id=int(institution))
    service_codes = (
        Service.objects.visible_to(request.user).filter(complaints__isnull=False)
        .values_list("code", "name_en").order_by("code").distinct()
    )
    page = Paginator(complaints, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "charters/complaint_list.html", {
        "page": page, "statuses": Complaint.Status.choices, "status": status, "service": service,
        "services": dict(service_codes).items(), "institutions": institutions, "institution": institution,
        "query": query.urlencode(), "now": timezone.now(),
    })


@login_required
@scoped(Complaint)
def complaint_detail(request, pk):
    complaint = visible_or_404(
        Complaint, request.user, pk,
        Complaint.objects.select_related("institution", "service", "charter", "assigned_to"),
    )
    can_work = services.can_work_on(request.user, complaint)
    can_assign = services.can_handle(request.user, complaint.institution_id)
    users = services.assignable_users(complaint.institution_id)
    form = None
    if can_work and complaint.status != Complaint.Status.CLOSED:
        initial = {"assigned_to": complaint.assigned_to_id, "status": complaint.status, "response": complaint.response}
        form = HandleForm(request.POST or None, initial=initial, users=users, can_assign=can_assign)
        if request.method == "POST" and form.is_valid():
            try:
                services.handle_complaint(
                    request.user, complaint, status=form.cleaned_data["status"],
                    response=form.cleaned_data["response"], assigned_to=form.cleaned_data["assigned_to"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Complaint %(ref)s updated.") % {"ref": complaint.reference})
                return redirect(complaint.get_absolute_url())
    elif request.method == "POST":
        raise Http404("Not allowed")
    return render(request, "charters/complaint_detail.html", {
        "complaint": complaint, "form": form, "show_contact": services.can_read_contact(request.user, complaint),
        "clock": complaint.clock(),
    })


@login_required
@scoped(Charter)
def charter_manage(request, pk):
    charter = visible_or_404(Charter, request.user, pk, Charter.objects.select_related("institution"))
    can_edit = services.can_handle(request.user, charter.institution_id)
    if request.method == "POST":
        if not can_edit:
            raise Http404("Not allowed")
        action = request.POST.get("action")
        try:
            if action == "publish":
                services.publish(request.user, charter)
                messages.success(request, _("Version %(v)s is published.") % {"v": charter.version})
                return redirect(charter.get_absolute_url())
            if action == "new_draft":
                draft = services.new_draft(request.user, charter)
                messages.success(request, _("Draft version %(v)s created from this one.") % {"v": draft.version})
                return redirect(draft.get_absolute_url())
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(charter.get_absolute_url())
    year = FinancialYear.objects.filter(institution_id=charter.institution_id, is_current=True).first()
    quarters = []
    if year is not None:
        quarters = [(q, compliance.by_service(year, q)) for q in (1, 2, 3, 4)]
    versions = Charter.objects.filter(institution_id=charter.institution_id).only("version", "status")
    return render(request, "charters/manage.html", {
        "charter": charter, "services": charter.services.all(), "can_edit": can_edit, "year": year,
        "quarters": quarters, "versions": versions,
        "public_url": reverse("charters:public", args=[charter.institution.slug]),
    })
