"""Auditors are read-only on the server: every URL pattern of every app (pages, API, admin) answers
POST/PUT/PATCH/DELETE from an auditor with 403 or 405, and nothing in the database changes."""

import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from rest_framework.authtoken.models import Token

from contracts.models import PerformanceContract
from pmis.models import AuditEvent, Institution
from reports.readonly import ALLOWED, is_read_only
from tests.conftest import first_of
from tests.pmis.test_isolation import model_of

METHODS = ["post", "put", "patch", "delete"]


def walk(patterns, namespace="", prefix=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, ns, (*prefix, p.pattern))
        elif isinstance(p, URLPattern):
            yield namespace, p, (*prefix, p.pattern)


def route_url(parts):
    """The URL of an unnamed pattern, from its routes (admin redirects) or regexes (DRF suffixes)."""
    url = ""
    for part in parts:
        if isinstance(part, RoutePattern):
            url += re.sub(r"<(?:\w+:)?\w+>", "1", str(part))
        else:
            regex = part.regex.pattern.lstrip("^").rstrip("$").replace("/?", "/")
            url += re.sub(r"\(\?P<\w+>[^)]*\)", "1", regex).replace("\\", "")
    return "/" + url


PATTERNS = list(walk(get_resolver().url_patterns))


def url_for(namespace, pattern, parts, own_pk):
    """A concrete URL for the pattern: ``pk`` is an object of the auditor's own institution."""
    if not pattern.name:
        return route_url(parts)
    name = namespace + pattern.name
    params = list(pattern.pattern.regex.groupindex)
    candidates = []
    for param in params:
        if param == "pk":
            candidates.append([str(own_pk)])
        elif param == "app_label":
            candidates.append(["pmis", "auth"])
        else:
            candidates.append(["1", "x", "xlsx", "abc-def", "MQ", "json"])
    for combo in itertools.product(*candidates):
        try:
            return reverse(name, kwargs=dict(zip(params, combo, strict=True)))
        except NoReverseMatch:
            continue
    raise AssertionError(f"could not build a URL for {name}")


def test_every_pattern_is_walked():
    for _, pattern, parts in PATTERNS:
        if not pattern.name:
            resolve(route_url(parts))  # every unnamed pattern gets a URL that reaches a view
    assert len(PATTERNS) > 100


def test_the_auditor_is_read_only_and_others_are_not(demo):
    assert is_read_only(demo.users["auditor"])
    for login in ("head", "perfdept", "officer", "admin", "secretariat"):
        assert not is_read_only(demo.users[login]), login


def test_an_auditor_cannot_write_anywhere(demo, client):
    auditor = demo.users["auditor"]
    client.force_login(auditor)
    water = Institution.objects.get(slug="water")
    events_before = AuditEvent.objects.count()
    contracts_before = list(PerformanceContract.objects.values_list("pk", "status", "lock_version"))
    walked = 0
    for namespace, pattern, parts in PATTERNS:
        name = namespace + (pattern.name or "")
        if name in ALLOWED:
            continue
        model = model_of(pattern.callback) or Institution
        own = first_of(model, water) if "pk" in pattern.pattern.regex.groupindex else None
        url = url_for(namespace, pattern, parts, own.pk if own is not None else 1)
        if url is None:
            continue
        for method in METHODS:
            if method == "post":
                response = client.post(url, {})
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json")
            assert response.status_code in (403, 405), (
                f"auditor {method.upper()} {url} ({name}) → {response.status_code}")
            walked += 1
    assert walked > 400
    assert AuditEvent.objects.count() == events_before
    assert list(PerformanceContract.objects.values_list("pk", "status", "lock_version")) == contracts_before


def test_the_api_refuses_an_auditor_with_a_token(demo, client):
    token, _ = Token.objects.get_or_create(user=demo.users["auditor"])
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    response = client.post(reverse("api-institution-list"), {"name": "X", "slug": "x", "kind": "agency"}, **headers)
    assert response.status_code == 403
    response = client.patch(reverse("api-institution-detail", args=[demo.water.pk]), {"name": "Renamed"},
                            content_type="application/json", **headers)
    assert response.status_code == 403
    assert client.get(reverse("api-institution-detail", args=[demo.water.pk]), **headers).status_code == 200
    demo.water.refresh_from_db()
    assert demo.water.name != "Renamed"


def test_a_foreign_object_answers_404_not_403(demo, client):
    client.force_login(demo.users["auditor"])
    foreign = PerformanceContract.objects.filter(institution=demo.machakos).first()
    assert client.post(reverse("contract-transition", args=[foreign.pk]), {}).status_code == 404
    own = PerformanceContract.objects.filter(institution=demo.water).first()
    assert client.post(reverse("contract-transition", args=[own.pk]), {}).status_code == 403


def test_what_an_auditor_may_still_post(demo, client):
    client.force_login(demo.users["auditor"])
    assert client.post(reverse("set_language"), {"language": "sw", "next": "/"}).status_code == 302
    response = client.post(reverse("reports:new"), {"kind": "annual", "format": "csv"})
    assert response.status_code == 400  # reached the form (no institution chosen), not refused
    assert client.post(reverse("logout")).status_code in (200, 302)


@pytest.mark.parametrize("login", ["head", "secretariat"])
def test_other_roles_still_write(demo, client, login):
    user = get_user_model().objects.get(username=login)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.post(reverse("reports:new"), {"kind": "annual", "format": "csv", "institution": demo.water.pk})
    assert response.status_code == 302
