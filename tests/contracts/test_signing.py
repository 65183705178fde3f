"""Online signing: re-authentication, what a signature stores, the freeze after signing, and the
public verification page."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from contracts.cycle import content, signing, targets, workflow
from contracts.models import ContractFrozen, ContractVersion, PerformanceContract, Signature, Target
from pmis import twofactor
from pmis.models import AuditEvent, Institution
from tests.contracts.conftest import PASSWORD, carry, request_of, sign


def _nothing_recorded(plan, before_events):
    assert not Signature.objects.filter(contract=plan).exists()
    assert AuditEvent.objects.filter(action="contract.signature").count() == before_events
    assert PerformanceContract.objects.get(pk=plan.pk).status == "ready_to_sign"


def test_a_wrong_password_signs_nothing(cycle):
    plan = carry(cycle, "ready_to_sign")
    events = AuditEvent.objects.filter(action="contract.signature").count()
    with pytest.raises(signing.SigningError, match="not your password"):
        signing.sign(request_of(cycle.performer), plan, password="wrong")
    _nothing_recorded(plan, events)


def test_a_signatory_with_two_factor_needs_the_right_code(cycle):
    plan = carry(cycle, "ready_to_sign")
    supervisor = cycle.counterparty
    assert twofactor.requires_second_factor(supervisor)
    events = AuditEvent.objects.filter(action="contract.signature").count()
    for code in (None, "", "000000" if twofactor.current_code(supervisor) != "000000" else "111111"):
        with pytest.raises(signing.SigningError, match="code"):
            signing.sign(request_of(supervisor), plan, password=PASSWORD, code=code)
    _nothing_recorded(plan, events)
    signature = sign(supervisor, plan)
    assert signature.second_factor is True


def test_a_signatory_role_without_two_factor_is_told_to_enrol(cycle):
    plan = carry(cycle, "ready_to_sign")
    twofactor.reset(cycle.counterparty, by=cycle.admin)
    with pytest.raises(signing.SigningError, match="two-factor"):
        signing.sign(request_of(cycle.counterparty), plan, password=PASSWORD)
    assert not Signature.objects.filter(contract=plan).exists()


def test_a_signature_stores_who_what_when_where(cycle):
    plan = carry(cycle, "ready_to_sign")
    request = request_of(cycle.performer, agent="Mozilla/5.0 (Linux; Android 14)")
    signature = signing.sign(request, plan, password=PASSWORD)
    version = ContractVersion.objects.get(contract=plan, number=plan.version)
    assert signature.content_hash == version.content_hash == content.fingerprint(content.contract_content(plan))
    assert (signature.side, signature.role, signature.signer) == ("performer", "Officer", cycle.performer)
    assert signature.user_agent.startswith("Mozilla/5.0") and signature.signed_at is not None
    with pytest.raises(workflow.TransitionError, match="already signed"):
        signing.sign(request_of(cycle.performer), plan, password=PASSWORD)
    with pytest.raises(ContractFrozen):
        signature.save()


def test_someone_else_cannot_sign(cycle):
    plan = carry(cycle, "ready_to_sign")
    with pytest.raises(workflow.NotAllowed):
        signing.sign(request_of(cycle.secretariat), plan, password=PASSWORD)


# --- the freeze ------------------------------------------------------------------------------


@pytest.fixture
def signed(cycle):
    return carry(cycle, "in_force")


def test_signed_content_cannot_change_through_the_orm(signed, demo):
    target = Target.objects.filter(contract=signed).first()
    target.target_value += 1
    with pytest.raises(ContractFrozen):
        target.save()
    with pytest.raises(ContractFrozen):
        Target.objects.filter(contract=signed).update(weight=1)
    with pytest.raises(ContractFrozen):
        Target.objects.filter(pk=target.pk).delete()
    with pytest.raises(ContractFrozen), transaction.atomic():  # m2m writes share the caller's transaction
        Target.objects.get(pk=target.pk).partner_institutions.add(demo.machakos)
    with pytest.raises(ContractFrozen):
        Target.objects.create(contract=signed, institution_id=signed.institution_id, indicator=target.indicator,
                              description="Sneaked in", weight=1, target_value=1)
    signed.title = "Another title"
    with pytest.raises(ContractFrozen):
        signed.save()
    with pytest.raises(ContractFrozen):
        PerformanceContract.objects.filter(pk=signed.pk).update(title="Another")
    # The achieved value is not signed content: monitoring still records it.
    fresh = Target.objects.get(pk=target.pk)
    targets.record_actual(None, fresh, fresh.target_value)


def test_resetting_the_status_by_hand_does_not_unfreeze(signed):
    PerformanceContract.objects.filter(pk=signed.pk).update(status="draft")
    target = Target.objects.filter(contract=signed).first()
    target.weight = 1
    with pytest.raises(ContractFrozen):
        target.save()


def test_signed_content_cannot_change_through_the_views(signed, client, cycle):
    target = Target.objects.filter(contract=signed).first()
    client.force_login(cycle.performer)
    url = reverse("target-edit", args=[target.pk])
    assert b"only while it is a draft" in client.get(url).content
    response = client.post(url, {"description": "Changed", "weight": "1", "target_value": "1",
                                 "indicator": target.indicator_id, "direction": "higher"})
    assert response.status_code == 403
    response = client.post(reverse("target-delete", args=[target.pk]), follow=True)
    assert "is not possible while the contract is" in response.content.decode()  # says why, removes nothing
    assert Target.objects.get(pk=target.pk).description == target.description


def test_signed_content_cannot_change_through_the_admin(signed, client, cycle):
    target = Target.objects.filter(contract=signed).first()
    client.force_login(cycle.admin)
    url = reverse("admin:contracts_target_change", args=[target.pk])
    response = client.post(url, {"description": "Changed by admin", "weight": "1", "target_value": "1"})
    assert response.status_code in (302, 403) and "Changed" not in Target.objects.get(pk=target.pk).description
    assert client.post(reverse("admin:contracts_target_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:contracts_performancecontract_change", args=[signed.pk]),
                       {"title": "x"}).status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()


# --- verification ----------------------------------------------------------------------------


def test_the_verification_page_is_public_and_says_it_matches(signed, client):
    version = ContractVersion.objects.get(contract=signed)
    response = client.get(reverse("contract-verify", args=[version.verify_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-verdict="match"' in page and version.content_hash in page
    assert signed.institution.name in page and "Supervisor" in page and "Officer" in page
    assert client.get(reverse("contract-verify", args=["not-a-real-code"])).status_code == 404


def test_tampering_with_the_stored_rows_shows_on_the_verification_page(signed, client):
    version = ContractVersion.objects.get(contract=signed)
    target = Target.objects.filter(contract=signed).first()
    with connection.cursor() as cursor:  # behind the model layer's back, as an intruder with SQL would
        cursor.execute(f"UPDATE {Target._meta.db_table} SET target_value = target_value + 1 WHERE id = %s",
                       [target.pk])
    page = client.get(reverse("contract-verify", args=[version.verify_code])).content.decode()
    assert 'data-verdict="mismatch"' in page and "no longer matches" in page


def test_tampering_with_the_stored_version_shows_too(signed, client):
    version = ContractVersion.objects.get(contract=signed)
    tampered = version.content
    tampered["targets"][0]["weight"] = "99"
    ContractVersion.objects.filter(pk=version.pk).update(content=tampered)
    page = client.get(reverse("contract-verify", args=[version.verify_code])).content.decode()
    assert 'data-verdict="mismatch"' in page


def test_verification_codes_are_unguessable_and_unique(demo):
    codes = list(ContractVersion.objects.values_list("verify_code", flat=True))
    assert codes and all(len(c) >= 32 for c in codes) and len(set(codes)) == len(codes)


def test_the_demo_ministry_contract_is_signed_and_verifies(demo):
    ministry = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    assert ministry.status == "in_force"
    found = signing.verify(ContractVersion.objects.get(contract=ministry).verify_code)
    assert found.matches and {s.side for s in found.signatures} == {"performer", "counterparty"}
    assert Institution.objects.filter(pk=ministry.institution_id).exists()
