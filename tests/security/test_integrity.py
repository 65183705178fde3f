"""Integrity of what is judged: a judgement holds only for what was judged.

The security model's rules:

- **Vetting follows the content** (``contracts.cycle.targets`` and ``contracts.cycle.workflow``): a change to a
  target's vetted content (value, weight, baseline, criteria values, description, partners …) through
  any writer — negotiation, editing, the admin, the API — clears its vetting findings for the version;
  and ``workflow.approve_vetting`` requires, for every target, a finding recorded on the target's
  current content (each finding carries the SHA-256 of the target's content it judged), so even a write
  that bypasses the functions cannot carry an old finding to signature.
- **Accepted means verified with its evidence** (``contracts.monitoring.add_evidence``): adding evidence
  to an accepted progress-report entry sends it back for verification; until it is accepted again it
  does not count (we chose re-verification over refusal: late evidence is often asked for by auditors,
  and refusing it would push people to re-enter the actual to attach it).
- **Partners are confirmed** (``contracts.cycle.targets.may_confirm_partner`` / ``partners.confirm_partner``): a lead
  institution may name any institution as the partner of a shared target, but the partnership counts
  only once the partner (its head, performance officer or administrator) or the performance department
  overseeing both confirms it. An unconfirmed partner shows nothing: no composite on the lead's
  dashboard, not even in the stored summary.
"""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import monitoring, partners
from contracts.cycle import negotiation, targets, workflow
from contracts.cycle import vetting as vetting_rules
from contracts.models import (
    ContractVersion,
    PartnerConfirmation,
    PerformanceContract,
    ProgressEntry,
    Target,
    VettingCheck,
)
from pmis.models import AuditEvent
from scorecards.models import ContractScore
from tests.contracts.conftest import carry

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


# ---------------------------------------------------------------------------------------------
# 5. Vetting is redone after a target changes


def _vet(cycle, *targets_):
    for target in targets_:
        # Flagged as it stands now (vetting.flags), not as the caller's copy was read: passes with a comment.
        flagged = vetting_rules.flags(Target.objects.get(pk=target.pk))
        workflow.vet_target(cycle.vetting, target, smart=True, aligned=True,
                            comment="Passes as negotiated." if flagged else "")


def test_a_target_changed_in_negotiation_is_vetted_again_before_approval(cycle, client):
    plan = carry(cycle, "agreed")
    first, *others = list(Target.objects.filter(contract=plan).order_by("order", "pk"))
    _vet(cycle, first, *others)
    workflow.return_from_vetting(cycle.vetting, plan, "Target 1 is too easy.")
    proposal = workflow.propose(cycle.counterparty, first, {"target_value": first.target_value + 5}, "Stretch it.")
    negotiation.accept(cycle.performer, proposal)
    assert not VettingCheck.objects.filter(target=first, version=plan.version).exists()  # cleared
    assert AuditEvent.objects.filter(action="vetting.cleared", object_id=str(first.pk)).exists()
    workflow.conclude_negotiation(cycle.counterparty, plan)
    _vet(cycle, others[0])  # only another target

    with pytest.raises(workflow.TransitionError, match="not vetted"):
        workflow.approve_vetting(cycle.vetting, plan)
    client.force_login(cycle.vetting)
    response = client.post(f"/api/v1/contracts/{plan.pk}/approve-vetting/", {})
    assert response.status_code == 400 and "not vetted" in response.content.decode()
    client.post(reverse("contract-transition", args=[plan.pk]), {"action": "approve_vetting"})
    assert PerformanceContract.objects.get(pk=plan.pk).status == "agreed"
    assert not ContractVersion.objects.filter(contract=plan).exists()

    _vet(cycle, first)
    workflow.approve_vetting(cycle.vetting, plan)
    version = ContractVersion.objects.get(contract=plan, number=plan.version)
    vetted = next(t for t in version.content["targets"] if t["id"] == first.pk)
    assert vetted["target"] == str((first.target_value + 5).normalize())


def test_a_finding_on_other_content_does_not_count_whoever_wrote_the_change(cycle):
    plan = carry(cycle, "agreed")
    target_list = list(Target.objects.filter(contract=plan))
    _vet(cycle, *target_list)
    first = target_list[0]
    # A write that passes by the functions (a shell, a data fix): the finding no longer matches.
    Target.objects.filter(pk=first.pk).update(description="Something else entirely")
    with pytest.raises(workflow.TransitionError, match="changed since"):
        workflow.approve_vetting(cycle.vetting, plan)
    _vet(cycle, Target.objects.get(pk=first.pk))
    workflow.approve_vetting(cycle.vetting, plan)


def test_an_unchanged_target_keeps_its_finding(cycle):
    plan = carry(cycle, "agreed")
    target_list = list(Target.objects.filter(contract=plan))
    _vet(cycle, *target_list)
    workflow.return_from_vetting(cycle.vetting, plan, "Look again at the weights.")
    workflow.conclude_negotiation(cycle.counterparty, plan)
    workflow.approve_vetting(cycle.vetting, plan)  # nothing changed: the findings stand


# ---------------------------------------------------------------------------------------------
# 14. Evidence added to an accepted entry sends it back for verification


@pytest.fixture
def accepted(demo):
    """A Q1 entry of the ministry's contract, accepted, whose Q2 entry is still pending (so the Q1
    figure is the target's counted actual)."""
    pending_q2 = ProgressEntry.objects.filter(report__contract__institution=demo.water, report__period=2,
                                              report__contract__level="institution", verification="pending")
    return ProgressEntry.objects.select_related("report__contract", "target").get(
        report__period=1, target_id=pending_q2.order_by("pk").values("target_id")[:1])


def test_evidence_on_an_accepted_entry_sends_it_back_for_verification(demo, accepted, media, client):
    assert accepted.verification == "accepted"
    assert Target.objects.get(pk=accepted.target_id).actual == accepted.actual
    client.force_login(demo.users["head"])
    response = client.post(reverse("monitoring-evidence-upload", args=[accepted.pk]),
                           {"file": SimpleUploadedFile("late.pdf", PDF)})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(pk=accepted.pk)
    assert entry.evidence.count() >= 1
    assert (entry.verification, entry.verified_by, entry.verified_at) == ("pending", None, None)
    assert Target.objects.get(pk=entry.target_id).actual is None  # no longer counts
    assert entry.pk in set(monitoring.queue_for(demo.users["secretariat"]).values_list("pk", flat=True))
    assert AuditEvent.objects.for_object(entry).filter(action="progress_entry.reopened").exists()
    score = ContractScore.objects.get(contract=entry.report.contract, period=1)
    assert next(t for t in score.targets if t["id"] == entry.target_id)["actual"] is None

    monitoring.verify(demo.users["secretariat"], entry, "accepted", "Checked the new evidence too.")
    assert Target.objects.get(pk=entry.target_id).actual == entry.actual


def test_evidence_on_a_pending_entry_leaves_it_pending(demo, accepted, media):
    entry = ProgressEntry.objects.get(report__period=2, target_id=accepted.target_id)
    monitoring.add_evidence(demo.users["head"], entry, SimpleUploadedFile("more.pdf", PDF))
    entry.refresh_from_db()
    assert entry.verification == "pending"
    assert not AuditEvent.objects.for_object(entry).filter(action="progress_entry.reopened").exists()


# ---------------------------------------------------------------------------------------------
# 15 (partners). A partner counts only once confirmed


@pytest.fixture
def shared(demo):
    """The ministry's tree-planting target, shared with Machakos (the demo names it)."""
    return Target.objects.get(contract__institution=demo.water, contract__level="institution",
                              partner_institutions=demo.machakos)


def _dashboard(client, user, institution):
    client.force_login(user)
    return client.get(reverse("institution-dashboard", args=[institution.pk]), {"period": 2}).context["board"]


def test_a_lead_names_any_partner_but_only_the_partner_or_the_department_confirms(cycle, demo):
    target = cycle.first_target()
    targets.update_target(cycle.performer, target, partner_institutions=[demo.machakos, demo.outside])
    assert targets.confirmed_partner_ids(target) == set()
    users = demo.users
    for who in (cycle.performer, users["head"], users["secretariat"]):
        assert not targets.may_confirm_partner(who, target, demo.machakos)
        with pytest.raises(partners.NotAllowed):
            partners.confirm_partner(who, target, demo.machakos)
    assert targets.may_confirm_partner(users["head2"], target, demo.machakos)  # the partner's head
    assert targets.may_confirm_partner(users["perfdept"], target, demo.machakos)  # the department over both
    assert not targets.may_confirm_partner(users["perfdept"], target, demo.outside)  # not under it
    assert not targets.may_confirm_partner(users["head2"], target, demo.outside)
    partners.confirm_partner(users["perfdept"], target, demo.machakos)
    assert targets.confirmed_partner_ids(target) == {demo.machakos.pk}
    # Dropping the partner drops its confirmation; naming it again needs a new one.
    targets.update_target(cycle.performer, target, partner_institutions=[demo.outside])
    targets.update_target(cycle.performer, target, partner_institutions=[demo.machakos])
    assert targets.confirmed_partner_ids(target) == set()


def test_an_unconfirmed_partner_shows_nothing_on_the_leads_dashboard(demo, shared, client):
    head2 = demo.users["head2"]
    # The demo's partnership was confirmed by the department; the partner withdraws it.
    assert targets.confirmed_partner_ids(shared) == {demo.machakos.pk}
    partners.withdraw_partner(head2, shared, demo.machakos)
    board = _dashboard(client, demo.users["head"], demo.water)
    assert demo.machakos.pk not in board.partners
    assert not any(p["id"] == demo.machakos.pk for t in board.shared_targets for p in t["partners"])
    stored = ContractScore.objects.get(contract=shared.contract, period=2)
    assert all(not t["partners"] for t in stored.targets)

    # The partner sees the request on its page and confirms it there.
    client.force_login(head2)
    page = client.get(reverse("partner-requests")).content.decode()
    assert shared.description in page
    confirm = reverse("partner-answer", args=[shared.pk, demo.machakos.pk])
    assert confirm in page
    client.post(confirm, {"answer": "confirm"})
    assert PartnerConfirmation.objects.filter(target=shared, partner=demo.machakos).exists()
    board = _dashboard(client, demo.users["head"], demo.water)
    assert demo.machakos.pk in board.partners


def test_the_lead_cannot_confirm_through_the_page(demo, shared, client):
    partners.withdraw_partner(demo.users["perfdept"], shared, demo.machakos)
    client.force_login(demo.users["head"])
    assert reverse("partner-answer", args=[shared.pk, demo.machakos.pk]) not in client.get(
        reverse("partner-requests")).content.decode()
    response = client.post(reverse("partner-answer", args=[shared.pk, demo.machakos.pk]), {"answer": "confirm"})
    assert response.status_code in (403, 404)
    assert targets.confirmed_partner_ids(shared) == set()
