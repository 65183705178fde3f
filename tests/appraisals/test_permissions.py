"""Who can and cannot read an appraisal, for every role; reads by anyone but the officer are audited;
auditors only read."""

import pytest
from django.urls import reverse

from appraisals import services
from appraisals.models import Appraisal, FeedbackEntry, ModerationSession
from pmis.models import AuditEvent
from tests.appraisals.helpers import demo_appraisal, to_result, user

pytestmark = pytest.mark.django_db

# login → may read the seeded water appraisal (self-appraisal submitted, no appeal open)
MATRIX = {
    "admin": True,         # superuser / institution administrator (HR)
    "perfdept": False,     # oversight body: sees the institution, not its appraisals
    "principal": False,    # the cabinet secretary is not in the officer's supervisor chain
    "head": True,          # top of the supervisor chain (supervisor → director → head)
    "director": True,      # second-level supervisor, countersigns
    "supervisor": True,    # the supervisor
    "officer": False,      # another officer of the same section
    "secretariat": True,   # performance officer (HR)
    "vetting": False,      # vetting committee
    "appeals": False,      # appeals committee: only while an appeal is open
    "auditor": True,       # assigned auditor, read-only
    "head2": False,        # another institution
    "officer2": False,     # another institution
}


@pytest.mark.parametrize("login,allowed", MATRIX.items(), ids=list(MATRIX))
def test_who_can_read_an_appraisal(demo, client, login, allowed):
    appraisal = demo_appraisal()
    reader = demo.users[login]
    client.force_login(reader)
    before = AuditEvent.objects.filter(action="appraisal.read", actor=reader).count()
    for url in (reverse("appraisals:detail", args=[appraisal.pk]),
                reverse("api-appraisal-detail", args=[appraisal.pk])):
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404), f"{login} at {url}"
    listed = client.get(reverse("appraisals:list"))
    assert (str(appraisal.officer) in listed.content.decode()) is allowed
    api_ids = {row["id"] for row in client.get(reverse("api-appraisal-list")).json()["results"]}
    assert (appraisal.pk in api_ids) is allowed
    assert Appraisal.objects.filter(pk=appraisal.pk).readable_by(reader).exists() is allowed
    reads = AuditEvent.objects.filter(action="appraisal.read", actor=reader).count() - before
    assert reads == (2 if allowed else 0)


def test_the_officer_reads_their_own_without_an_audit_event(demo, client):
    appraisal = demo_appraisal()
    client.force_login(appraisal.officer.user)
    before = AuditEvent.objects.filter(action="appraisal.read").count()
    assert client.get(appraisal.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.filter(action="appraisal.read").count() == before


def test_the_appeals_committee_reads_only_while_an_appeal_is_open(demo, client):
    appraisal = to_result(demo_appraisal())
    appeals = demo.users["appeals"]
    client.force_login(appeals)
    url = appraisal.get_absolute_url()
    assert client.get(url).status_code == 404  # result issued, no appeal
    services.file_appeal(appraisal.officer.user, appraisal, "The marks ignore the rig breakdown.")
    assert client.get(url).status_code == 200
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.FINAL)  # decided
    assert client.get(url).status_code == 404


def test_auditors_only_read(demo, client):
    appraisal = demo_appraisal()
    client.force_login(demo.users["auditor"])
    count = FeedbackEntry.objects.count()
    response = client.post(reverse("appraisals:feedback", args=[appraisal.pk]), {"note": "Looks fine."})
    # Auditors are read-only on the server (reports.readonly): every write answers 403.
    assert response.status_code == 403 and FeedbackEntry.objects.count() == count
    response = client.post(reverse("appraisals:supervisor", args=[appraisal.pk]), {})
    assert response.status_code == 403
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.SELF_SUBMITTED
    api = client.post(reverse("api-appraisal-feedback", args=[appraisal.pk]), {"note": "x"})
    assert api.status_code == 403 and set(api.json()) == {"detail", "errors"}


def test_other_roles_cannot_take_the_supervisors_step(demo):
    appraisal = demo_appraisal()
    for login in ("officer", "secretariat", "director", "head", "auditor"):
        with pytest.raises(services.NotAllowed):
            services.supervisor_appraise(user(login), appraisal, values={})


def test_moderation_pages_are_for_hr_and_auditors(demo, client):
    session = ModerationSession.objects.filter(institution=demo.water).first()
    for login, status in {"secretariat": 200, "admin": 200, "auditor": 200, "supervisor": 404, "officer": 404,
                          "appeals": 404, "head2": 404}.items():
        client.force_login(demo.users[login])
        assert client.get(session.get_absolute_url()).status_code == status, login


def test_list_pages_query_count_does_not_grow(demo, client, django_assert_max_num_queries):
    client.force_login(demo.users["secretariat"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("appraisals:list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("appraisals:training-needs")).status_code == 200


def test_the_admin_only_shows_appraisals(demo, client):
    appraisal = demo_appraisal()
    client.force_login(demo.users["admin"])
    assert client.get(reverse("admin:appraisals_appraisal_change", args=[appraisal.pk])).status_code == 200
    assert client.get(reverse("admin:appraisals_appraisal_add")).status_code == 403
    response = client.post(reverse("admin:appraisals_appraisal_delete", args=[appraisal.pk]), {"post": "yes"})
    assert response.status_code == 403 and Appraisal.objects.filter(pk=appraisal.pk).exists()
