"""How the report PDFs print: every row of every table spans the table's full width (a short row leaves its ruled
border stopping mid-table), and the documents embed one type family, Liberation Sans regular and bold."""

import io
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from pypdf import PdfReader

from contracts.models import PerformanceContract
from reports import builders, services
from reports.models import GeneratedReport
from tests.reports.test_reports import _appeal, ministry

pytestmark = pytest.mark.django_db


class TableWidths(HTMLParser):
    """The column count of each row (cells and their colspans) of each table, in document order."""

    def __init__(self):
        super().__init__()
        self.tables, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.stack.append([])
        elif tag == "tr" and self.stack:
            self.stack[-1].append(0)
        elif tag in ("td", "th") and self.stack and self.stack[-1]:
            self.stack[-1][-1] += int(dict(attrs).get("colspan") or 1)

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self.tables.append(self.stack.pop())


def short_rows(html):
    """[(table number, row widths)] of the tables whose rows are not all as wide as each other."""
    parser = TableWidths()
    parser.feed(html)
    return [(n, rows) for n, rows in enumerate(parser.tables, 1) if len(set(rows)) > 1]


def printed(user, kind, params):
    """(HTML, PDF) of a report as the worker prints it."""
    report = GeneratedReport.objects.create(institution_id=params.get("institution"), kind=kind, title=kind,
                                            parameters=params, requested_by=user,
                                            requested_by_name=user.get_full_name())
    spec = builders.get(kind)
    data = spec.build(params, user=user, progress=lambda p: None)
    digest, now = services.data_hash(data), timezone.now()
    return (services.render_html(report, spec, data, digest, now),
            services.render_pdf(report, spec, data, digest, now))


def font_families(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return {font.get_object()["/BaseFont"].split("+", 1)[-1]
            for page in reader.pages for font in page["/Resources"]["/Font"].values()}


ONE_FAMILY = {"Liberation-Sans", "Liberation-Sans-Bold"}


def test_appraisal_summary_tables_are_ruled_to_their_last_column(demo, media, settings):
    settings.CONFIDENTIAL_MIN_GROUP_SIZE = 1  # the demo unit is small
    auditor, head = demo.users["auditor"], demo.users["head"]
    params = {"institution": demo.water.pk}
    # The assigned auditor reads the confidential columns (seven of them) and the year has no appeal yet: the
    # "No appeals." row spans all seven, not five.
    html, pdf = printed(auditor, "appraisal_summary", params)
    assert "No appeals." in html and 'colspan="7"' in html
    assert not short_rows(html)
    assert font_families(pdf) <= ONE_FAMILY

    _appeal(demo)
    for reader in (auditor, head):  # with the confidential columns and without them
        html, pdf = printed(reader, "appraisal_summary", params)
        assert not short_rows(html), reader
        assert font_families(pdf) <= ONE_FAMILY

    # A reader who may read no one's appraisal: "No appraisals this year." spans every column.
    html, _pdf = printed(demo.users["officer"], "appraisal_summary", params)
    assert "No appraisals this year." in html and not short_rows(html)


def test_annual_and_history_reports_print_in_one_family_with_full_rows(demo, media):
    ministry(demo)
    auditor = demo.users["auditor"]
    html, pdf = printed(auditor, "annual", {"institution": demo.water.pk})
    assert not short_rows(html)
    assert font_families(pdf) == ONE_FAMILY  # hashes, footer and verified marks included
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    html, pdf = printed(auditor, "contract_history", {"contract": contract.pk})
    assert not short_rows(html) and font_families(pdf) <= ONE_FAMILY
    html, pdf = printed(demo.users["perfdept"], "league", {"institution": demo.pmco.pk})
    assert not short_rows(html) and font_families(pdf) <= ONE_FAMILY
