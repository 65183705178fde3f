"""Appeal window and deadlines, documents, the committee's second factor, moderation adjustments and
re-scoring."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appraisals import services
from appraisals.models import Appeal, Appraisal, ModerationSession
from pmis import twofactor
from pmis.models import AuditEvent, OrgUnit
from tests.appraisals.helpers import O1, O2, O3, O4, demo_appraisal, to_acknowledged, to_result, user, values_for

pytestmark = pytest.mark.django_db


def issued_days_ago(appraisal, days):
    Appraisal.objects.filter(pk=appraisal.pk).update(result_at=timezone.now() - datetime.timedelta(days=days))
    appraisal.refresh_from_db()
    return appraisal


def test_the_appeal_window_is_14_days_after_the_result(demo):
    appraisal = to_result(demo_appraisal())
    officer = appraisal.officer.user
    issued_days_ago(appraisal, 15)
    with pytest.raises(ValidationError, match="appeal window closed"):
        services.file_appeal(officer, appraisal, "Late grounds.")
    issued_days_ago(appraisal, 14)
    assert services.file_appeal(officer, appraisal, "Grounds on the last day.").decision_due == (
        timezone.localdate() + datetime.timedelta(days=30))


def test_the_window_is_configurable(demo, settings):
    settings.APPRAISAL_APPEAL_DAYS = 3
    appraisal = issued_days_ago(to_result(demo_appraisal()), 4)
    with pytest.raises(ValidationError):
        services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    assert services.finalise_expired() >= 1
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.FINAL


def test_only_the_officer_appeals_and_only_once_a_result_is_issued(demo):
    appraisal = to_acknowledged(demo_appraisal())
    with pytest.raises(ValidationError):
        services.file_appeal(appraisal.officer.user, appraisal, "Too early.")
    directorate = OrgUnit.objects.get(institution=demo.water, name="Directorate of Water Resources")
    to_result_session = services.open_moderation(user("secretariat"), demo.water, appraisal.financial_year,
                                                 directorate)
    services.close_moderation(user("secretariat"), to_result_session)
    appraisal.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.file_appeal(user("supervisor"), appraisal, "Not mine to file.")


@pytest.mark.parametrize("name,content", [
    ("report.pdf", b"just text pretending"),
    ("photo.exe", b"MZ\x90\x00"),
    ("photo.png", b"%PDF-1.4 a pdf named png"),
])
def test_appeal_documents_must_be_what_they_claim(demo, name, content):
    appraisal = to_result(demo_appraisal())
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF"):
        services.file_appeal(appraisal.officer.user, appraisal, "Grounds.", [upload])
    assert not Appeal.objects.filter(appraisal=appraisal).exists()


def test_appeal_documents_have_a_size_limit(demo, settings):
    settings.APPRAISAL_UPLOAD_MAX_BYTES = 1024
    appraisal = to_result(demo_appraisal())
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2000)
    with pytest.raises(ValidationError, match="larger than"):
        services.file_appeal(appraisal.officer.user, appraisal, "Grounds.", [upload])


def test_hearing_and_decision_deadlines(demo):
    appraisal = to_result(demo_appraisal())
    appeal = services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    appeals = user("appeals")
    with pytest.raises(ValidationError, match="hearing date"):
        services.decide_appeal(appeals, appeal, "dismissed", "No hearing yet.")
    with pytest.raises(ValidationError):
        services.schedule_hearing(appeals, appeal, timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="decided by"):
        services.schedule_hearing(appeals, appeal, appeal.decision_due + datetime.timedelta(days=1))
    services.schedule_hearing(appeals, appeal, timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="at or after"):
        services.decide_appeal(appeals, appeal, "dismissed", "Too early.")
    with pytest.raises(services.NotAllowed):
        services.schedule_hearing(user("secretariat"), appeal, timezone.localdate())


def test_deciding_needs_the_second_factor_and_a_wrong_code_shows_the_form_again(demo, client):
    appraisal = to_result(demo_appraisal())
    appeal = services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    appeals = user("appeals")
    services.schedule_hearing(appeals, appeal, timezone.localdate())
    client.force_login(appeals)
    url = reverse("appraisals:appeal-decide", args=[appraisal.pk])
    assert client.get(url).status_code == 200
    wrong = "000000" if twofactor.current_code(appeals) != "000000" else "111111"
    response = client.post(url, {"decision": "dismissed", "reasons": "No new evidence.", "otp_code": wrong})
    assert response.status_code == 200 and "wrong or has expired" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.is_open
    response = client.post(url, {"decision": "dismissed", "reasons": "No new evidence.",
                                 "otp_code": twofactor.current_code(appeals)})
    assert response.status_code == 302
    appeal.refresh_from_db()
    appraisal.refresh_from_db()
    assert appeal.decision == "dismissed" and appraisal.status == Appraisal.Status.FINAL
    assert appraisal.final_grade == appeal.grade_before == appeal.grade_after


def test_other_users_cannot_open_the_decision_page(demo, client):
    appraisal = to_result(demo_appraisal())
    services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    for login in ("secretariat", "supervisor", "auditor"):
        client.force_login(user(login))
        assert client.get(reverse("appraisals:appeal-decide", args=[appraisal.pk])).status_code == 404


def test_upheld_rescoring_uses_the_officers_own_values(demo):
    appraisal = to_result(demo_appraisal())  # supervisor 50% everywhere: Poor
    assert appraisal.final_grade == "Poor"
    appeal = services.file_appeal(appraisal.officer.user, appraisal, "My actuals were right.")
    appeals = user("appeals")
    services.schedule_hearing(appeals, appeal, timezone.localdate())
    services.decide_appeal(appeals, appeal, "upheld", "The officer's records are verified.")
    appraisal.refresh_from_db()
    own = {i.pk: i.self_value for i in appraisal.items.all()}
    assert all(i.agreed_value == own[i.pk] for i in appraisal.items.all())
    assert appraisal.composite == services.score(appraisal, field="self_value")["composite"]
    assert appraisal.final_grade != "Poor"


def test_varied_needs_values_and_rejects_impossible_ones(demo):
    appraisal = to_result(demo_appraisal())
    appeal = services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    appeals = user("appeals")
    services.schedule_hearing(appeals, appeal, timezone.localdate())
    with pytest.raises(ValidationError):
        services.decide_appeal(appeals, appeal, "varied", "Reasons.", values={})
    item = appraisal.items.get(target__description__startswith=O3)  # lower is better: days
    with pytest.raises(ValidationError):
        services.decide_appeal(appeals, appeal, "varied", "Reasons.", values={item.pk: "three"})
    services.decide_appeal(appeals, appeal, "varied", "Reasons.", values={item.pk: "5"})
    appraisal.refresh_from_db()
    # 50, 50, 100 (×0.2), 50 → 60: Fair
    assert appraisal.composite == Decimal("60.0000") and appraisal.final_grade == "Fair"


def test_moderation_adjustments_are_recorded_audited_and_shown_to_the_officer(demo, client):
    appraisal = to_acknowledged(demo_appraisal())
    secretariat = user("secretariat")
    session = ModerationSession.objects.get(institution=demo.water, org_unit=None, status="open")
    with pytest.raises(services.NotAllowed):
        services.adjust_grade(user("supervisor"), session, appraisal, "Fair", "Because.")
    with pytest.raises(ValidationError):
        services.adjust_grade(secretariat, session, appraisal, "Stellar", "Not a grade.")
    with pytest.raises(ValidationError):
        services.adjust_grade(secretariat, session, appraisal, "Fair", "  ")
    client.force_login(secretariat)
    response = client.post(reverse("appraisals:moderation-adjust", args=[session.pk]),
                           {"appraisal": appraisal.pk, "to_grade": "Fair", "reason": "Calibrated to the unit."})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="appraisal.moderate", object_id=str(appraisal.pk))
    assert event.before == {"grade": "Poor"} and event.after["grade"] == "Fair"
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Calibrated to the unit." in page
    client.post(reverse("appraisals:moderation-close", args=[session.pk]), {"note": "Done."})
    appraisal.refresh_from_db()
    assert appraisal.final_grade == "Fair" and appraisal.status == Appraisal.Status.RESULT
    with pytest.raises(ValidationError, match="closed"):
        services.adjust_grade(secretariat, session, appraisal, "Good", "After closing.")
    client.force_login(appraisal.officer.user)
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Calibrated to the unit." in page and "Fair" in page


def test_self_appraisal_values_are_checked_against_the_scheme(demo):
    from tests.appraisals.helpers import fresh_plan

    officer, plan = fresh_plan()
    appraisal = services.open_appraisal(officer.user, plan)
    values = values_for(appraisal, {O1: 24, O2: 12, O3: 5})  # one target missing
    with pytest.raises(ValidationError) as exc:
        services.submit_self_appraisal(officer.user, appraisal, values=values)
    assert any(key.startswith("value_") for key in exc.value.message_dict)
    values[next(pk for pk in values_for(appraisal, {O4: 1}))] = ("lots", "")
    with pytest.raises(ValidationError):
        services.submit_self_appraisal(officer.user, appraisal, values=values)
