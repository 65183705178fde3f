"""Every API endpoint: the happy path, a permission denial and another tenant's id (404)."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from charters.models import Complaint
from contracts.cycle import vetting as cycle_vetting
from contracts.models import ContractDocument, NegotiationRound, PerformanceContract, Target, VettingCheck
from notifications.models import CycleDeadline, Notification
from pmis import twofactor
from scorecards.models import Indicator, Perspective, StrategicObjective


def list_urls():
    """Every paginated GET in the schema, as a path template."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        ref = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if ref.get("$ref", "").split("/")[-1].startswith("Paginated"):
            found.append(path.replace("{id}", "{contract}"))
    return found


def api(client, user):
    client.force_login(user)
    return client


def err(response, code):
    assert response.status_code == code, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    if code == 404:  # in the user's words, never a model's name
        assert body["detail"] == "Not found.", body
    return body


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_every_list_is_paginated_scoped_and_refuses_anonymous(demo, client):
    urls = list_urls()
    assert len(urls) >= 20
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    for url in urls:
        url = url.format(contract=contract.pk)
        assert client.get(url).status_code in (401, 403), url
        response = api(client, demo.users["head"]).get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert {"count", "next", "previous", "results"} <= set(body)
        institutions = {row["institution"] for row in body["results"] if "institution" in row}
        assert institutions <= {demo.water.pk, None}, url
        client.logout()


# ---------------------------------------------------------------------------------------------
# Contracts


def test_contracts_filter_and_scope(demo, client):
    c = api(client, demo.users["head2"])
    rows = c.get("/api/v1/contracts/").json()["results"]
    assert rows and {r["institution"] for r in rows} == {demo.machakos.pk}
    rows = c.get("/api/v1/contracts/", {"level": "officer", "status": "negotiation"}).json()["results"]
    assert [r["level"] for r in rows] == ["officer"]
    water = PerformanceContract.objects.filter(institution=demo.water).first()
    err(c.get(f"/api/v1/contracts/{water.pk}/"), 404)
    err(c.post(f"/api/v1/contracts/{water.pk}/submit/", {}), 404)


def test_contract_detail_lists_allowed_actions(demo, client):
    plan = PerformanceContract.objects.get(officer=demo.officer)
    body = api(client, demo.users["officer"]).get(f"/api/v1/contracts/{plan.pk}/").json()
    assert "edit_targets" in body["allowed_actions"] and "submit" in body["allowed_actions"]
    assert body["lock_version"] >= 1


def test_officer_opens_a_plan_once(demo, client):
    c = api(client, demo.users["officer"])
    body = err(c.post("/api/v1/contracts/", {}, content_type="application/json"), 400)
    assert "already have a plan" in body["detail"]


def test_transitions_call_the_workflow(demo, client):
    plan = PerformanceContract.objects.get(officer=demo.officer)
    # Not the performer: 403 in the error shape.
    err(api(client, demo.users["supervisor"]).post(f"/api/v1/contracts/{plan.pk}/submit/", {}), 403)
    # The performer with a stale lock_version: 409.
    err(api(client, demo.users["officer"]).post(
        f"/api/v1/contracts/{plan.pk}/submit/", {"lock_version": plan.lock_version + 5}), 409)
    # Wrong state: 400.
    in_force = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    err(api(client, demo.users["secretariat"]).post(f"/api/v1/contracts/{in_force.pk}/pass-review/", {}), 400)
    # A return needs a comment (400 with the field), and is for the secretariat only.
    err(api(client, demo.users["officer"]).post(f"/api/v1/contracts/{in_force.pk}/return/", {}), 403)


def _negotiated_directorate(client, demo):
    """Walk the water directorate contract from negotiation to ready-to-sign through the API."""
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    for proposal in NegotiationRound.objects.filter(contract=contract, state="open"):
        side = "head" if proposal.proposed_by.username == "director" else "director"
        response = api(client, demo.users[side]).post(f"/api/v1/negotiation-rounds/{proposal.pk}/accept/", {})
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "accepted"
    response = api(client, demo.users["head"]).post(f"/api/v1/contracts/{contract.pk}/conclude/", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "agreed"
    vetting = api(client, demo.users["vetting"])
    flagged = []
    for target in Target.objects.filter(contract=contract):
        url = f"/api/v1/targets/{target.pk}/vet/"
        if not cycle_vetting.flags(target):
            response = vetting.post(url, {"smart": True, "aligned": True})
            assert response.status_code == 200, response.content
            continue
        # The flagged target (151 negotiated, 150 in its description and "Very good"): passed only with
        # the committee's comment, as on the vetting form; refused with a 400 naming the comment otherwise.
        flagged.append(target.target_value)
        refused = err(vetting.post(url, {"smart": True, "aligned": True}), 400)
        assert "flagged" in refused["errors"]["comment"][0], refused
        assert not VettingCheck.objects.filter(target=target).exists()
        response = vetting.post(url, {"smart": True, "aligned": True, "comment": "151: the co-funded borehole."})
        assert response.status_code == 200 and response.json()["comment"] == "151: the co-funded borehole."
    assert flagged == [Decimal(151)]
    response = vetting.post(f"/api/v1/contracts/{contract.pk}/approve-vetting/", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready_to_sign"
    return contract


def test_the_cycle_through_the_api_to_signed(demo, client):
    contract = _negotiated_directorate(client, demo)
    versions = api(client, demo.users["director"]).get(f"/api/v1/contracts/{contract.pk}/versions/").json()
    assert versions["results"][-1]["content_hash"] and versions["results"][-1]["content"]["targets"]
    # A wrong password signs nothing.
    body = err(client.post(f"/api/v1/contracts/{contract.pk}/sign/", {"password": "nope", "code": "000000"}), 400)
    assert "password" in body["errors"]
    # Not a party: 403 before any secret is checked.
    err(api(client, demo.users["secretariat"]).post(f"/api/v1/contracts/{contract.pk}/sign/",
                                                    {"password": demo.password}), 403)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for login in ("director", "head"):
        user = demo.users[login]
        # The demo seed may have used this 30-second code already (replays are refused); start afresh.
        TOTPDevice.objects.filter(user=user).update(last_t=-1)
        response = api(client, user).post(f"/api/v1/contracts/{contract.pk}/sign/", {
            "password": demo.password, "code": twofactor.current_code(user) or ""})
        assert response.status_code == 201, response.content
    signatures = client.get(f"/api/v1/contracts/{contract.pk}/signatures/").json()["results"]
    assert {s["side"] for s in signatures} == {"performer", "counterparty"}
    contract.refresh_from_db()
    assert contract.status in ("signed", "in_force")
    assert client.post(f"/api/v1/contracts/{contract.pk}/signatures/", {}).status_code == 405


def test_vetting_and_rounds_refuse_the_wrong_people(demo, client):
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    target = Target.objects.filter(contract=contract).first()
    err(api(client, demo.users["officer"]).post(f"/api/v1/targets/{target.pk}/vet/",
                                                {"smart": True, "aligned": True}), 403)
    err(api(client, demo.users["vetting"]).post(f"/api/v1/targets/{target.pk}/vet/",
                                                {"smart": True, "aligned": True}), 400)  # not agreed yet
    proposal = NegotiationRound.objects.filter(contract=contract, state="open").first()
    err(api(client, proposal.proposed_by).post(f"/api/v1/negotiation-rounds/{proposal.pk}/accept/", {}), 403)
    err(api(client, demo.users["officer"]).post(f"/api/v1/negotiation-rounds/{proposal.pk}/withdraw/", {}), 403)
    outside = NegotiationRound.objects.filter(institution=demo.outside).first()
    err(api(client, demo.users["head"]).post(f"/api/v1/negotiation-rounds/{outside.pk}/accept/", {}), 404)


def test_propose_counter_and_withdraw(demo, client):
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    proposal = NegotiationRound.objects.filter(contract=contract, state="open").first()
    other = "head" if proposal.proposed_by.username == "director" else "director"
    response = api(client, demo.users[other]).post(
        f"/api/v1/negotiation-rounds/{proposal.pk}/counter/", {"weight": "7", "comment": "Meet halfway."})
    assert response.status_code == 201, response.content
    counter = response.json()
    assert counter["answers"] == proposal.pk and counter["changes"] == {"weight": "7.0000"}
    response = client.post(f"/api/v1/negotiation-rounds/{counter['id']}/withdraw/", {})
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    target = Target.objects.get(pk=counter["target"])
    response = client.post(f"/api/v1/targets/{target.pk}/propose/", {"comment": "No change"})
    err(response, 400)
    response = client.post(f"/api/v1/targets/{target.pk}/propose/", {"weight": "6", "comment": "Lower it."})
    assert response.status_code == 201, response.content


def test_comments(demo, client):
    contract = PerformanceContract.objects.get(institution=demo.water, level="unit")
    c = api(client, demo.users["director"])
    response = c.post(f"/api/v1/contracts/{contract.pk}/comments/", {"body": "Let us agree.", "stage": "negotiation"})
    assert response.status_code == 201, response.content
    assert c.get(f"/api/v1/contracts/{contract.pk}/comments/").json()["count"] >= 1
    err(api(client, demo.users["officer"]).post(f"/api/v1/contracts/{contract.pk}/comments/",
                                                {"body": "Hi", "stage": "negotiation"}), 403)
    outside = PerformanceContract.objects.get(institution=demo.outside)
    err(c.get(f"/api/v1/contracts/{outside.pk}/comments/"), 404)


def test_read_only_records(demo, client):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    c = api(client, demo.users["auditor"])
    for part in ("versions", "signatures", "vetting-checks", "transitions"):
        response = c.get(f"/api/v1/contracts/{contract.pk}/{part}/")
        assert response.status_code == 200 and response.json()["count"] >= 1, part
    version = c.get(f"/api/v1/contracts/{contract.pk}/versions/").json()["results"][0]
    assert len(version["content_hash"]) == 64 and version["content"]
    outside = PerformanceContract.objects.get(institution=demo.outside)
    err(c.get(f"/api/v1/contracts/{outside.pk}/versions/"), 404)


# ---------------------------------------------------------------------------------------------
# Targets with optimistic locking


def _target_payload(demo, plan):
    perspective = Perspective.objects.filter(financial_year=plan.financial_year).order_by("order").first()
    return {
        "contract": plan.pk, "perspective": perspective.pk,
        "indicator": Indicator.objects.filter(institution=plan.institution).order_by("pk").first().pk,
        "description": "Answer 50 letters", "unit": "letters",
        "direction": "higher", "target_value": "50", "weight": "5", "criteria_excellent": "60",
        "criteria_very_good": "50", "criteria_good": "40", "criteria_fair": "30", "criteria_poor": "20",
    }


def test_target_crud_with_lock_version(demo, client):
    plan = PerformanceContract.objects.get(officer=demo.officer)
    c = api(client, demo.users["officer"])
    response = c.post("/api/v1/targets/", _target_payload(demo, plan), content_type="application/json")
    assert response.status_code == 201, response.content
    target = response.json()
    assert target["lock_version"] == 1
    url = f"/api/v1/targets/{target['id']}/"
    err(c.patch(url, {"weight": "6"}, content_type="application/json"), 400)  # lock_version needed
    response = c.patch(url, {"weight": "6", "lock_version": 1}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["lock_version"] == 2 and Decimal(response.json()["weight"]) == 6
    stale = err(c.patch(url, {"weight": "7", "lock_version": 1}, content_type="application/json"), 409)
    assert "Someone else" in stale["detail"]
    err(c.delete(url + "?lock_version=1"), 409)
    err(api(client, demo.users["supervisor"]).delete(url + "?lock_version=2"), 403)
    assert api(client, demo.users["officer"]).delete(url + "?lock_version=2").status_code == 204
    assert not Target.objects.filter(pk=target["id"]).exists()


def test_targets_refuse_other_people_and_tenants(demo, client):
    plan = PerformanceContract.objects.get(officer=demo.officer)
    err(api(client, demo.users["supervisor"]).post("/api/v1/targets/", _target_payload(demo, plan),
                                                   content_type="application/json"), 403)
    # Another tenant's contract is not even a valid choice.
    body = err(api(client, demo.users["officer2"]).post("/api/v1/targets/", _target_payload(demo, plan),
                                                        content_type="application/json"), 400)
    assert "contract" in body["errors"]
    foreign = Target.objects.filter(institution=demo.outside).first()
    err(api(client, demo.users["officer"]).patch(f"/api/v1/targets/{foreign.pk}/", {"weight": "1", "lock_version": 1},
                                                 content_type="application/json"), 404)


# ---------------------------------------------------------------------------------------------
# Documents


def test_document_request_status_and_download(demo, client, settings):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    c = api(client, demo.users["head"])
    response = c.post(f"/api/v1/contracts/{contract.pk}/document/")
    assert response.status_code == 202, response.content
    document = response.json()
    assert c.get(f"/api/v1/contracts/{contract.pk}/document/").json()["id"] == document["id"]
    response = c.get(f"/api/v1/contract-documents/{document['id']}/download/")
    assert response.status_code == 200
    foreign = ContractDocument.objects.filter(institution=demo.outside).first()
    err(c.get(f"/api/v1/contract-documents/{foreign.pk}/download/"), 404)
    err(c.post(f"/api/v1/contracts/{foreign.contract_id}/document/"), 404)


# ---------------------------------------------------------------------------------------------
# Scorecard set-up, charters, complaints, notifications, deadlines


def test_indicators_and_objectives(demo, client):
    c = api(client, demo.users["secretariat"])
    response = c.post("/api/v1/indicators/", {"institution": demo.water.pk, "name": "Boreholes drilled via API",
                                              "measurement_type": "number", "unit": "boreholes"})
    assert response.status_code == 201, response.content
    assert Indicator.objects.filter(name="Boreholes drilled via API").exists()
    err(api(client, demo.users["officer"]).post("/api/v1/indicators/", {
        "institution": demo.water.pk, "name": "Nope", "measurement_type": "number"}), 403)
    c = api(client, demo.users["secretariat"])
    err(c.post("/api/v1/indicators/", {"institution": demo.outside.pk, "name": "X", "measurement_type": "number"}),
        400)
    perspective = Perspective.objects.filter(institution=demo.water).first()
    response = c.post("/api/v1/objectives/", {"perspective": perspective.pk, "name": "Serve faster"})
    assert response.status_code == 201, response.content
    err(api(client, demo.users["officer"]).post("/api/v1/objectives/", {"perspective": perspective.pk,
                                                                        "name": "No"}), 403)
    foreign = StrategicObjective.objects.filter(institution=demo.outside).first()
    err(c.get(f"/api/v1/objectives/{foreign.pk}/"), 404)
    assert c.get(f"/api/v1/perspectives/{perspective.pk}/").status_code == 200


def test_complaints_are_handled_through_the_service(demo, client):
    complaint = Complaint.objects.filter(institution=demo.water, status="received").first()
    url = f"/api/v1/complaints/{complaint.pk}/handle/"
    err(api(client, demo.users["officer"]).post(url, {"status": "in_progress"}), 403)
    c = api(client, demo.users["secretariat"])
    response = c.post(url, {"status": "assigned", "assigned_to": demo.users["officer"].pk},
                      content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"] == demo.users["officer"].pk
    err(c.post(url, {"status": "resolved"}), 400)  # a response is needed
    foreign = Complaint.objects.filter(institution=demo.outside).first()
    err(c.post(f"/api/v1/complaints/{foreign.pk}/handle/", {"status": "in_progress"}), 404)
    assert c.get("/api/v1/charters/").json()["count"] >= 1
    assert c.get("/api/v1/charter-services/").json()["count"] >= 1


def test_notifications_are_the_users_own(demo, client):
    mine = Notification.objects.create(user=demo.users["officer"], institution=demo.water, kind="t", title="Mine")
    theirs = Notification.objects.create(user=demo.users["head"], institution=demo.water, kind="t", title="Theirs")
    c = api(client, demo.users["officer"])
    assert [n["title"] for n in c.get("/api/v1/notifications/").json()["results"]] == ["Mine"]
    assert c.get("/api/v1/notifications/unread-count/").json() == {"count": 1}
    response = c.post("/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]},
                      content_type="application/json")
    assert response.json() == {"count": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert c.get("/api/v1/notifications/unread-count/").json() == {"count": 0}


def test_cycle_deadlines_are_scoped(demo, client):
    for institution in (demo.water, demo.outside):
        year = institution.financial_years.first()
        CycleDeadline.objects.create(institution=institution, financial_year=year, stage="submission",
                                     due_date=year.start_date)
    rows = api(client, demo.users["head"]).get("/api/v1/cycle-deadlines/").json()["results"]
    assert rows and {r["institution"] for r in rows} == {demo.water.pk}


@pytest.mark.parametrize("login", ["officer", "head2"])
def test_write_endpoints_refuse_anonymous(demo, client, login):
    api(client, demo.users[login])
    client.logout()  # a signed-out session is anonymous again
    plan = PerformanceContract.objects.get(officer=demo.officer)
    for url in (f"/api/v1/contracts/{plan.pk}/submit/", "/api/v1/targets/", "/api/v1/indicators/",
                "/api/v1/notifications/mark-read/"):
        assert client.post(url, {}).status_code in (401, 403)


def test_too_many_form_fields_answer_json_400(demo, client):
    c = api(client, demo.users["officer"])
    body = "&".join(f"ids={i}" for i in range(1, 1200))
    response = c.post("/api/v1/notifications/mark-read/", body, content_type="application/x-www-form-urlencoded")
    err(response, 400)
