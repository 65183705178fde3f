"""Production settings: check --deploy, the SECRET_KEY guard, CSP and security headers, error pages, logs."""

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.defaults import server_error

from pmis.logging import JSONFormatter, RequestIDFilter
from pmis.middleware import current_request_id

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "pmis.example.go.ke",
              "CACHE_URL": "redis://127.0.0.1:6379/1"}


def manage(*args, env):
    full = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    full.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", [None, "", "pmis-insecure-development-key-change-me"])
def test_debug_off_without_a_real_secret_key_refuses_to_start(key):
    env = {"DEBUG": "0", "ALLOWED_HOSTS": "pmis.example.go.ke"}
    if key is not None:
        env["SECRET_KEY"] = key
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_values():
    code = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER), "
            "s.X_FRAME_OPTIONS, s.DEBUG]))")
    result = manage("shell", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    redirect, session_secure, csrf_secure, hsts, proxy, xfo, debug = json.loads(result.stdout.strip().splitlines()[-1])
    assert redirect and session_secure and csrf_secure and hsts >= 31536000
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"] and xfo == "DENY" and debug is False


@pytest.mark.parametrize("bench, installed", [("0", False), ("1", True)])
def test_bench_is_installed_only_when_asked_for_in_production(bench, installed):
    env = dict(PRODUCTION, PMIS_BENCH=bench)
    code = "from django.conf import settings as s; print('bench' in s.INSTALLED_APPS)"
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(installed)


def test_every_setting_read_is_documented_in_env_example():
    source = (ROOT / "pmis" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.M))
    assert names, "no env reads found"
    assert names <= documented, f"undocumented: {sorted(names - documented)}"


# --- CSP and headers ------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def assert_no_inline_code(html: str, where: str):
    assert not INLINE_SCRIPT.search(html), f"{where}: inline <script>"
    assert not INLINE_STYLE.search(html), f"{where}: inline style"
    assert not INLINE_HANDLER.search(html), f"{where}: inline event handler"


def test_no_template_has_inline_scripts_styles_or_handlers():
    templates = list((ROOT / "templates").rglob("*.html"))
    for app in ("pmis", "scorecards", "contracts", "appraisals", "charters", "notifications"):
        templates += list((ROOT / app).glob("templates/**/*.html"))
    # PDF templates are read by WeasyPrint on the server, never served to a browser.
    templates = [t for t in templates if "pdf" not in t.relative_to(ROOT).parts]
    assert templates
    for path in templates:
        assert_no_inline_code(path.read_text(), str(path.relative_to(ROOT)))


def csp(response):
    header = response.headers.get("Content-Security-Policy", "")
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_csp_and_security_headers_on_pages(demo, client):
    login = client.get("/accounts/login/")
    client.force_login(demo.users["head"])
    pages = {"login": login, "home": client.get("/"), "security": client.get("/account/security/"),
             "institution": client.get(f"/institutions/{demo.water.pk}/"), "api docs": client.get("/api/docs/")}
    for name, response in pages.items():
        assert response.status_code == 200, name
        policy = csp(response)
        assert policy.get("default-src") == "'self'", name
        assert policy.get("script-src") == "'self'", name
        assert policy.get("frame-ancestors") == "'none'" and policy.get("object-src") == "'none'", name
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "same-origin", name
        assert "camera=()" in response.headers["Permissions-Policy"], name
        assert_no_inline_code(response.content.decode(), name)
    assert policy["style-src"] == "'self' 'unsafe-inline'"  # the one relaxation: Swagger UI
    assert csp(pages["home"])["style-src"] == "'self'"


def test_api_docs_script_is_served_from_the_same_origin(demo, as_user):
    client = as_user(demo.users["head"])
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page)
    assert script, page
    js = client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and "SwaggerUIBundle" in js.content.decode()


def test_request_id_is_generated_or_propagated(client, db):
    generated = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["X-Request-ID"])
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert kept.headers["X-Request-ID"] == "lb-1234.abc"
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>" * 20})
    assert junk.headers["X-Request-ID"] != "<script>" * 20


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("pmis.test", logging.ERROR, __file__, 1, "boom %s", ("here",), None)
    record.username = "head"
    token = current_request_id.set("req-42")
    try:
        RequestIDFilter().filter(record)
        line = json.loads(JSONFormatter().format(record))
    finally:
        current_request_id.reset(token)
    assert line["message"] == "boom here" and line["request_id"] == "req-42"
    assert line["level"] == "ERROR" and line["username"] == "head" and line["logger"] == "pmis.test"
    assert settings.LOGGING["handlers"]["console"]["formatter"] in ("json", "text")


# --- Error pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "sw"])
def test_404_page_is_ours_in_both_languages(demo, as_user, language):
    client = as_user(demo.users["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert f'lang="{language}"' in html and "Traceback" not in html


def test_500_page_needs_no_context_and_leaks_nothing():
    request = RequestFactory().get("/")
    response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html and "Traceback" not in html
    assert_no_inline_code(html, "500.html")


def test_an_exception_in_a_view_gives_the_500_page(demo, client, settings):
    from django.urls import path

    import pmis.urls

    def explode(request):
        raise RuntimeError("secret internals")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", explode)] + pmis.urls.urlpatterns})
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"secret internals" not in response.content and b"Something went wrong" in response.content
    assert response.headers["X-Request-ID"]
