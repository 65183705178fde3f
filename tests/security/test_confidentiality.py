"""Confidentiality: who reads appraisals, the audit trail about them, reports and citizens' contacts.

The security model's statement for confidential data (issue 24, findings 4 and 10):

1. **An appraisal is narrower than its institution.** It is read by the officer; the supervisor chain
   above the officer; the supervisor and second-level supervisor named on it; the appeals committee
   while an appeal is open; the institution's performance officers and administrators (HR); auditors
   granted the institution; superusers. Nobody else: not a colleague, not the vetting committee, not
   the head or an oversight body unless they are in one of those places. The rule is
   ``appraisals.confidentiality.readable_filter`` (``Appraisal.objects.readable_by``).
2. **The audit trail follows the object.** An event is shown only to those who may read the object it
   is about: appraisal events (composites, grade changes, appeal outcomes, countersigners' comments)
   follow rule 1, moderation sessions their HR readers, a generated report rule 3. One function decides
   it, in the database (``AuditEvent.objects.readable_by``, fed by ``pmis.confidential``), for the list,
   an event's page and the home page's recent activity; the list's queries do not grow with the events.
3. **A generated report is read by its requester and by those allowed to read everything it holds.**
   A report built from appraisals (the appraisal summary) holds only the appraisals its requester may
   read, and is then readable by its requester and by those who read every appraisal of the institution
   (HR, assigned auditors, superusers); other kinds follow the institution's scope
   (``GeneratedReport.objects.readable_by``). Outside that, its page, status and file answer 404.
4. **Small groups are not summarised.** A per-unit grade summary leaves out a unit with fewer than
   ``CONFIDENTIAL_MIN_GROUP_SIZE`` people (env-configurable, default 5): its grade counts, appeal outcomes
   and improvement plans are not printed, and its appeals are not attributed to it.
5. **A citizen's contact details (name, phone, email) on a complaint** are read by the complaint handlers
   of the institution and by the officer it is assigned to, and by no one else, on the page and in the
   API alike: one rule, ``charters.services.can_read_contact``.
6. Anything outside the user's institutions answers 404, whatever the id.
"""

import csv
import io

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from appraisals import services as appraisals
from appraisals.models import TrainingNeed
from charters import services as charters
from charters.models import Charter, Complaint
from pmis import audit
from pmis.models import AuditEvent
from reports import builders
from reports import requesting as reports
from reports.models import GeneratedReport
from tests.appraisals.helpers import demo_appraisal, to_result, user

pytestmark = pytest.mark.django_db


def decided_appeal():
    """The demo appraisal carried to a result, appealed, heard and varied by the committee."""
    appraisal = to_result(demo_appraisal())
    appeal = appraisals.file_appeal(appraisal.officer.user, appraisal, "My borehole count was misread.")
    committee = user("appeals")
    appraisals.schedule_hearing(committee, appeal, timezone.localdate())
    appraisals.decide_appeal(committee, appeal, "upheld", "The officer's records are verified.")
    appraisal.refresh_from_db()
    return appraisal


def event_link(event):
    return f'href="{reverse("audit-event-detail", args=[event.pk])}"'


# --- 2. the audit trail -------------------------------------------------------------------------


def test_a_colleague_does_not_see_appraisal_events_in_the_audit_trail(demo, client):
    appraisal = decided_appeal()
    events = list(AuditEvent.objects.for_object(appraisal))
    actions = {e.action for e in events}
    assert {"appraisal.countersign", "appraisal.result", "appraisal.appeal", "appeal.decide"} <= actions
    for login in ("officer", "vetting", "officer2"):
        client.force_login(user(login))
        for action in {e.action for e in events}:  # the trail filters by one action, as its list offers
            html = client.get(reverse("audit-event-list"), {"action": action}).content.decode()
            assert not any(event_link(e) in html for e in events), (login, action)
        for event in events:
            assert client.get(reverse("audit-event-detail", args=[event.pk])).status_code == 404, (login, event)
    # Events about other things stay in the colleague's trail.
    client.force_login(user("officer"))
    other = AuditEvent.objects.filter(institution=demo.water, action__startswith="contract.").latest("pk")
    assert client.get(reverse("audit-event-detail", args=[other.pk])).status_code == 200


def test_the_readers_of_the_appraisal_see_its_events(demo, client):
    appraisal = decided_appeal()
    decided = AuditEvent.objects.for_object(appraisal).get(action="appeal.decide")
    for reader in (appraisal.officer.user, user("supervisor"), user("director"), user("secretariat"),
                   user("auditor")):
        client.force_login(reader)
        assert client.get(reverse("audit-event-detail", args=[decided.pk])).status_code == 200, reader
        html = client.get(reverse("audit-event-list"), {"action": "appeal.decide"}).content.decode()
        assert event_link(decided) in html, reader
    # The committee reads an appraisal only while its appeal is open: decided, it is closed to them.
    client.force_login(user("appeals"))
    assert client.get(reverse("audit-event-detail", args=[decided.pk])).status_code == 404


def test_moderation_events_follow_their_sessions(demo, client):
    decided_appeal()
    opened = AuditEvent.objects.filter(institution=demo.water, action__startswith="moderation.").latest("pk")
    client.force_login(user("officer"))
    assert client.get(reverse("audit-event-detail", args=[opened.pk])).status_code == 404
    client.force_login(user("secretariat"))
    assert client.get(reverse("audit-event-detail", args=[opened.pk])).status_code == 200


def test_home_page_recent_activity_leaves_out_what_the_user_may_not_read(demo, client):
    appraisal = demo_appraisal()
    read = audit.record(user("secretariat"), "appraisal.read", appraisal, None, {"via": "page"})
    client.force_login(user("vetting"))
    assert event_link(read) not in client.get(reverse("home")).content.decode()
    assert not AuditEvent.objects.readable_by(user("vetting")).filter(pk=read.pk).exists()
    assert AuditEvent.objects.readable_by(user("secretariat")).filter(pk=read.pk).exists()


def test_the_audit_list_does_not_query_per_event(demo, client):
    appraisal = demo_appraisal()
    secretariat = user("secretariat")
    client.force_login(user("supervisor"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("audit-event-list"), {"action": "appraisal.read"})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count('href="/audit/events/')

    audit.record(secretariat, "appraisal.read", appraisal, None, {"via": "page"})
    few, shown_few = count()
    for _i in range(40):
        audit.record(secretariat, "appraisal.read", appraisal, None, {"via": "page"})
    many, shown_many = count()
    assert shown_few >= 1 and shown_many >= 41
    assert few == many


def test_another_institutions_event_answers_404(demo, client):
    foreign = AuditEvent.objects.filter(institution=demo.outside).first()
    for login in ("officer", "secretariat", "auditor"):
        client.force_login(user(login))
        assert client.get(reverse("audit-event-detail", args=[foreign.pk])).status_code == 404


# --- 3. generated reports -----------------------------------------------------------------------


def summary_report(demo, requester, capture, fmt="csv"):
    with capture(execute=True):
        report = reports.request_report(requester, "appraisal_summary", {"institution": demo.water.pk}, fmt)
    report.refresh_from_db()
    assert report.state == GeneratedReport.State.READY, report.error
    return report


def report_urls(report):
    return [reverse(f"reports:{name}", args=[report.pk]) for name in ("detail", "status", "download")]


def test_an_appraisal_summary_is_not_readable_by_colleagues(demo, client, media, eager,
                                                           django_capture_on_commit_callbacks):
    decided_appeal()
    report = summary_report(demo, user("auditor"), django_capture_on_commit_callbacks)
    for login in ("officer", "vetting", "head", "supervisor", "appeals", "principal", "perfdept"):
        client.force_login(user(login))
        for url in report_urls(report):
            assert client.get(url).status_code == 404, (login, url)
        listing = client.get(reverse("reports:list")).content.decode()
        assert reverse("reports:detail", args=[report.pk]) not in listing, login
    for login in ("auditor", "secretariat", "admin"):
        client.force_login(user(login))
        for url in report_urls(report):
            assert client.get(url).status_code == 200, (login, url)
        assert reverse("reports:detail", args=[report.pk]) in client.get(reverse("reports:list")).content.decode()
    assert GeneratedReport.objects.readable_by(user("auditor")).filter(pk=report.pk).exists()
    assert not GeneratedReport.objects.readable_by(user("vetting")).filter(pk=report.pk).exists()


def test_a_report_of_open_data_stays_readable_across_the_institution(demo, client):
    annual = GeneratedReport.objects.create(institution=demo.water, kind="annual", title="Annual",
                                            parameters={"institution": demo.water.pk}, requested_by=user("auditor"))
    client.force_login(user("vetting"))
    assert client.get(reverse("reports:detail", args=[annual.pk])).status_code == 200


def test_the_requester_reads_their_own_summary_of_what_they_may_read(demo, client):
    appraisal = decided_appeal()
    officer = user("officer")  # not the appraised officer: reads none of the institution's appraisals
    report = GeneratedReport.objects.create(
        institution=demo.water, kind="appraisal_summary", title="Appraisal summary",
        parameters={"institution": demo.water.pk}, requested_by=officer)
    client.force_login(officer)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    built = builders.get("appraisal_summary").build(report.parameters, user=officer, progress=lambda p: None)
    assert built["units"] == [] and built["appeals"] == []
    own = builders.get("appraisal_summary").build(report.parameters, user=appraisal.officer.user,
                                                  progress=lambda p: None)
    assert sum(u["appraised"] for u in own["units"]) == 1 and len(own["appeals"]) == 1


def test_another_institutions_report_answers_404(demo, client):
    foreign = GeneratedReport.objects.filter(institution=demo.outside).first()
    for login in ("auditor", "secretariat", "head"):
        client.force_login(user(login))
        for url in report_urls(foreign):
            assert client.get(url).status_code == 404, (login, url)


# --- 4. small groups ----------------------------------------------------------------------------


def test_the_minimum_group_size_defaults_to_5():
    assert django_settings.CONFIDENTIAL_MIN_GROUP_SIZE == 5


def test_a_unit_smaller_than_the_minimum_is_not_summarised(demo, settings, media, eager,
                                                            django_capture_on_commit_callbacks):
    appraisal = decided_appeal()
    unit_name = appraisal.org_unit.name
    TrainingNeed.objects.create(appraisal=appraisal, institution=appraisal.institution, org_unit=appraisal.org_unit,
                                need="Coaching on report writing", added_by=user("supervisor"))
    auditor = user("auditor")
    built = builders.get("appraisal_summary").build({"institution": demo.water.pk}, user=auditor,
                                                    progress=lambda p: None)
    unit = next(u for u in built["units"] if u["unit"] == unit_name)
    assert unit["appraised"] < 5 and unit["suppressed"]
    assert all(n["unit"] != unit_name for n in built["training_needs"])
    assert unit["grades"] == {} and unit["appeals"] == unit["upheld"] == unit["plans"] == ""
    assert all(a["unit"] != unit_name for a in built["appeals"])
    grades_table = built["tables"][0]
    row = next(r for r in grades_table["rows"] if r[0] == unit_name)
    assert appraisal.final_grade not in built["grades"]
    assert row[2:] == [""] * (len(row) - 2)
    text = summary_report(demo, auditor, django_capture_on_commit_callbacks).file.open("rb").read().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    start = lines.index(["Grades by unit"])
    printed = next(r for r in lines[start:] if r and r[0] == unit_name)
    assert printed[2:] == [""] * (len(printed) - 2)
    assert any(r and r[0].startswith("Blank: fewer than 5 people") for r in lines[start:])  # and says why
    pdf = summary_report(demo, auditor, django_capture_on_commit_callbacks, fmt="pdf").file.open("rb").read()
    assert "Fewerthan5people" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace(
        " ", "").replace("\n", "")

    settings.CONFIDENTIAL_MIN_GROUP_SIZE = 1
    built = builders.get("appraisal_summary").build({"institution": demo.water.pk}, user=auditor,
                                                    progress=lambda p: None)
    unit = next(u for u in built["units"] if u["unit"] == unit_name)
    assert not unit["suppressed"] and unit["grades"] == {appraisal.final_grade: 1} and unit["upheld"] == 1
    assert any(n["unit"] == unit_name for n in built["training_needs"])
    assert any(a["unit"] == unit_name for a in built["appeals"])


# --- 5. citizens' contact details ---------------------------------------------------------------


@pytest.fixture
def complaint(demo):
    charter = Charter.objects.get(institution=demo.water, status=Charter.Status.PUBLISHED)
    return charters.submit_complaint(charter, kind="complaint", message="The office was closed at 10 am.",
                                     name="Wanjiku Kamau", phone="0712345678", email="wanjiku@example.com")


def test_a_colleague_reads_no_contact_details_through_the_api(demo, client, complaint):
    client.force_login(user("officer"))
    body = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert body["reference"] == complaint.reference
    assert body["phone"] is None and body["email"] is None and body["name"] is None
    listed = client.get("/api/v1/complaints/", {"page_size": 100}).json()["results"]
    mine = next(c for c in listed if c["id"] == complaint.pk)
    assert mine["phone"] is None and mine["email"] is None and mine["name"] is None


def test_the_page_and_the_api_share_one_rule_for_contact_details(demo, client, complaint):
    complaints = Complaint.objects.filter(pk=complaint.pk)
    cases = [("officer", False), ("vetting", False), ("supervisor", False), ("auditor", False),
             ("secretariat", True), ("head", True), ("admin", True)]
    for login, allowed in cases:
        reader = user(login)
        assert charters.can_read_contact(reader, complaint) is allowed, login
        client.force_login(reader)
        page = client.get(complaint.get_absolute_url())
        assert page.status_code == 200, login
        assert ("0712345678" in page.content.decode()) is allowed, login
        body = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
        assert (body["phone"] == "0712345678") is allowed, login
        assert (body["email"] == "wanjiku@example.com") is allowed, login
    # The officer it is assigned to reads them too, on both.
    complaints.update(assigned_to=user("officer"))
    complaint.refresh_from_db()
    assert charters.can_read_contact(user("officer"), complaint)
    client.force_login(user("officer"))
    assert "0712345678" in client.get(complaint.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").json()["phone"] == "0712345678"


def test_another_institutions_complaint_answers_404_on_the_api(demo, client):
    foreign = Complaint.objects.filter(institution=demo.outside).first()
    for login in ("secretariat", "head", "officer"):
        client.force_login(user(login))
        assert client.get(f"/api/v1/complaints/{foreign.pk}/").status_code == 404
