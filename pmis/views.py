from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import FileExtensionValidator
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import org, selectors
from .models import FinancialYear, Institution, Officer, OrgUnit
from .tenancy import scoped, visible_object


def visible_or_404(model, user, pk, queryset=None):
    """The one way a view fetches an object by id: scoped, and 404 outside the user's scope."""
    if queryset is None:
        found = visible_object(model, user, pk)
        if found is None:
            raise Http404(_("Not found."))
        return found
    return get_object_or_404(queryset.visible_to(user), pk=pk)


@login_required
def home(request):
    return render(request, "pmis/home.html", {"attention": selectors.home_for(request.user)})


@login_required
def institution_list(request):
    institutions = Institution.objects.visible_to(request.user).select_related("oversight_parent")
    page = Paginator(institutions, 25).get_page(request.GET.get("page"))
    return render(request, "pmis/institution_list.html", {"page": page})


@login_required
@scoped(Institution)
def institution_detail(request, pk):
    institution = visible_or_404(Institution, request.user, pk)
    units = OrgUnit.objects.filter(institution=institution).only("name", "name_sw", "level", "depth", "path")
    return render(
        request,
        "pmis/institution_detail.html",
        {
            "institution": institution,
            "units": units,
            "years": institution.financial_years.all(),
            "officer_count": institution.officers.count(),
            "may_edit_identity": org.may_edit_identity(request.user, institution),
        },
    )


class IdentityForm(forms.Form):
    name_sw = forms.CharField(label=_l("Name in Swahili"), max_length=200, required=False,
                              help_text=_l("Shown on Swahili pages; the name is used when left empty."))
    coat_of_arms = forms.ImageField(
        label=_l("Coat of arms or logo"), required=False, validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_l("PNG or JPEG, printed on the cover of the institution's contracts and reports."))
    clear = forms.BooleanField(label=_l("Remove the coat of arms"), required=False)

    def clean_coat_of_arms(self):
        image = self.cleaned_data.get("coat_of_arms")
        if image and image.size > settings.EMBLEM_MAX_BYTES:
            raise forms.ValidationError(_l("The image is larger than %(kb)s KB.") % {
                "kb": settings.EMBLEM_MAX_BYTES // 1024})
        return image


@login_required
@scoped(Institution)
def institution_identity(request, pk):
    """The institution's administrator sets its Swahili name and its coat of arms or logo."""
    institution = visible_or_404(Institution, request.user, pk)
    if not org.may_edit_identity(request.user, institution):
        if request.method == "POST":
            raise PermissionDenied(_("Only the institution's administrator may change its name and coat of arms."))
        return render(request, "pmis/institution_identity.html", {"institution": institution, "form": None})
    form = IdentityForm(request.POST or None, request.FILES or None,
                        initial={"name_sw": institution.name_sw})
    if request.method == "POST" and form.is_valid():
        org.set_identity(request.user, institution, name_sw=form.cleaned_data["name_sw"],
                         coat_of_arms=form.cleaned_data["coat_of_arms"] or None,
                         clear_coat_of_arms=form.cleaned_data["clear"])
        messages.success(request, _("Saved."))
        return redirect("institution-detail", pk=institution.pk)
    units = OrgUnit.objects.filter(institution=institution).only("name", "name_sw", "depth", "path")
    return render(request, "pmis/institution_identity.html", {"institution": institution, "form": form,
                                                              "units": units})


class UnitNameForm(forms.Form):
    name_sw = forms.CharField(label=_l("Name in Swahili"), max_length=200, required=False,
                              help_text=_l("Shown on Swahili pages; the name is used when left empty."))


@login_required
@scoped(OrgUnit)
def orgunit_name(request, pk):
    """The institution's administrator sets a unit's Swahili name."""
    unit = visible_or_404(OrgUnit, request.user, pk, OrgUnit.objects.select_related("institution"))
    if not org.may_edit_identity(request.user, unit.institution):
        if request.method == "POST":
            raise PermissionDenied(_("Only the institution's administrator may change the names of its units."))
        return render(request, "pmis/orgunit_name.html", {"unit": unit, "form": None})
    form = UnitNameForm(request.POST or None, initial={"name_sw": unit.name_sw})
    if request.method == "POST" and form.is_valid():
        org.set_unit_name_sw(request.user, unit, form.cleaned_data["name_sw"])
        messages.success(request, _("Saved."))
        return redirect("orgunit-detail", pk=unit.pk)
    return render(request, "pmis/orgunit_name.html", {"unit": unit, "form": form})


@login_required
@scoped(OrgUnit)
def orgunit_detail(request, pk):
    unit = visible_or_404(OrgUnit, request.user, pk, OrgUnit.objects.select_related("institution"))
    subtree = unit.subtree()
    officers = (
        Officer.objects.filter(org_unit__in=subtree)
        .select_related("user", "org_unit", "supervisor__user")
        .order_by("org_unit__path", "user__last_name")
    )
    officers, label = selectors.officers_with_plan_status(officers, unit.institution_id)
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    if label is not None:
        for officer in page:
            officer.plan_label = label(officer.plan_status)
    return render(request, "pmis/orgunit_detail.html", {
        "unit": unit, "subtree": subtree, "page": page, "plan_column": label is not None,
        "may_name": org.may_edit_identity(request.user, unit.institution)})


@login_required
@scoped(Officer)
def officer_detail(request, pk):
    officer = visible_or_404(
        Officer,
        request.user,
        pk,
        Officer.objects.select_related("user", "institution", "org_unit", "supervisor__user"),
    )
    reports = officer.reports.select_related("user", "org_unit")
    return render(request, "pmis/officer_detail.html", {"officer": officer, "reports": reports})


@login_required
@scoped(FinancialYear)
def financialyear_detail(request, pk):
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    return render(request, "pmis/financialyear_detail.html", {"year": year})


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    body = {"status": "ok", "database": "ok", "broker": "eager"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "down"
        body.update(status="error", database="down")
        status = 503
    if settings.CELERY_BROKER_URL:
        body["broker"] = broker_status()
        if body["broker"] != "ok":
            body["status"] = "degraded" if status == 200 else body["status"]
    return JsonResponse(body, status=status)


def broker_status() -> str:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001
        return "down"
