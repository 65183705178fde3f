"""Partnerships of shared targets: the partner institution (or the performance department over both)
sees the targets that name it and confirms or withdraws its part. The rule is
``targets.may_confirm_partner``; the writes are ``partners.confirm_partner`` and ``withdraw_partner``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pmis.models import Institution

from .. import partners
from ..cycle import targets
from ..models import Target


@login_required
def partner_requests(request):
    return render(request, "contracts/partners.html", {"rows": targets.partnerships_for(request.user)})


@login_required
@require_POST
def partner_answer(request, target, institution):
    # The lead's target is outside the partner's tenancy: the rule itself decides who reaches it, and
    # anyone it refuses gets the same 404 as a target that does not exist.
    found = Target.objects.filter(pk=target).first()
    partner = Institution.objects.filter(pk=institution).first()
    if found is None or partner is None or not targets.may_confirm_partner(request.user, found, partner):
        raise Http404
    try:
        if request.POST.get("answer") == "withdraw":
            partners.withdraw_partner(request.user, found, partner)
            messages.success(request, _("The partnership is withdrawn; the lead no longer shows your results."))
        else:
            partners.confirm_partner(request.user, found, partner)
            messages.success(request, _("The partnership is confirmed."))
    except (ValidationError, PermissionDenied) as exc:
        for message in exc.messages if hasattr(exc, "messages") else [str(exc)]:
            messages.error(request, message)
    return redirect("partner-requests")
