"""Asking for the contract PDF (``contracts.printing``): the idempotent Celery task, the pages, and a real
worker."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from contracts import printing
from contracts.cycle import signing
from contracts.demo.cycle import WATER_UNIT
from contracts.documents import pdf
from contracts.models import ContractDocument
from contracts.tasks import render_contract_document
from pmis.celery import app as celery_app
from pmis.models import AuditEvent
from tests.contracts.helpers_documents import ministry_contract, pdf_text, sign_through, signed, squash, vetted

ROOT = Path(__file__).resolve().parents[2]



# ---------------------------------------------------------------------------------------------
# The task and the request


def test_task_is_idempotent_one_row_one_file(demo, media, eager, django_capture_on_commit_callbacks):
    contract = ministry_contract(demo)
    with django_capture_on_commit_callbacks(execute=True):
        document = printing.request_document(demo.users["head"], contract)
    document.refresh_from_db()
    assert document.state == ContractDocument.State.READY
    assert document.pages and document.pages >= 2
    first_name = document.file.name
    assert first_name == (f"contracts/pdf/{contract.pk}-v{contract.version}-"
                          f"{document.content_hash[:12]}.pdf")
    assert render_contract_document.delay(document.pk).get() == "current"
    # Even when the row says it must be redone, a second render replaces the file rather than adding one.
    ContractDocument.objects.filter(pk=document.pk).update(state=ContractDocument.State.QUEUED)
    assert render_contract_document.delay(document.pk).get() == "ready"
    with django_capture_on_commit_callbacks(execute=True):
        again = printing.request_document(demo.users["principal"], contract)
    assert again.pk == document.pk
    assert ContractDocument.objects.filter(contract=contract).count() == 1
    files = list((media / "contracts" / "pdf").iterdir())
    assert [f.name for f in files] == [Path(first_name).name]
    text, pages = pdf_text(files[0].read_bytes())
    assert pages == ContractDocument.objects.get(pk=document.pk).pages
    assert AuditEvent.objects.filter(action="contract.document_request", object_id=str(contract.pk)).count() == 2


def test_a_draft_document_is_rendered_again_when_the_content_changes(demo, media, eager,
                                                                      django_capture_on_commit_callbacks):
    contract = ministry_contract(demo)
    with django_capture_on_commit_callbacks(execute=True):
        document = printing.request_document(demo.users["head"], contract)
    document.refresh_from_db()
    old_name, old_hash = document.file.name, document.content_hash
    from contracts.cycle import targets

    target = contract.targets.first()
    targets.update_target(contract.performer, target, description=target.description + " (revised)")
    with django_capture_on_commit_callbacks(execute=True):
        printing.request_document(demo.users["head"], contract)
    document.refresh_from_db()
    assert document.content_hash != old_hash
    assert document.file.name != old_name
    assert not default_storage.exists(old_name)
    assert [f.name for f in (media / "contracts" / "pdf").iterdir()] == [Path(document.file.name).name]
    assert "(revised)" in squash(pdf_text(document.file.read())[0])


def test_a_signed_versions_document_is_never_rendered_again(demo, media, eager, django_capture_on_commit_callbacks):
    contract = sign_through(demo, ministry_contract(demo))
    with django_capture_on_commit_callbacks(execute=True):
        document = printing.request_document(demo.users["head"], contract)
    document.refresh_from_db()
    assert document.state == ContractDocument.State.READY
    rendered_at, name = document.updated_at, document.file.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        printing.request_document(demo.users["principal"], contract)
    assert callbacks == []  # nothing was queued
    assert render_contract_document.delay(document.pk).get() == "current"
    document.refresh_from_db()
    assert (document.updated_at, document.file.name) == (rendered_at, name)
    assert signing.current_version(contract).content_hash == document.content_hash


def test_a_draft_pdf_is_redone_once_the_contract_is_signed(demo, media, eager, django_capture_on_commit_callbacks):
    """Rendered while ready to sign (same hash), it is printed again after the last signature."""
    contract = ministry_contract(demo)
    users = demo.users
    version = vetted(contract)
    contract.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        document = printing.request_document(users["head"], contract)
    document.refresh_from_db()
    assert "DRAFT" in pdf_text(document.file.read())[0]
    contract = signed(contract, version)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        printing.request_document(users["head"], contract)
    assert len(callbacks) == 1
    document.refresh_from_db()
    assert "Signed online by both parties" in squash(pdf_text(document.file.read())[0])


def test_a_failing_render_is_retried_then_marked_failed(demo, media, eager, monkeypatch):
    contract = ministry_contract(demo)
    document, _ = ContractDocument.objects.get_or_create(
        contract=contract, version=contract.version, defaults={"institution": demo.water})
    calls = []

    def broken(doc, base=None):
        calls.append(doc)
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "render_printable", broken)
    celery_app.conf.task_eager_propagates = False  # let eager apply() follow the retries as a worker would
    assert render_contract_document.delay(document.pk).get() == "failed"
    assert len(calls) == 4  # the first attempt and three retries
    document.refresh_from_db()
    assert document.state == ContractDocument.State.FAILED
    assert "disk full" in document.error and "Ask for it again" in document.error


def test_a_missing_document_is_nothing_to_do(db, eager):
    assert render_contract_document.delay(987654321).get() == "missing"


# ---------------------------------------------------------------------------------------------
# The pages


def test_pdf_page_request_progress_and_download(demo, as_user, media, eager, django_capture_on_commit_callbacks):
    contract = ministry_contract(demo)
    ContractDocument.objects.filter(contract=contract).delete()  # the demo's queued row
    client = as_user(demo.users["auditor"])  # anyone who can see the contract may ask for its PDF
    url = reverse("contract-pdf", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Prepare the PDF" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    document = ContractDocument.objects.get(contract=contract, version=contract.version)
    partial = client.get(reverse("contract-pdf-status", args=[contract.pk]))
    assert b"Download PDF" in partial.content and b"hx-trigger" not in partial.content
    download = client.get(reverse("contract-document-download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert f'-v{contract.version}.pdf"' in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")


def test_a_queued_document_polls_and_its_download_shows_progress(demo, as_user):
    contract = ministry_contract(demo)
    document, _ = ContractDocument.objects.get_or_create(
        contract=contract, version=contract.version, defaults={"institution": demo.water})
    client = as_user(demo.users["officer"])
    partial = client.get(reverse("contract-pdf-status", args=[contract.pk]))
    assert b'hx-trigger="every 2s"' in partial.content and b"Queued" in partial.content
    response = client.get(reverse("contract-document-download", args=[document.pk]))
    assert response.status_code == 200 and b"Queued" in response.content


def test_other_institutions_cannot_ask_for_or_download_the_pdf(demo, as_user, media, eager,
                                                              django_capture_on_commit_callbacks):
    contract = ministry_contract(demo)
    with django_capture_on_commit_callbacks(execute=True):
        document = printing.request_document(demo.users["head"], contract)
    client = as_user(demo.users["head2"])
    assert client.get(reverse("contract-document-download", args=[document.pk])).status_code == 404
    assert client.post(reverse("contract-pdf", args=[contract.pk])).status_code == 404
    assert ContractDocument.objects.filter(contract=contract).count() == 1


def test_pdf_pages_have_no_inline_script_or_style(demo, as_user):
    contract = ministry_contract(demo)
    client = as_user(demo.users["head"])
    body = client.get(reverse("contract-pdf", args=[contract.pk])).content.decode()
    assert "<script>" not in body and "style=" not in body and "<style" not in body


# ---------------------------------------------------------------------------------------------
# A real Celery worker with the Redis broker


def _redis_reachable(url):
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"}:
        return False
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


class Worker:
    """``celery -A pmis worker -P solo`` as a child process, against the test database."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pmis", "worker", "-P", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def output(self):
        self.log.flush()
        return Path(self.log_path).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def _database_url():
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_contract(demo, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: run on PostgreSQL")
    broker = django_settings.CELERY_BROKER_URL
    if not broker or not _redis_reachable(broker):
        pytest.skip(f"no Redis broker reachable at CELERY_BROKER_URL ({broker or 'unset'})")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "pmis.settings", "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": django_settings.CELERY_RESULT_BACKEND or broker,
        "MEDIA_ROOT": settings.MEDIA_ROOT, "PYTHONUNBUFFERED": "1",
    }
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # leftovers of an interrupted run would only slow the worker down
    worker = Worker(env, tmp_path / "worker.log")
    try:
        contract = ministry_contract(demo)
        document = printing.request_document(demo.users["head"], contract)  # autocommit: sent at once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.state in {ContractDocument.State.READY, ContractDocument.State.FAILED}:
                break
            assert worker.process.poll() is None, f"the worker died:\n{worker.output()}"
            time.sleep(0.5)
        assert document.state == ContractDocument.State.READY, (
            f"state {document.state} {document.error}\n{worker.output()}")
        data = (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes()
        text, pages = pdf_text(data)
        assert pages == document.pages
        assert squash(WATER_UNIT[1][3]) in squash(text)
        assert document.content_hash in text.replace(" ", "")
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = before
