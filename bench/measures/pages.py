"""The pages and APIs people use, under load through gunicorn, with the queries each issues."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from contracts.models import PerformanceContract
from pmis.models import Officer, RoleMembership

from .. import scale
from .context import page_queries, reverse_or_skip, session_cookie
from .registry import Skip, measure


def with_sql_ratio(result, queries, slowest):
    """The load figures with the page's query count and its p95 ÷ its slowest SQL statement."""
    return {**result, "queries": queries, "slowest_sql_ms": round(slowest, 2),
            "p95_over_slowest_sql": round(result["p95_ms"] / slowest, 1) if slowest else None}


@measure("national league table", "p95 ≤ 50 ms, ≤ 7 queries", lambda r: r["p95_ms"] <= 50 and r["queries"] <= 7)
def league_table(ctx):
    url = reverse_or_skip("league-table")
    status, queries, slowest, _ = page_queries(ctx.oversight_user, url)
    result = ctx.load(url, {"Cookie": session_cookie(ctx.oversight_user)})
    return {**with_sql_ratio(result, queries, slowest), "institutions": ctx.oversight_count, "status": status}


@measure("institution dashboard", "p95 ≤ 30 ms", lambda r: r["p95_ms"] <= 30)
def institution_dashboard(ctx):
    url = reverse_or_skip("institution-dashboard", ctx.first.pk)
    user = ctx.oversight_user
    status, queries, slowest, _ = page_queries(user, url)
    result = ctx.load(url, {"Cookie": session_cookie(user)})
    return {**with_sql_ratio(result, queries, slowest), "contracts": ctx.first.contracts.count(), "status": status}


@measure("coverage page: largest institution", "p95 ≤ 50 ms", lambda r: r["p95_ms"] <= 50)
def coverage_page(ctx):
    """The performance department's coverage page of the institution with the most officers: its N of M
    figures, the figures by unit and the first page of who has not reported this quarter."""
    from django.db.models import Count

    largest = (scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).annotate(n=Count("officers"))
               .order_by("-n", "pk").first())
    if largest is None:
        raise Skip("no scale data: run manage.py seed_scale first")
    url = reverse_or_skip("notifications:coverage", largest.pk) + "?missing=reported"
    user = ctx.oversight_user
    status, queries, slowest, _ = page_queries(user, url)
    result = ctx.load(url, {"Cookie": session_cookie(user)})
    return {**with_sql_ratio(result, queries, slowest), "officers": largest.n, "status": status}


PLAN_API_NAMES = ("api-contract-plan", "api-officer-plan", "api-contract-detail", "api-contract-targets")


@measure("officer plan API (gunicorn, 2 workers)", "≥ 300 req/s, p95 ≤ 50 ms",
         lambda r: r["req_s"] >= 300 and r["p95_ms"] <= 50)
def plan_api(ctx):
    for name in PLAN_API_NAMES:
        try:
            url = reverse(name, args=[ctx.plan.pk])
            break
        except NoReverseMatch:
            continue
    else:
        raise Skip(f"not available in this build (none of the URL names {', '.join(PLAN_API_NAMES)})")
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=ctx.plan.performer)
    _, queries, slowest, _ = page_queries(ctx.plan.performer, url)
    result = ctx.load(url, {"Authorization": f"Token {token.key}", "Accept": "application/json"})
    return {**with_sql_ratio(result, queries, slowest), "targets": ctx.plan.targets.count(), "url": url}


@measure("officer plan page (gunicorn, 2 workers)", "")
def plan_page(ctx):
    contract = ctx.plan
    url = reverse("contract-detail", args=[contract.pk])
    status, queries, slowest, sql = page_queries(contract.performer, url)
    result = ctx.load(url, {"Cookie": session_cookie(contract.performer)})
    return {**with_sql_ratio(result, queries, slowest), "targets": contract.targets.count()}


@measure("officers API list (gunicorn, 2 workers)", "")
def officers_api(ctx):
    from rest_framework.authtoken.models import Token

    head = Officer.objects.filter(institution=ctx.first).order_by("pk").first().user
    token, _ = Token.objects.get_or_create(user=head)
    url = reverse("api-officer-list") + f"?institution={ctx.first.pk}"
    client = Client()
    client.force_login(head)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = max((float(q["time"]) for q in captured.captured_queries), default=0) * 1000
    result = ctx.load(url, {"Authorization": f"Token {token.key}", "Accept": "application/json"})
    return {**result, "queries": len(captured), "slowest_sql_ms": round(slowest, 2),
            "p95_over_slowest_sql": round(result["p95_ms"] / slowest, 1) if slowest else None}


def _home(ctx, user, **facts):
    url = reverse_or_skip("home")
    status, queries, slowest, _ = page_queries(user, url)
    result = ctx.load(url, {"Cookie": session_cookie(user)})
    return {**with_sql_ratio(result, queries, slowest), **facts, "status": status}


@measure("home page: national performance department", "p95 ≤ 50 ms", lambda r: r["p95_ms"] <= 50)
def home_oversight(ctx):
    from notifications import inbox

    user = ctx.oversight_user
    return _home(ctx, user, open_items=inbox.open_for(user).count())


@measure("home page: head of the largest institution", "p95 ≤ 50 ms", lambda r: r["p95_ms"] <= 50)
def home_head(ctx):
    """The head's home page with their institution's work inbox filled: every contract of the largest
    institution resynchronised once (seed_scale writes rows in bulk, without the handoffs that open
    items), so "Waiting on your team" reads the open items of all its officers."""
    from django.db.models import Count

    from notifications import inbox
    from notifications.models import WorkItem

    largest = (scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG)
               .annotate(n=Count("officers")).order_by("-n", "pk").first())
    if largest is None:
        raise Skip("no scale data: run manage.py seed_scale first")
    head = RoleMembership.objects.filter(institution=largest, role="head").select_related("user").first()
    if head is None:
        raise Skip("the largest institution has no head")
    ids = list(PerformanceContract.objects.filter(institution=largest).values_list("pk", flat=True))
    if not WorkItem.objects.filter(institution=largest).exists():
        with inbox.silent():
            for provider in inbox.PROVIDERS:
                if provider.subject_type == "contract":
                    inbox.resync(provider, ids)
    team = inbox.team_items(head.user)
    return _home(ctx, head.user, officers=largest.n, open_items=inbox.open_for(head.user).count(),
                 team_items=team.count() if team is not None else 0)


@measure("supervisor's weekly review of a team (gunicorn, 2 workers)", "p95 ≤ 50 ms",
         lambda r: r["p95_ms"] <= 50)
def weekly_team(ctx):
    """The team page of the supervisor with the most logged plans (``seed_scale --weekly-logs``), for a
    week in the middle of the year: each officer's sub-tasks with that week's logs and review."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from appraisals import weekly
    from contracts.models import SubTask

    top = (SubTask.objects.values("contract__counterparty_id").annotate(n=Count("contract_id", distinct=True))
           .order_by("-n").first())
    if top is None:
        raise Skip("no weekly logs: run manage.py seed_scale --weekly-logs N first")
    user = get_user_model().objects.get(pk=top["contract__counterparty_id"])
    plan = weekly.team_plans(user).first()
    week = weekly.week_of(plan.financial_year.start_date) + datetime.timedelta(weeks=20)
    url = f"{reverse('appraisals:team-week')}?week={week.isoformat()}"
    status, queries, slowest, _ = page_queries(user, url)
    result = ctx.load(url, {"Cookie": session_cookie(user)})
    return {**with_sql_ratio(result, queries, slowest), "team": top["n"], "shown": min(top["n"], weekly.TEAM_PAGE),
            "sub_tasks_shown": min(top["n"], weekly.TEAM_PAGE) * 10, "status": status}
