"""What the measurements share: the users and contracts of the scale data, and one gunicorn driven by
``bench.loadgen``; the queries a page issues, counted as the deployed server issues them."""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from contracts.models import PerformanceContract
from pmis.models import RoleMembership

from .. import scale
from .registry import Skip
from .timing import percentiles


@dataclass
class Context:
    requests: int = 500
    concurrency: int = 2
    repetitions: int = 200
    #: The quarterly reports submitted under load: this many officers, each plan with this many targets.
    report_officers: int = 1000
    report_targets: int = 10
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

    @property
    def floor_key(self):
        if "floor_key" not in self._cache:
            self._cache["floor_key"] = secrets.token_urlsafe(24)
        return self._cache["floor_key"]

    @property
    def floor_dir(self):
        if "floor_dir" not in self._cache:
            self._cache["floor_dir"] = tempfile.mkdtemp(prefix="pmis-bench-floor-")
        return self._cache["floor_dir"]

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
                   "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15"),
                   # The real answers' bytes, for the framework floor's views (bench.peers).
                   "PMIS_BENCH_FLOOR_DIR": self.floor_dir, "PMIS_BENCH_FLOOR_KEY": self.floor_key,
                   "PMIS_BENCH": "1"}
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

    def script(self, path):
        """Send the requests of the script file ``path`` (``bench.loadgen --script``) from a second
        process, ``self.concurrency`` at a time: the loadgen's JSON answer."""
        command = [sys.executable, "-m", "bench.loadgen", self.server(), "--script", path,
                   "--concurrency", str(self.concurrency)]
        out = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)  # noqa: S603 — arguments are ours, not user input
        return json.loads(out.stdout)

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
