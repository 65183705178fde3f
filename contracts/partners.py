"""Confirming and withdrawing the partners of a shared (whole-of-government) target.

Who may confirm is ``targets.may_confirm_partner``; a confirmation changes the lead's stored summaries,
which ``monitoring`` computes (and monitoring reads targets): so these writes sit above both.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from scorecards.models import ContractScore

from . import monitoring
from .cycle.targets import may_confirm_partner
from .cycle.workflow import NotAllowed
from .models import PartnerConfirmation, PerformanceContract, Target


def _check_partner(actor, target, partner):
    if not may_confirm_partner(actor, target, partner):
        raise NotAllowed(_("A partnership is confirmed by the partner institution (its head, performance "
                           "officer or administrator) or by the performance department overseeing both."))


def _refresh_scores(target):
    """The lead's stored summaries name only confirmed partners: refresh the quarters it has."""
    contract = PerformanceContract.objects.select_related("financial_year").get(pk=target.contract_id)
    first = ContractScore.objects.filter(contract=contract).order_by("period").values_list("period", flat=True).first()
    if first is not None:  # refreshing the first quarter refreshes the later ones too
        monitoring.refresh_summary(contract, first)


@transaction.atomic
def confirm_partner(actor, target, partner):
    """Record ``partner``'s acceptance of the shared ``target``; its results then show beside the lead's."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    _check_partner(actor, target, partner)
    found, created = PartnerConfirmation.objects.get_or_create(
        target=target, partner=partner, defaults={"institution_id": target.institution_id, "confirmed_by": actor})
    if created:
        audit.record(actor, "target.partner_confirm", target, None, {"partner": partner.pk})
        _refresh_scores(target)
    return found


@transaction.atomic
def withdraw_partner(actor, target, partner):
    """Withdraw ``partner``'s confirmation (the partner or the department); it counts no more."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    _check_partner(actor, target, partner)
    found = PartnerConfirmation.objects.filter(target=target, partner=partner).first()
    if found is None:
        return False
    audit.record(actor, "target.partner_withdraw", target,
                 {"partner": partner.pk, "confirmed_by": found.confirmed_by_id}, None)
    found.delete()
    _refresh_scores(target)
    return True
