"""Accepting a negotiation round: its values are written to the target.

The round's rules (who answers, in which state) are ``workflow``'s and the one writer of target values
is ``targets``, which itself asks ``workflow``; accepting needs both, so it sits above them.
"""

from django.db import transaction
from django.utils import timezone

from pmis import audit

from ..models import NegotiationRound, Target
from . import workflow
from .targets import apply_negotiated


@transaction.atomic
def accept(actor, proposal, comment=""):
    """The other side accepts a proposal: its values are written to the target."""
    contract, proposal = workflow.open_round(actor, proposal)
    target = Target.objects.select_for_update().get(pk=proposal.target_id)
    apply_negotiated(actor, target, proposal.changes)
    proposal.state = NegotiationRound.State.ACCEPTED
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.save(update_fields=["state", "answered_by", "answered_at"])
    contract.lock_version += 1
    contract.save(update_fields=["lock_version"])
    audit.record(actor, "negotiation.accept", target, None, {"round": proposal.number, "comment": comment or None})
    return proposal
