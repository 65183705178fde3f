"""Read-side helpers for contract pages; each issues a fixed number of queries."""

from pmis.models import FinancialYear
from scorecards.models import Perspective, level_order

from . import scorecard
from .models import PerformanceContract


def contracts():
    """Contracts with everything a heading or a list row shows."""
    return PerformanceContract.objects.select_related(
        "institution", "financial_year", "org_unit", "officer__user", "performer", "counterparty"
    )


def scorecard_for(contract) -> scorecard.Scorecard:
    """The contract's scorecard: two queries whatever the number of targets."""
    targets = contract.targets.select_related("perspective", "objective", "indicator", "parent").order_by(
        "perspective__order", "order", "pk"
    )
    perspectives = list(Perspective.objects.filter(financial_year_id=contract.financial_year_id))
    return scorecard.score(contract, targets, perspectives)


def current_contracts(institution):
    """(current financial year or None, its contracts) for the institution page: two queries."""
    year = FinancialYear.objects.filter(institution=institution, is_current=True).first()
    if year is None:
        return None, []
    found = contracts().filter(financial_year=year).order_by(level_order(), "org_unit__path", "title")
    return year, list(found)
