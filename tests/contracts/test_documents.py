"""The contract PDF (``contracts.documents.pdf``): what it prints and how it renders."""

import gc
import io
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from contracts.cycle import content, signing
from contracts.documents import pdf
from contracts.models import Target
from tests.contracts.helpers_documents import ministry_contract, pdf_text, sign_through, squash

ROOT = Path(__file__).resolve().parents[2]



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
