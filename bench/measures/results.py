"""The public results of the year-end evaluation at national scale, without login."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts import scores
from contracts.models import PerformanceContract
from evaluations.models import Evaluation

from .context import reverse_or_skip
from .registry import Skip, measure


def released_year() -> int:
    """A released year of results for every institution contract of the scale set's current year: the
    evaluations the scale seed does not make are written here once (concluded on the contracts' own
    figures, through the one score path, and released today), so the page reads a national year."""
    contracts = list(PerformanceContract.objects.filter(level="institution", financial_year__is_current=True)
                     .select_related("financial_year"))
    if not contracts:
        raise Skip("no institution contracts (run seed_scale first)")
    missing = [c for c in contracts if not Evaluation.objects.filter(contract=c).exists()]
    figures = scores.for_contracts(missing) if missing else {}
    today = timezone.localdate()
    Evaluation.objects.bulk_create([
        Evaluation(institution_id=c.institution_id, contract=c, financial_year=c.financial_year,
                   year_start=c.year_start.year, due_date=c.financial_year.end_date, state="concluded",
                   composite=figures[c.pk].composite if figures[c.pk].composite is not None else 5,
                   grade=figures[c.pk].grade or "Poor", released_on=today,
                   summary=[{k: p.get(k) for k in ("name", "weight", "score", "grade")}
                            for p in figures[c.pk].perspectives])
        for c in missing], ignore_conflicts=True)
    return contracts[0].year_start.year


def _anonymous_queries(url) -> tuple[int, int]:
    client = Client()
    client.get(url)  # warm caches (translations, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured)


@measure("public results page (no login)", "p95 ≤ 50 ms, ≤ 4 queries",
         lambda r: r["p95_ms"] <= 50 and r["queries"] <= 4)
def public_results(ctx):
    year = released_year()
    url = reverse_or_skip("results-year", year)
    status, queries = _anonymous_queries(url)
    result = ctx.load(url, {})
    return {**result, "queries": queries, "status": status,
            "institutions": Evaluation.objects.filter(year_start=year, released_on__isnull=False).count()}
