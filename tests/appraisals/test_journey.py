"""One officer through the whole appraisal: plan → mid-year (with an amendment through the contract)
→ self → supervisor → countersign → moderation → appeal varied → final grade → improvement plan."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appraisals import services
from appraisals.models import Appraisal, ImprovementPlan, OutcomeRule
from contracts.cycle import negotiation, signing, workflow
from contracts.cycle import vetting as vetting_rules
from contracts.demo.cycle import demo_request
from contracts.models import PerformanceContract, Target
from notifications.models import Notification
from pmis import twofactor
from pmis.models import AuditEvent, OrgUnit
from scorecards import scoring
from tests.appraisals.helpers import O1, O2, O3, O4, fresh_plan, user, values_for

pytestmark = pytest.mark.django_db


def resign(plan, performer, supervisor):
    """After a mid-year amendment: agree, vet and sign the new version again."""
    vetting = user("vetting")
    workflow.conclude_negotiation(supervisor, plan, "Amended target agreed.")
    for target in Target.objects.filter(contract=plan):
        workflow.vet_target(vetting, target, smart=True, aligned=True,
                            comment="Passes as negotiated." if vetting_rules.flags(target) else "")
    workflow.approve_vetting(vetting, plan)
    # The supervisor signed version 1 moments ago; a TOTP code works once, so let the clock move on.
    TOTPDevice.objects.filter(user=supervisor).update(last_t=-1)
    for signer in (performer, supervisor):
        signing.sign(demo_request(signer), plan, password="pmis-demo", code=twofactor.current_code(signer))
    plan.refresh_from_db()


def test_one_officer_through_the_whole_appraisal(demo, client):
    officer, plan = fresh_plan()
    performer, supervisor, director = officer.user, user("supervisor"), user("director")
    secretariat, appeals = user("secretariat"), user("appeals")
    assert plan.status in services.PLAN_STATES and plan.level == "officer"

    # Plan: the appraisal opens on the signed plan, one item per target.
    appraisal = services.open_appraisal(supervisor, plan)
    assert appraisal.items.count() == 4 and appraisal.countersigner == director
    with pytest.raises(ValidationError):
        services.open_appraisal(supervisor, plan)

    # The year: a check-in by each, the mid-year review with a target change through an amendment.
    services.add_feedback(supervisor, appraisal, "Good start in Turkana.")
    services.add_feedback(performer, appraisal, "Rig broke down in week 6.", kind="coaching")
    services.record_midyear(supervisor, appraisal, "Behind on boreholes; lower the survey count.",
                            amend_reason="Survey budget cut by a third at mid-year.")
    plan.refresh_from_db()
    assert plan.status == PerformanceContract.Status.NEGOTIATION and plan.version == 2
    appraisal.refresh_from_db()
    assert appraisal.midyear_amended and appraisal.feedback.count() == 3
    with pytest.raises(ValidationError, match="signed again"):
        services.submit_self_appraisal(performer, appraisal, values={})
    survey = Target.objects.get(contract=plan, description__startswith=O2)
    workflow.propose(supervisor, survey, {"target_value": Decimal(10)}, "Budget cut.")
    negotiation.accept(performer, plan.rounds.get(state="open"), "Agreed.")
    resign(plan, performer, supervisor)
    assert plan.status in services.PLAN_STATES and plan.version == 2

    # Self-appraisal: the officer's own actuals, and a training need.
    mine = {O1: 24, O2: 10, O3: 5, O4: 90}
    services.submit_self_appraisal(performer, appraisal, values=values_for(appraisal, mine),
                                   comments="Met every target.", training_needs=["Groundwater modelling"])
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.SELF_SUBMITTED
    assert Notification.objects.filter(user=supervisor, kind="appraisal").exists()

    # Supervisor: 50% of every target; the score is the engine's.
    half = {O1: 12, O2: 5, O3: 10, O4: 45}
    services.supervisor_appraise(supervisor, appraisal, values=values_for(appraisal, half), comments="Half.")
    appraisal.refresh_from_db()
    expected = scoring.evaluate({"scheme": plan.scheme, "bands": plan.bands, "items": [
        {"id": t.pk, "weight": t.weight, "direction": t.direction, "target": t.target_value,
         "actual": next(Decimal(v) for p, v in half.items() if t.description.startswith(p))}
        for t in Target.objects.filter(contract=plan)]})
    assert appraisal.composite == expected["composite"] == Decimal("50.0000")
    assert appraisal.grade == expected["grade"] == "Poor"

    # Countersign (the supervisor's supervisor) and acknowledgement with disagreement.
    with pytest.raises(services.NotAllowed):
        services.countersign(secretariat, appraisal)
    services.countersign(director, appraisal, "Consistent with the directorate's results.")
    services.acknowledge(performer, appraisal, "The rig breakdown was outside my control.")
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.ACKNOWLEDGED and appraisal.disagrees

    # Moderation of the directorate: Poor → Fair with a reason; closing issues the result.
    directorate = OrgUnit.objects.get(institution=demo.water, name="Directorate of Water Resources")
    session = services.open_moderation(secretariat, demo.water, appraisal.financial_year, directorate)
    assert ("Poor", 1, 100) == services.distribution(session)[-1][:3]
    services.adjust_grade(secretariat, session, appraisal, "Fair", "Rig breakdown confirmed by the workshop.")
    mail.outbox.clear()
    assert services.close_moderation(secretariat, session) == 1
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.RESULT and appraisal.final_grade == "Fair"
    assert appraisal.grade == "Poor" and appraisal.moderated_grade == "Fair"
    assert any(performer.email in m.to for m in mail.outbox)
    assert AuditEvent.objects.filter(action="appraisal.moderate", object_id=str(appraisal.pk)).exists()

    # Appeal with a PDF, hearing today, varied by the committee through the page with its second factor.
    pdf = SimpleUploadedFile("workshop.pdf", b"%PDF-1.4\n% workshop report\n", content_type="application/pdf")
    appeal = services.file_appeal(performer, appraisal, "The sample turnaround was the laboratory's.", [pdf])
    assert appeal.documents.count() == 1 and appeal.documents.get().content_type == "application/pdf"
    assert Notification.objects.filter(user=appeals, kind="appraisal").exists()
    services.schedule_hearing(appeals, appeal, timezone.localdate())
    client.force_login(appeals)
    varied = {O1: 18, O2: 7.5, O3: 6.25, O4: 67.5}  # 75%, 75%, 80%, 75%: composite 76, Fair
    post = {"decision": "varied", "reasons": "Turnaround was outside the officer's control.",
            "otp_code": twofactor.current_code(appeals)}
    post.update({f"value_{pk}": str(v) for pk, (v, _c) in values_for(appraisal, varied).items()})
    response = client.post(reverse("appraisals:appeal-decide", args=[appraisal.pk]), post)
    assert response.status_code == 302, response.content.decode()[:2000]

    # Final grade: re-scored from the varied values.
    appraisal.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.decision == "varied" and appeal.grade_before == "Fair"
    assert appraisal.status == Appraisal.Status.FINAL
    assert appraisal.composite == Decimal("76.0000") and appraisal.final_grade == appeal.grade_after == "Fair"
    assert Notification.objects.filter(user=performer, title__contains="appeal was decided").exists()
    assert services.outcomes_for(appraisal).filter(outcome=OutcomeRule.Outcome.IMPROVEMENT_PLAN).exists()

    # Improvement plan: objectives, support, reviews, a closing outcome.
    today = timezone.localdate()
    plan_ = services.start_improvement_plan(
        supervisor, appraisal, objectives="Cut sample turnaround to 5 days.", support="Laboratory reagents.",
        start_date=today, end_date=today + datetime.timedelta(days=180),
        review_dates=[today + datetime.timedelta(days=60), today + datetime.timedelta(days=120)])
    review = plan_.reviews.first()
    services.record_review(supervisor, review, "Turnaround at 6 days.")
    services.close_improvement_plan(supervisor, plan_, ImprovementPlan.Result.IMPROVED, "Now 5 days.")
    plan_.refresh_from_db()
    assert plan_.status == "closed" and plan_.result == "improved"
    actions = set(AuditEvent.objects.filter(object_id=str(appraisal.pk), content_type__model="appraisal")
                  .values_list("action", flat=True))
    assert {"appraisal.open", "appraisal.midyear", "appraisal.self", "appraisal.supervisor", "appraisal.countersign",
            "appraisal.acknowledge", "appraisal.moderate", "appraisal.result", "appraisal.appeal",
            "appeal.decide"} <= actions

    # The officer's page shows the moderation adjustment and the appeal decision.
    client.force_login(performer)
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Rig breakdown confirmed by the workshop." in page and "Turnaround was outside" in page
