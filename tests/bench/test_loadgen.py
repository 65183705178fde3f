"""The benchmark's load generator against a live server: every request is answered and timed."""

from bench import loadgen


def test_paired_requests_alternate_and_each_is_timed(live_server):
    healthy, login = live_server.url + "/healthz", live_server.url + "/accounts/login/"
    out = loadgen.paired(healthy, {}, login, {"Accept-Language": "sw"}, requests=5, warmup=1)
    assert len(out["latencies_ms"]) == len(out["other_latencies_ms"]) == 5
    assert out["statuses"] == {"200": 10}
    assert all(t > 0 for t in out["latencies_ms"] + out["other_latencies_ms"])


def test_concurrent_run_counts_every_answer(live_server):
    out = loadgen.run(live_server.url + "/healthz", requests=6, concurrency=2, headers={}, warmup=2)
    assert len(out["latencies_ms"]) == 6 and out["statuses"] == {"200": 6}
