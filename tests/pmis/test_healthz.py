import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_broker(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    if settings.CELERY_BROKER_URL:
        assert body["broker"] == "ok"  # a real Redis answers in CI
    else:
        assert body["broker"] == "eager"
    assert body["status"] == "ok"


def run_healthz(env_overrides):
    """Ask /healthz in a fresh process configured by environment, as a deployment would be."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(env_overrides)
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "pmis.settings"},
        capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_healthz_is_503_when_the_database_is_down():
    # Nothing listens on port 9: the connection is refused, exactly as with a stopped server.
    result = run_healthz({"DATABASE_URL": "postgres://postgres@127.0.0.1:9/pmis"})
    assert result["code"] == 503
    assert result["body"]["database"] == "down"


def test_healthz_says_when_the_broker_is_down(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    result = run_healthz({"DATABASE_URL": db_url, "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"})
    assert result["code"] == 200
    assert result["body"]["broker"] == "down"
    assert result["body"]["status"] == "degraded"


def test_embedded_defaults_without_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE, s.EMAIL_BACKEND)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "pmis.settings"},
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.split()
    assert out == ["django.db.backends.sqlite3", "True", "Africa/Nairobi",
                   "django.core.mail.backends.console.EmailBackend"]
