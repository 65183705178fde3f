"""EXPLAIN ANALYZE of the hottest queries the benchmark drives (PostgreSQL only)."""

from django.db import connection

from contracts import selectors
from contracts.models import Target
from pmis.models import Officer


def hot_queries(ctx):
    """(label, queryset) for the three hottest queries."""
    contract = ctx.plan
    user = ctx.oversight_user
    return [
        ("contract list scoped to an oversight user (page of 50)", selectors.contracts().visible_to(user)[:50]),
        ("targets of one contract (contract page)",
         Target.objects.filter(contract=contract).select_related("perspective", "objective", "indicator", "parent")
         .order_by("perspective__order", "order", "pk")),
        ("officers of one institution (API list, page of 50)",
         Officer.objects.visible_to(Officer.objects.filter(institution=ctx.first).order_by("pk").first().user)
         .select_related("user").filter(institution=ctx.first).order_by("institution_id", "personal_number", "pk")
         [:50]),
    ]


def explain(ctx):
    if connection.vendor != "postgresql":
        return {}
    plans = {}
    for label, queryset in hot_queries(ctx):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plans[label] = "\n".join(row[0] for row in cursor.fetchall())
    return plans
