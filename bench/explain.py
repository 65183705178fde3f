"""EXPLAIN ANALYZE of the hottest queries the benchmark drives (PostgreSQL only)."""

from django.db import connection
from django.db.models import Count, Window
from django.db.models.functions import RowNumber

from contracts.api.serializers import plan_targets
from contracts.models import PerformanceContract
from scorecards import dashboards
from scorecards.models import ContractLevel, ContractScore


def hot_queries(ctx):
    """(label, queryset) for the three hottest queries: the league page, the plan API's contract and
    its targets."""
    user = ctx.oversight_user
    year = ContractScore.objects.filter(level=ContractLevel.INSTITUTION).order_by("-year_start").values_list(
        "year_start", flat=True).first()
    league_page = dashboards._ranked(
        ContractScore.objects.visible_to(user).filter(level=ContractLevel.INSTITUTION, year_start=year, period=2)
    ).select_related("institution").only(*dashboards.ROW_FIELDS).annotate(
        position=Window(RowNumber(), order_by=dashboards.RANKING), total=Window(Count("pk")))[:50]
    performer = ctx.plan.performer
    contract = PerformanceContract.objects.visible_to(performer).filter(pk=ctx.plan.pk).order_by()
    return [
        ("league table page (oversight user, 300 institutions, ranked by a window, page of 50)", league_page),
        ("plan API: the contract, scoped to its officer", contract),
        ("plan API: the plan's targets with perspective and indicator names", plan_targets(ctx.plan.pk)),
    ]


def explain(ctx):
    if connection.vendor != "postgresql":
        return {}
    plans = {}
    for label, queryset in hot_queries(ctx):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)  # warm: the plan as served
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans[label] = "\n".join(row[0] for row in cursor.fetchall())
    return plans
