"""bench.pdfworker asks a real Celery worker (Redis broker, the PostgreSQL test database) for a PDF
and reports its time and memory, leaving no document behind."""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection

from bench.pdfworker import reset_peak
from contracts.models import ContractDocument, PerformanceContract
from tests.workers import BASE_DIR, broker_reachable, broker_url, worker_database_url

pytestmark = [pytest.mark.worker]


def own_redis_database(url, number=12):
    """The broker's Redis with another database number: the bench's worker takes every task there."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_and_the_figures_are_reported(demo, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: run on PostgreSQL")
    if not django_settings.CELERY_BROKER_URL or not broker_reachable():
        pytest.skip("no Redis broker reachable at CELERY_BROKER_URL")
    contract = PerformanceContract.objects.filter(institution=demo.water).exclude(targets=None).order_by("pk").first()
    broker = own_redis_database(broker_url())
    env = {**os.environ, "DATABASE_URL": worker_database_url(), "CELERY_BROKER_URL": broker,
           "CELERY_RESULT_BACKEND": broker, "MEDIA_ROOT": str(tmp_path / "media")}
    out = subprocess.run([sys.executable, "-m", "bench.pdfworker", str(contract.pk)], cwd=BASE_DIR, env=env,  # noqa: S603 — our own command line
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-4000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    figures = report["contracts"][str(contract.pk)]
    assert figures["targets"] == contract.targets.count() and figures["pages"] >= 1
    assert figures["ms"] > 0 and figures["worker_before_mb"] > 0
    assert figures["worker_peak_mb"] >= figures["worker_before_mb"]
    # The render's own peak is measured where the kernel lets the peak be reset (as it does for us here).
    if reset_peak(os.getpid()):
        assert figures["render_mb"] >= 0
    else:
        assert figures["render_mb"] is None
    assert report["parent_rss_mb"] > 0
    assert not ContractDocument.objects.filter(contract=contract).exists()  # the PDF it asked for is gone
