"""The summary table: a contract's stored scores for a quarter, refreshed through the one score path."""



from scorecards.models import ContractScore

from .. import scores
from ..models import ProgressReport
from .rules import Verification

# ---------------------------------------------------------------------------------------------
# The summary table


def refresh_summary(contract, period: int):
    """Recompute ``contract``'s ContractScore for ``period`` from its accepted actuals (for each
    target, the latest accepted up to that quarter), through the one score path (``scores``), and the
    later quarters already stored, which count the same actuals. A fixed number of queries a quarter."""
    result = scores.refresh(contract, period, _reporting(contract, period))
    later = ContractScore.objects.filter(contract=contract, period__gt=period).values_list("period", flat=True)
    for after in sorted(later):
        scores.refresh(contract, after, _reporting(contract, after))
    return result


def _reporting(contract, period):
    report = ProgressReport.objects.filter(contract=contract, period=period).first()
    if report is None:
        return "not_started"
    if report.state == ProgressReport.State.DRAFT:
        return "draft"
    pending = report.entries.exclude(verification=Verification.ACCEPTED).exists()
    return "submitted" if pending else "verified"
