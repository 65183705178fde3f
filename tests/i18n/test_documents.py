"""Every report (PDF, CSV, XLSX) and the contract PDF, generated for real in Swahili and read back (pypdf,
csv, openpyxl): no English interface word, raw code or number as a program writes it. The exports behind
the dashboards' links are read by the page crawl (tests/i18n/test_pages.py)."""

import pytest
from django.utils import translation

from reports import builders, requesting
from reports.models import GeneratedReport
from tests.i18n import checker

CONTENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv", "xlsx": "spreadsheet"}


def subjects(demo):
    from contracts.models import PerformanceContract

    ministry = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    return {"annual": {"institution": demo.water.pk}, "league": {"institution": demo.pmco.pk},
            "contract_history": {"contract": ministry.pk}, "appraisal_summary": {"institution": demo.water.pk}}


def test_every_kind_of_report_is_covered():
    assert set(builders.REGISTRY) == {"annual", "league", "contract_history", "appraisal_summary"}


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx"])
@pytest.mark.parametrize("kind", ["annual", "league", "contract_history", "appraisal_summary"])
def test_reports_read_in_swahili(demo, media, eager, settings, django_capture_on_commit_callbacks, kind, fmt):
    settings.CONFIDENTIAL_MIN_GROUP_SIZE = 1  # the demo's units are small: the summary prints its table
    with translation.override("sw"), django_capture_on_commit_callbacks(execute=True):
        report = requesting.request_report(demo.users["auditor"] if kind != "league" else demo.users["perfdept"],
                                           kind, subjects(demo)[kind], fmt)
    report.refresh_from_db()
    assert report.state == GeneratedReport.State.READY, report.error
    problems = checker.document_problems(CONTENT_TYPES[fmt], report.file.open("rb").read(), checker.records())
    assert not problems, "\n".join(problems)


def test_contract_pdf_reads_in_swahili(demo, media):
    from contracts.documents import pdf
    from contracts.models import PerformanceContract

    for contract in (PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True),
                     PerformanceContract.objects.get(institution=demo.water, officer=demo.officer)):
        with translation.override("sw"):
            data = pdf.render_contract_pdf(contract)
        problems = checker.document_problems("application/pdf", data, checker.records())
        assert not problems, "\n".join(problems)
