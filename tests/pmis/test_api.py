from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmis import org
from pmis.models import OrgUnit


def test_token_endpoint_returns_a_token_that_authenticates(demo, client):
    response = client.post("/api/v1/auth/token/", {"username": "officer", "password": demo.password})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "officer"
    assert {r["role"] for r in me.json()["roles"]} == {"officer"}


def test_token_endpoint_errors_have_one_shape(demo, client):
    response = client.post("/api/v1/auth/token/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert "non_field_errors" in body["errors"]
    response = client.post("/api/v1/auth/token/", {"username": "officer"})
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_anonymous_api_requests_are_refused(db, client):
    response = client.get("/api/v1/institutions/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "errors"}


def test_lists_are_scoped_and_paginated(demo, client):
    client.force_login(demo.users["head2"])
    body = client.get("/api/v1/officers/").json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert body["count"] == 9
    assert {o["institution"] for o in body["results"]} == {demo.machakos.pk}
    client.force_login(demo.users["perfdept"])
    slugs = {i["slug"] for i in client.get("/api/v1/institutions/").json()["results"]}
    assert slugs == {"pmco", "water", "machakos"}


def test_org_units_report_their_parent(demo, client):
    client.force_login(demo.users["head"])
    units = client.get("/api/v1/org-units/", {"institution": demo.water.pk}).json()["results"]
    by_name = {u["name"]: u for u in units}
    section = by_name["Hydrogeology Section"]
    assert section["parent"] == by_name["Borehole Drilling Division"]["id"]
    assert by_name["Directorate of Water Resources"]["parent"] is None


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_api_list_queries_do_not_grow_with_rows(demo, client):
    client.force_login(demo.users["admin"])
    urls = [reverse(n) for n in ("api-officer-list", "api-orgunit-list", "api-institution-list",
                                 "api-financialyear-list")]
    before = [count_queries(client, url) for url in urls]
    parent = OrgUnit.objects.get(institution=demo.water, name="Directorate of Irrigation")
    for i in range(30):
        user, _ = org.ensure_user(f"extra{i}")
        unit = org.add_org_unit(None, demo.water, name=f"Extra section {i}", level="section", parent=parent)
        org.add_officer(None, demo.water, user, personal_number=f"X-{i}", designation="Clerk", org_unit=unit)
        parent = OrgUnit.objects.get(pk=parent.pk)
    assert [count_queries(client, url) for url in urls] == before
    assert max(before) <= 10


def test_openapi_schema_is_served(demo, client):
    client.force_login(demo.users["officer"])
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
