"""A real Celery worker (Redis broker, the PostgreSQL test database) generates one report."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from pypdf import PdfReader

from pmis.celery import app as celery_app
from reports import requesting
from reports.models import GeneratedReport
from tests.workers import broker_reachable, broker_url, celery_worker, purge_queue, worker_database_url

pytestmark = [pytest.mark.worker]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_generates_a_report(demo, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: run on PostgreSQL")
    if not django_settings.CELERY_BROKER_URL or not broker_reachable():
        pytest.skip("no Redis broker reachable at CELERY_BROKER_URL")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {"DATABASE_URL": worker_database_url(), "CELERY_BROKER_URL": broker_url(),
           "MEDIA_ROOT": settings.MEDIA_ROOT, "PYTHONUNBUFFERED": "1"}
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    purge_queue()
    try:
        with celery_worker(env, concurrency=1) as worker:
            report = requesting.request_report(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "pdf")
            deadline = time.monotonic() + 90
            seen = set()
            while time.monotonic() < deadline:
                report.refresh_from_db()
                seen.add(report.state)
                if report.state in {GeneratedReport.State.READY, GeneratedReport.State.FAILED}:
                    break
                assert worker.alive(), worker.log()[-4000:]
                time.sleep(0.2)
            assert report.state == GeneratedReport.State.READY, f"{report.error}\n{worker.log()[-4000:]}"
            data = (Path(settings.MEDIA_ROOT) / report.file.name).read_bytes()
            reader = PdfReader(io.BytesIO(data))
            text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
            assert len(reader.pages) == report.pages and report.progress == 100
            assert report.data_hash in text
            assert demo.water.name.replace(" ", "") in text
    finally:
        celery_app.conf.task_always_eager = before
