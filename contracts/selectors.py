"""Read-side helpers for contract pages; each issues a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q

from pmis.models import FinancialYear, Officer
from scorecards.models import Perspective, level_order

from . import scorecard, scores
from .cycle import cascade, signing, workflow
from .models import (
    ContractComment,
    ContractDocument,
    ContractVersion,
    NegotiationRound,
    PerformanceContract,
    Target,
    VettingCheck,
)


def contracts():
    """Contracts with everything a heading or a list row shows."""
    return PerformanceContract.objects.select_related(
        "institution", "financial_year", "org_unit", "officer__user", "performer", "counterparty"
    )


#: What a row of the contract list shows besides the contract's own columns. Fewer joins than
#: ``contracts()``: planning its eight-table join cost PostgreSQL ~40 ms on every page at national scale.
LIST_ROW = ("institution", "financial_year", "performer")


def list_rows():
    """Every contract in the list order (``models.LIST_ORDER``, the default) with what a row shows."""
    return PerformanceContract.objects.select_related(*LIST_ROW)


def contract_list(user):
    """The contract list ``user`` may read: a page read along a list index, however many contracts
    there are (the institutions in sight come from pmis.access, once a request)."""
    return list_rows().visible_to(user)


def scorecard_for(contract, period=None) -> scorecard.Scorecard:
    """The contract's scorecard (``scores.score``'s figures beside the targets): three queries whatever
    the number of targets."""
    targets = list(contract.targets.select_related("perspective", "objective", "indicator", "parent").order_by(
        "perspective__order", "order", "pk"
    ))
    perspectives = list(Perspective.objects.filter(financial_year_id=contract.financial_year_id))
    return scorecard.from_score(contract, targets, perspectives, scores.score(contract, period, targets))


def current_contracts(institution):
    """(current financial year or None, its contracts) for the institution page: two queries."""
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    if year is None:
        return None, []
    found = contracts().filter(financial_year=year).order_by(level_order(), "org_unit__path", "title")
    return year, list(found)


def involving(queryset, user):
    """Contracts where ``user`` is a party."""
    return queryset.filter(Q(performer=user) | Q(counterparty=user))


def plan_to_start(user):
    """(officer, current year) when ``user`` is an officer without a plan this year, else None: two queries."""
    officer = Officer.objects.select_related("supervisor__user", "institution").filter(user=user).first()
    if officer is None:
        return None
    year = FinancialYear.objects.filter(institution_id=officer.institution_id, is_current=True).first()
    if year is None or PerformanceContract.objects.filter(financial_year=year, officer=officer).exists():
        return None
    return officer, year


STEPS = [
    PerformanceContract.Status.DRAFT, PerformanceContract.Status.SUBMITTED, PerformanceContract.Status.NEGOTIATION,
    PerformanceContract.Status.AGREED, PerformanceContract.Status.READY_TO_SIGN, PerformanceContract.Status.SIGNED,
    PerformanceContract.Status.IN_FORCE, PerformanceContract.Status.CLOSED,
]


@dataclass
class TargetRow:
    target: Target
    comments: list = field(default_factory=list)
    rounds: list = field(default_factory=list)
    vetting: VettingCheck | None = None

    @property
    def open_round(self):
        return next((r for r in self.rounds if r.state == NegotiationRound.State.OPEN), None)


@dataclass
class ContractPage:
    rows: list
    actions: set
    parts: set
    steps: list
    problems: list
    comments: list
    transitions: list
    version: ContractVersion | None
    signatures: list
    pending_side: str | None
    vetting_gaps: list
    document: object = None


def contract_page(contract, user) -> ContractPage:
    """Everything the contract page shows, in a fixed number of queries whatever the number of targets."""
    targets = list(
        Target.objects.filter(contract=contract)
        .select_related("perspective", "objective", "indicator", "parent")
        .order_by("perspective__order", "order", "pk")
    )
    rows = {t.pk: TargetRow(t) for t in targets}
    general = []
    for note in ContractComment.objects.filter(contract=contract).select_related("author").order_by("created_at"):
        (rows[note.target_id].comments if note.target_id in rows else general).append(note)
    for proposal in NegotiationRound.objects.filter(contract=contract).select_related(
        "proposed_by", "answered_by"
    ).order_by("number"):
        if proposal.target_id in rows:
            rows[proposal.target_id].rounds.append(proposal)
    for check in VettingCheck.objects.filter(contract=contract, version=contract.version).select_related("checked_by"):
        if check.target_id in rows:
            rows[check.target_id].vetting = check
    perspectives = list(Perspective.objects.filter(financial_year_id=contract.financial_year_id))
    parts = workflow.parts_of(user, contract)
    actions = {a for a in workflow.RULES if workflow.can(user, contract, a, parts)}
    if user.is_superuser and contract.is_editable:
        actions.add("edit_targets")
    version = signing.current_version(contract)
    signatures = list(version.signatures.select_related("signer").order_by("signed_at")) if version else []
    position = STEPS.index(contract.status)
    steps = [(s, PerformanceContract.Status(s).label, i < position, i == position) for i, s in enumerate(STEPS)]
    gaps = workflow.vetting_gaps(contract) if contract.status == PerformanceContract.Status.AGREED else []
    return ContractPage(
        rows=list(rows.values()), actions=actions, parts=parts, steps=steps,
        problems=cascade.weight_problems(contract, targets, perspectives) if not contract.is_frozen else [],
        comments=general,
        transitions=list(contract.transitions.select_related("actor").order_by("-created_at", "-pk")[:50]),
        version=version, signatures=signatures,
        pending_side=signing.may_sign(user, contract, {s.side for s in signatures}) if version else None,
        vetting_gaps=gaps,
        document=ContractDocument.objects.filter(contract=contract, version=contract.version).first(),
    )
