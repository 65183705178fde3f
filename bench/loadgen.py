"""A small HTTP load generator, run as its own process: ``python -m bench.loadgen URL --requests N``
(``--other-url`` for two URLs requested in turn, to compare them; ``--script FILE`` for a list of
requests of their own, each sent once: POSTs of forms, each with its own user's headers).

Each thread keeps one connection (re-opened when the server closes it, as gunicorn's sync workers do)
and records every request's latency. Prints one JSON object: latencies (ms), errors, wall time.
Standard library only, so it runs anywhere the app runs.
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def run(url, requests, concurrency, headers, warmup=10):
    parts, path = urlsplit(url), _path(url)
    latencies, statuses, lock = [], {}, threading.Lock()
    counter = iter(range(requests))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for _ in range(warmup // concurrency or 1):
            _get(conn, path, headers)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            status, took = _timed(conn, path, headers)
            with lock:
                latencies.append(took)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"latencies_ms": latencies, "statuses": statuses, "wall_s": wall}


def paired(url, headers, other_url, other_headers, requests, warmup=10):
    """``url`` and ``other_url`` requested in turn on one connection, ``requests`` times each, so that
    the machine's drift over the run falls on both alike: {"latencies_ms": [...], "other_latencies_ms":
    [...], "statuses": {...}, "wall_s": ...}."""
    targets = [(_path(url), headers), (_path(other_url), other_headers)]
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    for _ in range(warmup):
        for path, each_headers in targets:
            _get(conn, path, each_headers)
    latencies, statuses = ([], []), {}
    started_all = time.perf_counter()
    for _ in range(requests):
        for (path, each_headers), out in zip(targets, latencies, strict=True):
            status, took = _timed(conn, path, each_headers)
            out.append(took)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    conn.close()
    return {"latencies_ms": latencies[0], "other_latencies_ms": latencies[1], "statuses": statuses,
            "wall_s": time.perf_counter() - started_all}


def script(url, items, concurrency, warmup=()):
    """Each of ``items`` ({"method", "path", "headers", "body"}) sent once against the server at ``url``,
    shared among ``concurrency`` threads; ``warmup`` items are sent first and not timed. Answers as
    ``run``'s, with each item's status in order (``item_statuses``)."""
    parts = urlsplit(url)
    latencies, statuses, lock = [], {}, threading.Lock()
    item_statuses = [None] * len(items)
    counter = iter(range(len(items)))
    warm = iter(warmup)

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while (item := next(warm, None)) is not None:
            _timed(conn, item["path"], item.get("headers", {}), item.get("method", "GET"), item.get("body"))
        ready.wait()
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            item = items[index]
            status, took = _timed(conn, item["path"], item.get("headers", {}), item.get("method", "GET"),
                                  item.get("body"))
            with lock:
                latencies.append(took)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                item_statuses[index] = status
        conn.close()

    ready = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    ready.wait()  # every thread has warmed up: the clock starts with the first timed item
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"latencies_ms": latencies, "statuses": statuses, "wall_s": wall, "item_statuses": item_statuses}


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _timed(conn, path, headers, method="GET", body=None):
    """(status, milliseconds) of one request; "error" when the connection failed (closed, so that the
    next request opens a new one: http.client reconnects by itself)."""
    started = time.perf_counter()
    try:
        status = _get(conn, path, headers, method, body)
    except (OSError, http.client.HTTPException):
        conn.close()
        status = "error"
    return status, (time.perf_counter() - started) * 1000


def _get(conn, path, headers, method="GET", body=None):
    conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers)
    response = conn.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        conn.close()
    return response.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--other-url", help="request this URL in turn with URL, one at a time (paired)")
    parser.add_argument("--other-header", action="append", default=[], help="Name: value, for --other-url")
    parser.add_argument("--script", help='a JSON file {"items": [...], "warmup": [...]}: each item '
                        '({"method", "path", "headers", "body"}) sent once, against the server of URL')
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    if args.script:
        with open(args.script) as fh:
            plan = json.load(fh)
        print(json.dumps(script(args.url, plan["items"], args.concurrency, plan.get("warmup", ()))))
    elif args.other_url:
        other_headers = dict(h.split(": ", 1) for h in args.other_header)
        print(json.dumps(paired(args.url, headers, args.other_url, other_headers, args.requests)))
    else:
        print(json.dumps(run(args.url, args.requests, args.concurrency, headers)))


if __name__ == "__main__":
    main()
