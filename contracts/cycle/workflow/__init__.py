"""The contracting cycle's state machine: ``rules`` (who may take which step, ``can`` / ``check``, the
row lock) and ``steps`` (one function per step). Callers name both through this package
(``workflow.submit``, ``workflow.can``, ``workflow.NotAllowed``…)."""

from pmis.access import NotAllowed

from .rules import (
    ACTOR_LABELS,
    COUNTERPARTY,
    INDEPENDENT,
    LOCK_VERSION_MAX,
    PART_OF_ROLE,
    PERFORMER,
    RULES,
    SECRETARIAT,
    SYSTEM,
    VETTING,
    ConcurrentEdit,
    Rule,
    Side,
    Status,
    TransitionError,
    allowed_actions,
    can,
    check,
    is_party,
    lock,
    parse_lock_version,
    parts_of,
)
from .steps import (
    advance_by_calendar,
    amend,
    approve_vetting,
    bring_into_force,
    clear_vetting,
    close,
    comment,
    conclude_negotiation,
    counter,
    fully_signed,
    open_round,
    pass_review,
    propose,
    return_from_vetting,
    return_to_draft,
    submit,
    target_hash,
    vet_target,
    vetting_gaps,
    withdraw,
)

__all__ = [
    "ACTOR_LABELS", "COUNTERPARTY", "INDEPENDENT", "LOCK_VERSION_MAX", "PART_OF_ROLE", "PERFORMER", "RULES",
    "SECRETARIAT", "SYSTEM", "VETTING", "ConcurrentEdit", "NotAllowed", "Rule", "Side", "Status", "TransitionError",
    "advance_by_calendar", "allowed_actions", "amend", "approve_vetting", "bring_into_force", "can", "check",
    "clear_vetting", "close", "comment", "conclude_negotiation", "counter", "fully_signed", "is_party", "lock",
    "open_round", "parse_lock_version", "parts_of", "pass_review", "propose", "return_from_vetting",
    "return_to_draft", "submit", "target_hash", "vet_target", "vetting_gaps", "withdraw",
]
