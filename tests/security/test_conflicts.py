"""Conflicts of interest: nobody judges what they are a party to or the subject of.

The security model's rules, each checked through the function that holds it, the action, the API
(where there is one) and the page's button:

- **Vetting** (``contracts.cycle.workflow.check`` / ``can``, rule ``workflow.is_party``): a vetting-committee
  member who is the contract's performer or counter-party neither vets its targets, nor approves it,
  nor returns it from vetting. The page shows them no vetting form; the API answers 403.
- **Verification** (``contracts.monitoring.may_verify``): a performance officer who is a party to the
  contract (performer or counter-party), or who reported the actual, does not verify it; such entries
  are not in their verification queue; the API answers 403.
- **Countersigning** (``appraisals.services.may_countersign``): the second level — the named
  second-level supervisor, or HR where there is none — is never the appraised officer nor the
  supervisor who marked the appraisal.
- **Appeals** (``appraisals.services.may_decide_appeal``): an appeals-committee member who is a party to
  the appraisal (the officer, the supervisor or the countersigner) neither sets the hearing nor decides
  the appeal; the decision page answers 404 and the appraisal page offers no decision.
- **Moderation** (``appraisals.services.may_moderate``): the panel does not adjust the grade of an
  appraisal one of its members is a party to through that member.
"""


import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals import services
from appraisals.models import Appraisal, ModerationSession
from contracts import monitoring
from contracts.cycle import workflow
from contracts.models import PerformanceContract, ProgressEntry, Target, VettingCheck
from pmis import org
from pmis.models import Role
from tests.appraisals.helpers import demo_appraisal, to_acknowledged, to_result, user, values_for
from tests.contracts.conftest import carry

pytestmark = pytest.mark.django_db


JUDGING = {"vet_target", "approve_vetting", "return_from_vetting"}


# ---------------------------------------------------------------------------------------------
# Vetting


def test_a_vetting_member_who_is_a_party_does_not_vet_the_contract(cycle, client):
    supervisor = cycle.counterparty  # the plan's counter-party, now also on the vetting committee
    org.grant_role(cycle.admin, supervisor, cycle.plan.institution, Role.VETTING)
    plan = carry(cycle, "agreed")
    target = cycle.first_target()

    assert workflow.is_party(supervisor, plan)
    assert not workflow.is_party(cycle.vetting, plan)
    assert not JUDGING & workflow.allowed_actions(supervisor, plan)
    assert JUDGING <= workflow.allowed_actions(cycle.vetting, plan)
    with pytest.raises(workflow.NotAllowed, match="party"):
        workflow.vet_target(supervisor, target, smart=True, aligned=True)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve_vetting(supervisor, plan)
    with pytest.raises(workflow.NotAllowed):
        workflow.return_from_vetting(supervisor, plan, "Back.")

    # The API refuses, and says why.
    client.force_login(supervisor)
    response = client.post(f"/api/v1/targets/{target.pk}/vet/", {"smart": True, "aligned": True})
    assert response.status_code == 403
    detail = client.get(f"/api/v1/contracts/{plan.pk}/").json()
    assert not JUDGING & set(detail["allowed_actions"])
    assert client.post(f"/api/v1/contracts/{plan.pk}/approve-vetting/", {}).status_code == 403
    # The page offers no vetting form.
    html = client.get(reverse("contract-detail", args=[plan.pk])).content.decode()
    assert reverse("target-vet", args=[target.pk]) not in html
    assert 'value="approve_vetting"' not in html
    assert client.post(reverse("target-vet", args=[target.pk]), {"smart": "on", "aligned": "on"}).status_code == 403
    assert not VettingCheck.objects.filter(contract=plan).exists()
    assert PerformanceContract.objects.get(pk=plan.pk).status == "agreed"


def test_the_performer_on_the_vetting_committee_does_not_vet_either(cycle):
    org.grant_role(cycle.admin, cycle.performer, cycle.plan.institution, Role.VETTING)
    plan = carry(cycle, "agreed")
    with pytest.raises(workflow.NotAllowed):
        workflow.vet_target(cycle.performer, cycle.first_target(), smart=True, aligned=True)
    # An independent member still can.
    for target in Target.objects.filter(contract=plan):
        workflow.vet_target(cycle.vetting, target, smart=True, aligned=True)
    workflow.approve_vetting(cycle.vetting, plan)


# ---------------------------------------------------------------------------------------------
# Verification of reported actuals


@pytest.fixture
def pending(demo):
    """A Q2 entry of the ministry's contract (reported by the head, the performer) awaiting verification."""
    return (ProgressEntry.objects.filter(report__contract__institution=demo.water, report__period=2,
                                         verification="pending", report__contract__level="institution")
            .select_related("report__contract").order_by("pk").first())


def test_a_performance_officer_who_is_a_party_does_not_verify(demo, pending, client):
    principal = demo.users["principal"]  # the ministry contract's counter-party
    org.grant_role(demo.users["admin"], principal, demo.water, Role.PERFORMANCE_OFFICER)
    assert monitoring.can_verify(principal, demo.water.pk)  # the role alone would allow it
    assert not monitoring.may_verify(principal, pending)
    assert monitoring.may_verify(demo.users["secretariat"], pending)
    with pytest.raises(monitoring.NotAllowed, match="party"):
        monitoring.verify(principal, pending, "accepted")
    assert pending.pk not in set(monitoring.queue_for(principal).values_list("pk", flat=True))
    assert pending.pk in set(monitoring.queue_for(demo.users["secretariat"]).values_list("pk", flat=True))

    client.force_login(principal)
    url = reverse("api-progressentry-verify", args=[pending.pk])
    assert client.post(url, {"decision": "accepted"}).status_code == 403
    queue = client.get(reverse("monitoring-queue")).content.decode()
    assert reverse("monitoring-entry-verify", args=[pending.pk]) not in queue
    pending.refresh_from_db()
    assert pending.verification == "pending"


def test_the_performer_does_not_verify_an_actual_someone_else_reported(demo, pending):
    head = demo.users["head"]  # the ministry contract's performer
    org.grant_role(demo.users["admin"], head, demo.water, Role.PERFORMANCE_OFFICER)
    ProgressEntry.objects.filter(pk=pending.pk).update(reported_by=demo.users["secretariat"])
    pending.refresh_from_db()
    assert not monitoring.may_verify(head, pending)
    with pytest.raises(monitoring.NotAllowed):
        monitoring.verify(head, pending, "accepted")


# ---------------------------------------------------------------------------------------------
# Countersigning


def test_hr_who_marked_the_appraisal_does_not_countersign_it(demo, client):
    appraisal = demo_appraisal()
    supervisor = user("supervisor")
    Appraisal.objects.filter(pk=appraisal.pk).update(countersigner=None)  # HR countersigns
    org.grant_role(user("admin"), supervisor, demo.water, Role.PERFORMANCE_OFFICER)  # the supervisor is HR too
    appraisal.refresh_from_db()
    services.supervisor_appraise(supervisor, appraisal, values=values_for(appraisal, {"Site": 20, "Write": 10,
                                                                                      "Analyse": 6, "Respond": 80}))
    appraisal.refresh_from_db()
    assert "hr" in services.parts_of(supervisor, appraisal)
    assert not services.may_countersign(supervisor, appraisal)
    assert services.may_countersign(user("secretariat"), appraisal)
    with pytest.raises(services.NotAllowed):
        services.countersign(supervisor, appraisal, "Fine by me.")
    with pytest.raises(services.NotAllowed):
        services.return_to_supervisor(supervisor, appraisal, "Look again.")

    client.force_login(supervisor)
    html = client.get(appraisal.get_absolute_url()).content.decode()
    assert reverse("appraisals:countersign", args=[appraisal.pk]) not in html
    client.post(reverse("appraisals:countersign", args=[appraisal.pk]), {"comment": "Fine."})
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.SUPERVISOR_DONE
    services.countersign(user("secretariat"), appraisal, "Seen by HR.")


def test_the_officer_does_not_countersign_their_own_appraisal(demo):
    appraisal = demo_appraisal()
    officer = appraisal.officer.user
    Appraisal.objects.filter(pk=appraisal.pk).update(countersigner=None)
    org.grant_role(user("admin"), officer, demo.water, Role.PERFORMANCE_OFFICER)
    appraisal.refresh_from_db()
    services.supervisor_appraise(user("supervisor"), appraisal, values=values_for(
        appraisal, {"Site": 20, "Write": 10, "Analyse": 6, "Respond": 80}))
    with pytest.raises(services.NotAllowed):
        services.countersign(officer, appraisal)


# ---------------------------------------------------------------------------------------------
# Appeals


def test_an_appeals_member_does_not_hear_or_decide_their_own_appeal(demo, client):
    appraisal = demo_appraisal()
    officer = appraisal.officer.user
    org.grant_role(user("admin"), officer, demo.water, Role.APPEALS)
    appraisal = to_result(appraisal)
    appeal = services.file_appeal(officer, appraisal, "My grade should be Good.")
    appraisal.refresh_from_db()

    assert "appeals" in services.parts_of(officer, appraisal)
    assert not services.may_decide_appeal(officer, appraisal)
    assert services.may_decide_appeal(user("appeals"), appraisal)
    with pytest.raises(services.NotAllowed, match="party"):
        services.schedule_hearing(officer, appeal, timezone.localdate())
    services.schedule_hearing(user("appeals"), appeal, timezone.localdate())
    appeal.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.decide_appeal(officer, appeal, "upheld", "My own records are right.")

    client.force_login(officer)
    url = reverse("appraisals:appeal-decide", args=[appraisal.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "upheld", "reasons": "Mine."}).status_code == 404
    assert url not in client.get(appraisal.get_absolute_url()).content.decode()
    appeal.refresh_from_db()
    assert appeal.is_open and appeal.decision == ""


def test_the_supervisor_on_the_appeals_committee_does_not_decide_the_appeal(demo):
    appraisal = demo_appraisal()
    supervisor = user("supervisor")
    org.grant_role(user("admin"), supervisor, demo.water, Role.APPEALS)
    appraisal = to_result(appraisal)
    appeal = services.file_appeal(appraisal.officer.user, appraisal, "Grounds.")
    services.schedule_hearing(user("appeals"), appeal, timezone.localdate())
    appeal.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.decide_appeal(supervisor, appeal, "dismissed", "The marks stand.")
    services.decide_appeal(user("appeals"), appeal, "dismissed", "The marks stand.")


# ---------------------------------------------------------------------------------------------
# Moderation


def test_a_panel_member_does_not_moderate_an_appraisal_they_are_party_to(demo):
    appraisal = to_acknowledged(demo_appraisal())
    supervisor = user("supervisor")
    org.grant_role(user("admin"), supervisor, demo.water, Role.PERFORMANCE_OFFICER)
    session = ModerationSession.objects.filter(institution=demo.water, financial_year=appraisal.financial_year,
                                               org_unit=None, status="open").first()
    session = session or services.open_moderation(user("secretariat"), demo.water, appraisal.financial_year)
    assert not services.may_moderate(supervisor, appraisal)
    with pytest.raises(services.NotAllowed):
        services.adjust_grade(supervisor, session, appraisal, "Good", "I know the work.")
    services.adjust_grade(user("secretariat"), session, appraisal, "Fair", "Calibrated against the unit.")
