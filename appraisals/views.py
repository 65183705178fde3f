"""Appraisal pages. An appraisal is read through ``Appraisal.objects.readable_by`` (the confidentiality
set, narrower than the institution), so anyone else gets 404; every read by someone other than the
officer is audited. Every change goes through ``appraisals.services``."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from contracts.models import PerformanceContract
from pmis import twofactor
from pmis.models import FinancialYear, Institution, OrgUnit
from pmis.tenancy import scoped
from pmis.twofactor import SecondFactorFormMixin

from . import confidentiality, services
from .models import (
    Appeal,
    Appraisal,
    FeedbackEntry,
    ImprovementPlan,
    ModerationSession,
    OutcomeRule,
    PlanReview,
    TrainingNeed,
)

Status = Appraisal.Status


def _flash(request, exc):
    for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
        messages.error(request, message)


def readable(user, pk):
    queryset = Appraisal.objects.readable_by(user).select_related(
        "officer__user", "officer__org_unit", "financial_year", "contract", "supervisor", "countersigner",
        "institution")
    return get_object_or_404(queryset, pk=pk)


def _hr_institutions(user):
    """Institutions where ``user`` is HR (performance officer or administrator) or an assigned auditor."""
    return Institution.objects.filter(pk__in=confidentiality.full_reader_institutions(user))


def _values(post, prefix):
    return {int(k[len(prefix):]): v for k, v in post.items() if k.startswith(prefix) and k[len(prefix):].isdigit()}


def _items_from_post(post):
    comments = _values(post, "comment_")
    return {pk: (value.strip(), comments.get(pk, "")) for pk, value in _values(post, "value_").items()}


def _needs(post):
    return [line for line in (post.get("training_needs") or "").splitlines() if line.strip()]


@login_required
def appraisal_list(request):
    found = Appraisal.objects.readable_by(request.user).select_related(
        "officer__user", "financial_year", "org_unit").order_by(
        "-financial_year__start_date", "officer__personal_number")
    status = request.GET.get("status") or ""
    if status in Status.values:
        found = found.filter(status=status)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    ready = PerformanceContract.objects.visible_to(request.user).filter(
        level=PerformanceContract.Level.OFFICER, status__in=services.PLAN_STATES, appraisal__isnull=True,
    ).filter(performer=request.user) | PerformanceContract.objects.visible_to(request.user).filter(
        level=PerformanceContract.Level.OFFICER, status__in=services.PLAN_STATES, appraisal__isnull=True,
        counterparty=request.user)
    return render(request, "appraisals/appraisal_list.html", {
        "page": page, "statuses": Status.choices, "status": status,
        "ready": ready.select_related("officer__user", "financial_year").distinct()[:20],
        "hr": _hr_institutions(request.user).exists(),
    })


@login_required
@require_POST
def appraisal_open(request):
    contract = get_object_or_404(PerformanceContract.objects.visible_to(request.user), pk=request.POST.get("contract"))
    try:
        appraisal = services.open_appraisal(request.user, contract)
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
        return redirect("appraisals:list")
    messages.success(request, _("The appraisal is open."))
    return redirect(appraisal)


@login_required
@scoped(Appraisal, confidential=True)
def appraisal_detail(request, pk):
    appraisal = readable(request.user, pk)
    confidentiality.record_read(request.user, appraisal)
    parts = services.parts_of(request.user, appraisal)
    items = list(appraisal.items.select_related("target"))
    attributes = list(appraisal.attributes.all())
    appeal = Appeal.objects.filter(appraisal=appraisal).prefetch_related("documents").first()
    return render(request, "appraisals/appraisal_detail.html", {
        "appraisal": appraisal, "parts": parts, "items": items, "attributes": attributes,
        "feedback": appraisal.feedback.select_related("author", "target"),
        "needs": appraisal.training_needs.all(), "adjustments": appraisal.adjustments.select_related("adjusted_by"),
        "appeal": appeal, "plans": appraisal.improvement_plans.all(), "outcomes": services.outcomes_for(appraisal),
        "value_label": services.value_label(appraisal.scheme), "kinds": FeedbackEntry.Kind.choices,
        "appeal_open": services.appeal_open(appraisal), "S": Status,
        "may_countersign": services.may_countersign(request.user, appraisal, parts),
        "may_decide_appeal": services.may_decide_appeal(request.user, appraisal, parts),
        "auditor_only": not parts and confidentiality.is_auditor(request.user, appraisal.institution_id),
        "today": timezone.localdate(), "pip_form": PlanForm(),
    })


# ---------------------------------------------------------------------------------------------
# Actions on an appraisal (POST only)


def _feedback(request, appraisal):
    target = None
    if request.POST.get("target"):
        target = appraisal.contract.targets.filter(pk=request.POST["target"]).first()
    kind = request.POST.get("kind") or FeedbackEntry.Kind.CHECK_IN
    if kind not in (FeedbackEntry.Kind.CHECK_IN, FeedbackEntry.Kind.COACHING):
        kind = FeedbackEntry.Kind.CHECK_IN
    services.add_feedback(request.user, appraisal, request.POST.get("note"), kind=kind, target=target)
    return _("Feedback recorded.")


def _midyear(request, appraisal):
    services.record_midyear(request.user, appraisal, request.POST.get("progress"),
                            amend_reason=request.POST.get("amend_reason") if request.POST.get("amend") else "")
    return _("Mid-year review recorded.")


def _self(request, appraisal):
    services.submit_self_appraisal(request.user, appraisal, values=_items_from_post(request.POST),
                                   attributes=_values(request.POST, "attribute_"),
                                   comments=request.POST.get("comments"), training_needs=_needs(request.POST))
    return _("Self-appraisal submitted to your supervisor.")


def _supervisor(request, appraisal):
    services.supervisor_appraise(request.user, appraisal, values=_items_from_post(request.POST),
                                 attributes=_values(request.POST, "attribute_"),
                                 comments=request.POST.get("comments"), training_needs=_needs(request.POST))
    return _("Appraisal saved and scored.")


def _countersign(request, appraisal):
    if request.POST.get("return"):
        services.return_to_supervisor(request.user, appraisal, request.POST.get("comment"))
        return _("Returned to the supervisor.")
    services.countersign(request.user, appraisal, request.POST.get("comment"))
    return _("Countersigned.")


def _acknowledge(request, appraisal):
    services.acknowledge(request.user, appraisal, request.POST.get("disagreement"))
    return _("Acknowledged.")


def _appeal(request, appraisal):
    services.file_appeal(request.user, appraisal, request.POST.get("grounds"), request.FILES.getlist("documents"))
    return _("Your appeal is filed with the appeals committee.")


def _accept(request, appraisal):
    services.accept_result(request.user, appraisal)
    return _("You accepted the result; the appraisal is final.")


def _hearing(request, appraisal):
    try:
        day = datetime.date.fromisoformat(request.POST.get("hearing_date") or "")
    except ValueError:
        day = None
    services.schedule_hearing(request.user, Appeal.objects.get(appraisal=appraisal), day)
    return _("Hearing date set.")


def _pip(request, appraisal):
    form = PlanForm(request.POST)
    if not form.is_valid():
        raise ValidationError([m for ms in form.errors.values() for m in ms])
    data = form.cleaned_data
    plan = services.start_improvement_plan(
        request.user, appraisal, objectives=data["objectives"], support=data["support"],
        start_date=data["start_date"], end_date=data["end_date"], review_dates=data["review_dates"])
    return plan


ACTIONS = {
    "feedback": _feedback, "midyear": _midyear, "self": _self, "supervisor": _supervisor,
    "countersign": _countersign, "acknowledge": _acknowledge, "appeal": _appeal, "accept": _accept,
    "hearing": _hearing, "pip": _pip,
}


def action_view(name):
    handler = ACTIONS[name]

    @login_required
    @require_POST
    @scoped(Appraisal, post_only=True, confidential=True)
    def view(request, pk):
        appraisal = readable(request.user, pk)
        try:
            result = handler(request, appraisal)
        except (ValidationError, PermissionDenied, Appeal.DoesNotExist) as exc:
            if isinstance(exc, Appeal.DoesNotExist):
                raise Http404 from exc
            _flash(request, exc)
            return redirect(appraisal)
        if isinstance(result, ImprovementPlan):
            messages.success(request, _("Improvement plan opened."))
            return redirect(result)
        messages.success(request, result)
        return redirect(appraisal)

    view.__name__ = f"appraisal_{name}"
    return view


class PlanForm(forms.Form):
    objectives = forms.CharField(label=gettext_lazy("Objectives"), widget=forms.Textarea(attrs={"rows": 3}))
    support = forms.CharField(label=gettext_lazy("Support given"), widget=forms.Textarea(attrs={"rows": 2}))
    start_date = forms.DateField(label=gettext_lazy("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=gettext_lazy("Ends"), widget=forms.DateInput(attrs={"type": "date"}))
    review_dates = forms.CharField(label=gettext_lazy("Review dates"),
                                   help_text=gettext_lazy("One date per line, as YYYY-MM-DD."),
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def clean_review_dates(self):
        try:
            return [datetime.date.fromisoformat(line.strip())
                    for line in self.cleaned_data["review_dates"].splitlines() if line.strip()]
        except ValueError as exc:
            raise ValidationError(_("Write each review date as YYYY-MM-DD.")) from exc


# ---------------------------------------------------------------------------------------------
# Deciding an appeal (second factor)


class DecideForm(SecondFactorFormMixin, forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Appeal.Decision.choices,
                                 widget=forms.RadioSelect)
    reasons = forms.CharField(label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))


@login_required
@scoped(Appraisal, confidential=True)
def appeal_decide(request, pk):
    appraisal = readable(request.user, pk)
    appeal = get_object_or_404(Appeal.objects.prefetch_related("documents"), appraisal=appraisal)
    if not services.may_decide_appeal(request.user, appraisal):
        raise Http404
    confidentiality.record_read(request.user, appraisal, via="appeal")
    form = DecideForm(request.POST or None, request=request)
    items = list(appraisal.items.select_related("target"))
    attributes = list(appraisal.attributes.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_appeal(request.user, appeal, form.cleaned_data["decision"], form.cleaned_data["reasons"],
                                   values=_values(request.POST, "value_"),
                                   attributes=_values(request.POST, "attribute_"))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The appeal is decided and the officer notified."))
            return redirect(appraisal)
    # A wrong code is answered with the form again (status 200), so the failure counter persists.
    return render(request, "appraisals/appeal_decide.html", {
        "appraisal": appraisal, "appeal": appeal, "form": form, "items": items, "attributes": attributes,
        "value_label": services.value_label(appraisal.scheme),
        "second_factor_problem": twofactor.why_not_ready_to_act(request.user),
    })


# ---------------------------------------------------------------------------------------------
# Moderation


def _moderation_or_404(user, pk):
    session = get_object_or_404(ModerationSession.objects.visible_to(user).select_related(
        "institution", "financial_year", "org_unit"), pk=pk)
    if not _hr_institutions(user).filter(pk=session.institution_id).exists():
        raise Http404
    return session


@login_required
def moderation_list(request):
    institutions = _hr_institutions(request.user)
    if not institutions.exists():
        raise Http404
    sessions = ModerationSession.objects.filter(institution__in=institutions).select_related(
        "institution", "financial_year", "org_unit")
    if request.method == "POST":
        institution = get_object_or_404(institutions, pk=request.POST.get("institution"))
        year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
        unit = OrgUnit.objects.filter(institution=institution, pk=request.POST.get("org_unit") or 0).first()
        try:
            session = services.open_moderation(request.user, institution, year, unit, request.POST.get("note"))
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
            return redirect("appraisals:moderation-list")
        return redirect(session)
    units = OrgUnit.objects.filter(institution__in=institutions, depth=1)
    return render(request, "appraisals/moderation_list.html", {
        "sessions": Paginator(sessions, 25).get_page(request.GET.get("page")),
        "institutions": institutions, "units": units})


@login_required
@scoped(ModerationSession, confidential=True)
def moderation_detail(request, pk):
    session = _moderation_or_404(request.user, pk)
    appraisals = services.in_scope(session).exclude(grade="").select_related("officer__user", "org_unit")
    bands = services.session_bands(session)
    return render(request, "appraisals/moderation_detail.html", {
        "session": session, "rows": services.distribution(session), "appraisals": appraisals,
        "grades": [b["grade"] for b in bands], "bands": bands,
        "adjustments": session.adjustments.select_related("appraisal__officer__user", "adjusted_by"),
        "can_act": not confidentiality.is_auditor(request.user, session.institution_id) or request.user.is_superuser,
    })


@login_required
@require_POST
@scoped(ModerationSession, post_only=True, confidential=True)
def moderation_adjust(request, pk):
    session = _moderation_or_404(request.user, pk)
    appraisal = get_object_or_404(services.in_scope(session), pk=request.POST.get("appraisal"))
    try:
        services.adjust_grade(request.user, session, appraisal, request.POST.get("to_grade"),
                              request.POST.get("reason"))
        messages.success(request, _("Grade adjusted."))
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect(session)


@login_required
@require_POST
@scoped(ModerationSession, post_only=True, confidential=True)
def moderation_close(request, pk):
    session = _moderation_or_404(request.user, pk)
    try:
        issued = services.close_moderation(request.user, session, request.POST.get("note"))
        messages.success(request, _("Moderation closed; %(n)s result(s) issued.") % {"n": issued})
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect(session)


# ---------------------------------------------------------------------------------------------
# Improvement plans, training needs, outcomes


def _plan_or_404(user, pk):
    plan = get_object_or_404(ImprovementPlan.objects.select_related("appraisal"), pk=pk)
    readable(user, plan.appraisal_id)
    return plan


@login_required
@scoped(ImprovementPlan, confidential=True)
def pip_detail(request, pk):
    plan = _plan_or_404(request.user, pk)
    appraisal = readable(request.user, plan.appraisal_id)
    confidentiality.record_read(request.user, appraisal, via="improvement_plan")
    return render(request, "appraisals/pip_detail.html", {
        "plan": plan, "appraisal": appraisal, "reviews": plan.reviews.all(),
        "can_act": bool(services.parts_of(request.user, appraisal) & {"supervisor", "hr"}),
        "results": ImprovementPlan.Result.choices,
    })


@login_required
@require_POST
@scoped(ImprovementPlan, post_only=True, confidential=True)
def pip_review(request, pk):
    plan = _plan_or_404(request.user, pk)
    review = get_object_or_404(PlanReview, plan=plan, pk=request.POST.get("review"))
    try:
        services.record_review(request.user, review, request.POST.get("note"))
        messages.success(request, _("Review recorded."))
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect(plan)


@login_required
@require_POST
@scoped(ImprovementPlan, post_only=True, confidential=True)
def pip_close(request, pk):
    plan = _plan_or_404(request.user, pk)
    try:
        services.close_improvement_plan(request.user, plan, request.POST.get("result"), request.POST.get("note"))
        messages.success(request, _("Plan closed."))
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect(plan)


@login_required
def training_needs(request):
    institutions = _hr_institutions(request.user)
    if not institutions.exists():
        raise Http404
    needs = TrainingNeed.objects.filter(institution__in=institutions).select_related(
        "org_unit", "appraisal__officer__user").order_by("institution_id", "org_unit__path", "need")
    return render(request, "appraisals/training_needs.html", {
        "needs": Paginator(needs, 50).get_page(request.GET.get("page"))})


@login_required
def outcome_rules(request):
    institutions = _hr_institutions(request.user)
    if not institutions.exists():
        raise Http404
    if request.method == "POST":
        institution = get_object_or_404(institutions, pk=request.POST.get("institution"))
        try:
            if request.POST.get("remove"):
                rule = get_object_or_404(OutcomeRule, institution=institution, pk=request.POST["remove"])
                services.remove_outcome_rule(request.user, rule)
            else:
                services.set_outcome_rule(request.user, institution, request.POST.get("grade"),
                                          request.POST.get("outcome"), request.POST.get("note"))
            messages.success(request, _("Rewards and sanctions table updated."))
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        return redirect("appraisals:outcomes")
    rules = OutcomeRule.objects.filter(institution__in=institutions).select_related("institution")
    return render(request, "appraisals/outcome_rules.html", {
        "rules": rules, "institutions": institutions, "outcomes": OutcomeRule.Outcome.choices})

