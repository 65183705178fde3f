"""The benchmark: a registry of measurements run in one go on the scale data set.

Each measurement is a function ``fn(ctx) -> dict`` registered with ``@measure``; it raises ``Skip``
when what it measures does not exist in this build. ``run()`` calls them in order, prints one
table and returns everything as JSON-ready data. To add a measurement, write a function here.
"""

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from contracts import selectors
from contracts.models import PerformanceContract
from pmis.models import Officer, RoleMembership

from . import scale

REGISTRY = []


class Skip(Exception):
    """The measured thing is not available in this build."""


def measure(name, goal="", met=None):
    """Register ``fn`` as a measurement; ``met(result) -> bool`` says whether the goal is reached."""
    def register(fn):
        fn.met = met
        REGISTRY.append((name, goal, fn))
        return fn

    return register


def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {"p50_ms": round(at(50), 2), "p95_ms": round(at(95), 2), "p99_ms": round(at(99), 2)}


def paired_medians_ms(first, second, repetitions):
    """Median times of ``first`` and ``second`` run alternately, so that the machine's drift over the
    run (a neighbour's load, the CPU's clock) falls on both alike rather than on whichever ran later."""
    first(), second()
    times = ([], [])
    for _ in range(repetitions):
        for fn, out in ((first, times[0]), (second, times[1])):
            started = time.perf_counter()
            fn()
            out.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


# ---------------------------------------------------------------------------------------------
# What the measurements share: the users and contracts of the scale data, and one gunicorn.


@dataclass
class Context:
    requests: int = 500
    concurrency: int = 2
    repetitions: int = 200
    results: dict = field(default_factory=dict)
    _server: object = None
    _port: int = 0
    _cache: dict = field(default_factory=dict)

    # --- data
    @property
    def first(self):
        if "first" not in self._cache:
            found = scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).order_by("pk").first()
            if found is None:
                raise Skip("no scale data: run manage.py seed_scale first")
            self._cache["first"] = found
        return self._cache["first"]

    def special(self, n):
        """The officer contract of the first institution seeded with ``n`` targets (None if too small)."""
        return PerformanceContract.objects.filter(
            institution=self.first, title=scale.SPECIAL_TITLE.format(n=n)).first()

    def largest_special(self):
        for n in reversed(scale.SPECIAL_SIZES):
            if n > 1 and (found := self.special(n)):
                return found
        return None

    @property
    def plan(self):
        """An ordinary officer's plan (about ten targets) in the first institution."""
        if "plan" not in self._cache:
            self._cache["plan"] = (
                PerformanceContract.objects.filter(institution=self.first, level="officer",
                                                   title__startswith="Performance plan")
                .select_related("officer__user").order_by("pk").first()
            )
        return self._cache["plan"]

    @property
    def oversight_count(self):
        return scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).visible_to(self.oversight_user).count()

    @property
    def oversight_user(self):
        return get_user_model().objects.get(username=scale.OVERSIGHT_USER)

    @property
    def superuser(self):
        """A superuser: the contract list without tenant scoping."""
        user, _ = get_user_model().objects.get_or_create(
            username=f"{scale.PREFIX}superuser",
            defaults={"password": "!scale", "is_superuser": True, "is_staff": True, "first_name": "Super"})
        return user

    @property
    def single_oversight_user(self):
        """An oversight user whose body oversees exactly one institution: the first one."""
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=f"{scale.PREFIX}perfdept-one",
                                             defaults={"password": "!scale", "first_name": "One"})
        RoleMembership.objects.get_or_create(user=user, institution=self.first, role="oversight", org_unit=None)
        return user

    # --- server
    def server(self):
        """A gunicorn with 2 workers on a free loopback port, against this database."""
        if self._server is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self._port = s.getsockname()[1]
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pmis.settings", "DATABASE_URL": database_url(),
                   "API_THROTTLE_USER": "1000000/min", "API_THROTTLE_ANON": "1000000/min", "DEBUG": "false",
                   # The bench's sessions are signed with this process's key.
                   "SECRET_KEY": SERVER_SECRET, "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
                   "ALLOWED_HOSTS": "127.0.0.1,localhost",
                   # As docker-compose.yml runs it: a shared Redis cache (sessions, rate limits).
                   "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")}
            self._server = subprocess.Popen(  # noqa: S603 — table names and arguments are ours, not user input
                [sys.executable, "-m", "gunicorn", "pmis.wsgi:application", "--workers", "2", "--bind",
                 f"127.0.0.1:{self._port}", "--log-level", "warning"],
                cwd=settings.BASE_DIR, env=env,
            )
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", self._port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise Skip("gunicorn did not start")
        return f"http://127.0.0.1:{self._port}"

    def stop(self):
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=20)
            self._server = None

    def load(self, path, headers):
        """Drive ``path`` from a second process; p50/p95/p99 and req/s."""
        data = self._loadgen([path, "--concurrency", str(self.concurrency)], {"--header": headers})
        if not data["latencies_ms"]:
            raise RuntimeError(f"{path}: no answers")
        ok = data["statuses"].get("200", 0)
        if ok != len(data["latencies_ms"]):
            raise RuntimeError(f"{path}: answers {data['statuses']}")
        return {**percentiles(data["latencies_ms"]), "req_s": round(len(data["latencies_ms"]) / data["wall_s"], 1),
                "requests": len(data["latencies_ms"]), "concurrency": self.concurrency}

    def paired(self, path, headers, other_path, other_headers):
        """``path`` and ``other_path`` requested in turn from a second process, one at a time:
        p50/p95/p99 of each."""
        data = self._loadgen([path, "--other-url", self.server() + other_path],
                             {"--header": headers, "--other-header": other_headers})
        if data["statuses"].get("200", 0) != 2 * self.requests:
            raise RuntimeError(f"{path}, {other_path}: answers {data['statuses']}")
        return percentiles(data["latencies_ms"]), percentiles(data["other_latencies_ms"])

    def _loadgen(self, arguments, headers):
        """Run ``bench.loadgen`` against the server (``arguments[0]`` its path) for ``self.requests``
        requests; ``headers``: {flag: {name: value}}. Its JSON answer."""
        path, *rest = arguments
        command = [sys.executable, "-m", "bench.loadgen", self.server() + path, "--requests", str(self.requests),
                   *rest]
        for flag, each in headers.items():
            # As behind the TLS-terminating proxy of a deployment (SECURE_SSL_REDIRECT stays on).
            for name, value in {"X-Forwarded-Proto": "https", **each}.items():
                command += [flag, f"{name}: {value}"]
        out = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)  # noqa: S603 — table names and arguments are ours, not user input
        return json.loads(out.stdout)


def database_url():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


#: gunicorn runs as in production (DEBUG off), which wants a real key; sessions are signed with it.
SERVER_SECRET = secrets.token_urlsafe(50)


def session_cookie(user):
    """A session for ``user`` that the gunicorn server accepts, as after logging in."""
    client = Client()
    with override_settings(SECRET_KEY=SERVER_SECRET):
        client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


#: Sessions as the server (and docker-compose.yml) keeps them: read from the shared cache.
AS_DEPLOYED = {"SESSION_ENGINE": "django.contrib.sessions.backends.cached_db"}


def page_queries(user, url):
    """(status, number of queries, slowest query in ms, its SQL) for one in-process GET of ``url``,
    counted as the deployed server issues them (every statement, BEGIN and COMMIT included)."""
    with override_settings(**AS_DEPLOYED):
        client = Client()
        client.force_login(user)
        client.get(url)  # warm caches (content types, translations, the session in the cache)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
    return response.status_code, len(captured), float(slowest["time"]) * 1000, slowest["sql"]


def reverse_or_skip(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        raise Skip(f"not available in this build (no URL named {name!r})") from None


def median_ms(fn, repetitions):
    fn()
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# ---------------------------------------------------------------------------------------------
# The measurements


def with_sql_ratio(result, queries, slowest):
    """The load figures with the page's query count and its p95 ÷ its slowest SQL statement."""
    return {**result, "queries": queries, "slowest_sql_ms": round(slowest, 2),
            "p95_over_slowest_sql": round(result["p95_ms"] / slowest, 1) if slowest else None}


@measure("national league table", "p95 ≤ 50 ms, ≤ 5 queries", lambda r: r["p95_ms"] <= 50 and r["queries"] <= 5)
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


@measure("queries: 1 vs 300 institutions visible", "equal", lambda r: r["equal"])
def queries_by_institutions(ctx):
    return institutions_ratio(ctx)


def institutions_ratio(ctx):
    """The same pages for an oversight user seeing one institution and one seeing all of them."""
    one, many = ctx.single_oversight_user, ctx.oversight_user
    visible_many = scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).visible_to(many).count()
    out = {"institutions_visible": [1, visible_many]}
    institution_contract = PerformanceContract.objects.get(institution=ctx.first, level="institution")
    for label, url in (("contract list", reverse("contract-list")),
                       ("institution contract page", reverse("contract-detail", args=[institution_contract.pk])),
                       ("officer plan page", reverse("contract-detail", args=[ctx.plan.pk]))):
        _, a, _, _ = page_queries(one, url)
        _, b, _, _ = page_queries(many, url)
        out[label] = [a, b]
    out["equal"] = all(v[0] == v[1] for k, v in out.items() if k not in ("institutions_visible",))
    return out


@measure("queries: 1 vs 1,000 targets on a contract", "equal", lambda r: r["equal"])
def queries_by_targets(ctx):
    return targets_ratio(ctx)


def targets_ratio(ctx):
    small, big = ctx.special(1), ctx.largest_special()
    if small is None or big is None:
        raise Skip("the scale data has no 1-target and many-target contracts (seed a bigger set)")
    user = ctx.oversight_user
    _, a, _, _ = page_queries(user, reverse("contract-detail", args=[small.pk]))
    _, b, _, _ = page_queries(user, reverse("contract-detail", args=[big.pk]))
    return {"targets": [small.targets.count(), big.targets.count()], "queries": [a, b], "equal": a == b}


@measure("scoped ÷ unscoped list time", "≤ 1.1", lambda r: r["ratio"] <= 1.1)
def scoped_ratio(ctx):
    """The contract list as people get it (the list page, and the API's list of 50), through gunicorn:
    the national performance department's user, whose list goes through tenant scoping, against a
    superuser's, which does not, on the same rows; requested in turn from a second process. The ratio is
    of the medians, the larger of the two lists'.

    Also, in this process, the list's read alone (selectors.contract_list: the institutions in sight,
    then the page of 50) against the same read unscoped, for the national user, the head of one
    institution and the head of the institution whose contracts come last in the list order."""
    user, superuser = ctx.oversight_user, ctx.superuser
    lists = {}
    for name, path, accept in (("page", reverse("contract-list"), "text/html"),
                               ("api", reverse("api-contract-list"), "application/json")):
        scoped, unscoped = ctx.paired(path, {"Cookie": session_cookie(user), "Accept": accept},
                                      path, {"Cookie": session_cookie(superuser), "Accept": accept})
        lists[name] = {"scoped": scoped, "unscoped": unscoped,
                       "ratio": round(scoped["p50_ms"] / unscoped["p50_ms"], 3),
                       "p95_ratio": round(scoped["p95_ms"] / unscoped["p95_ms"], 3)}

    a, b = paired_medians_ms(lambda: list(selectors.contract_list(user)[:50]),
                             lambda: list(selectors.list_rows()[:50]), ctx.repetitions)
    head = Officer.objects.filter(institution=ctx.first).order_by("pk").first().user
    c, d = paired_medians_ms(lambda: list(selectors.contract_list(head)[:50]),
                             lambda: list(selectors.list_rows().filter(institution=ctx.first)[:50]), ctx.repetitions)
    # The last institution's contracts come last in the list order: the case a walk of the whole
    # list index would make slow.
    last = scale.scale_institutions().exclude(slug=scale.OVERSIGHT_SLUG).order_by("pk").last()
    last_head = Officer.objects.filter(institution=last).order_by("pk").first().user
    e = median_ms(lambda: list(selectors.contract_list(last_head)[:50]), ctx.repetitions)
    return {"ratio": max(lists["page"]["ratio"], lists["api"]["ratio"]), "page": lists["page"], "api": lists["api"],
            "requests": ctx.requests,
            "read": {"oversight_scoped_ms": round(a, 3), "unscoped_ms": round(b, 3), "ratio": round(a / b, 3),
                     "single_institution_scoped_ms": round(c, 3), "single_institution_filter_ms": round(d, 3),
                     "single_ratio": round(c / d, 3), "last_institution_scoped_ms": round(e, 3),
                     "repetitions": ctx.repetitions}}


def _pdf(contract, *options):
    if contract is None:
        raise Skip("the scale data has no contract of that size (seed a bigger set)")
    out = subprocess.run([sys.executable, "-m", "bench.pdfrun", str(contract.pk), *options], cwd=settings.BASE_DIR,  # noqa: S603 — table names and arguments are ours, not user input
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "DATABASE_URL": database_url()})
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"ms": round(data["seconds"] * 1000), "peak_rss_mb": round(data["peak_rss_mb"], 1),
            "rss_before_mb": round(data["baseline_rss_mb"], 1), "pages": data["pages"], "targets": data["targets"],
            "startup_ms": round(data["startup_seconds"] * 1000), "warm_ms": round(data["warm_seconds"] * 1000),
            "worker_ms": round(data["first_warm_seconds"] * 1000),
            "render_rss_mb": round(data["render_rss_mb"], 1), "startup_rss_mb": round(data["startup_rss_mb"], 1),
            "warm_peak_rss_mb": round(data["warm_peak_rss_mb"], 1), "bytes": data["bytes"]}


def _celery_pdfs(ctx):
    """The 40- and 400-target PDFs asked of a real Celery worker (bench.pdfworker), once a run."""
    if "celery_pdfs" not in ctx._cache:
        wanted = [c for c in (ctx.special(40), ctx.special(400)) if c is not None]
        broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
        out = subprocess.run([sys.executable, "-m", "bench.pdfworker", *(str(c.pk) for c in wanted)],  # noqa: S603 — table names and arguments are ours, not user input
                             cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600,
                             env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
                                  "CELERY_RESULT_BACKEND": broker})
        if out.returncode:
            raise RuntimeError(f"bench.pdfworker: {out.stderr[-2000:]}")
        data = json.loads(out.stdout.strip().splitlines()[-1])
        ctx._cache["celery_pdfs"] = {int(pk): {**r, "parent_rss_mb": data["parent_rss_mb"]}
                                     for pk, r in data["contracts"].items()}
    return ctx._cache["celery_pdfs"]


def _pdf_in_worker(ctx, contract):
    """What a person waits for and what the PDF costs in the Celery worker that renders it (judged), with
    the bare render in a process of its own beside it (bench.pdfrun)."""
    result = _pdf(contract)
    celery = _celery_pdfs(ctx)[contract.pk]
    return {"celery_ms": celery["ms"], "render_mb": celery["render_mb"], "worker_peak_mb": celery["worker_peak_mb"],
            **result, "celery": celery}


# The time a person waits is the Celery worker's, from asking for the PDF to its being stored
# (``celery_ms``), and the memory the PDF takes is what the render adds to that worker (``render_mb``):
# the worker's process is ~125 MB before any PDF (its main process, which renders none, is ~100 MB).
# ``worker_ms`` (the render alone after warm-up) and ``ms`` (a fresh process, warm-up included) are
# reported beside them, with that process's peak.
@measure("40-target contract PDF", "≤ 700 ms, ≤ 100 MB",
         lambda r: r["celery_ms"] <= 700 and r["render_mb"] is not None and r["render_mb"] <= 100)
def pdf_40(ctx):
    return _pdf_in_worker(ctx, ctx.special(40))


@measure("40-target PDF with criteria values", "≤ 700 ms, ≤ 100 MB",
         lambda r: r["worker_ms"] <= 700 and r["render_rss_mb"] <= 100)
def pdf_40_criteria(ctx):
    """The same plan printed as a kenya_pc contract: five more columns a target (bench.pdfrun only)."""
    return _pdf(ctx.special(40), "--criteria")


@measure("400-target contract PDF", "≤ 6 s", lambda r: r["celery_ms"] <= 6000)
def pdf_400(ctx):
    return _pdf_in_worker(ctx, ctx.special(400))


# ---------------------------------------------------------------------------------------------


def run(ctx, only=None, out=None):
    out = out or sys.stdout
    rows = []
    try:
        for name, goal, fn in REGISTRY:
            if only and fn.__name__ not in only:
                continue
            started = time.perf_counter()
            try:
                value = fn(ctx)
                state = "ok"
            except Skip as exc:
                value, state = {"skipped": str(exc)}, "skipped"
            met = fn.met(value) if fn.met and state == "ok" else None
            ctx.results[fn.__name__] = {"name": name, "goal": goal, "state": state, **value, "met": met,
                                        "took_s": round(time.perf_counter() - started, 1)}
            rows.append((name, goal, summary(value)))
            verdict = {True: "met", False: "NOT MET", None: ""}[met]
            out.write(f"  {name:<44} {summary(value)}  {goal} {verdict}\n")
            out.flush()
    finally:
        ctx.stop()
    return ctx.results


def summary(value):
    if "skipped" in value:
        return f"SKIP — {value['skipped']}"
    keys = ["p50_ms", "p95_ms", "p99_ms", "req_s", "queries", "ratio", "equal", "celery_ms", "render_mb",
            "worker_peak_mb", "worker_ms", "ms", "peak_rss_mb"]
    parts = [f"{k}={value[k]}" for k in keys if k in value]
    if "queries" in value and isinstance(value["queries"], list):
        parts = [f"queries={value['queries']}", f"equal={value['equal']}"]
    if "p95_over_slowest_sql" in value:
        parts.append(f"p95/slowest_sql={value['p95_over_slowest_sql']}")
    if not parts:
        parts = [f"{k}={v}" for k, v in value.items()]
    return ", ".join(parts)
