"""Evaluation pages: thin views over the services (``selfevaluation``, ``independent``, ``exogenous``,
``release``); each "may" comes from ``rules``. Every page taking an id reads through the one scoping path
and answers 404 outside it."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.documents import uploads
from contracts.models import PerformanceContract
from contracts.selectors import contracts as contract_rows
from pmis.access import NotAllowed
from pmis.models import Institution
from pmis.tenancy import in_range, scoped
from pmis.views import visible_or_404

from . import exogenous, independent, release, results, rules, selfevaluation
from .forms import SelfEvaluationSignForm as SignForm
from .models import Achievement, Evaluation, EvidenceFile, ExogenousFactor


def _evaluations():
    return Evaluation.objects.select_related("institution", "contract", "contract__org_unit", "financial_year",
                                             "signed_by")


def _flash(request, exc):
    for message in (exc.messages if hasattr(exc, "messages") else [str(exc)]):
        messages.error(request, message)


def _achievement(evaluation, value):
    pk = in_range(value)
    found = None if pk is None else Achievement.objects.filter(evaluation=evaluation, pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def evaluation_list(request):
    rows = _evaluations().visible_to(request.user).order_by("-year_start", "institution__name")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    # The institution contracts whose self-evaluation this user may open now (and which have none yet).
    startable = [c for c in contract_rows().visible_to(request.user).filter(
        level__in=rules.LEVELS, status__in=rules.REPORTABLE, evaluation__isnull=True).select_related(
        "institution", "financial_year", "org_unit").order_by("institution__name", "level", "title")[:20]
        if rules.may_start(request.user, c)]
    return render(request, "evaluations/list.html", {"page": page, "bodies": rules.bodies_of(request.user),
                                                     "startable": startable})


def _rows(evaluation, posted=None, errors=None):
    errors = errors or {}
    rows = []
    for a in evaluation.achievements.select_related("target", "exogenous_factor", "evaluated_by").prefetch_related(
            "verifications__files", "files"):
        shown = posted.get(a.pk) if posted and a.pk in posted else {
            "actual": "" if a.self_actual is None else format(a.self_actual.normalize(), "f"),
            "explanation": a.explanation, "evidence": a.evidence}
        rows.append({"a": a, "t": a.target, "values": shown, "errors": errors.get(a.pk, {}),
                     "factor": getattr(a, "exogenous_factor", None)})
    return rows


def _page(request, evaluation, rows=None, status=200, general=()):
    user = request.user
    sees = rules.sees_result(user, evaluation)
    institution_side = rules.files_for(user, evaluation.contract)
    evaluator = rules.may_evaluate(user, evaluation)
    figures = results.evaluated_score(evaluation) if sees and evaluation.state != Evaluation.State.DRAFT and (
        evaluator or evaluation.state in rules.RESULT_STATES) else None
    return render(request, "evaluations/detail.html", {
        "evaluation": evaluation, "rows": rows if rows is not None else _rows(evaluation),
        "may_file": rules.may_file(user, evaluation), "may_sign": rules.may_sign(user, evaluation),
        "may_claim": rules.may_claim(user, evaluation), "may_respond": rules.may_respond(user, evaluation),
        "may_evaluate": evaluator, "may_moderate": rules.may_moderate(user, evaluation),
        "shows_adjustments": evaluator or sees and (evaluation.state not in (
            Evaluation.State.DRAFT, Evaluation.State.SUBMITTED) or not institution_side),
        "sees_result": sees and evaluation.state in rules.RESULT_STATES, "figures": figures,
        "sign_form": SignForm(), "rules_choices": ExogenousFactor.Rule.choices,
        "open_points": independent.open_points(evaluation) if evaluator else [],
        "released": rules.released(evaluation), "general": general,
        "files_limit": settings.PMIS_EVIDENCE_MAX_BYTES,
    }, status=status)


@login_required
@scoped(Evaluation)
def evaluation_detail(request, pk):
    return _page(request, visible_or_404(Evaluation, request.user, pk, _evaluations()))


@login_required
@require_GET
@scoped(EvidenceFile)
def evidence_download(request, pk):
    """An evidence file, to whoever sees its institution (404 otherwise, and for a missing file)."""
    item = visible_or_404(EvidenceFile, request.user, pk)
    return uploads.attachment(item.file, item.original_name)


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True)
def evaluation_start(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, contract_rows())
    try:
        evaluation = selfevaluation.start(request.user, contract)
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(contract)
    return redirect(evaluation)


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_save(request, pk):
    """The one self-evaluation form: every target's figure, explanation and evidence. Errors come back
    beside their target with everything typed kept."""
    evaluation = visible_or_404(Evaluation, request.user, pk, _evaluations())
    posted = {}
    for a_pk in evaluation.achievements.values_list("pk", flat=True):
        if f"actual-{a_pk}" in request.POST:
            posted[a_pk] = {name: request.POST.get(f"{name}-{a_pk}", "") for name in selfevaluation.FIELDS}
            posted[a_pk]["files"] = request.FILES.getlist(f"files-{a_pk}")
    try:
        saved = selfevaluation.save(request.user, evaluation, posted)
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(evaluation)
    if saved.errors:
        return _page(request, evaluation, _rows(evaluation, posted, saved.errors), status=400)
    messages.success(request, _("Self-evaluation saved."))
    return redirect(evaluation)


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_sign(request, pk):
    evaluation = visible_or_404(Evaluation, request.user, pk, _evaluations())
    form = SignForm(request.POST)
    if not form.is_valid():
        return _page(request, evaluation, status=400, general=[m for ms in form.errors.values() for m in ms])
    try:
        selfevaluation.submit(request, evaluation, password=form.cleaned_data["password"],
                              code=form.cleaned_data.get("code") or None)
    except ValidationError as exc:
        problems = selfevaluation.problems(evaluation)
        return _page(request, evaluation, _rows(evaluation, None, problems), status=400, general=exc.messages)
    messages.success(request, _("Self-evaluation signed and submitted to the evaluators."))
    return redirect(evaluation)


def _action(request, pk, step, done):
    """Run ``step(evaluation)`` for an action button; a refusal or a bad value comes back as a message."""
    evaluation = visible_or_404(Evaluation, request.user, pk, _evaluations())
    try:
        step(evaluation)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect(evaluation)
    messages.success(request, done)
    return redirect(evaluation)


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_claim(request, pk):
    return _action(request, pk, lambda e: exogenous.claim(
        request.user, _achievement(e, request.POST.get("achievement")), request.POST.get("description", ""),
        request.POST.get("evidence", "")), _("Exogenous factor claimed; the evaluator decides on it."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_assess(request, pk):
    return _action(request, pk, lambda e: independent.assess(
        request.user, _achievement(e, request.POST.get("achievement")), request.POST.get("value", ""),
        request.POST.get("reason", "")), _("Achievement assessed."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_verify(request, pk):
    return _action(request, pk, lambda e: independent.verify(
        request.user, _achievement(e, request.POST.get("achievement")),
        visited_on=request.POST.get("visited_on", ""), place=request.POST.get("place", ""),
        finding=request.POST.get("finding", ""), evidence=request.POST.get("evidence", ""),
        files=request.FILES.getlist("files")),
        _("Physical verification recorded."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_decide(request, pk):
    def step(evaluation):
        factor = getattr(_achievement(evaluation, request.POST.get("achievement")), "exogenous_factor", None)
        if factor is None:
            raise Http404
        if request.POST.get("decision") == "accept":
            return exogenous.accept(request.user, factor, rule=request.POST.get("rule", ""),
                                    adjusted_target=request.POST.get("adjusted_target"),
                                    reason=request.POST.get("reason", ""))
        return exogenous.reject(request.user, factor, request.POST.get("reason", ""))

    return _action(request, pk, step, _("Decision on the exogenous factor recorded."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_share(request, pk):
    return _action(request, pk, lambda e: independent.share(request.user, e),
                   _("Adjustments shared; the institution may respond once."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_respond(request, pk):
    return _action(request, pk, lambda e: independent.respond(request.user, e, request.POST.get("response", "")),
                   _("Response sent to the evaluators."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_conclude(request, pk):
    return _action(request, pk, lambda e: independent.conclude(request.user, e), _("Evaluation concluded."))


@login_required
@require_POST
@scoped(Evaluation, post_only=True)
def evaluation_moderate(request, pk):
    return _action(request, pk, lambda e: release.moderate(request.user, e, request.POST.get("composite", ""),
                                                           request.POST.get("reason", "")),
                   _("Moderated result recorded."))


def _body(request, value):
    pk = in_range(value)
    body = None if pk is None else Institution.objects.visible_to(request.user).filter(pk=pk).first()
    if body is None or not rules.may_release(request.user, body):
        raise Http404
    return body


@login_required
def panel(request):
    """The moderation panel: the year's evaluated results under the user's bodies by category and grade."""
    bodies = list(rules.bodies_of(request.user))
    if not bodies:
        raise Http404
    body = _body(request, request.GET.get("body")) if request.GET.get("body") else bodies[0]
    years = list(Evaluation.objects.filter(institution__oversight_path__startswith=body.oversight_path)
                 .values_list("year_start", flat=True).distinct().order_by("-year_start"))
    year = in_range(request.GET.get("year")) or (years[0] if years else None)
    rows = (_evaluations().filter(institution__oversight_path__startswith=body.oversight_path, year_start=year,
                                  contract__level="institution")
            .order_by("institution__kind", "institution__name"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    kinds = dict(Institution.Kind.choices)
    distribution = [(kinds.get(kind, kind), sorted(grades.items())) for kind, grades in
                    release.distribution(body, year).items()] if year else []
    return render(request, "evaluations/panel.html", {
        "bodies": bodies, "body": body, "years": years, "year": year, "page": page, "distribution": distribution,
        "today": rules.today(),
    })


@login_required
@require_POST
def panel_release(request):
    body = _body(request, request.POST.get("body"))
    year = in_range(request.POST.get("year"))
    on = request.POST.get("on") or None
    try:
        if year is None:
            raise ValidationError(_("Choose the year to release."))
        day = datetime.date.fromisoformat(on) if on else None
        count = release.release(request.user, body, year, day)
    except ValueError:
        messages.error(request, _("Enter the release date as a date."))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(count)s results released.") % {"count": count})
    return redirect(f"{request.path.rsplit('release/', 1)[0]}?body={body.pk}&year={year or ''}")
