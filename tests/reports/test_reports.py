"""Reports: generated on the demo data, read back (pypdf, csv, openpyxl), figures equal to the
scorecard page's, the idempotent task, the pages, and every request/download in the audit trail."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from contracts import selectors
from contracts.models import PerformanceContract, Target
from pmis import activity
from pmis.models import AuditEvent
from reports import builders, requesting, services
from reports.models import GeneratedReport
from reports.tasks import generate_report


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def produce(user, kind, params, fmt, capture):
    with capture(execute=True):
        report = requesting.request_report(user, kind, params, fmt)
    report.refresh_from_db()
    assert report.state == GeneratedReport.State.READY, report.error
    assert report.progress == 100
    return report, report.file.open("rb").read()


def ministry(demo, *, scored=True):
    """The water ministry's signed institution contract; ``scored``: its one missing actual recorded
    (the demo leaves the irrigation target pending), so it has a composite and a grade."""
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    if scored:
        Target.objects.filter(contract=contract, actual__isnull=True).update(actual=Decimal("19000"))
    return contract


def scorecard_page_figures(client, contract):
    """The composite and grade exactly as the scorecard page shows them."""
    html = client.get(reverse("contract-scorecard", args=[contract.pk])).content.decode()
    composite = re.search(r'data-composite="([^"]*)"', html).group(1)
    grade = re.search(r'data-grade="([^"]*)"', html).group(1)
    return composite, grade


def test_annual_pdf_matches_the_scorecard_page(demo, as_user, media, eager, django_capture_on_commit_callbacks):
    auditor = demo.users["auditor"]
    contract = ministry(demo)
    composite, grade = scorecard_page_figures(as_user(auditor), contract)
    assert composite and grade, "the demo ministry contract should be fully scored"
    card = selectors.scorecard_for(contract)
    assert (str(card.composite), card.grade) == (composite, grade)

    report, data = produce(auditor, "annual", {"institution": demo.water.pk}, "pdf",
                           django_capture_on_commit_callbacks)
    text, pages = pdf_text(data)
    flat = squash(text)
    assert pages == report.pages and pages >= 3
    assert squash(f"Grade: {grade}") in flat
    assert composite in text
    assert report.data_hash and report.data_hash in flat
    assert "Lucy Mbithe" in text  # the requesting auditor
    for target in contract.targets.all():
        assert squash(target.description)[:40] in flat
    for version in contract.versions.all():
        assert version.content_hash in flat
    for signature in contract.signatures.all():
        assert squash(signature.signer_name) in flat


def test_annual_data_hash_is_the_hash_of_the_data(demo, media, eager, django_capture_on_commit_callbacks):
    report, _ = produce(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "csv",
                        django_capture_on_commit_callbacks)
    data = builders.get("annual").build(report.parameters, user=None, progress=lambda p: None)
    assert services.data_hash(data) == report.data_hash
    # Same records, same hash: the hash identifies the data, not the run.
    again, _ = produce(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "xlsx",
                       django_capture_on_commit_callbacks)
    assert again.data_hash == report.data_hash


def test_annual_csv_and_xlsx(demo, media, eager, django_capture_on_commit_callbacks):
    contract = ministry(demo)
    card = selectors.scorecard_for(contract)
    _, data = produce(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "csv",
                      django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0].startswith("Annual performance report")
    assert rows[2] == ["Requested by", "Lucy Mbithe"]
    summary = next(r for r in rows if r and r[0] == contract.title)
    assert summary[-2:] == [str(card.composite), card.grade]
    assert sum(1 for r in rows if r and r[0].isdigit() and len(r) == 17) == card.target_count

    report, data = produce(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "xlsx",
                           django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(data))
    assert book["About"]["B4"].value == report.data_hash
    targets = book["Targets"]
    assert targets.max_row == card.target_count + 1
    raws = {None if r.raw is None else float(r.raw) for g in card.groups for r in g.rows}
    assert {targets.cell(row=i, column=15).value for i in range(2, targets.max_row + 1)} == raws  # numbers
    assert targets.freeze_panes == "A2" and targets["A1"].font.bold
    assert all(targets.cell(row=i, column=15).number_format.startswith("#,##0")
               for i in range(2, targets.max_row + 1) if targets.cell(row=i, column=15).value is not None)


def test_league_table_ranks_with_the_scorecard_composites(demo, media, eager, django_capture_on_commit_callbacks):
    card = selectors.scorecard_for(ministry(demo))
    report, data = produce(demo.users["perfdept"], "league", {"institution": demo.pmco.pk}, "pdf",
                           django_capture_on_commit_callbacks)
    assert report.institution == demo.pmco
    text, _ = pdf_text(data)
    assert demo.water.name in text and demo.machakos.name in text
    assert demo.outside.name not in text  # not under this body
    # The ministry's row: its composite, then its grade (which may wrap onto the next line).
    assert f"{card.composite} {card.grade}" in " ".join(text.split())

    _, data = produce(demo.users["perfdept"], "league", {"institution": demo.pmco.pk}, "csv",
                      django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    water = next(r for r in rows if len(r) > 1 and r[1] == demo.water.name)
    assert water[0].isdigit() and water[-2:] == [str(card.composite), card.grade]
    ranked = [r for r in rows if len(r) == 8 and r[0].isdigit()]
    # Kenya PC: the lower composite ranks first.
    assert [Decimal(r[6]) for r in ranked] == sorted(Decimal(r[6]) for r in ranked)
    assert [r[0] for r in ranked] == [str(i) for i in range(1, len(ranked) + 1)]


def test_league_table_needs_an_oversight_body(demo):
    with pytest.raises(Exception, match="oversight body"):
        requesting.request_report(demo.users["perfdept"], "league", {"institution": demo.water.pk}, "pdf")


def test_contract_history_lists_events_with_their_hashes(demo, media, eager, django_capture_on_commit_callbacks):
    contract = ministry(demo)
    events = list(builders.contract_events(contract))
    assert events and any(e.action.startswith("contract.") for e in events)
    _, data = produce(demo.users["auditor"], "contract_history", {"contract": contract.pk}, "pdf",
                      django_capture_on_commit_callbacks)
    text, _ = pdf_text(data)
    flat = squash(text)
    for event in events[:20]:
        assert event.hash in flat
    for transition in contract.transitions.all():  # the steps by their labels, not their codes
        assert squash(activity.action_label(f"contract.{transition.action}")) in flat
        assert "_" not in transition.action or transition.action not in text
    _, data = produce(demo.users["auditor"], "contract_history", {"contract": contract.pk}, "xlsx",
                      django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(data))["Audit events"]
    assert {sheet.cell(row=i, column=6).value for i in range(2, sheet.max_row + 1)} == {e.hash for e in events}


def test_an_auditor_cannot_report_on_another_institution(demo):
    auditor = demo.users["auditor"]
    with pytest.raises(Exception, match="institution you can see"):
        requesting.request_report(auditor, "annual", {"institution": demo.machakos.pk}, "pdf")
    other = PerformanceContract.objects.filter(institution=demo.machakos).first()
    with pytest.raises(Exception, match="contract you can see"):
        requesting.request_report(auditor, "contract_history", {"contract": other.pk}, "pdf")


def test_the_task_is_idempotent(demo, media, eager, django_capture_on_commit_callbacks):
    report, first = produce(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "csv",
                            django_capture_on_commit_callbacks)
    name = report.file.name
    assert generate_report.apply(args=[report.pk]).get() == "current"
    report.refresh_from_db()
    assert report.file.name == name
    # A lost file is produced again under the same name.
    report.file.storage.delete(name)
    assert generate_report.apply(args=[report.pk]).get() == "ready"
    report.refresh_from_db()
    assert report.file.name == name and len(list((media / "reports").iterdir())) == 1
    assert generate_report.apply(args=[10**9]).get() == "missing"


def test_request_and_download_by_the_auditor_are_audited(demo, as_user, media, eager,
                                                          django_capture_on_commit_callbacks):
    auditor = demo.users["auditor"]
    client = as_user(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:new"), {"kind": "annual", "format": "pdf",
                                                        "institution": demo.water.pk})
    assert response.status_code == 302
    report = GeneratedReport.objects.filter(requested_by=auditor).latest("pk")
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    requested = AuditEvent.objects.for_object(report).get(action="report.request")
    assert requested.actor == auditor and requested.institution == demo.water
    assert requested.after["kind"] == "annual"

    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200 and report.data_hash in page.content.decode()
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    downloaded = AuditEvent.objects.for_object(report).get(action="report.download")
    assert downloaded.actor == auditor and downloaded.after["data_hash"] == report.data_hash


def test_progress_partial_polls_while_busy(demo, as_user):
    report = GeneratedReport.objects.filter(institution=demo.water).first()
    GeneratedReport.objects.filter(pk=report.pk).update(state="running", progress=40)
    html = as_user(demo.users["auditor"]).get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "40%" in html
    GeneratedReport.objects.filter(pk=report.pk).update(state="failed", error="Boom")
    html = as_user(demo.users["auditor"]).get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in html and "Boom" in html


def test_request_page_and_list(demo, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["auditor"])
    page = client.get(reverse("reports:new") + f"?kind=contract_history&contract={ministry(demo).pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "League table" in html and demo.machakos.name not in html
    bad = client.post(reverse("reports:new"), {"kind": "annual", "format": "pdf"})
    assert bad.status_code == 400 and "Choose an institution" in bad.content.decode()
    for i in range(30):
        GeneratedReport.objects.create(institution=demo.water, kind="annual", title=f"R{i}", parameters={})
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("reports:list"))
    assert listing.status_code == 200
    assert "Kenya Outside Agency" not in listing.content.decode()


# --- (4) appraisal summary and the monitoring hooks -------------------------------------------


def _appeal(demo, grounds="My borehole count was misread."):
    from appraisals.models import Appeal, Appraisal

    appraisal = Appraisal.objects.filter(institution=demo.water).order_by("pk").first()
    Appraisal.objects.filter(pk=appraisal.pk).update(final_grade="Good")
    Appeal.objects.create(appraisal=appraisal, institution=demo.water, grounds=grounds,
                          decision_due=appraisal.financial_year.end_date, decision="varied",
                          reasons="The Q4 figure was verified at 24.", grade_before="Good", grade_after="Very Good")
    return appraisal


def test_appraisal_summary_counts_grades_and_appeals_per_unit(demo, media, eager, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CONFIDENTIAL_MIN_GROUP_SIZE = 1  # the demo unit is small (tests/security: small units)
    appraisal = _appeal(demo)
    params = {"institution": demo.water.pk}
    report, data = produce(demo.users["auditor"], "appraisal_summary", params, "pdf",
                           django_capture_on_commit_callbacks)
    text, _pages = pdf_text(data)
    built = builders.get("appraisal_summary").build(report.parameters, user=demo.users["auditor"],
                                                    progress=lambda p: None)
    unit = next(u for u in built["units"] if u["unit"] == appraisal.org_unit.name)
    assert unit["appeals"] == 1 and unit["varied"] == 1 and unit["grades"]["Good"] >= 1
    # The auditor is assigned to the ministry: the confidential grounds print.
    assert built["confidential_comments"] and "boreholecountwasmisread" in squash(text)
    assert AuditEvent.objects.filter(action="report.request", object_id=str(report.pk)).exists()


def test_appraisal_summary_leaves_out_comments_for_readers_not_assigned(demo):
    _appeal(demo)
    built = builders.get("appraisal_summary").build({"institution": demo.water.pk}, user=demo.users["head"],
                                                    progress=lambda p: None)
    assert not built["confidential_comments"]
    assert all(a["grounds"] == "" and a["reasons"] == "" for a in built["appeals"])
    assert built["appeals"] and built["appeals"][0]["decision"].startswith("Varied")


def test_annual_report_lists_quarterly_actuals_and_evidence(demo):
    contract = ministry(demo)
    built = builders.get("annual").build({"institution": demo.water.pk}, user=None, progress=lambda p: None)
    quarters = [q for row in built["targets"] for q in row["quarters"]]
    assert {"Q1", "Q2"} <= {q["quarter"] for q in quarters} and any(q["verified"] for q in quarters)
    assert built["evidence"] and built["evidence"][0]["name"]
    assert contract.pk


def test_a_report_asked_for_in_swahili_is_written_in_swahili(demo, media, eager,
                                                              django_capture_on_commit_callbacks):
    """The worker has no request: the report keeps the language its requester read (``language``)."""
    from django.utils import translation

    auditor = demo.users["auditor"]
    with translation.override("sw"):
        report, data = produce(auditor, "annual", {"institution": demo.water.pk}, "pdf",
                               django_capture_on_commit_callbacks)
    assert report.language == "sw"
    flat = squash(pdf_text(data)[0])
    assert squash("Historia ya marekebisho") in flat and squash("Amendment history") not in flat
    with translation.override("sw"):
        report, data = produce(auditor, "annual", {"institution": demo.water.pk}, "xlsx",
                               django_capture_on_commit_callbacks)
    # The sheets are named and headed in Swahili too (asked for in English: "About", "Targets").
    assert "About" not in load_workbook(io.BytesIO(data)).sheetnames
    with translation.override("en"):
        report, data = produce(auditor, "annual", {"institution": demo.water.pk}, "xlsx",
                               django_capture_on_commit_callbacks)
    assert report.language == "en" and {"About", "Targets"} <= set(load_workbook(io.BytesIO(data)).sheetnames)
