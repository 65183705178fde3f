"""Uploaded files, within limits. Evidence files (of reported actuals, of the year-end evaluation): their size
and what their content (not their name) shows, against an allow-list. A CSV or XLSX file of targets: its size,
an XLSX archive's members, unpacked size and cells, its rows and columns; a file that cannot be read raises
``FileProblem`` and nothing is imported."""

import csv
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The widest sheet read: every column once and room for columns people add (reported as unknown);
# columns past it are not read.
MAX_COLUMNS = 50
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing is imported."""


# ---------------------------------------------------------------------------------------------
# Reading the file


def _read(uploaded_file) -> bytes:
    limit = settings.TARGET_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise FileProblem(_("The file is %(size)s; at most %(limit)s can be imported at once.") % {
            "size": megabytes(size), "limit": megabytes(limit)})
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(_("The file is larger than %(limit)s; split it and import the parts.") % {
            "limit": megabytes(limit)})
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    return data


def megabytes(n):
    return _("%(mb)s MB") % {"mb": f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")}


def _too_many(count):
    return FileProblem(_("The file has more than %(limit)s rows of targets; split it into smaller files.") % {
        "limit": settings.TARGET_IMPORT_MAX_ROWS})


def _check_archive(data):
    """Refuse a workbook that would unpack to too much, before openpyxl opens it (a zip bomb).

    The sizes are the archive's own declarations: zipfile never yields more of a member than it
    declares (it stops there and fails the CRC check), so they bound everything read below."""
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise FileProblem(_("This zip file is not an Excel workbook (.xlsx) that can be read: %(error)s") % {
            "error": type(exc).__name__})
    if len(members) > settings.TARGET_IMPORT_MAX_ZIP_MEMBERS:
        raise FileProblem(_("This workbook holds %(count)s files; an Excel workbook of targets holds far fewer "
                            "(at most %(limit)s). Save the targets in a new workbook and upload it again.") % {
            "count": len(members), "limit": settings.TARGET_IMPORT_MAX_ZIP_MEMBERS})
    unpacked = sum(member.file_size for member in members)
    if unpacked > settings.TARGET_IMPORT_MAX_UNPACKED_BYTES:
        raise FileProblem(_("This workbook unpacks to %(size)s; at most %(limit)s can be imported. Save the "
                            "targets in a new workbook, without other sheets or pictures, and upload it again.") % {
            "size": megabytes(unpacked), "limit": megabytes(settings.TARGET_IMPORT_MAX_UNPACKED_BYTES)})
    try:
        for member in members:
            _count_cells(archive, member)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
        # A damaged, encrypted or oddly compressed member: not a workbook we can read.
        raise FileProblem(_("This zip file is not an Excel workbook (.xlsx) that can be read: %(error)s") % {
            "error": type(exc).__name__})


def _count_cells(archive, member):
    """Refuse a part holding more cells (or shared strings) in the rows read than targets could fill.

    openpyxl builds every cell of a row it reads, even in read-only mode: one row of five million
    empty ``<c/>`` (20 MB of XML) took minutes and gigabytes. This streams the part instead, keeping
    one row in memory, and stops at the rows ``_xlsx_rows`` reads. A part that is not XML (a
    picture) is skipped; openpyxl decides what it is."""
    from xml.etree.ElementTree import ParseError, iterparse

    rows, cells = 0, 0
    max_rows = _row_limit()
    max_cells = max_rows * MAX_COLUMNS
    with archive.open(member) as stream:
        try:
            # The same parser openpyxl uses; expat >= 2.4 refuses entity expansion (billion laughs) and
            # ElementTree never fetches external entities.
            context = iterparse(stream, events=("start", "end"))  # noqa: S314
            root = next(context)[1]
            for event, element in context:
                name = element.tag.rpartition("}")[2]
                if event == "start":
                    if name == "row":
                        rows += 1
                        if rows > max_rows:
                            return
                    continue
                if name in ("c", "si"):
                    cells += 1
                    if cells > max_cells:
                        raise FileProblem(_(
                            "The workbook holds more than %(limit)s cells in its first %(rows)s rows; a sheet of "
                            "targets holds far fewer. Save the targets in a new workbook and upload it again.") % {
                            "limit": max_cells, "rows": max_rows})
                if name in ("row", "si"):
                    root.clear()
        except (ParseError, StopIteration):
            return


def _row_limit():
    return settings.TARGET_IMPORT_MAX_ROWS + 1 + 50  # the header and some blank rows


def _xlsx_rows(data):
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any zip that openpyxl cannot read is "not a workbook"
        raise FileProblem(_("This zip file is not an Excel workbook (.xlsx) that can be read: %(error)s") % {
            "error": type(exc).__name__})
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read the rows there are, not the range the sheet claims
        # At most the row limit (with the header and some blank rows) and MAX_COLUMNS cells a row;
        # columns past it are not read.
        return [list(values) for values in
                sheet.iter_rows(max_row=_row_limit(), max_col=MAX_COLUMNS, values_only=True)]
    finally:
        workbook.close()


def _csv_rows(data):
    if b"\x00" in data[:4096]:
        raise FileProblem(_("This file is not text: upload an Excel workbook (.xlsx) or a CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_(
            "This file is neither an Excel workbook (.xlsx) nor CSV text in UTF-8. In Excel, save it as "
            "“Excel Workbook (.xlsx)” or “CSV UTF-8” and upload it again."))
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:
        pass
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_rows(uploaded_file) -> list[list]:
    """The file's rows as lists of cell values (header first)."""
    data = _read(uploaded_file)
    if data.startswith(ZIP_MAGIC):
        rows = _xlsx_rows(data)
    elif data.startswith(OLE_MAGIC):
        raise FileProblem(_("This is an old Excel file (.xls). Save it as “Excel Workbook (.xlsx)” and upload it "
                            "again."))
    else:
        rows = _csv_rows(data)
    return rows


# ---------------------------------------------------------------------------------------------
# Evidence files


ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument": "Office document",
    "application/x-ole-storage": "Office 97-2003 document",
    "text/csv": "CSV or text",
}


def sniff(head: bytes) -> str | None:
    """The allowed type a file's first bytes show, or None. Office Open XML files are zip archives
    whose first entry is ``[Content_Types].xml`` or sits under ``word/``, ``xl/``, ``ppt/`` or ``_rels``."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/x-ole-storage"
    if head.startswith(b"PK\x03\x04") and any(
        marker in head[:2048] for marker in (b"[Content_Types].xml", b"word/", b"xl/", b"ppt/", b"_rels/")
    ):
        return "application/vnd.openxmlformats-officedocument"
    control = set(range(32)) - {9, 10, 12, 13} | {127}
    if head and not control.intersection(head):
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
                return None
        return "text/csv"
    return None


def evidence_kind(upload, field="file") -> str:
    """The allowed type of an evidence ``upload`` after checking its size and its content (not its name);
    ``ValidationError`` on ``field`` otherwise. Nothing is written here."""
    limit = settings.PMIS_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": round(upload.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}})
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError({field: _(
            "This file's content is not an allowed type, whatever its name says. Upload a PDF, a PNG or JPEG "
            "image, an office document (Word, Excel, PowerPoint) or a CSV or text file.")})
    return kind


def attachment(file, original_name):
    """An uploaded evidence file as a download under the name it was uploaded with, never rendered by
    the browser; 404 when the stored file has gone."""
    from django.http import FileResponse, Http404

    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The evidence file is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
