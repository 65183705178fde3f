"""POST /api/v1/scoring/evaluate/: the what-if scorer over HTTP. Every scheme via session and token
auth, every "Response 400" case of the methodology, and proof that nothing is stored."""

import copy
from decimal import Decimal

import pytest
from django.apps import apps
from rest_framework.test import APIClient

URL = "/api/v1/scoring/evaluate/"


def kpc(id_, weight, direction, criteria, actual):
    keys = ("excellent", "very_good", "good", "fair", "poor")
    return {"id": id_, "weight": weight, "direction": direction, "criteria": dict(zip(keys, criteria)),
            "actual": actual}


# The methodology's worked cases W1–W6: (payload, composite, grade).
WORKED = {
    "kenya_pc": ({"scheme": "kenya_pc", "items": [
        kpc("t1", 30, "higher", [110, 100, 90, 80, 70], 95),
        kpc("t2", 25, "lower", [12, 14, 16, 18, 20], 13),
        kpc("t3", 25, "higher", [1000, 900, 800, 700, 600], 1250),
        kpc("t4", 20, "higher", [100, 95, 90, 85, 80], 71),
    ]}, "2.3750", "Excellent"),
    "kenya_pc_2013": ({"scheme": "kenya_pc", "bands": [
        {"grade": "Excellent", "limit": 1.49}, {"grade": "Very Good", "limit": 2.49},
        {"grade": "Good", "limit": 3.49}, {"grade": "Fair", "limit": 3.59}, {"grade": "Poor", "limit": 5}],
        "items": [kpc("a", 60, "higher", [50, 45, 40, 35, 30], 47), kpc("b", 40, "lower", [5, 7, 9, 11, 13], 8)],
    }, "1.9600", "Very Good"),
    "percent_achievement": ({"scheme": "percent_achievement", "items": [
        {"id": "p1", "weight": 50, "direction": "higher", "target": 200, "actual": 180},
        {"id": "p2", "weight": 30, "direction": "lower", "target": 30, "actual": 24},
        {"id": "p3", "weight": 20, "direction": "higher", "target": 10, "actual": 15},
    ]}, "105.0000", "Excellent"),
    "opras": ({"scheme": "opras",
               "items": [{"id": i, "mark": m} for i, m in enumerate([2, 3, 1])],
               "attributes": [{"id": i, "mark": m} for i, m in enumerate([2, 2, 3, 1])]}, "2.0000", "Very Good"),
    "likert_5": ({"scheme": "likert_5", "items": [
        {"id": "l1", "weight": 40, "rating": 5}, {"id": "l2", "weight": 35, "rating": 4},
        {"id": "l3", "weight": 25, "rating": 3}]}, "4.1500", "Very Good"),
    "pepmis": ({"scheme": "pepmis", "items": [
        {"id": "k1", "weight": 50, "score": 92}, {"id": "k2", "weight": 30, "score": 70},
        {"id": "k3", "weight": 20, "score": "55.5"}]}, "78.1000", "Very Good"),
}


@pytest.fixture
def session_client(demo):
    client = APIClient()
    client.force_login(demo.users["officer"])
    return client


@pytest.fixture
def token_client(demo):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "officer", "password": demo.password}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("case", list(WORKED))
def test_each_scheme_scores_the_worked_case(request, auth, case):
    client = request.getfixturevalue(f"{auth}_client")
    payload, composite, grade = WORKED[case]
    response = client.post(URL, payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["scheme"] == payload["scheme"]
    assert Decimal(str(body["composite"])) == Decimal(composite)
    assert body["grade"] == grade
    assert [item["id"] for item in body["items"]] == [item["id"] for item in payload["items"]]
    if payload["scheme"] == "opras":
        assert all("weighted" not in item for item in body["items"])
    else:
        assert sum(Decimal(str(item["weighted"])) for item in body["items"]) == Decimal(composite)


def test_w1_items_match_the_methodology(session_client):
    body = session_client.post(URL, WORKED["kenya_pc"][0], format="json").json()
    assert [(i["raw"], i["weighted"]) for i in body["items"]] == [
        ("2.5000", "0.7500"), ("1.5000", "0.3750"), ("1.0000", "0.2500"), ("5.0000", "1.0000")]


@pytest.mark.parametrize("client_kind", ["anonymous", "bad_token"])
def test_unauthenticated_requests_are_refused(db, client_kind):
    client = APIClient()
    if client_kind == "bad_token":
        client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post(URL, WORKED["pepmis"][0], format="json")
    assert response.status_code in (401, 403)


def _with(case, change):
    payload = copy.deepcopy(WORKED[case][0])
    change(payload)
    return payload


def _set(path, value):
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


# (name, payload, the error key the response must name): the methodology's "Response 400" list.
BAD = [
    ("unknown scheme", _with("pepmis", _set(["scheme"], "balanced")), "scheme"),
    ("unknown direction", _with("kenya_pc", _set(["items", 0, "direction"], "sideways")), "items[0].direction"),
    ("empty items", _with("likert_5", _set(["items"], [])), "items"),
    ("missing field", _with("percent_achievement", _delete(["items", 1, "actual"])), "items[1].actual"),
    ("non-numeric field", _with("pepmis", _set(["items", 0, "score"], "ninety")), "items[0].score"),
    ("non-numeric weight", _with("likert_5", _set(["items", 2, "weight"], "a lot")), "items[2].weight"),
    ("duplicate ids", _with("likert_5", _set(["items", 1, "id"], "l1")), "items[1].id"),
    ("negative weight", _with("pepmis", _set(["items", 0, "weight"], -10)), "items[0].weight"),
    ("weights not 100", _with("pepmis", _set(["items", 0, "weight"], 49)), "weights"),
    ("missing criteria level", _with("kenya_pc", _delete(["items", 2, "criteria", "fair"])),
     "items[2].criteria.fair"),
    ("criteria not monotonic", _with("kenya_pc", _set(["items", 0, "criteria", "good"], 105)), "items[0].criteria"),
    ("lower criteria not monotonic", _with("kenya_pc", _set(["items", 1, "criteria", "poor"], 11)),
     "items[1].criteria"),
    ("opras mark above 5", _with("opras", _set(["items", 0, "mark"], 6)), "items[0].mark"),
    ("opras attribute mark below 1", _with("opras", _set(["attributes", 3, "mark"], 0)), "attributes[3].mark"),
    ("rating outside 1-5", _with("likert_5", _set(["items", 0, "rating"], 7)), "items[0].rating"),
    ("score outside 0-100", _with("pepmis", _set(["items", 1, "score"], 101)), "items[1].score"),
    ("negative score", _with("pepmis", _set(["items", 1, "score"], -1)), "items[1].score"),
    ("percent target of 0", _with("percent_achievement", _set(["items", 0, "target"], 0)), "items[0].target"),
    ("opras without attributes", _with("opras", _delete(["attributes"])), "attributes"),
    ("bands not ordered", _with("kenya_pc_2013", _set(["bands", 1, "limit"], 1.2)), "bands[1].limit"),
    ("bands not covering the scale", _with("kenya_pc_2013", _set(["bands", 4, "limit"], 4.5)), "bands"),
]


@pytest.mark.parametrize("payload,key", [(p, k) for _, p, k in BAD], ids=[name for name, _, _ in BAD])
def test_bad_input_answers_400_naming_the_field(session_client, payload, key):
    response = session_client.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert key in body["errors"], body["errors"]
    assert all(isinstance(m, str) and m for m in body["errors"][key])


def test_a_request_that_is_not_an_object_answers_400(session_client):
    response = session_client.post(URL, [1, 2, 3], format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def row_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_nothing_is_stored(session_client, token_client):
    before = row_counts()
    for client in (session_client, token_client):
        for payload, _, _ in WORKED.values():
            assert client.post(URL, payload, format="json").status_code == 200
        for _, payload, _ in BAD:
            assert client.post(URL, payload, format="json").status_code == 400
    assert row_counts() == before
