"""Read side of the dashboards: the institution dashboard and the national / county league table.

Both read the summary table (``ContractScore``) and never scan targets; each issues a fixed number
of queries whatever the number of institutions or targets.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from pmis.models import FinancialYear, Institution

from . import charts, profiles, scoring
from .models import ContractLevel, ContractScore
from .naming import perspective_label
from .precision import composite_text

PERIODS = (1, 2, 3, 4)


def lower_is_better(scheme) -> bool:
    engine = scoring.SCHEMES.get(scheme)
    return engine is not None and engine.direction == scoring.LOWER_IS_BETTER


def period_or(value, default):
    """The quarter (1-4) ``value`` names, or ``default``."""
    return _period(value, default)


def _period(value, default):
    try:
        value = int(value)
    except (TypeError, ValueError):
        return default
    return value if value in PERIODS else default


@dataclass
class Dashboard:
    institution: Institution
    year: FinancialYear | None
    period: int
    score: ContractScore | None
    trend: list  # [(label, composite or None)]
    lower_is_better: bool = False
    participation: list = field(default_factory=list)
    partners: dict = field(default_factory=dict)  # institution id → ContractScore of the period
    charts: dict = field(default_factory=dict)
    #: the year-end evaluation's result where one exists and the reader may see it (``evaluated_reader``)
    evaluated: dict | None = None

    @property
    def shared_targets(self):
        return [t for t in (self.score.targets if self.score else []) if t.get("partners")]

    @property
    def budget_rows(self):
        rows = []
        for t in self.score.targets if self.score else []:
            if t.get("budget_allocated"):
                allocated = Decimal(t["budget_allocated"])
                spent = Decimal(t["budget_spent"]) if t.get("budget_spent") else None
                absorbed = None
                if spent is not None and allocated:
                    absorbed = (spent * 100 / allocated).quantize(Decimal("0.1"))
                rows.append({**t, "absorbed": absorbed})
        return rows


#: participation(institution_id, year_id, period, quarterly=True): how the year's contracts take part (planned, signed,
#: reported). The contracts app owns contracts and their reports, and sits above scorecards: it registers
#: the function from its AppConfig.ready.
_participation = []


def register_participation(reader):
    _participation[:] = [reader]


def participation_reader():
    """The registered participation function, or None when no app has registered one."""
    return _participation[0] if _participation else None


#: The quarter reports behind the exports, owned by the contracts app too: ``quarter_reports(contract ids,
#: period)`` -> {contract id: report} and ``participation_rows(institution_id, year_id, period)`` ->
#: [(contract, report or None)]; each report has ``due_date``, ``submitted_at`` and ``days_late``.
_reports = {}


def register_reports(quarter_reports, participation_rows):
    _reports.update(quarter_reports=quarter_reports, participation_rows=participation_rows)


def quarter_reports(contract_ids, period) -> dict:
    reader = _reports.get("quarter_reports")
    return reader(contract_ids, period) if reader else {}


def participation_rows(institution_id, financial_year_id, period) -> list:
    reader = _reports.get("participation_rows")
    return reader(institution_id, financial_year_id, period) if reader else []


#: evaluated(user, institution, year_id): the year-end evaluation's result as the reader may see it
#: ({"composite", "grade", …} or None). The evaluations app owns evaluations and sits above scorecards:
#: it registers the function from its AppConfig.ready.
_evaluated = []


def register_evaluated(reader):
    _evaluated[:] = [reader]


def evaluated_reader():
    """The registered evaluated-result function, or None when no app has registered one."""
    return _evaluated[0] if _evaluated else None


def institution_dashboard(institution, period=None, participation=None, evaluated=None) -> Dashboard:
    """The institution's current year: its institution-level contract's score for ``period`` (the
    latest quarter with a score when not given), the trend by quarter, and charts.
    ``participation(institution_id, year_id, period)`` supplies the reporting-compliance rows;
    ``evaluated(institution, year_id)`` the year-end evaluation's result (bound to the reader)."""
    year = next(iter(_current_year(institution.pk)), None)
    if year is None:
        return Dashboard(institution, None, _period(period, 1), None, [])
    scores = {s.period: s for s in _year_scores(institution.pk, year.pk)}
    default = max(scores) if scores else 1
    period = _period(period, default)
    score = scores.get(period)
    lower = lower_is_better(score.scheme if score else next((s.scheme for s in scores.values()), ""))
    trend = [(f"Q{p}", scores[p].composite if p in scores else None) for p in PERIODS]
    board = Dashboard(institution, year, period, score, trend, lower)
    if participation is not None:
        board.participation = participation(institution.pk, year.pk, period,
                                            quarterly=profiles.quarterly_reports_on(institution))
    if evaluated is not None:
        board.evaluated = evaluated(institution, year.pk)
    partner_ids = {p["id"] for t in board.shared_targets for p in t["partners"]}
    if partner_ids:
        board.partners = {s.institution_id: s for s in ContractScore.objects.filter(
            institution_id__in=partner_ids, year_start=year.start_date.year, period=period,
            level=ContractLevel.INSTITUTION)}
    board.charts = dashboard_charts(board)
    return board


def _current_year(institution_id):
    return FinancialYear.objects.filter(institution_id=institution_id, is_current=True)


def _year_scores(institution_id, financial_year_id):
    return ContractScore.objects.filter(institution_id=institution_id, financial_year_id=financial_year_id,
                                        level=ContractLevel.INSTITUTION)


def dashboard_charts(board: Dashboard) -> dict:
    from django.utils.translation import gettext as _

    score = board.score
    values = [v for _, v in board.trend] + [p.get("score") for p in (score.perspectives if score else [])]
    lo, hi = charts.scale_for(board.lower_is_better, values)
    found = {
        "trend": charts.line_chart(board.trend, title=_("Composite score by quarter"), scale_min=lo, scale_max=hi,
                                   lower_is_better=board.lower_is_better, text=composite_text),
    }
    if score is not None:
        found["perspectives"] = charts.bar_chart(
            [(perspective_label(p["name"]) if p["name"] else _("No perspective"), p["score"], p["tone"])
             for p in score.perspectives],
            title=_("Score by perspective, %(period)s") % {"period": f"Q{board.period}"},
            scale_min=lo, scale_max=hi, lower_is_better=board.lower_is_better)
        found["rag"] = charts.rag_bar(score.green, score.amber, score.red, score.untracked,
                                      title=_("Targets by status"))
    return found


@dataclass
class LeagueRow:
    rank: int
    score: ContractScore
    previous_rank: int | None

    @property
    def movement(self):
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class League:
    year: int | None
    period: int
    rows: list
    years: list
    bodies: list
    kinds: list
    filters: dict
    chart: str = ""
    #: which page of the ranking this is (a Django Page over the positions), when paginated
    pager: Page | None = None

    @property
    def inverted(self) -> list:
        """The names of the schemes among the rows whose scale is inverted (lower is better)."""
        from .models import Scheme

        found = {r.score.scheme for r in self.rows if lower_is_better(r.score.scheme)}
        return sorted(str(Scheme(s).label) if s in Scheme.values else s for s in found)


LEAGUE_PAGE_SIZE = 50
#: the ranking order: best standing first, unscored last, ties by name
RANKING = (F("standing").desc(nulls_last=True), "institution__name")
#: what a league row shows of a score (the per-target and per-perspective JSON stays in the table)
ROW_FIELDS = ("institution_id", "year_start", "period", "scheme", "composite", "standing", "grade", "tone",
              "reporting", "targets_total", "targets_verified", "green", "amber", "red",
              "institution__name", "institution__name_sw", "institution__slug", "institution__kind")


def _ranked(queryset):
    return queryset.order_by(*RANKING)


def _page_number(value):
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1


def league(user, year=None, period=None, kind="", body=None, page=None) -> League:
    """Institutions visible to ``user`` ranked by their institution contract's composite for a year
    (the calendar year it starts in) and quarter; movement against the quarter before.

    ``page`` (1-based) ranks in the database and loads one page of ``LEAGUE_PAGE_SIZE`` rows; without it
    every row (exports, the API). Four queries either way, whatever the number of institutions:
    the years and quarters scored, the oversight bodies, the rows, the previous quarter's order."""
    from django.utils.translation import gettext as _

    visible = Institution.objects.visible_to(user)
    base = ContractScore.objects.visible_to(user).filter(level=ContractLevel.INSTITUTION)
    scored = {}  # year → the quarters with at least one composite
    for y, p, n in base.order_by().values_list("year_start", "period").annotate(n=Count("composite")):
        quarters = scored.setdefault(y, set())
        if n:
            quarters.add(p)
    years = sorted(scored, reverse=True)
    try:
        year = int(year) if year else None
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    period = _period(period, None) or max(scored.get(year) or {1})
    filtered = base
    if kind in Institution.Kind.values:  # anything else (a typo, a forged value) means all kinds
        filtered = filtered.filter(institution__kind=kind)
    bodies = list(visible.filter(kind=Institution.Kind.OVERSIGHT).only("pk", "name", "name_sw", "oversight_path")
                  .order_by("name"))
    chosen = next((b for b in bodies if str(b.pk) == str(body)), None)
    if chosen is not None:
        filtered = filtered.filter(institution__oversight_path__startswith=chosen.oversight_path).exclude(
            institution=chosen)
    current = _ranked(filtered.filter(year_start=year, period=period)).select_related("institution").only(
        *ROW_FIELDS)
    if page is None:
        scores = list(current)
        positions = range(1, len(scores) + 1)
        number = 1
    else:
        # Ranked in the database: the window numbers every row, the slice loads one page of them.
        ranked = current.annotate(position=Window(RowNumber(), order_by=RANKING), total=Window(Count("pk")))

        def page_of(n):
            return list(ranked[(n - 1) * LEAGUE_PAGE_SIZE:n * LEAGUE_PAGE_SIZE])

        number = _page_number(page)
        found = page_of(number)
        if not found and number > 1:  # past the end: the last page (rare, so its count is a query of its own)
            number = max(1, -(-current.count() // LEAGUE_PAGE_SIZE))
            found = page_of(number)
        scores = found
        positions = [s.position for s in found]
        total = found[0].total if found else 0
    if period > 1:
        before = filtered.filter(year_start=year, period=period - 1)
    else:
        before = filtered.filter(year_start=(year or 0) - 1, period=4)
    previous = {pk: i for i, pk in enumerate(
        _ranked(before.filter(composite__isnull=False)).values_list("institution_id", flat=True), start=1)}
    # Unscored rows sort last, so a scored row's position is its rank.
    rows = [LeagueRow(position if s.composite is not None else 0, s, previous.get(s.institution_id))
            for s, position in zip(scores, positions, strict=True)]
    result = League(year, period, rows, years, bodies, Institution.Kind.choices,
                    {"kind": kind, "body": chosen.pk if chosen else ""})
    if page is not None:
        result.pager = Paginator(range(total), LEAGUE_PAGE_SIZE).get_page(number)
    top = [r for r in rows[:20] if number == 1]
    schemes = {r.score.scheme for r in top if r.score.composite is not None}
    if len(schemes) == 1:
        lower = lower_is_better(schemes.pop())
        lo, hi = charts.scale_for(lower, [r.score.composite for r in top])
        result.chart = charts.bar_chart(
            [(r.score.institution.name, r.score.composite, r.score.tone) for r in top],
            title=_("Composite score by institution"), scale_min=lo, scale_max=hi, lower_is_better=lower,
            text=composite_text)
    return result
