"""The one score read path of a contract: ``score(contract, period)``, ``for_contracts`` and, for the
year-end evaluation of an institution, ``evaluated`` (the year's evaluated achievements, exogenous
factors applied).

A contract's figures for a quarter are those of its verified actuals up to the quarter's end (each
target's latest accepted actual), scored against the year's targets; each target's status (red, amber,
green, and their counts) judges the actual against the value expected by the end of the quarter
(``judged_actual``); "the year" is the latest quarter scored so far, or, before any
quarter is reported, the targets' recorded actuals. The composite is final once every target is
scored, and a composite so far before then.

The figures are read from the summary table (``ContractScore``) where a row exists, so pages stay
fast; otherwise they are computed here, by the same ``compute`` that fills the table
(``refresh``). The arithmetic is the engine's (``scorecards.scoring`` through
``scorecards.summary``); this module only gathers the data and chooses the row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from scorecards import scoring, summary
from scorecards.models import ContractScore

from . import scorecard
from .cycle import targets
from .models import ProgressEntry, SubTask, Target

PERIODS = (1, 2, 3, 4)


@dataclass
class Score:
    contract_id: int
    #: the quarter the figures run to; None before any quarter is scored (the targets' actuals)
    period: int | None
    scheme: str
    composite: Decimal | None
    grade: str
    tone: str
    #: every target scored: the composite is final, not a composite so far
    final: bool
    perspectives: list  # [{"id", "name", "weight", "score", "weighted", "grade", "tone"}]
    targets: list  # [{"id", "description", "weight", "actual", "raw", "weighted", "grade", "tone", …}]
    targets_total: int
    targets_verified: int
    green: int = 0
    amber: int = 0
    red: int = 0
    reporting: str = ContractScore.Reporting.NOT_STARTED
    #: read from the summary table (False: computed on the spot)
    stored: bool = False
    by_target: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.by_target = {t["id"]: t for t in self.targets}

    @property
    def pending(self) -> int:
        return self.targets_total - self.targets_verified

    @property
    def lower_is_better(self) -> bool:
        engine = scoring.SCHEMES.get(self.scheme)
        return engine is not None and engine.direction == scoring.LOWER_IS_BETTER

    def as_dict(self) -> dict:
        """The figures as JSON (decimals as 4-place strings)."""
        return {
            "contract": self.contract_id, "period": self.period, "scheme": self.scheme,
            "composite": None if self.composite is None else str(self.composite), "grade": self.grade,
            "tone": self.tone, "final": self.final, "targets_total": self.targets_total,
            "targets_verified": self.targets_verified, "green": self.green, "amber": self.amber, "red": self.red,
            "reporting": self.reporting, "perspectives": self.perspectives, "targets": self.targets,
        }


def _from_row(row: ContractScore) -> Score:
    return Score(
        contract_id=row.contract_id, period=row.period, scheme=row.scheme, composite=row.composite,
        grade=row.grade, tone=row.tone, final=row.final, perspectives=row.perspectives, targets=row.targets,
        targets_total=row.targets_total, targets_verified=row.targets_verified, green=row.green,
        amber=row.amber, red=row.red, reporting=row.reporting, stored=True,
    )


def _from_values(contract, period, values) -> Score:
    return Score(
        contract_id=contract.pk, period=period, scheme=values["scheme"],
        composite=None if values["composite"] is None else scoring.quantize4(values["composite"]),
        grade=values["grade"], tone=values["tone"], final=values["final"], perspectives=values["perspectives"],
        targets=values["targets"], targets_total=values["targets_total"],
        targets_verified=values["targets_verified"], green=values["green"], amber=values["amber"],
        red=values["red"],
    )


def _target_list(contract, partners):
    found = Target.objects.filter(contract=contract).select_related("perspective").order_by(
        "perspective__order", "order", "pk")
    if partners:
        found = found.prefetch_related("partner_institutions")
    return list(found)


def _with_actual(target, actual):
    copy = Target(**{f.attname: getattr(target, f.attname) for f in Target._meta.concrete_fields})
    copy.actual = actual
    return copy


#: The schemes that score an actual against a target value (the others score a rating or a mark,
#: which no quarter phases).
PHASED_SCHEMES = {"kenya_pc", "percent_achievement"}


def judged_actual(scheme, target, period, actual, year_start=None):
    """The actual to date as it is judged in quarter ``period``: against the value expected by the end
    of that quarter (``Target.expected_by``), not the year's target. The actual's way from the baseline
    to the quarter's expected value is carried onto the year's way from the baseline to the target, so
    the contract's own bands and criteria judge it: 12 boreholes of 6 expected by Q1 (24 in the year)
    count as 48 in the year, 3 count as 12. Quarter 4 (and no quarter) judges the actual as it is.

    A milestone target (phased as a date, ``year_start`` the contract's year) is off track in a quarter
    by whose end its date has passed and it is not done (``Target.milestone_missed``): judged as a
    value beyond the poor end of its criteria, whether a day was reported after its date or none was
    reported at all (a milestone overdue and unreported is off track, not merely unverified). Otherwise
    its actual (the day it was reached) is judged as it is."""
    if period is not None and year_start is not None and target.is_milestone and scheme in PHASED_SCHEMES:
        return missed_value(target) if target.milestone_missed(period, year_start, actual) else actual
    if actual is None or period is None or period >= 4 or scheme not in PHASED_SCHEMES:
        return actual
    expected, goal = target.expected_by(period), target.target_value
    if expected is None or goal is None:
        return actual
    start = target.baseline if target.baseline is not None else Decimal(0)
    if expected == start:  # nothing expected to move by this quarter: holding the line is on track
        held = actual <= expected if target.direction == scoring.LOWER else actual >= expected
        return goal if held else actual
    return scoring.quantize4(start + (actual - start) * (goal - start) / (expected - start))


def missed_value(target):
    """A value far beyond the poor end of ``target``'s criteria and target, which every scheme's bands
    grade off track: a missed milestone."""
    values = [abs(v) for v in (target.target_value, target.baseline, *target.criteria.values()) if v is not None]
    beyond = max(values, default=Decimal(0)) * 10 + 10
    return beyond if target.direction == scoring.LOWER else -beyond


def _judged_item(scheme, target, period, actual, year_start=None):
    """The engine's item for the target's status against quarter ``period`` (None: the same as its score)."""
    judged = judged_actual(scheme, target, period, actual, year_start)
    if judged is actual:
        return None
    return scorecard.scoring_item(scheme, _with_actual(target, judged))


def compute(contract, period=None, target_list=None, *, partners=False) -> dict:
    """The figures of ``contract`` (``summary.compute``'s dict), computed now: for quarter
    ``period`` from the actuals accepted up to it, for ``None`` from the targets' recorded actuals.
    ``target_list``: the contract's targets when already loaded (with their perspectives).
    ``partners``: name the confirmed partners of shared targets (what the summary table shows)."""
    if target_list is None or partners:
        target_list = _target_list(contract, partners)
    confirmed = (targets.confirmed_partners(t for t in target_list if t.partner_institutions.all())
                 if partners else set())
    if period is None:
        accepted = {t.pk: {"actual": t.actual, "budget_spent": None} for t in target_list if t.actual is not None}
    else:
        accepted = {}
        for e in (ProgressEntry.objects.filter(report__contract=contract, report__period__lte=period,
                                               verification=ProgressEntry.Verification.ACCEPTED)
                  .order_by("report__period").values("target_id", "actual", "budget_spent")):
            accepted[e["target_id"]] = e
    if contract.scheme == "pepmis":
        # A target broken into sub-tasks is scored by its supervisor's marks, whatever was reported.
        for target_id, rolled in task_scores(contract.pk).items():
            accepted.pop(target_id, None)
            if rolled.score is not None:
                accepted[target_id] = {"actual": rolled.score, "budget_spent": None}
    rows = []
    for t in target_list:
        found = accepted.get(t.pk)
        actual = found["actual"] if found else None
        named = [(p.pk, p.name) for p in t.partner_institutions.all() if (t.pk, p.pk) in confirmed] if partners else []
        rows.append(summary.TargetData(
            id=t.pk, description=t.description, weight=t.weight,
            item=scorecard.scoring_item(contract.scheme, _with_actual(t, actual)), verified=found is not None,
            judged=_judged_item(contract.scheme, t, period, actual, contract.year_start),
            perspective_id=t.perspective_id, perspective=t.perspective.name if t.perspective else "",
            budget_allocated=t.budget_allocated, budget_spent=found["budget_spent"] if found else None,
            partners=tuple(sorted(named, key=lambda p: p[1])),
            actual=actual, target_value=t.target_value, unit=t.unit,
        ))
    order = [t.perspective_id for t in target_list if t.perspective_id]
    return summary.compute(contract.scheme, contract.bands, rows, list(dict.fromkeys(order)))


@dataclass(frozen=True)
class TaskRollup:
    #: the weighted mean of the target's task scores, unrounded; None until a sub-task is marked
    score: Decimal | None
    marked: int
    total: int

    @property
    def unmarked(self) -> int:
        return self.total - self.marked


def task_scores(contract_id) -> dict:
    """{target id: TaskRollup} of a plan's targets broken into sub-tasks (methodology, "Sub-task
    marks"): a task's score is the weighted mean of its marked sub-tasks' marks, a target's the
    weighted mean of its tasks' scores; unmarked sub-tasks are left out until marked. One query."""
    rows = SubTask.objects.filter(contract_id=contract_id).values_list(
        "task__target_id", "task_id", "task__weight", "weight", "mark__mark")
    marks, task_weight, tasks_of, counts = defaultdict(list), {}, defaultdict(list), defaultdict(lambda: [0, 0])
    for target_id, task_id, task_w, weight, mark in rows:
        task_weight[task_id] = task_w
        if task_id not in tasks_of[target_id]:
            tasks_of[target_id].append(task_id)
        counts[target_id][1] += 1
        if mark is not None:
            marks[task_id].append((mark, weight))
            counts[target_id][0] += 1
    found = {}
    for target_id, task_ids in tasks_of.items():
        pairs = [(scoring.weighted_mean(marks[t]), task_weight[t]) for t in task_ids if marks[t]]
        found[target_id] = TaskRollup(scoring.weighted_mean(pairs), *counts[target_id])
    return found


def refresh(contract, period: int, reporting: str):
    """Write ``contract``'s summary row for quarter ``period``: (row, changed). The table's only writer."""
    return summary.store(contract, period, compute(contract, period, partners=True), reporting)


def latest_period(contracts) -> int | None:
    """The latest quarter any of ``contracts`` has a composite for (what a league ranks by default)."""
    return ContractScore.objects.filter(contract__in=[c.pk for c in contracts], composite__isnull=False).aggregate(
        latest=Max("period"))["latest"]


def for_contracts(contracts, period=None) -> dict:
    """{contract id: Score} for ``period`` (a quarter, or None for the year so far). One query for
    the stored rows; a contract without one is computed on the spot (two queries more)."""
    contracts = list(contracts)
    rows = ContractScore.objects.filter(contract__in=[c.pk for c in contracts])
    if period is not None:
        rows = rows.filter(period=period)
    found = {}
    for row in rows.order_by("contract_id", "period"):
        found[row.contract_id] = _from_row(row)  # the latest quarter wins for the year
    for contract in contracts:
        if contract.pk not in found:
            found[contract.pk] = _from_values(contract, period, compute(contract, period))
    return found


def score(contract, period=None, target_list=None) -> Score:
    """``contract``'s composite (final, or so far), grade, per-perspective and per-target figures for
    quarter ``period`` (1–4) or, with None, for the year so far. ``target_list``: the contract's
    targets with their perspectives, when the caller has them (saves a query if nothing is stored)."""
    if period is not None and period not in PERIODS:
        raise ValueError(f"no quarter {period}")
    rows = ContractScore.objects.filter(contract=contract)
    row = (rows.filter(period=period) if period is not None else rows.order_by("-period")).first()
    if row is not None:
        return _from_row(row)
    return _from_values(contract, period, compute(contract, period, target_list))


# ---------------------------------------------------------------------------------------------
# The year-end evaluation: the same arithmetic on the evaluated achievements

#: weights spread over the remaining targets are carried to this many places (the engine takes at most
#: 20); the last remaining target takes what rounding left, so the weights still add up to exactly 100
_SPREAD_PLACES = Decimal("1e-12")


def spread_weights(targets, exempt) -> dict:
    """{target id: weight} once the ``exempt`` targets leave the composite: each exempt target's weight
    is spread over the remaining targets of its perspective in proportion to their weights, or over all
    remaining targets when none of its perspective remains (methodology: exogenous factors).
    ``targets``: (id, perspective id, weight) in order."""
    exempt = set(exempt)
    kept = [(pk, group, Decimal(weight)) for pk, group, weight in targets if pk not in exempt]
    weights = {pk: weight for pk, _group, weight in kept}
    if not exempt or not kept:
        return weights
    last = kept[-1][0]
    for pk, group, weight in targets:
        if pk not in exempt or not weight:
            continue
        same = [k for k in kept if k[1] == group and group is not None] or kept
        base = sum((w for _pk, _g, w in same), Decimal(0))
        for other, _g, w in same:
            share = Decimal(weight) * w / base if base else Decimal(weight) / len(same)
            weights[other] += share.quantize(_SPREAD_PLACES)
        last = same[-1][0]
    total = sum((Decimal(w) for _pk, _g, w in targets), Decimal(0))
    weights[last] += total - sum(weights.values(), Decimal(0))
    return weights


def _retargeted(scheme, target, value):
    """``target`` with its target value changed to ``value`` (an accepted exogenous factor): on criteria
    schemes every criteria value moves by the same ratio from the baseline (or by the same difference when
    the target sat on the baseline)."""
    old = target.target_value
    target.target_value = value
    if scheme == "kenya_pc" and old is not None:
        start = target.baseline if target.baseline is not None else Decimal(0)
        for name in ("criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair", "criteria_poor"):
            current = getattr(target, name)
            if current is None:
                continue
            moved = (start + (current - start) * (value - start) / (old - start) if old != start
                     else current + (value - old))
            setattr(target, name, moved.quantize(_SPREAD_PLACES))
    return target


def evaluated(contract, achievements: dict, *, exempt=(), target_values=None, target_list=None) -> Score:
    """``contract``'s year-end figures on the evaluated ``achievements`` ({target id: the year's
    achievement}): the ``exempt`` targets leave the composite with their weight spread over the rest
    (``spread_weights``), and ``target_values`` ({target id: value}) replaces a target's value, both
    from accepted exogenous factors. The arithmetic is the engine's, as for every other score."""
    if target_list is None:
        target_list = _target_list(contract, False)
    target_values = target_values or {}
    weights = spread_weights([(t.pk, t.perspective_id, t.weight) for t in target_list], exempt)
    rows = []
    for t in target_list:
        if t.pk not in weights:
            continue
        actual = achievements.get(t.pk)
        copy = _with_actual(t, actual)
        copy.weight = weights[t.pk]
        if t.pk in target_values:
            _retargeted(contract.scheme, copy, target_values[t.pk])
        rows.append(summary.TargetData(
            id=t.pk, description=t.description, weight=copy.weight,
            item=scorecard.scoring_item(contract.scheme, copy), verified=actual is not None,
            perspective_id=t.perspective_id, perspective=t.perspective.name if t.perspective else "",
            actual=actual, target_value=copy.target_value, unit=t.unit,
        ))
    order = [t.perspective_id for t in target_list if t.perspective_id]
    return _from_values(contract, 4, summary.compute(contract.scheme, contract.bands, rows,
                                                     list(dict.fromkeys(order))))
