"""An evaluation's figures: the evaluated composite through the one score path
(``contracts.scores.evaluated``), and the rows the results pages and downloads read."""

from dataclasses import dataclass

from django.db.models import F, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from contracts import scores
from pmis.models import FinancialYear
from scorecards import scoring

from . import rules
from .models import Evaluation, ExogenousFactor

#: the result's grade as released: the moderated one where the panel set one
FINAL_GRADE = Coalesce(NullIf(F("moderated_grade"), Value("")), F("grade"))


def inputs(evaluation, achievements=None):
    """(achievements {target id: value}, exempt target ids, target values {target id: value}) from the
    evaluation's rows and its accepted exogenous factors."""
    if achievements is None:
        achievements = list(evaluation.achievements.select_related("exogenous_factor"))
    values, exempt, retarget = {}, set(), {}
    for a in achievements:
        if a.achievement is not None:
            values[a.target_id] = a.achievement
        factor = getattr(a, "exogenous_factor", None)
        if factor is not None and factor.decision == ExogenousFactor.Decision.ACCEPTED:
            if factor.rule == ExogenousFactor.Rule.EXEMPT:
                exempt.add(a.target_id)
            elif factor.adjusted_target is not None:
                retarget[a.target_id] = factor.adjusted_target
    return values, exempt, retarget


def evaluated_score(evaluation, achievements=None):
    """The evaluated figures (a ``contracts.scores.Score``) of ``evaluation`` as it stands."""
    values, exempt, retarget = inputs(evaluation, achievements)
    return scores.evaluated(evaluation.contract, values, exempt=exempt, target_values=retarget)


def released_filter(day=None):
    """Released institution results (a unit's evaluation is never public)."""
    return Q(released_on__isnull=False, released_on__lte=day or rules.today(), contract__level="institution")


def released_bands(year_start, day=None) -> list:
    """The band table of the year's released results (the first one's: a year's schemes share it), best first."""
    return (Evaluation.objects.filter(released_filter(day), year_start=year_start).order_by("pk")
            .values_list("contract__bands", flat=True).first()) or []


def released_for_year(year_start, day=None):
    """The released results of ``year_start``: one query with their institutions and contracts."""
    return (Evaluation.objects.filter(released_filter(day), year_start=year_start)
            .select_related("institution", "contract")
            .only("institution__name", "institution__slug", "institution__kind", "contract__scheme",
                  "contract__bands", "year_start", "state", "composite", "grade", "moderated_composite",
                  "moderated_grade", "released_on"))


@dataclass(frozen=True)
class Named:
    name: str = ""
    slug: str = ""
    kind: str = ""
    scheme: str = ""


@dataclass(frozen=True)
class Row:
    """A released result as the public page reads it (the attribute paths of an ``Evaluation``), read
    as plain values: a national year is hundreds of rows."""

    pk: int
    institution: Named
    contract: Named
    final_composite: object
    final_grade: str
    not_submitted: bool


def released_rows(year_start, day=None) -> list:
    """The released results of ``year_start`` as ``Row`` values: one query."""
    found = (Evaluation.objects.filter(released_filter(day), year_start=year_start)
             .annotate(final=Coalesce("moderated_composite", "composite"), final_grade=FINAL_GRADE)
             .values_list("pk", "institution__name", "institution__slug", "institution__kind", "contract__scheme",
                          "final", "final_grade", "state"))
    return [Row(pk, Named(name, slug, kind), Named(scheme=scheme), final, grade, state == "not_submitted")
            for pk, name, slug, kind, scheme, final, grade, state in found]


def standing(evaluation):
    """A sort key, best first, whatever the scale's direction (lower is better on kenya_pc, opras)."""
    composite = evaluation.final_composite
    if composite is None:
        return (1, 0)
    engine = scoring.SCHEMES.get(evaluation.contract.scheme)
    lower = engine is not None and engine.direction == scoring.LOWER_IS_BETTER
    return (0, composite if lower else -composite)


def ranked(evaluations):
    """[(category label, [(rank, evaluation), …]), …]: within each institution category, best first."""
    from pmis.models import Institution

    labels = dict(Institution.Kind.choices)
    groups: dict = {}
    for e in evaluations:
        groups.setdefault(e.institution.kind, []).append(e)
    order = [k for k, _label in Institution.Kind.choices]
    out = []
    for kind in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
        rows = sorted(groups[kind], key=lambda e: (standing(e), e.institution.name))
        out.append((labels.get(kind, kind), [(i + 1, e) for i, e in enumerate(rows)]))
    return out


def figures_of(evaluation) -> dict:
    """The released figures of ``evaluation`` as every page shows them: the final (moderated where the
    panel moderated) composite to four decimals and its grade, fixed at conclusion through
    ``contracts.scores.evaluated``."""
    return {
        "composite": f"{evaluation.final_composite:.4f}", "grade": evaluation.final_grade,
        "not_submitted": evaluation.not_submitted,
        "released_on": evaluation.released_on.isoformat() if evaluation.released_on else "",
    }


def for_report(contract, user) -> dict | None:
    """The evaluated result of ``contract`` as reports show it (None before one exists or while ``user``
    may not see it): the same figures as the evaluation page and the public results."""
    evaluation = (Evaluation.objects.filter(contract=contract, state__in=rules.RESULT_STATES)
                  .select_related("institution").prefetch_related("consequences").first())
    if evaluation is None or not rules.sees_result(user, evaluation):
        return None
    return {
        **figures_of(evaluation),
        "before_moderation": (f"{evaluation.composite:.4f}" if evaluation.moderated_composite is not None
                              else ""),
        "moderation_reason": evaluation.moderation_reason,
        "consequences": [str(c.get_kind_display()) for c in evaluation.consequences.all()],
    }


def for_dashboard(user, institution, financial_year_id) -> dict | None:
    """The institution contract's evaluated result for the institution dashboard (registered with
    ``scorecards.dashboards``): the year's own where one exists and ``user`` may see it, else the latest
    released result of an earlier year (a new year has no result until its end; last year's is what
    there is to show), with ``year`` naming the year it is for. None when neither exists. One query,
    plus the access module's own when the year's result is not yet released."""
    found = list(Evaluation.objects.filter(
        Q(financial_year_id=financial_year_id) | released_filter(),
        institution_id=institution.pk, contract__level="institution", state__in=rules.RESULT_STATES,
        financial_year__start_date__lte=Subquery(
            FinancialYear.objects.filter(pk=financial_year_id).values("start_date")[:1]),
    ).select_related("financial_year").only(
        "pk", "institution_id", "state", "composite", "grade", "moderated_composite", "moderated_grade",
        "released_on", "financial_year__name", "financial_year__start_date").order_by("-year_start", "-pk")[:2])
    for evaluation in found:
        evaluation.institution = institution
        if evaluation.financial_year_id == financial_year_id and not rules.sees_result(user, evaluation):
            continue  # the year's own result before release, to someone it is not shown to yet
        return {**figures_of(evaluation), "released": rules.released(evaluation),
                "url": evaluation.get_absolute_url(), "year": evaluation.financial_year.name,
                "earlier": evaluation.financial_year_id != financial_year_id}
    return None
