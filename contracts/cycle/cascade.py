"""The cascade rules, in one place.

- **Weights.** A contract's target weights add up to 100; where the contract enforces category
  weights (copied from its scoring policy: institution and unit contracts by default), the
  targets in each perspective / criteria category add up to that category's weight. A target broken
  into tasks (PEPMIS) has task weights adding up to 100, and a task's sub-tasks too.
- **Parents.** A child target names a target of the contract directly above its own:
  an officer's contract sits under the contract of the nearest unit, going up from the officer's
  own unit, that has one; a unit's contract under the nearest ancestor unit's; a unit with no
  contracted ancestor (a directorate) under the institution contract. Institution targets have
  no parent; whole-of-government targets name partner institutions instead.
- **Coverage.** Per institution and year, every institution target with the unit and officer
  targets under it; institution targets nobody took up are flagged, and so are unit and officer
  targets that trace to nothing (no parent, or a parent chain that never reaches the
  institution contract).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.models import ContractLevel, Perspective, level_order

from ..models import PerformanceContract, SubTask, Target, Task

HUNDRED = Decimal(100)

# ---------------------------------------------------------------------------------------------
# Weights


def weight_problems(contract, targets, perspectives) -> list[str]:
    """What is wrong with the weights of ``contract``'s ``targets`` (empty list: nothing).

    ``perspectives`` are the contract year's perspectives / criteria categories.
    """
    problems = []
    if not targets:
        return [_("The contract has no targets yet.")]
    total = sum((t.weight for t in targets), Decimal(0))
    if total != HUNDRED:
        problems.append(_("Target weights add up to %(total)s; they must add up to 100.") % {"total": _num(total)})
    if contract.category_weights and perspectives:
        missing = [t for t in targets if t.perspective_id is None]
        if missing:
            problems.append(
                _("%(n)s target(s) have no perspective or criteria category.") % {"n": len(missing)}
            )
        by_perspective = defaultdict(Decimal)
        for t in targets:
            if t.perspective_id is not None:
                by_perspective[t.perspective_id] += t.weight
        for p in perspectives:
            got = by_perspective.get(p.pk, Decimal(0))
            if got != p.weight:
                problems.append(
                    _("%(category)s: targets weigh %(got)s; the category weighs %(weight)s.")
                    % {"category": p.name, "got": _num(got), "weight": _num(p.weight)}
                )
    return problems


def task_weight_problems(contract) -> list[str]:
    """What is wrong with the weights of ``contract``'s tasks (empty: nothing), in the user's language:
    the tasks of a target add up to 100, and so do the sub-tasks of a task (``methodology.md``: a task's
    score is the weighted mean of its sub-tasks', a target's of its tasks'). A target without tasks, or a
    task without sub-tasks, is not broken down and has nothing to add up. Two queries."""
    task_weights, sub_weights = defaultdict(Decimal), defaultdict(Decimal)
    targets, task_titles = {}, {}
    for task in Task.objects.filter(target__contract=contract).select_related("target").order_by(
            "target__order", "target_id", "order", "pk"):
        targets[task.target_id] = task.target
        task_weights[task.target_id] += task.weight
        task_titles[task.pk] = task.title
    for task_id, weight in SubTask.objects.filter(contract=contract).values_list("task_id", "weight"):
        sub_weights[task_id] += weight
    problems = []
    for target_id, total in task_weights.items():
        if total != HUNDRED:
            problems.append(_("The tasks of “%(target)s” weigh %(total)s; they must add up to 100.") % {
                "target": targets[target_id].description, "total": _num(total)})
    for task_id, title in task_titles.items():
        total = sub_weights.get(task_id)
        if total is not None and total != HUNDRED:
            problems.append(_("The sub-tasks of “%(task)s” weigh %(total)s; they must add up to 100.") % {
                "task": title, "total": _num(total)})
    return problems


def _num(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------------------------
# Parents


def unit_of(contract):
    """The org unit a contract's position in the tree starts from (None: the institution)."""
    if contract.level == ContractLevel.OFFICER:
        return contract.officer.org_unit
    if contract.level == ContractLevel.UNIT:
        return contract.org_unit
    return None


def expected_parent_contract(contract, year_contracts):
    """The contract whose targets ``contract``'s targets must hang under, or None.

    ``year_contracts`` are the institution and unit contracts of the same year (org units loaded);
    the search runs in memory so the coverage report can call it per contract without queries.
    """
    if contract.level == ContractLevel.INSTITUTION:
        return None
    unit = unit_of(contract)
    include_self = contract.level == ContractLevel.OFFICER
    best, institution_contract = None, None
    for other in year_contracts:
        if other.pk == contract.pk or other.institution_id != contract.institution_id:
            continue
        if other.level == ContractLevel.INSTITUTION:
            institution_contract = other
        elif other.level == ContractLevel.UNIT and unit is not None:
            path = other.org_unit.path
            above = unit.path.startswith(path) and (include_self or path != unit.path)
            if above and (best is None or len(path) > len(best.org_unit.path)):
                best = other
    return best or institution_contract


def year_contracts(financial_year_id):
    """The contracts a target can cascade from in a year: one query."""
    return list(
        PerformanceContract.objects.filter(
            financial_year_id=financial_year_id, level__in=[ContractLevel.INSTITUTION, ContractLevel.UNIT]
        ).select_related("org_unit")
    )


def parent_problem(contract, parent, contracts=None) -> str | None:
    """Why ``parent`` cannot be the parent of a target of ``contract`` (None: it can)."""
    if parent is None:
        return None
    if contract.level == ContractLevel.INSTITUTION:
        return _("An institution target has no parent target; name partner institutions to share it.")
    if contracts is None:
        contracts = year_contracts(contract.financial_year_id)
    expected = expected_parent_contract(contract, contracts)
    if expected is None:
        return _("There is no contract above this one in %(year)s to cascade from.") % {"year": contract.financial_year}
    if parent.contract_id != expected.pk:
        return _("The parent target must be a target of “%(contract)s”.") % {"contract": expected.title}
    return None


# ---------------------------------------------------------------------------------------------
# Coverage report


@dataclass
class Row:
    target: Target
    depth: int
    flags: list = field(default_factory=list)  # (tone, message): tone is "red" or "amber"


@dataclass
class ContractSummary:
    contract: PerformanceContract
    target_count: int
    weight_total: Decimal
    problems: list


@dataclass
class CoverageReport:
    year: object
    rows: list  # institution targets and everything under them, depth-first
    orphans: list  # Rows of unit and officer targets that trace to nothing
    not_cascaded: list  # institution targets with nothing under them
    contracts: list  # ContractSummary per contract of the year

    @property
    def institution_target_count(self):
        return sum(1 for r in self.rows if r.depth == 0)

    @property
    def cascaded_count(self):
        return self.institution_target_count - len(self.not_cascaded)


def coverage_report(year) -> CoverageReport:
    """The cascade of ``year``'s institution in a fixed number of queries."""
    contracts = list(
        PerformanceContract.objects.filter(financial_year=year)
        .select_related("institution", "org_unit", "officer__user", "officer__org_unit", "performer")
        .order_by(level_order(), "org_unit__path", "title")
    )
    by_id = {c.pk: c for c in contracts}
    targets = list(
        Target.objects.filter(contract__financial_year=year)
        .select_related("indicator", "perspective")
        .prefetch_related("partner_institutions")
        .order_by("contract_id", "perspective__order", "order", "pk")
    )
    for t in targets:
        t.contract = by_id[t.contract_id]  # share the loaded contracts rather than query each
    perspectives = list(Perspective.objects.filter(financial_year=year))
    tree_contracts = [c for c in contracts if c.level != ContractLevel.OFFICER]
    expected = {c.pk: expected_parent_contract(c, tree_contracts) for c in contracts}

    by_pk = {t.pk: t for t in targets}
    children = defaultdict(list)
    for t in targets:
        if t.parent_id in by_pk:
            children[t.parent_id].append(t)

    rows, not_cascaded, seen = [], [], set()

    def walk(target, depth):
        seen.add(target.pk)
        row = Row(target, depth)
        rows.append(row)
        kids = [k for k in children[target.pk] if k.pk not in seen]
        if not kids and target.contract.level == ContractLevel.INSTITUTION:
            row.flags.append(("red", _("Not cascaded")))
            not_cascaded.append(target)
        elif not kids and target.contract.level == ContractLevel.UNIT:
            row.flags.append(("amber", _("Not cascaded to officers")))
        parent_contract = expected.get(target.contract_id)
        if depth and (parent_contract is None or by_pk[target.parent_id].contract_id != parent_contract.pk):
            row.flags.append(("amber", _("Parent is not in the contract directly above")))
        for kid in kids:
            walk(kid, depth + 1)

    for t in targets:
        if t.contract.level == ContractLevel.INSTITUTION:
            walk(t, 0)

    orphans = []
    for t in targets:
        if t.pk in seen or t.contract.level == ContractLevel.INSTITUTION:
            continue
        row = Row(t, 0)
        if t.parent_id is None:
            row.flags.append(("red", _("No parent target: traces to nothing")))
        elif t.parent_id not in by_pk:
            row.flags.append(("red", _("Parent target is in another year")))
        else:
            row.flags.append(("red", _("Parent “%(parent)s” traces to nothing") % {"parent": by_pk[t.parent_id]}))
        orphans.append(row)

    summaries = []
    targets_of = defaultdict(list)
    for t in targets:
        targets_of[t.contract_id].append(t)
    for c in contracts:
        own = targets_of[c.pk]
        summaries.append(ContractSummary(
            c, len(own), sum((t.weight for t in own), Decimal(0)), weight_problems(c, own, perspectives)
        ))
    return CoverageReport(year, rows, orphans, not_cascaded, summaries)


def is_orphan(report, target) -> bool:
    return any(row.target.pk == target.pk for row in report.orphans)
