"""The vetting form: every target's finding (SMART, aligned, comment) on one page with what the
committee should look at first (``contracts.cycle.vetting.flags``), saved at once, then approved or
returned with the same click. Changes go through ``contracts.cycle.vetting`` and ``workflow``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pmis.tenancy import scoped
from pmis.views import visible_or_404

from .. import selectors
from ..cycle import vetting, workflow
from ..models import PerformanceContract, Target
from .cycle import bad_request

ACTIONS = {"save", "approve", "return"}


def _page(request, contract, posted=None, errors=None, general=(), comment="", status=200):
    targets, rows = vetting.rows(contract, posted, errors)
    may_vet = workflow.can(request.user, contract, "vet_target")
    return render(request, "contracts/vetting.html", {
        "contract": contract, "rows": rows, "may_vet": may_vet,
        "contract_flags": vetting.contract_flags(contract, targets),
        "flagged": sum(1 for row in rows if row["flags"]),
        "gaps": workflow.vetting_gaps(contract) if may_vet and not posted else [],
        "errors": [(row["target"], row["error"]) for row in rows if row["error"]], "general": general,
        "comment": comment,
    }, status=status)


@login_required
@scoped(PerformanceContract)
def contract_vetting(request, pk):
    """GET: the form. POST: save every finding ("save": a draft), then approve or return (``action``)."""
    contract = visible_or_404(PerformanceContract, request.user, pk, selectors.contracts())
    if request.method != "POST":
        return _page(request, contract)
    if not workflow.can(request.user, contract, "vet_target"):
        raise PermissionDenied(_("Only the vetting committee vets, once the parties have agreed the targets."))
    action = request.POST.get("action")
    try:
        lock_version = workflow.parse_lock_version(request.POST.get("lock_version"))
        if action not in ACTIONS:
            raise ValidationError(_("Choose save, approve or return."), code="invalid")
    except ValidationError as exc:
        return bad_request(request, exc)
    posted = {}
    for target_id in Target.objects.filter(contract=contract).values_list("pk", flat=True):
        if f"comment-{target_id}" in request.POST:
            posted[target_id] = {"smart": request.POST.get(f"smart-{target_id}") == "on",
                                 "aligned": request.POST.get(f"aligned-{target_id}") == "on",
                                 "comment": request.POST.get(f"comment-{target_id}", "")}
    comment = request.POST.get("comment", "")
    try:
        saved = vetting.save_findings(request.user, contract, posted, lock_version=lock_version)
        if not saved.ok:
            return _page(request, contract, posted, saved.errors, comment=comment, status=400)
        if action == "approve":
            workflow.approve_vetting(request.user, contract, comment, lock_version=lock_version)
            messages.success(request, _("Vetting approved: the contract is ready to sign."))
            return redirect(contract)
        if action == "return":
            workflow.return_from_vetting(request.user, contract, comment, lock_version=lock_version)
            messages.success(request, _("The contract went back to negotiation with your comments."))
            return redirect(contract)
    except workflow.NotAllowed:
        raise
    except ValidationError as exc:
        contract.refresh_from_db()
        return _page(request, contract, posted, general=exc.messages, comment=comment, status=400)
    messages.success(request, _("Findings saved as a draft (%(n)s changed).") % {"n": saved.written})
    return redirect("contract-vetting", pk=contract.pk)
