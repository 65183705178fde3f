"""Tenants never see each other: every URL that takes an object id answers 404 for another
institution's object, for every role. New views and API routes are picked up automatically."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pmis.models import Institution
from tests.conftest import first_of

SKIPPED_NAMESPACES = {"admin"}  # superusers only; Django's admin does its own permission checks


def walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from walk(p.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name and "pk" in p.pattern.regex.groupindex:
            if "format" in p.pattern.regex.groupindex:
                continue  # the ".json" suffix duplicates of DRF routes
            yield namespace + p.name, p.callback


def confidential(callback):
    """Views marked ``scoped(..., confidential=True)`` (or DRF views with ``scoped_confidential``)
    open for only part of an institution; their own tests list who may read them."""
    return bool(getattr(callback, "scoped_confidential", False)
                or getattr(getattr(callback, "cls", None), "scoped_confidential", False))


def model_of(callback):
    model = getattr(callback, "scoped_model", None)
    if model is None and hasattr(callback, "cls"):  # DRF views
        queryset = getattr(callback.cls, "queryset", None)
        model = getattr(queryset, "model", None) or getattr(callback.cls, "scoped_model", None)
    return model


def url_kwargs(callback, obj):
    """``pk`` and the URL's other parts the view declares (``scoped(url_kwargs=...)``)."""
    return {"pk": obj.pk, **getattr(callback, "scoped_url_kwargs", {})}


ID_URLS = sorted(set(walk(get_resolver().url_patterns)), key=lambda t: t[0])


def test_every_id_url_declares_its_model():
    assert ID_URLS, "no URL takes an object id?"
    undeclared = [name for name, cb in ID_URLS if model_of(cb) is None]
    assert not undeclared, f"views taking an id without @scoped(Model) or a DRF queryset: {undeclared}"


# (login, their institution, institutions they must not see)
CASES = [
    ("perfdept", "water", ["outside"]),
    ("principal", "water", ["machakos", "outside"]),
    ("head", "water", ["machakos", "outside"]),
    ("director", "water", ["machakos", "outside"]),
    ("supervisor", "water", ["machakos", "outside"]),
    ("officer", "water", ["machakos", "outside"]),
    ("secretariat", "water", ["machakos", "outside"]),
    ("vetting", "water", ["machakos", "outside"]),
    ("appeals", "water", ["machakos", "outside"]),
    ("auditor", "water", ["machakos", "outside"]),
    ("head2", "machakos", ["water", "outside"]),
    ("officer2", "machakos", ["water", "outside"]),
]


@pytest.mark.parametrize("name,callback", ID_URLS, ids=[n for n, _ in ID_URLS])
def test_other_institutions_objects_answer_404(demo, client, name, callback):
    model = model_of(callback)
    # Action endpoints (POST only) are probed with POST; pages with GET, and must open for their own side.
    post_only = getattr(callback, "scoped_post_only", False)
    request = client.post if post_only else client.get
    for login, own_slug, foreign_slugs in CASES:
        client.force_login(demo.users[login])
        own = first_of(model, Institution.objects.get(slug=own_slug))
        if own is not None and not post_only and not confidential(callback):
            response = client.get(reverse(name, kwargs=url_kwargs(callback, own)))
            assert response.status_code == 200, f"{login} cannot open their own {model.__name__} at {name}"
        for slug in foreign_slugs:
            obj = first_of(model, Institution.objects.get(slug=slug))
            assert obj is not None, f"no {model.__name__} in {slug} to test with"
            response = request(reverse(name, kwargs=url_kwargs(callback, obj)))
            assert response.status_code == 404, (
                f"{login} got {response.status_code} for {slug}'s {model.__name__} at {name}"
            )


def test_anonymous_users_never_see_objects(demo, client):
    for name, callback in ID_URLS:
        obj = first_of(model_of(callback), demo.water)
        request = client.post if getattr(callback, "scoped_post_only", False) else client.get
        response = request(reverse(name, kwargs=url_kwargs(callback, obj)))
        assert response.status_code in (302, 401, 403), f"anonymous got {response.status_code} at {name}"
