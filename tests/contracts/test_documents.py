"""The contract PDF: what it prints, the idempotent Celery task, the pages, and a real worker."""

import gc
import io
import os
import re
import secrets
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
from django.utils import timezone
from pypdf import PdfReader

from contracts import printing
from contracts.cycle import content, signing
from contracts.demo.cycle import WATER_UNIT
from contracts.documents import pdf
from contracts.models import ContractDocument, ContractVersion, PerformanceContract, Signature, Target
from contracts.tasks import render_contract_document
from pmis.celery import app as celery_app
from pmis.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------
# Helpers


def ministry_contract(demo):
    """A draft with several targets: the water directorate's contract, returned to draft."""
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.DRAFT)
    return PerformanceContract.objects.get(pk=contract.pk)


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squash(text):
    return re.sub(r"\s+", " ", text)


def vetted(contract):
    """The contract as vetting leaves it: its content fixed in a version, ready to sign.

    Built from rows rather than through ``contracts.workflow`` so these tests exercise the document
    alone (the workflow's own tests carry a contract through the cycle).
    """
    data = content.contract_content(contract)
    version = ContractVersion.objects.create(
        contract=contract, institution_id=contract.institution_id, number=contract.version, content=data,
        content_hash=content.fingerprint(data), verify_code=secrets.token_urlsafe(24))
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.READY_TO_SIGN)
    return version


def signed(contract, version):
    """Both parties' signatures on ``version``; the contract is then signed."""
    now = timezone.now()
    for side, user in (("performer", contract.performer), ("counterparty", contract.counterparty)):
        Signature.objects.create(
            version=version, contract=contract, institution_id=contract.institution_id, side=side, signer=user,
            signer_name=user.get_full_name(), role=str(signing.ROLE_OF_SIDE[(contract.level, side)]),
            content_hash=version.content_hash, signed_at=now, ip="127.0.0.1", user_agent="pytest")
    version.signed_at = now
    version.save(update_fields=["signed_at"])
    PerformanceContract.objects.filter(pk=contract.pk).update(status=PerformanceContract.Status.SIGNED)
    return PerformanceContract.objects.get(pk=contract.pk)


def sign_through(demo, contract):
    return signed(contract, vetted(contract))


# ---------------------------------------------------------------------------------------------
# What the PDF prints


def test_draft_pdf_prints_parties_every_target_hash_and_page_count(demo):
    contract = ministry_contract(demo)
    data = pdf.render_contract_pdf(contract)
    assert data.startswith(b"%PDF")
    text, pages = pdf_text(data)
    flat = squash(text)
    assert demo.water.name in flat
    assert contract.performer.get_full_name() in flat
    assert contract.counterparty.get_full_name() in flat
    assert "Director / head of unit" in flat and "Head of institution" in flat
    for description in Target.objects.filter(contract=contract).values_list("description", flat=True):
        assert squash(description) in flat, f"target missing from the PDF: {description}"
    live = content.fingerprint(content.contract_content(contract))
    assert live in text.replace(" ", "")
    assert "DRAFT" in flat
    assert pages >= 2
    assert f"Page {pages} of {pages}" in flat
    assert f"Page 1 of {pages}" in flat


def test_signed_pdf_prints_the_signed_content_signatures_and_verify_link(demo):
    contract = sign_through(demo, ministry_contract(demo))
    version = signing.current_version(contract)
    assert version.signed_at is not None
    text, _ = pdf_text(pdf.render_contract_pdf(contract))
    flat = squash(text)
    assert version.content_hash in text.replace(" ", "").replace("\n", "")
    assert "DRAFT — NOT SIGNED" not in flat
    assert "Signed online by both parties" in flat
    assert version.verify_code in text.replace("\n", "")
    for signature in version.signatures.all():
        assert signature.signer_name in flat


def test_a_signed_pdf_prints_what_was_signed_even_if_stored_rows_drift(demo):
    contract = sign_through(demo, ministry_contract(demo))
    version = signing.current_version(contract)
    doc = pdf.printable(contract)
    assert doc.signed and doc.content == version.content and doc.content_hash == version.content_hash


def long_printable(contract, copies=12):
    """The contract's live content with its targets repeated into a matrix that spans several pages,
    some with an objective, a budget and activities."""
    data = content.contract_content(contract)
    targets = []
    for copy in range(copies):
        for target in data["targets"]:
            number = len(targets) + 1
            targets.append({
                **target, "id": 10_000 + number, "description": f"{target['description']} (row {number})",
                "objective": target["objective"] or f"Objective of row {number}",
                "budget": target["budget"] or str(1000 * number),
                "activities": [f"Activity {number}.1 for the row", f"Activity {number}.2 for the row"]
                if copy % 2 else [],
            })
    data["targets"] = targets
    return pdf.Printable(contract, data, content.fingerprint(data), None, False, [])


def test_a_long_matrix_prints_every_target_activity_and_page_footer(demo):
    doc = long_printable(ministry_contract(demo))
    reader = PdfReader(io.BytesIO(pdf.render_printable(doc)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat, pages = squash(text), len(reader.pages)
    assert len(doc.content["targets"]) >= 60 and pages >= 5
    for target in doc.content["targets"]:
        assert squash(target["description"]) in flat, f"target missing from the PDF: {target['description']}"
        assert squash(f"Objective: {target['objective']}") in flat
        for activity in target["activities"]:
            assert activity in flat, f"activity missing from the PDF: {activity}"
    assert doc.content_hash in text.replace(" ", "").replace("\n", "")
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in flat
    # The shared print stylesheet applies: the cover is portrait, the matrix pages landscape.
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    assert sizes[0][0] < sizes[0][1]
    assert sum(1 for width, height in sizes if width > height) >= 3
    assert "DRAFT" in flat


def test_the_matrix_is_one_table_with_a_band_per_perspective_and_its_header_on_every_page(demo):
    """One table (its header repeated on each page it spans), each perspective a band row with its
    weight, each target numbered in its own cell, in the year's category order."""
    doc = long_printable(ministry_contract(demo))
    reader = PdfReader(io.BytesIO(pdf.render_printable(doc)))
    texts = [squash(page.extract_text()) for page in reader.pages]
    matrix_pages = [text for text in texts if "Target, indicator and activities" in text]
    assert len(matrix_pages) >= 3  # the long matrix spans pages
    assert all(text.count("Target, indicator and activities") == 1 for text in matrix_pages)  # once a page
    flat = " ".join(texts)
    groups = pdf.context_for(doc)["groups"]
    bands = [flat.index(f"{group.name or 'Targets without a perspective'} · weight") for group in groups]
    assert bands == sorted(bands) and len(groups) >= 2
    for number, target in enumerate((t for group in groups for t in group.targets), start=1):
        assert squash(f"{number}. {target['description']}") in flat


def test_the_criteria_columns_print_only_when_targets_have_criteria_values(demo):
    """kenya_pc contracts print the five criteria values a target; a plan scored another way has none,
    and its matrix has no five empty columns (the target takes the room)."""
    doc = long_printable(ministry_contract(demo), copies=2)
    with_criteria = [t for t in doc.content["targets"] if any((t.get("criteria") or {}).values())]
    assert with_criteria, "the demo contract's targets carry criteria values"
    text = squash(pdf_text(pdf.render_printable(doc))[0])
    assert "Very good" in text and "Criteria values:" in text
    value = pdf._number(with_criteria[0]["criteria"]["excellent"])
    assert value in text

    for target in doc.content["targets"]:
        target["criteria"] = {}
    plain = pdf.Printable(doc.contract, doc.content, content.fingerprint(doc.content), None, False, [])
    context = pdf.context_for(plain)
    assert context["criteria_labels"] == [] and context["matrix_columns"] == 5
    assert all(row["criteria"] == [] for group in context["groups"] for row in group.rows)
    text = squash(pdf_text(pdf.render_printable(plain))[0])
    assert "Very good" not in text and "Criteria values:" not in text
    for target in doc.content["targets"]:
        assert squash(target["description"]) in text


def test_the_pdf_embeds_one_font_family_regular_and_bold(demo):
    """Every face costs a worker time to shape and subset and memory to hold: the document uses
    Liberation Sans, regular and bold, hashes included."""
    reader = PdfReader(io.BytesIO(pdf.render_printable(long_printable(ministry_contract(demo), copies=2))))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(font.get_object()["/BaseFont"].split("+", 1)[-1])
    assert fonts == {"Liberation-Sans", "Liberation-Sans-Bold"}


def test_renders_in_one_process_share_their_setup_and_agree(demo):
    """A worker's second render (fonts, stylesheets and WeasyPrint reused) prints what its first did."""
    contract = ministry_contract(demo)
    first = pdf_text(pdf.render_contract_pdf(contract))
    long = pdf_text(pdf.render_printable(long_printable(contract, copies=2)))
    again = pdf_text(pdf.render_contract_pdf(contract))
    assert first == again
    assert long[1] > first[1]
    assert pdf._weasyprint() == pdf._weasyprint()  # made once per thread


def test_a_render_leaves_the_cycle_collector_as_it_found_it(demo):
    contract = ministry_contract(demo)
    assert gc.isenabled()
    pdf.render_contract_pdf(contract)
    assert gc.isenabled()
    gc.disable()
    try:
        pdf.render_contract_pdf(contract)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_warm_up_renders_the_specimen_without_the_database():
    """A worker warms up when its process starts: no query then (no database here: one would fail),
    and the specimen it renders goes through every part of the real document, so that the first real
    render has nothing left to load."""
    pdf.warm_up()
    doc = pdf.specimen()
    context = pdf.context_for(doc)
    assert [group.name for group in context["groups"]] == ["Customer", "Financial", ""]
    assert any(row["activities"] for group in context["groups"] for row in group.rows)
    assert any(row["lower_is_better"] for group in context["groups"] for row in group.rows)
    data = pdf._render(context)
    text, pages = pdf_text(data)
    flat = squash(text)
    assert data.pages == pages >= 3
    for target in doc.content["targets"]:
        assert squash(target["description"]) in flat
    assert "Activity 1.2" in flat and "DRAFT" in flat and "Targets without a perspective" in flat


def test_a_render_counts_its_pages_and_the_task_uses_that_count(demo):
    from contracts.tasks import count_pages

    data = pdf.render_printable(long_printable(ministry_contract(demo), copies=2))
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    reader_pages = len(PdfReader(io.BytesIO(data)).pages)
    assert data.pages == reader_pages > 1
    assert count_pages(data) == reader_pages
    assert count_pages(bytes(data)) == reader_pages  # plain bytes are read back


def test_a_render_leaves_no_layout_for_the_full_collection(demo):
    """The collector is held during a render and the layout dropped before it resumes, so the young
    collection that follows frees the box tree's cycles rather than promoting them to the oldest
    generation, where every render would leave its layout until a full collection."""
    from weasyprint.formatting_structure.boxes import Box

    contract = ministry_contract(demo)
    pdf.render_contract_pdf(contract)
    pdf.render_contract_pdf(contract)
    assert not [o for o in gc.get_objects() if issubclass(type(o), Box)]  # type(): no weak proxy dereferenced


def test_the_pdf_template_engine_loads_only_the_i18n_library():
    engine = pdf.template_engine()
    assert engine is pdf.template_engine()
    assert set(engine.template_libraries) == {"i18n"}
    assert engine.get_template(pdf.TEMPLATE).origin.name.endswith("contracts/pdf/contract.html")


def test_fonttools_subsetting_still_works_when_harfbuzz_cannot_subset(demo, monkeypatch):
    """WeasyPrint's fontTools fallback (no HarfBuzz subsetter installed, as on a bare machine)."""
    from weasyprint.pdf import fonts

    pdf.warm_up()
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    text, pages = pdf_text(pdf.render_contract_pdf(ministry_contract(demo)))
    assert demo.water.name in squash(text) and pages >= 2


def test_a_worker_imports_neither_every_template_tag_library_nor_a_pdf_reader():
    """What warm-up leaves out of a PDF worker's memory."""
    script = (
        "import sys, django; django.setup()\n"
        "from contracts.documents import pdf\n"
        "pdf.warm_up()\n"
        "late = ['rest_framework.templatetags.rest_framework', 'pypdf']\n"
        "print(sorted(name for name in late if name in sys.modules))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pmis.settings"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.split("\n")[0] == "[]", out.stdout + out.stderr


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

    def broken(doc):
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
