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


def test_a_script_sends_each_item_once_and_reports_each_status_in_order(live_server):
    items = [{"path": "/healthz"}, {"method": "POST", "path": "/healthz", "body": "x=1",
                                    "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
             {"path": "/no-such-page/"}]
    out = loadgen.script(live_server.url, items, concurrency=2, warmup=[{"path": "/healthz"}])
    assert len(out["latencies_ms"]) == 3 and out["item_statuses"][0] == 200 and out["item_statuses"][2] == 404
    assert sum(out["statuses"].values()) == 3
