"""Who may take which step of the contracting cycle (``RULES``, ``can``, ``check``), and the contract's row
locked against stale edits (``lock``). The steps themselves are ``steps``."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmis import access
from pmis.access import NotAllowed
from pmis.models import Role

from ...models import NegotiationRound, PerformanceContract

Status = PerformanceContract.Status
Side = NegotiationRound.Side

# Who may act, in the contract's own terms.
PERFORMER, COUNTERPARTY, SECRETARIAT, VETTING, SYSTEM = "performer", "counterparty", "secretariat", "vetting", "system"
ACTOR_LABELS = {
    PERFORMER: gettext_lazy("the performer"),
    COUNTERPARTY: gettext_lazy("the counter-party"),
    SECRETARIAT: gettext_lazy("the performance secretariat"),
    VETTING: gettext_lazy("the vetting committee"),
    SYSTEM: gettext_lazy("the system"),
}


class TransitionError(ValidationError):
    """The contract is not in a state where this step applies, or the step's work is incomplete."""


class ConcurrentEdit(ValidationError):
    """Someone else saved first; the caller's copy is stale (HTTP 409 in the API)."""


@dataclass(frozen=True)
class Rule:
    states: frozenset
    actors: frozenset
    label: str


def _rule(states, actors, label):
    return Rule(frozenset(states), frozenset(actors), label)


RULES = {
    "edit_targets": _rule({Status.DRAFT}, {PERFORMER}, gettext_lazy("Editing targets")),
    "submit": _rule({Status.DRAFT}, {PERFORMER}, gettext_lazy("Submitting")),
    "comment_review": _rule({Status.SUBMITTED}, {SECRETARIAT}, gettext_lazy("Commenting in review")),
    "return_to_draft": _rule({Status.SUBMITTED}, {SECRETARIAT}, gettext_lazy("Returning to the performer")),
    "pass_review": _rule({Status.SUBMITTED}, {SECRETARIAT}, gettext_lazy("Passing to negotiation")),
    "propose": _rule({Status.NEGOTIATION}, {PERFORMER, COUNTERPARTY}, gettext_lazy("Proposing a change")),
    "answer": _rule({Status.NEGOTIATION}, {PERFORMER, COUNTERPARTY}, gettext_lazy("Answering a proposal")),
    "conclude_negotiation": _rule({Status.NEGOTIATION}, {COUNTERPARTY}, gettext_lazy("Concluding negotiation")),
    "vet_target": _rule({Status.AGREED}, {VETTING}, gettext_lazy("Vetting a target")),
    "approve_vetting": _rule({Status.AGREED}, {VETTING}, gettext_lazy("Approving in vetting")),
    "return_from_vetting": _rule({Status.AGREED}, {VETTING}, gettext_lazy("Returning from vetting")),
    "sign": _rule({Status.READY_TO_SIGN}, {PERFORMER, COUNTERPARTY}, gettext_lazy("Signing")),
    "bring_into_force": _rule({Status.SIGNED}, {SECRETARIAT, SYSTEM}, gettext_lazy("Bringing into force")),
    "close": _rule({Status.IN_FORCE}, {SECRETARIAT, SYSTEM}, gettext_lazy("Closing")),
    "amend": _rule({Status.SIGNED, Status.IN_FORCE}, {PERFORMER, COUNTERPARTY, SECRETARIAT}, gettext_lazy("Amending")),
}


# ---------------------------------------------------------------------------------------------
# Who the actor is to this contract


#: the institution roles that make their holder a party to the institution's contracts
PART_OF_ROLE = {Role.PERFORMANCE_OFFICER: SECRETARIAT, Role.VETTING: VETTING}


def parts_of(user, contract, roles=None) -> set[str]:
    """The parts ``user`` plays on ``contract`` (``None`` is the system, for scheduled tasks)."""
    if user is None:
        return {SYSTEM}
    parts = set()
    if contract.performer_id == user.pk:
        parts.add(PERFORMER)
    if contract.counterparty_id == user.pk:
        parts.add(COUNTERPARTY)
    if roles is None:
        roles = access.roles_in(user, contract.institution_id)
    parts.update(part for role, part in PART_OF_ROLE.items() if role in roles)
    return parts


#: the steps that judge the contract: nobody takes them on a contract they are a party to
INDEPENDENT = frozenset({"vet_target", "approve_vetting", "return_from_vetting"})


def is_party(user, contract, parts=None) -> bool:
    """Whether ``user`` is a party to ``contract``: its performer or its counter-party. A party may
    hold a committee role in the same institution, but does not judge its own contract with it."""
    parts = parts_of(user, contract) if parts is None else parts
    return bool(parts & {PERFORMER, COUNTERPARTY})


def can(user, contract, action, parts=None) -> bool:
    rule = RULES[action]
    parts = parts_of(user, contract) if parts is None else parts
    if action in INDEPENDENT and is_party(user, contract, parts):
        return False
    return contract.status in rule.states and bool(parts & rule.actors)


def allowed_actions(user, contract, roles=None) -> set[str]:
    """The steps ``user`` may take on ``contract`` now (``roles``: theirs in its institution, if known)."""
    parts = parts_of(user, contract, roles)
    return {action for action in RULES if can(user, contract, action, parts)}


def check(user, contract, action):
    """Raise unless ``user`` may take ``action`` on ``contract`` in its current state."""
    rule = RULES[action]
    parts = parts_of(user, contract)
    if not parts & rule.actors:
        who = _(" or ").join(str(ACTOR_LABELS[a]) for a in sorted(rule.actors))
        raise NotAllowed(_("%(action)s is for %(who)s only.") % {"who": who, "action": rule.label})
    if action in INDEPENDENT and is_party(user, contract, parts):
        raise NotAllowed(_("%(action)s is not for you: you are a party to this contract, and someone "
                           "independent of it judges it.") % {"action": rule.label})
    if contract.status not in rule.states:
        raise TransitionError(
            _("%(action)s is not possible while the contract is “%(status)s”.")
            % {"action": rule.label, "status": contract.get_status_display().lower()}
        )


LOCK_VERSION_MAX = 2**31 - 1


def parse_lock_version(value) -> int | None:
    """The edit version a page or client sent back (None: not sent), as an int; anything but a whole
    number (``abc``, ``1.5``, other scripts' digits, one too large to store) is a ValidationError."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= LOCK_VERSION_MAX):
        raise ValidationError(
            {"lock_version": _("The edit version (lock_version) must be a whole number; reload the page and "
                               "try again.")}, code="invalid")
    return int(text)


def lock(contract, lock_version=None) -> PerformanceContract:
    """The contract's row, locked for this transaction; refuse a stale ``lock_version``."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer joins (counter-party, officer, unit).
    fresh = PerformanceContract.objects.select_for_update(of=("self",)).select_related(
        "institution", "financial_year", "performer", "counterparty", "officer", "org_unit"
    ).get(pk=contract.pk)
    lock_version = parse_lock_version(lock_version)
    if lock_version is not None and lock_version != fresh.lock_version:
        raise ConcurrentEdit(
            _("Someone else changed this contract while you were working on it. Reload it and try again; "
              "what you entered is shown below.")
        )
    return fresh
