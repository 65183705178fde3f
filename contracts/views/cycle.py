"""Contract pages. Each reads through the one scoping path (``visible_or_404``) before anything
else, so another institution's id answers 404; every change goes through ``contracts.cycle.workflow``,
``contracts.cycle.targets`` or ``contracts.cycle.signing``, which check the actor's part and the state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pmis.models import FinancialYear
from pmis.tenancy import scoped
from pmis.views import visible_or_404
from scorecards import profiles

from .. import selectors
from ..cycle import cascade, content, negotiation, signing, targets, workflow
from ..forms import ProposalForm, SignForm, TargetForm
from ..models import ContractComment, ContractVersion, NegotiationRound, PerformanceContract, Target

Status = PerformanceContract.Status


def _errors(exc):
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def _flash(request, exc):
    for message in _errors(exc):
        messages.error(request, message)


def bad_request(request, exc):
    """400 with the messages of ``exc``: a form field no page sends (a tampered id or version)."""
    return render(request, "400.html", {"problems": _errors(exc)}, status=400)


def target_of(contract_id, value):
    """The contract's target with id ``value`` (None: none sent); a ValidationError (for a 400) when
    the id is not a number, 404 when it is another contract's."""
    if not value:
        return None
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18):
        raise ValidationError({"target": _("The target must be given by its number (id).")}, code="invalid")
    target = Target.objects.filter(contract_id=contract_id, pk=int(value)).first()
    if target is None:
        raise Http404
    return target


@login_required
def contract_list(request):
    found = selectors.contract_list(request.user)
    status = request.GET.get("status") or ""
    level = request.GET.get("level") or ""
    mine = request.GET.get("mine") == "1"
    if status in Status.values:
        found = found.filter(status=status)
    if level in PerformanceContract.Level.values:
        found = found.filter(level=level)
    if mine:
        found = selectors.involving(found, request.user)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    # Each row names its stage as its institution's profile does: all the page's institutions at once.
    profiles.remember_stage_names(request, {c.institution_id for c in page})
    return render(request, "contracts/contract_list.html", {
        "page": page, "statuses": Status.choices, "levels": PerformanceContract.Level.choices,
        "status": status, "level": level, "mine": mine, "can_start_plan": selectors.plan_to_start(request.user),
    })


@login_required
@require_POST
def start_plan(request):
    """An officer opens their annual plan for the current year, agreed with their supervisor."""
    officer, year = selectors.plan_to_start(request.user) or (None, None)
    if officer is None:
        messages.error(request, _("You already have a plan this year, or you are not an officer with a current year."))
        return redirect("contract-list")
    try:
        contract = targets.create_contract(
            request.user, financial_year=year, level=PerformanceContract.Level.OFFICER,
            title=_("%(officer)s: annual work plan %(year)s") % {"officer": officer, "year": year.name},
            performer=request.user, counterparty=officer.supervisor.user if officer.supervisor_id else None,
            officer=officer,
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("contract-list")
    messages.success(request, _("Your annual plan is open. Add the targets you will deliver."))
    return redirect(contract)


@login_required
@scoped(PerformanceContract)
def contract_detail(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    page = selectors.contract_page(contract, request.user)
    return render(request, "contracts/contract_detail.html", {"contract": contract, "page": page})


@login_required
@scoped(PerformanceContract)
def target_new(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    return _target_form(request, contract, Target(contract=contract, institution_id=contract.institution_id))


@login_required
@scoped(Target)
def target_edit(request, pk):
    target = visible_or_404(Target, request.user, pk, Target.objects.select_related("contract"))
    return _target_form(request, target.contract, target)


def _target_form(request, contract, target):
    allowed = workflow.can(request.user, contract, "edit_targets") or (
        request.user.is_superuser and contract.is_editable)
    form = TargetForm(request.POST or None, instance=target, contract=contract)
    stale = False
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(_("Only the performer can change targets, and only in a draft."))
        if form.is_valid():
            try:
                if target.pk:
                    targets.update_target(request.user, target, lock_version=form.cleaned_data["lock_version"],
                                          **form.values())
                    messages.success(request, _("Target saved."))
                else:
                    targets.add_target(request.user, contract, **form.values())
                    messages.success(request, _("Target added."))
                return redirect(contract)
            except workflow.ConcurrentEdit as exc:
                stale = True
                form.add_error(None, exc.messages[0])
                form.data = form.data.copy()
                form.data["lock_version"] = Target.objects.get(pk=target.pk).lock_version
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
    return render(request, "contracts/target_form.html",
                  {"contract": contract, "target": target, "form": form, "allowed": allowed,
                   "weights": _weights_beside(contract, target)},
                  status=409 if stale else 200)


def _weights_beside(contract, target):
    """What the form's running total adds the typed weight to: each perspective's required weight and
    the weight of the contract's other targets in it (``None`` key: no perspective)."""
    from django.db.models import Sum

    from scorecards.models import Perspective

    others = {row["perspective_id"]: row["total"] for row in Target.objects.filter(contract=contract).exclude(
        pk=target.pk).values("perspective_id").annotate(total=Sum("weight"))}
    perspectives = [{"id": p.pk, "name": p.name, "weight": str(p.weight), "others": str(others.get(p.pk) or 0)}
                    for p in Perspective.objects.filter(financial_year_id=contract.financial_year_id)]
    return {"perspectives": perspectives, "others": str(sum(others.values(), 0)),
            "by_category": bool(contract.category_weights)}


@login_required
@require_POST
@scoped(Target, post_only=True)
def target_move(request, pk):
    """Move a draft's target one place up or down (the arrows beside it on the contract page)."""
    target = visible_or_404(Target, request.user, pk, Target.objects.select_related("contract"))
    step = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if step is None:
        return bad_request(request, ValidationError(_("Move a target up or down."), code="invalid"))
    try:
        targets.move_target(request.user, target, step)
    except workflow.NotAllowed:
        raise
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(f"{target.contract.get_absolute_url()}#target-{target.pk}")


@login_required
@require_POST
@scoped(Target, post_only=True)
def target_delete(request, pk):
    target = visible_or_404(Target, request.user, pk, Target.objects.select_related("contract"))
    try:
        lock_version = workflow.parse_lock_version(request.POST.get("lock_version"))
    except ValidationError as exc:
        return bad_request(request, exc)
    try:
        targets.delete_target(request.user, target, lock_version=lock_version)
        messages.success(request, _("Target removed."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(target.contract)


# Steps taken from the contract page with an optional or required comment.
TRANSITIONS = {
    "submit": lambda user, c, comment, lv: workflow.submit(user, c, lock_version=lv),
    "return_to_draft": lambda user, c, comment, lv: workflow.return_to_draft(user, c, comment, lock_version=lv),
    "pass_review": lambda user, c, comment, lv: workflow.pass_review(user, c, comment, lock_version=lv),
    "conclude_negotiation": lambda user, c, comment, lv: workflow.conclude_negotiation(
        user, c, comment, lock_version=lv),
    "approve_vetting": lambda user, c, comment, lv: workflow.approve_vetting(user, c, comment, lock_version=lv),
    "return_from_vetting": lambda user, c, comment, lv: workflow.return_from_vetting(
        user, c, comment, lock_version=lv),
    "bring_into_force": lambda user, c, comment, lv: workflow.bring_into_force(user, c),
    "close": lambda user, c, comment, lv: workflow.close(user, c, comment),
    "amend": lambda user, c, comment, lv: workflow.amend(user, c, comment, lock_version=lv),
}


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True)
def contract_transition(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk)
    action = request.POST.get("action")
    if action not in TRANSITIONS:
        raise Http404
    try:
        lock_version = workflow.parse_lock_version(request.POST.get("lock_version"))
    except ValidationError as exc:
        return bad_request(request, exc)
    try:
        TRANSITIONS[action](request.user, contract, request.POST.get("comment", ""), lock_version)
        contract.refresh_from_db()
        messages.success(request, _("Done: the contract is now %(status)s.") % {
            "status": contract.get_status_display().lower()})
    except workflow.NotAllowed:
        raise
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(contract)


@login_required
@require_POST
@scoped(PerformanceContract, post_only=True)
def contract_comment(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk)
    try:
        target = target_of(contract.pk, request.POST.get("target"))
    except ValidationError as exc:
        return bad_request(request, exc)
    stage = request.POST.get("stage", ContractComment.Stage.PRE_NEGOTIATION)
    if stage not in ContractComment.Stage.values:
        raise Http404
    try:
        workflow.comment(request.user, contract, request.POST.get("body", ""), target=target, stage=stage)
        messages.success(request, _("Comment added."))
    except workflow.NotAllowed:
        raise
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(contract)


@login_required
@scoped(Target)
def target_propose(request, pk):
    target = visible_or_404(Target, request.user, pk, Target.objects.select_related("contract"))
    contract = target.contract
    allowed = workflow.can(request.user, contract, "propose")
    form = ProposalForm(request.POST or None, target=target)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(_("Only the parties propose changes, and only in negotiation."))
        if form.is_valid():
            try:
                workflow.propose(request.user, target, form.changes(), form.cleaned_data["comment"])
                messages.success(request, _("Proposal sent to the other side."))
                return redirect(contract)
            except workflow.NotAllowed:
                raise
            except ValidationError as exc:
                form.add_error(None, exc)
    return render(request, "contracts/proposal_form.html",
                  {"contract": contract, "target": target, "form": form, "allowed": allowed})


@login_required
@scoped(NegotiationRound)
def round_answer(request, pk):
    """Accept, counter or withdraw a proposal. GET shows the counter-proposal form."""
    proposal = visible_or_404(NegotiationRound, request.user, pk,
                              NegotiationRound.objects.select_related("contract", "target"))
    contract = proposal.contract
    form = ProposalForm(request.POST if request.POST.get("decision") == "counter" else None,
                        target=proposal.target, start=proposal.changes)
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                negotiation.accept(request.user, proposal, request.POST.get("comment", ""))
                messages.success(request, _("Proposal accepted; the target now has the agreed values."))
                return redirect(contract)
            if decision == "withdraw":
                workflow.withdraw(request.user, proposal)
                messages.success(request, _("Proposal withdrawn."))
                return redirect(contract)
            if decision == "counter" and form.is_valid():
                workflow.counter(request.user, proposal, form.changes(), form.cleaned_data["comment"])
                messages.success(request, _("Counter-proposal sent."))
                return redirect(contract)
        except workflow.NotAllowed:
            raise
        except ValidationError as exc:
            if decision == "counter":
                form.add_error(None, exc)
            else:
                _flash(request, exc)
                return redirect(contract)
    return render(request, "contracts/round_answer.html", {
        "contract": contract, "proposal": proposal, "form": form,
        "allowed": workflow.can(request.user, contract, "answer"),
    })


@login_required
@require_POST
@scoped(Target, post_only=True)
def target_vet(request, pk):
    target = visible_or_404(Target, request.user, pk, Target.objects.select_related("contract"))
    try:
        workflow.vet_target(request.user, target, smart=request.POST.get("smart") == "on",
                            aligned=request.POST.get("aligned") == "on", comment=request.POST.get("comment", ""))
        messages.success(request, _("Vetting finding recorded for “%(target)s”.") % {"target": target})
    except workflow.NotAllowed:
        raise
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(target.contract)


@login_required
@scoped(PerformanceContract)
def contract_sign(request, pk):
    """Shows exactly what is signed (the vetted version's content and its SHA-256), then signs."""
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    version = signing.current_version(contract)
    signed_sides = set(version.signatures.values_list("side", flat=True)) if version else set()
    side = signing.may_sign(request.user, contract, signed_sides) if version else None
    may_sign = side is not None
    form = SignForm(request.POST or None, initial={"lock_version": contract.lock_version})
    from pmis import twofactor

    if not twofactor.has_second_factor(request.user):
        del form.fields["code"]  # asked only of those enrolled; a signatory who is not is told why instead
    if request.method == "POST":
        if not may_sign:
            raise PermissionDenied(_("Only a party who has not signed yet can sign, once the contract is vetted."))
        if form.is_valid():
            try:
                signing.sign(request, contract, password=form.cleaned_data["password"],
                             code=form.cleaned_data.get("code", ""), lock_version=form.cleaned_data["lock_version"])
                messages.success(request, _("You signed the contract."))
                return redirect(contract)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
    return render(request, "contracts/sign.html", {
        "contract": contract, "version": version, "form": form, "may_sign": may_sign, "side": side,
        "needs_code": "code" in form.fields,
        "second_factor_problem": twofactor.why_not_ready_to_act(request.user) if may_sign else None,
        "signed": version.content if version else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@scoped(PerformanceContract)
def contract_versions(request, pk):
    """The versions of a contract and the difference between any two of them."""
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    versions = list(ContractVersion.objects.filter(contract=contract).order_by("number"))
    by_number = {v.number: v for v in versions}
    live = content.contract_content(contract)

    def pick(name, default):
        try:
            number = int(request.GET.get(name, default or 0))
        except ValueError:
            number = 0
        if number == contract.version and number not in by_number:
            return number, live
        return (number, by_number[number].content) if number in by_number else (None, None)

    first = versions[0].number if versions else contract.version
    a, old = pick("a", versions[-2].number if len(versions) > 1 else first)
    b, new = pick("b", contract.version)
    changes = content.diff(old, new) if old is not None and new is not None else None
    return render(request, "contracts/versions.html", {
        "contract": contract, "versions": versions, "a": a, "b": b, "changes": changes,
        "numbers": sorted({*by_number, contract.version}),
    })


def verify(request, code):
    """Public: anyone holding the code (printed as a QR on the PDF) can check a signed contract."""
    found = signing.verify(code)
    if found is None:
        raise Http404
    return render(request, "contracts/verify.html", {"v": found})


@login_required
@scoped(PerformanceContract)
def contract_scorecard(request, pk):
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    card = selectors.scorecard_for(contract)
    return render(request, "contracts/scorecard.html", {"contract": contract, "card": card})


@login_required
@scoped(FinancialYear)
def cascade_report(request, pk):
    year = visible_or_404(FinancialYear, request.user, pk, FinancialYear.objects.select_related("institution"))
    return render(request, "contracts/cascade_report.html", {"year": year, "report": cascade.coverage_report(year)})

