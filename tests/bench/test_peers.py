"""The bench's peers (bench.peers): the floor answers stored bytes without touching the database,
and the naive views give the same figures as the real ones, within the user's institutions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import peers
from contracts.models import PerformanceContract
from scorecards.models import ContractScore


def test_the_floor_answers_the_stored_bytes_without_the_database(db, client, tmp_path, monkeypatch):
    monkeypatch.setenv(peers.FLOOR_DIR, str(tmp_path))
    monkeypatch.setenv(peers.FLOOR_KEY, "k3y")
    monkeypatch.setattr(peers, "_floor", {})
    (tmp_path / "plan-api.bin").write_bytes(b'{"id": 1}')
    url = reverse("bench-floor", args=["plan-api"])
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, headers={"X-Bench-Key": "k3y"})
    assert answer.status_code == 200 and answer.content == b'{"id": 1}'
    assert answer["Content-Type"] == "application/json" and len(captured) == 0
    # The bytes are a real user's answer: nobody without the bench's key gets them.
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"X-Bench-Key": "guess"}).status_code == 404
    assert client.get(reverse("bench-floor", args=["missing"]), headers={"X-Bench-Key": "k3y"}).status_code == 404


def test_the_naive_plan_lists_the_same_targets_as_the_real_one(demo, client):
    plan = PerformanceContract.objects.get(level="officer", officer=demo.officer, financial_year__is_current=True)
    client.force_login(demo.users["officer"])
    real = client.get(reverse("api-contract-plan", args=[plan.pk])).json()
    naive = client.get(reverse("bench-naive-plan", args=[plan.pk])).json()
    assert [t["id"] for t in naive["targets"]] and \
        sorted(t["id"] for t in naive["targets"]) == sorted(t["id"] for t in real["targets"])
    foreign = PerformanceContract.objects.filter(institution=demo.machakos).first()
    assert client.get(reverse("bench-naive-plan", args=[foreign.pk])).status_code == 404


def test_the_naive_league_ranks_the_visible_rows_by_composite(demo, client):
    client.force_login(demo.users["head2"])
    rows = client.get(reverse("bench-naive-league")).json()
    names = {r["institution"] for r in rows}
    assert names <= {demo.machakos.name}
    composites = [float(r["composite"]) for r in rows if r["composite"] is not None]
    assert composites == sorted(composites, reverse=True)
    assert ContractScore.objects.exists()
