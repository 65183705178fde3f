"""Who is waiting on a deadline: one registry of rules per stage.

A rule takes a ``CycleDeadline`` and yields ``(performer_id, recipient_id)`` user-id pairs: the
recipient gets the reminder, and when the deadline is overdue the performer's supervisor and then
the institution's performance officers are told (see ``sweep``). Later features register rules
for the stages that have no data yet::

    from notifications.rules import register

    @register("q1_report")
    def quarter_one_reports(deadline):
        ...

Contract statuses are the workflow's string values ("draft", "submitted", "negotiation",
"agreed", "ready_to_sign", "signed", "in_force", "closed").
"""

from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef

from contracts.models import PerformanceContract, ProgressReport
from pmis import access
from pmis.models import Officer, Role
from scorecards import profiles

from .models import CycleDeadline, Stage

Pair = tuple[int, int]
Rule = Callable[[CycleDeadline], Iterable[Pair]]

RULES: dict[str, list[Rule]] = {stage: [] for stage in Stage.values}


def register(stage: str):
    if stage not in RULES:
        raise ValueError(f"unknown stage {stage!r}")

    def decorate(rule: Rule) -> Rule:
        RULES[stage].append(rule)
        return rule

    return decorate


def pairs_for(deadline: CycleDeadline) -> set[Pair]:
    found: set[Pair] = set()
    for rule in RULES.get(deadline.stage, []):
        found.update(rule(deadline))
    return found


def contracts_in(deadline: CycleDeadline, status: str):
    return PerformanceContract.objects.filter(financial_year_id=deadline.financial_year_id, status=status)


def role_holders(deadline: CycleDeadline, role: str) -> list[int]:
    return sorted({row["user_id"] for row in access.holders(deadline.institution_id, role)})


def performers_and_role(deadline, status, role) -> Iterable[Pair]:
    holders = role_holders(deadline, role)
    if not holders:
        return []
    performers = contracts_in(deadline, status).values_list("performer_id", flat=True).distinct()
    return [(p, h) for p in performers for h in holders]


def performers_and_counterparties(deadline, status) -> Iterable[Pair]:
    pairs = []
    for performer, counterparty in contracts_in(deadline, status).values_list("performer_id", "counterparty_id"):
        pairs.append((performer, performer))
        if counterparty:
            pairs.append((performer, counterparty))
    return pairs


# --- Target identification: plans still in draft, and officers with no plan at all -------------


@register(Stage.TARGET_IDENTIFICATION)
def drafts_to_finish(deadline):
    return [(p, p) for p in contracts_in(deadline, "draft").values_list("performer_id", flat=True).distinct()]


@register(Stage.TARGET_IDENTIFICATION)
def officers_without_a_plan(deadline):
    """Participation: every officer of the institution needs an officer-level contract for the year."""
    has_plan = PerformanceContract.objects.filter(
        financial_year_id=deadline.financial_year_id, level="officer", officer=OuterRef("pk")
    )
    users = (
        Officer.objects.filter(institution_id=deadline.institution_id, user__is_active=True)
        .filter(~Exists(has_plan))
        .values_list("user_id", flat=True)
    )
    return [(u, u) for u in users]


@register(Stage.PRE_NEGOTIATION)
def submitted_for_review(deadline):
    return performers_and_role(deadline, "submitted", Role.PERFORMANCE_OFFICER)


@register(Stage.NEGOTIATION)
def in_negotiation(deadline):
    return performers_and_counterparties(deadline, "negotiation")


@register(Stage.VETTING)
def awaiting_vetting(deadline):
    return performers_and_role(deadline, "agreed", Role.VETTING)


@register(Stage.SIGNING)
def awaiting_signatures(deadline):
    return performers_and_counterparties(deadline, "ready_to_sign")


# --- Quarterly reports: contracts in force whose report for the quarter is not submitted ---------

REPORT_STAGES = {Stage.Q1_REPORT: 1, Stage.Q2_REPORT: 2, Stage.Q3_REPORT: 3, Stage.Q4_REPORT: 4}


def reports_not_submitted(deadline):
    """The performers (who report, ``monitoring.can_report``) of the year's signed contracts with no
    submitted report for the deadline's quarter: reminded before it, chased after it, their
    supervisors and the performance officers told when it is long overdue (``sweep``). Nobody, where the
    institution's profile has no quarterly reports."""
    if not profiles.quarterly_reports_on(deadline.institution):
        return []
    submitted = ProgressReport.objects.filter(
        contract=OuterRef("pk"), period=REPORT_STAGES[deadline.stage], state=ProgressReport.State.SUBMITTED)
    performers = (PerformanceContract.objects.filter(
        institution_id=deadline.institution_id, financial_year_id=deadline.financial_year_id,
        status__in=REPORTING_STATES).filter(~Exists(submitted))
        .values_list("performer_id", flat=True).distinct())
    return [(p, p) for p in performers if p]


#: the contract states in which quarterly reports are due
REPORTING_STATES = ("signed", "in_force")

for _stage in REPORT_STAGES:
    register(_stage)(reports_not_submitted)

# The appraisal and the appeal window register their rules from their apps when they need reminders
# (RULES["appraisal"] and RULES["appeal_window"] start empty, so the sweep skips them).
