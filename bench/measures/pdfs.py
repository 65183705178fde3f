"""Contract PDFs: what a person waits for from the Celery worker, and what the render costs it."""

import json
import os
import subprocess
import sys

from django.conf import settings

from .context import database_url
from .registry import Skip, measure


def _pdf(contract, *options):
    if contract is None:
        raise Skip("the scale data has no contract of that size (seed a bigger set)")
    out = subprocess.run([sys.executable, "-m", "bench.pdfrun", str(contract.pk), *options], cwd=settings.BASE_DIR,  # noqa: S603 — table names and arguments are ours, not user input
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "DATABASE_URL": database_url()})
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"ms": round(data["seconds"] * 1000), "peak_rss_mb": round(data["peak_rss_mb"], 1),
            "rss_before_mb": round(data["baseline_rss_mb"], 1), "pages": data["pages"], "targets": data["targets"],
            "startup_ms": round(data["startup_seconds"] * 1000), "warm_ms": round(data["warm_seconds"] * 1000),
            "worker_ms": round(data["first_warm_seconds"] * 1000),
            "render_rss_mb": round(data["render_rss_mb"], 1), "startup_rss_mb": round(data["startup_rss_mb"], 1),
            "warm_peak_rss_mb": round(data["warm_peak_rss_mb"], 1), "bytes": data["bytes"]}


def _celery_pdfs(ctx):
    """The 40- and 400-target PDFs asked of a real Celery worker (bench.pdfworker), once a run."""
    if "celery_pdfs" not in ctx._cache:
        wanted = [c for c in (ctx.special(40), ctx.special(400)) if c is not None]
        broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
        out = subprocess.run([sys.executable, "-m", "bench.pdfworker", *(str(c.pk) for c in wanted)],  # noqa: S603 — table names and arguments are ours, not user input
                             cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600,
                             env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
                                  "CELERY_RESULT_BACKEND": broker})
        if out.returncode:
            raise RuntimeError(f"bench.pdfworker: {out.stderr[-2000:]}")
        data = json.loads(out.stdout.strip().splitlines()[-1])
        ctx._cache["celery_pdfs"] = {int(pk): {**r, "parent_rss_mb": data["parent_rss_mb"]}
                                     for pk, r in data["contracts"].items()}
    return ctx._cache["celery_pdfs"]


def _pdf_in_worker(ctx, contract):
    """What a person waits for and what the PDF costs in the Celery worker that renders it (judged), with
    the bare render in a process of its own beside it (bench.pdfrun)."""
    result = _pdf(contract)
    celery = _celery_pdfs(ctx)[contract.pk]
    return {"celery_ms": celery["ms"], "render_mb": celery["render_mb"], "worker_peak_mb": celery["worker_peak_mb"],
            **result, "celery": celery}


# The time a person waits is the Celery worker's, from asking for the PDF to its being stored
# (``celery_ms``), and the memory the PDF takes is what the render adds to that worker (``render_mb``):
# the worker's process is ~125 MB before any PDF (its main process, which renders none, is ~100 MB).
# ``worker_ms`` (the render alone after warm-up) and ``ms`` (a fresh process, warm-up included) are
# reported beside them, with that process's peak.
@measure("40-target contract PDF", "≤ 700 ms, ≤ 100 MB",
         lambda r: r["celery_ms"] <= 700 and r["render_mb"] is not None and r["render_mb"] <= 100)
def pdf_40(ctx):
    return _pdf_in_worker(ctx, ctx.special(40))


@measure("40-target PDF with criteria values", "≤ 700 ms, ≤ 100 MB",
         lambda r: r["worker_ms"] <= 700 and r["render_rss_mb"] <= 100)
def pdf_40_criteria(ctx):
    """The same plan printed as a kenya_pc contract: five more columns a target (bench.pdfrun only)."""
    return _pdf(ctx.special(40), "--criteria")


@measure("400-target contract PDF", "≤ 6 s", lambda r: r["celery_ms"] <= 6000)
def pdf_400(ctx):
    return _pdf_in_worker(ctx, ctx.special(400))
