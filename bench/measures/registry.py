"""The registry of measurements, and the run that calls them in order and prints one table."""

import sys
import time

REGISTRY = []


class Skip(Exception):
    """The measured thing is not available in this build."""


def measure(name, goal="", met=None):
    """Register ``fn`` as a measurement; ``met(result) -> bool`` says whether the goal is reached."""
    def register(fn):
        fn.met = met
        REGISTRY.append((name, goal, fn))
        return fn

    return register


def run(ctx, only=None, out=None):
    out = out or sys.stdout
    rows = []
    try:
        for name, goal, fn in REGISTRY:
            if only and fn.__name__ not in only:
                continue
            started = time.perf_counter()
            try:
                value = fn(ctx)
                state = "ok"
            except Skip as exc:
                value, state = {"skipped": str(exc)}, "skipped"
            met = fn.met(value) if fn.met and state == "ok" else None
            ctx.results[fn.__name__] = {"name": name, "goal": goal, "state": state, **value, "met": met,
                                        "took_s": round(time.perf_counter() - started, 1)}
            rows.append((name, goal, summary(value)))
            verdict = {True: "met", False: "NOT MET", None: ""}[met]
            out.write(f"  {name:<44} {summary(value)}  {goal} {verdict}\n")
            out.flush()
    finally:
        ctx.stop()
    return ctx.results


def summary(value):
    if "skipped" in value:
        return f"SKIP — {value['skipped']}"
    keys = ["p50_ms", "p95_ms", "p99_ms", "req_s", "reports_s", "submitted", "queries", "ratio", "equal",
            "celery_ms", "render_mb",
            "worker_peak_mb", "worker_ms", "ms", "peak_rss_mb"]
    parts = [f"{k}={value[k]}" for k in keys if k in value]
    if "queries" in value and isinstance(value["queries"], list):
        parts = [f"queries={value['queries']}", f"equal={value['equal']}"]
    if "p95_over_slowest_sql" in value:
        parts.append(f"p95/slowest_sql={value['p95_over_slowest_sql']}")
    if not parts:
        parts = [f"{k}={v}" for k, v in value.items()]
    return ", ".join(parts)
