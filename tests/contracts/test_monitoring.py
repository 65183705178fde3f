"""Quarterly progress reports, evidence uploads and verification (contracts.monitoring)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import monitoring
from contracts.models import Evidence, PerformanceContract, ProgressEntry, ProgressReport, Target
from pmis.models import AuditEvent
from scorecards.models import ContractScore

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def boreholes(contract):
    return Target.objects.get(contract=contract, description__startswith="Drill")


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_quarters_follow_the_financial_year(ministry):
    year = ministry.financial_year
    start, end, due = monitoring.period_dates(year, 1)
    assert start == year.start_date and end.month == (year.start_date.month + 2 - 1) % 12 + 1
    assert (due - end).days == 15
    assert monitoring.period_dates(year, 4)[1] == year.end_date


def test_an_off_track_actual_needs_an_explanation_and_a_remedial_action(demo, q3, ministry):
    head, target = demo.users["head"], boreholes(ministry)
    with pytest.raises(ValidationError) as exc:
        monitoring.report_actual(head, q3, target, actual=Decimal(100))  # below "poor": red
    assert set(exc.value.message_dict) == {"explanation", "remedial_action"}
    assert not ProgressEntry.objects.filter(report=q3).exists()
    entry = monitoring.report_actual(head, q3, target, actual=Decimal(100), explanation="Rigs delayed.",
                                     remedial_action="Two more rigs.")
    assert entry.rag == "red" and entry.verification == "pending"
    # On track needs neither.
    assert monitoring.report_actual(head, q3, target, actual=Decimal(210)).rag == "green"
    assert AuditEvent.objects.for_object(entry).filter(action="progress_entry.report").count() == 2


def test_only_parties_report_and_only_on_signed_contracts(demo, ministry):
    with pytest.raises(PermissionDenied):
        monitoring.open_report(demo.users["officer"], ministry, 3)
    draft = PerformanceContract.objects.get(institution=demo.water, level="officer", officer=demo.officer)
    with pytest.raises(ValidationError):
        monitoring.open_report(demo.users["officer"], draft, 1)


def _submitted_entry(demo, q3, ministry, value=Decimal(210)):
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=value)
    monitoring.submit_report(demo.users["head"], q3)
    return entry


def test_a_returned_actual_does_not_count(demo, q3, ministry):
    entry = _submitted_entry(demo, q3, ministry, Decimal(215))
    before = ContractScore.objects.get(contract=ministry, period=3)
    monitoring.verify(demo.users["secretariat"], entry, "returned", "The returns show 190.")
    entry.refresh_from_db()
    assert entry.verification == "returned"
    score = ContractScore.objects.get(contract=ministry, period=3)
    row = next(t for t in score.targets if t["id"] == entry.target_id)
    assert row["actual"] == "205.0000"  # still Q2's verified figure, not the returned 215
    assert boreholes(ministry).actual == Decimal(205)
    assert (score.composite, score.targets_verified) == (before.composite, before.targets_verified)
    with pytest.raises(ValidationError):
        monitoring.verify(demo.users["secretariat"], entry, "returned", "")  # a reason is required


def test_accepting_counts_and_reaccepting_changes_nothing(demo, q3, ministry):
    entry = _submitted_entry(demo, q3, ministry, Decimal(215))
    monitoring.verify(demo.users["secretariat"], entry, "accepted")
    assert boreholes(ministry).actual == Decimal(215)
    score = ContractScore.objects.get(contract=ministry, period=3)
    row = next(t for t in score.targets if t["id"] == entry.target_id)
    assert row["actual"] == "215.0000" and row["tone"] == "green"
    events = AuditEvent.objects.count()
    stamp = score.updated_at
    monitoring.verify(demo.users["secretariat"], entry, "accepted")
    monitoring.verify(demo.users["secretariat"], entry, "accepted")
    again = ContractScore.objects.get(contract=ministry, period=3)
    assert again.updated_at == stamp and again.composite == score.composite
    assert AuditEvent.objects.count() == events


def test_only_performance_officers_verify_and_not_their_own_report(demo, q3, ministry):
    entry = _submitted_entry(demo, q3, ministry)
    with pytest.raises(PermissionDenied):
        monitoring.verify(demo.users["head"], entry, "accepted")
    own = monitoring.open_report(demo.users["secretariat"], ministry, 4)
    mine = monitoring.report_actual(demo.users["secretariat"], own, boreholes(ministry), actual=Decimal(210))
    monitoring.submit_report(demo.users["secretariat"], own)
    with pytest.raises(PermissionDenied):
        monitoring.verify(demo.users["secretariat"], mine, "accepted")


def test_a_draft_report_is_not_verified(demo, q3, ministry):
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=Decimal(210))
    with pytest.raises(ValidationError):
        monitoring.verify(demo.users["secretariat"], entry, "accepted")


# ---------------------------------------------------------------------------------------------
# Evidence uploads


def _upload(client, entry, name, content):
    return client.post(reverse("monitoring-evidence-upload", args=[entry.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="application/pdf")}, follow=True)


def test_an_oversize_upload_is_refused_and_nothing_stored(demo, q3, ministry, media, settings, as_user):
    settings.PMIS_EVIDENCE_MAX_BYTES = 1024
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=Decimal(210))
    response = _upload(as_user(demo.users["head"]), entry, "big.pdf", PDF + b"0" * 2048)
    assert "the limit is" in response.content.decode()
    assert not Evidence.objects.filter(entry=entry).exists()
    assert stored_files(media) == []


def test_a_wrong_type_renamed_pdf_is_refused_and_nothing_stored(demo, q3, ministry, media, as_user):
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=Decimal(210))
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8
    response = _upload(as_user(demo.users["head"]), entry, "report.pdf", executable)
    assert "not an allowed type" in response.content.decode()
    assert not Evidence.objects.filter(entry=entry).exists()
    assert stored_files(media) == []


def test_a_valid_file_is_stored_under_a_random_name_and_served_scoped(demo, q3, ministry, media, as_user, client):
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=Decimal(210))
    response = _upload(as_user(demo.users["head"]), entry, "Q3 returns.pdf", PDF)
    assert "Evidence uploaded." in response.content.decode()
    evidence = Evidence.objects.get(entry=entry)
    assert evidence.content_type == "application/pdf" and evidence.original_name == "Q3 returns.pdf"
    files = stored_files(media)
    assert len(files) == 1 and "returns" not in files[0].name and files[0].read_bytes() == PDF
    assert AuditEvent.objects.for_object(evidence).filter(action="evidence.add").exists()

    client.force_login(demo.users["secretariat"])
    download = client.get(reverse("monitoring-evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    client.force_login(demo.users["head2"])
    assert client.get(reverse("monitoring-evidence-download", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize("head,kind", [
    (PDF, "application/pdf"), (b"\x89PNG\r\n\x1a\n....", "image/png"), (b"\xff\xd8\xff\xe0..", "image/jpeg"),
    (b"PK\x03\x04....[Content_Types].xml", "application/vnd.openxmlformats-officedocument"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"), (b"a,b\n1,2\n", "text/csv"),
    (b"PK\x03\x04 just a zip", None), (b"\x7fELF\x02\x01\x01\x00", None), (b"MZ\x90\x00", None),
])
def test_content_sniffing(head, kind):
    assert monitoring.sniff(head) == kind


# ---------------------------------------------------------------------------------------------
# Pages


def test_report_pages_and_the_queue(demo, q3, ministry, as_user, django_assert_max_num_queries):
    head = as_user(demo.users["head"])
    page = head.get(reverse("monitoring-report", args=[q3.pk]))
    assert page.status_code == 200 and "Actual to date" in page.content.decode()
    target = boreholes(ministry)
    response = head.post(reverse("monitoring-entry-save", args=[q3.pk]),
                         {"target": target.pk, "actual": "100", "status": "off_track"}, follow=True)
    assert "explain the variance" in response.content.decode()
    head.post(reverse("monitoring-entry-save", args=[q3.pk]),
              {"target": target.pk, "actual": "210", "status": "on_track"})
    head.post(reverse("monitoring-report-submit", args=[q3.pk]))
    assert ProgressReport.objects.get(pk=q3.pk).state == "submitted"

    officer = as_user(demo.users["secretariat"])
    with django_assert_max_num_queries(14):
        queue = officer.get(reverse("monitoring-queue"))
    assert target.description in queue.content.decode()
    entry = ProgressEntry.objects.get(report=q3, target=target)
    officer.post(reverse("monitoring-entry-verify", args=[entry.pk]), {"decision": "accepted"})
    assert ProgressEntry.objects.get(pk=entry.pk).verification == "accepted"


def test_the_api_lists_and_verifies(demo, q3, ministry, client):
    entry = _submitted_entry(demo, q3, ministry)
    client.force_login(demo.users["secretariat"])
    listed = client.get("/api/v1/progress-entries/", {"report": q3.pk}).json()
    assert [e["id"] for e in listed["results"]] == [entry.pk]
    refused = client.post(f"/api/v1/progress-entries/{entry.pk}/verify/", {"decision": "returned"},
                          content_type="application/json")
    assert refused.status_code == 400 and "comment" in refused.json()["errors"]
    done = client.post(f"/api/v1/progress-entries/{entry.pk}/verify/", {"decision": "accepted"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["verification"] == "accepted"
    client.force_login(demo.users["head"])
    assert client.post(f"/api/v1/progress-entries/{entry.pk}/verify/", {"decision": "accepted"},
                       content_type="application/json").status_code == 403
