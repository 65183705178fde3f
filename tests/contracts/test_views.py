"""The contracting cycle driven through the pages with the test client, as its users would."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from contracts.cycle import vetting as vetting_rules
from contracts.models import ContractVersion, NegotiationRound, PerformanceContract, Signature, Target
from pmis import twofactor
from tests.contracts.conftest import PASSWORD, carry


def post(client, user, url, data=None, **kwargs):
    client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def form_data(form, **changes):
    """What the browser would send back for ``form`` as rendered, with ``changes``."""
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items() if not isinstance(v, list)}
    return data | changes


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_plan_goes_from_draft_to_in_force_through_the_pages(cycle, client):
    plan = cycle.plan
    detail = reverse("contract-detail", args=[plan.pk])
    transition = reverse("contract-transition", args=[plan.pk])
    target = cycle.first_target()

    # The officer edits a target and submits the plan.
    client.force_login(cycle.performer)
    page = client.get(detail)
    assert page.status_code == 200 and b"Submit for pre-negotiation review" in page.content
    form = client.get(reverse("target-edit", args=[target.pk])).context["form"]
    data = form_data(form, description="Write 12 hydrogeological survey reports, peer reviewed",
                     activities="Field work\nDraft")
    response = client.post(reverse("target-edit", args=[target.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Target.objects.get(pk=target.pk).description.endswith("peer reviewed")
    response = post(client, cycle.performer, transition, {"action": "submit", "lock_version": plan.lock_version},
                    follow=True)
    assert "submitted for pre-negotiation review" in " ".join(messages_of(response)).lower()

    # The secretariat comments on a target and passes the plan to negotiation.
    post(client, cycle.secretariat, reverse("contract-comment", args=[plan.pk]),
         {"target": target.pk, "stage": "pre_negotiation", "body": "Cite the survey programme."})
    plan.refresh_from_db()
    post(client, cycle.secretariat, transition, {"action": "pass_review", "lock_version": plan.lock_version})

    # The supervisor proposes a change; the officer accepts it.
    client.force_login(cycle.counterparty)
    propose = reverse("target-propose", args=[target.pk])
    form = client.get(propose).context["form"]
    data = form_data(form, target_value=str(target.target_value + 2), comment="Two more surveys are funded.")
    assert client.post(propose, data).status_code == 302
    proposal = NegotiationRound.objects.get(target=target, state="open")
    post(client, cycle.performer, reverse("round-answer", args=[proposal.pk]), {"decision": "accept"})
    assert Target.objects.get(pk=target.pk).target_value == target.target_value + 2
    plan.refresh_from_db()
    post(client, cycle.counterparty, transition, {"action": "conclude_negotiation", "lock_version": plan.lock_version})

    # The vetting committee checks each target and approves; the one negotiated up is flagged (its
    # description and "Very good" still say the old value) and passes with the committee's comment.
    for t in Target.objects.filter(contract=plan):
        post(client, cycle.vetting, reverse("target-vet", args=[t.pk]),
             {"smart": "on", "aligned": "on", "comment": "Passes as negotiated." if vetting_rules.flags(t) else ""})
    plan.refresh_from_db()
    post(client, cycle.vetting, transition, {"action": "approve_vetting", "lock_version": plan.lock_version})
    plan.refresh_from_db()
    assert plan.status == "ready_to_sign"
    version = ContractVersion.objects.get(contract=plan)

    # Both sign on the signing page, which shows exactly what is signed.
    sign_url = reverse("contract-sign", args=[plan.pk])
    client.force_login(cycle.performer)
    page = client.get(sign_url)
    assert version.content_hash in page.content.decode()
    assert "peer reviewed" in page.content.decode()  # the edited target, as vetted
    response = client.post(sign_url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and "not your password" in response.content.decode()
    assert not Signature.objects.filter(contract=plan).exists()
    assert client.post(sign_url, {"password": PASSWORD, "confirm": "on"}).status_code == 302
    client.force_login(cycle.counterparty)
    response = client.post(sign_url, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400 and "code" in response.content.decode()  # a signatory needs 2FA
    TOTPDevice.objects.filter(user=cycle.counterparty).update(last_t=-1)  # (a code is good once)
    response = client.post(sign_url, {"password": PASSWORD, "confirm": "on",
                                      "code": twofactor.current_code(cycle.counterparty)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "in_force"

    # Anyone can verify it, without logging in.
    client.logout()
    page = client.get(reverse("contract-verify", args=[version.verify_code]))
    assert page.status_code == 200 and b'data-verdict="match"' in page.content


def test_the_wrong_person_is_refused_by_the_server(cycle, client):
    transition = reverse("contract-transition", args=[cycle.plan.pk])
    assert post(client, cycle.bystander, transition, {"action": "submit"}).status_code == 403
    assert post(client, cycle.counterparty, reverse("target-edit", args=[cycle.first_target().pk]),
                {"description": "x"}).status_code == 403
    assert PerformanceContract.objects.get(pk=cycle.plan.pk).status == "draft"


def test_a_stale_target_edit_answers_409_and_keeps_what_was_typed(cycle, client):
    target = cycle.first_target()
    url = reverse("target-edit", args=[target.pk])
    client.force_login(cycle.performer)
    form = client.get(url).context["form"]
    first = form_data(form, description="First editor's words")
    second = form_data(form, description="Second editor's words")
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)  # still carries the old lock_version
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this target" in page and "Second editor&#x27;s words" in page
    assert Target.objects.get(pk=target.pk).description == "First editor's words"


def test_bad_input_says_what_is_wrong_and_saves_nothing(cycle, client):
    client.force_login(cycle.performer)
    before = Target.objects.filter(contract=cycle.plan).count()
    response = client.post(reverse("contract-target-new", args=[cycle.plan.pk]),
                           {"description": "", "weight": "abc", "target_value": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "weight" in errors and "description" in errors and "indicator" in errors
    assert Target.objects.filter(contract=cycle.plan).count() == before


def test_an_officer_starts_a_plan_from_the_list(demo, client):
    PerformanceContract.objects.filter(officer=demo.officer).update(status="draft")
    plan = PerformanceContract.objects.get(officer=demo.officer)
    Target.objects.filter(contract=plan).delete()
    plan.delete()
    client.force_login(demo.users["officer"])
    page = client.get(reverse("contract-list"))
    assert b"Start my annual plan" in page.content
    response = client.post(reverse("contract-start-plan"))
    plan = PerformanceContract.objects.get(officer=demo.officer)
    assert response["Location"] == reverse("contract-detail", args=[plan.pk])
    assert plan.counterparty == demo.users["supervisor"] and plan.status == "draft"
    assert b"Start my annual plan" not in client.get(reverse("contract-list")).content


def test_amendment_makes_a_new_version_and_the_diff_shows_the_change(cycle, client):
    plan = carry(cycle, "in_force")
    from contracts.cycle import negotiation, workflow
    from tests.contracts.conftest import sign

    workflow.amend(cycle.counterparty, plan, "Mid-year review: budget cut.")
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (2, "negotiation")
    target = cycle.first_target()
    proposal = workflow.propose(cycle.counterparty, target, {"target_value": Decimal(6)}, "Halve it.")
    negotiation.accept(cycle.performer, proposal)
    workflow.conclude_negotiation(cycle.counterparty, plan)
    for t in Target.objects.filter(contract=plan):
        workflow.vet_target(cycle.vetting, t, smart=True, aligned=True,
                            comment="Passes as negotiated." if vetting_rules.flags(t) else "")
    workflow.approve_vetting(cycle.vetting, plan)
    for user in (cycle.performer, cycle.counterparty):
        sign(user, plan)
    plan.refresh_from_db()
    assert plan.status == "in_force"
    v1, v2 = ContractVersion.objects.filter(contract=plan).order_by("number")
    assert v2.amendment_reason == "Mid-year review: budget cut." and v1.content_hash != v2.content_hash

    client.force_login(cycle.performer)
    page = client.get(reverse("contract-versions", args=[plan.pk]), {"a": 1, "b": 2}).content.decode()
    assert target.description in page and "<ins>6</ins>" in page
    # The first version's verification page still vouches for what was signed then.
    old = client.get(reverse("contract-verify", args=[v1.verify_code])).content.decode()
    assert 'data-verdict="match"' in old and "has since been amended" in old


@pytest.mark.parametrize("extra", [0, 40])
def test_the_contract_page_issues_a_bounded_number_of_queries(cycle, client, django_assert_max_num_queries, extra):
    plan = carry(cycle, "negotiation")
    target = cycle.first_target()
    Target.objects.bulk_create([
        Target(contract=plan, institution_id=plan.institution_id, indicator=target.indicator,
               perspective=target.perspective, description=f"Extra {i}", weight=Decimal(0), target_value=1)
        for i in range(extra)
    ])
    client.force_login(cycle.counterparty)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("contract-detail", args=[plan.pk])).status_code == 200
