"""Checking a report's parameters, rendering it (PDF / CSV / XLSX) and recording every export in the audit trail.
Asking for one (which queues ``tasks.generate_report``) is ``requesting.request_report``."""

import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pmis import addresses, audit, spreadsheets
from pmis.models import FinancialYear, Institution

from . import builders
from .models import GeneratedReport


def data_hash(data: dict) -> str:
    """SHA-256 of the report data's canonical JSON (sorted keys, no spaces, UTF-8)."""
    return hashlib.sha256(audit.canonical(audit.to_json(data)).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Asking


def clean_parameters(user, kind: builders.Kind, raw: dict) -> tuple[Institution, dict]:
    """Check the request against what ``user`` may see; return (institution, stored parameters)."""
    from contracts.models import PerformanceContract

    if kind.subject == "contract":
        contract_id = raw.get("contract")
        contract = PerformanceContract.objects.visible_to(user).filter(pk=contract_id).first() if contract_id else None
        if contract is None:
            raise ValidationError({"contract": _("Choose a contract you can see.")})
        return contract.institution, {"contract": contract.pk}
    institution_id = raw.get("institution")
    institution = Institution.objects.visible_to(user).filter(pk=institution_id).first() if institution_id else None
    if institution is None:
        raise ValidationError({"institution": _("Choose an institution you can see.")})
    if kind.subject == "oversight":
        if institution.kind != Institution.Kind.OVERSIGHT:
            raise ValidationError({"institution": _("A league table is made for an oversight body.")})
        return institution, {"institution": institution.pk}
    params = {"institution": institution.pk}
    year_id = raw.get("financial_year")
    if year_id:
        if not FinancialYear.objects.filter(pk=year_id, institution=institution).exists():
            raise ValidationError({"financial_year": _("That financial year belongs to another institution.")})
        params["financial_year"] = int(year_id)
    return institution, params


def record_download(user, report: GeneratedReport) -> None:
    audit.record(user, "report.download", report, None,
                 {"kind": report.kind, "format": report.format, "data_hash": report.data_hash,
                  "file": report.file.name})


# ---------------------------------------------------------------------------------------------
# Rendering


def header_lines(report, data, digest, generated_at):
    return [
        [data.get("title", report.title)],
        [_("Generated"), builders.when(generated_at)],
        [_("Requested by"), report.requested_by_name],
        [_("Data SHA-256"), digest],
    ]


def render_html(report, kind, data, digest, generated_at) -> str:
    """The HTML a report's PDF is printed from."""
    return render_to_string(kind.template, {
        "data": data, "report": report, "data_hash": digest, "generated_at": builders.when(generated_at),
        "requested_by": report.requested_by_name, "kind": kind,
        "emblem": addresses.emblem_uri(report.institution) if report.institution_id else None,
    })


def render_pdf(report, kind, data, digest, generated_at) -> bytes:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = render_html(report, kind, data, digest, generated_at)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_csv(report, kind, data, digest, generated_at) -> bytes:
    out = io.StringIO()
    writer = spreadsheets.CsvWriter(out)  # every cell through the one formula-injection rule
    for line in header_lines(report, data, digest, generated_at):
        writer.writerow(line)
    for table in data.get("tables", []):
        writer.writerow([])
        writer.writerow([table["name"]])
        writer.writerow(table["columns"])
        writer.writerows(table["rows"])
        if table.get("note"):
            writer.writerow([table["note"]])
    # A byte-order mark so that Excel opens the UTF-8 file with the right characters.
    return ("\ufeff" + out.getvalue()).encode()


def render_xlsx(report, kind, data, digest, generated_at) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = _("About")[:31]
    for line in header_lines(report, data, digest, generated_at):
        spreadsheets.append(about, line)
    about["A1"].font = Font(bold=True, size=13)
    used = {about.title}
    for table in data.get("tables", []):
        name = table["name"][:31]
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        spreadsheets.write_table(sheet, table["columns"], table["rows"])
        if table.get("note"):
            spreadsheets.append(sheet, [table["note"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RENDERERS = {"pdf": render_pdf, "csv": render_csv, "xlsx": render_xlsx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def generate(report, progress=lambda percent: None):
    """Build and render ``report`` in its requester's language: (bytes, data hash, pages or None, generated_at)."""
    with translation.override(report.language or settings.LANGUAGE_CODE):
        return _generate(report, progress)


def _generate(report, progress):
    kind = builders.get(report.kind)
    data = builders.get(report.kind).build(report.parameters, user=report.requested_by, progress=progress)
    digest = data_hash(data)
    generated_at = timezone.now()
    content = RENDERERS[report.format](report, kind, data, digest, generated_at)
    pages = None
    if report.format == "pdf":
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(content)).pages)
    return content, digest, pages, generated_at


def file_name(report) -> str:
    stem = slugify(report.title)[:60] or "report"
    place = slugify(report.institution.slug if report.institution else "pmis")
    return f"{place}-{stem}-{report.pk}.{report.format}"
