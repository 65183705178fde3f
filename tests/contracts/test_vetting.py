"""Vetting on one form (contracts.cycle.vetting and its page): the flags the committee sees before
passing a target, every finding saved at once (a draft keeps what can be kept), approval and return
from the same form, the inconsistent demo target, scoping, and a write path whose queries do not
grow with the number of targets."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.cycle import negotiation, vetting, workflow
from contracts.models import NegotiationRound, PerformanceContract, Target, VettingCheck
from pmis import access
from scorecards.models import ContractLevel
from tests.contracts.conftest import carry
from tests.scorecards.test_dashboards import add_targets

D = Decimal


def target(**values):
    base = {"description": "Drill 150 boreholes", "direction": "higher", "target_value": D(150),
            "criteria_excellent": D(165), "criteria_very_good": D(150), "criteria_good": D(135),
            "criteria_fair": D(120), "criteria_poor": D(105)}
    return Target(**(base | values))


def test_a_consistent_target_has_no_flags():
    assert vetting.flags(target()) == []
    assert vetting.flags(target(description="Resolve complaints within 14 days", target_value=D(85),
                                criteria_excellent=D(90), criteria_very_good=D(85), criteria_good=D(80),
                                criteria_fair=D(75), criteria_poor=D(70))) == []
    assert vetting.flags(target(description="Plant 2 million seedlings", target_value=D(2_000_000),
                                criteria_excellent=None, criteria_very_good=None, criteria_good=None,
                                criteria_fair=None, criteria_poor=None)) == []
    lower = target(description="Analyse samples within 5 days", direction="lower", target_value=D(5),
                   criteria_excellent=D(4), criteria_very_good=D(5), criteria_good=D(6), criteria_fair=D(7),
                   criteria_poor=D(8))
    assert vetting.flags(lower) == []


def test_each_inconsistency_is_flagged():
    moved = vetting.flags(target(target_value=D(151)))
    assert any("“Very good” criterion is 150" in f and "151" in f for f in moved), moved
    assert any("description says 150" in f for f in moved), moved
    assert not any("bracket" in f for f in moved)  # 151 still lies between poor and excellent

    outside = vetting.flags(target(target_value=D(170), description="Drill 170 boreholes"))
    assert any("do not bracket the target 170" in f for f in outside), outside

    wrong_way = vetting.flags(target(direction="lower"))
    assert any("less is better" in f for f in wrong_way), wrong_way
    assert any("more is better" in f for f in vetting.flags(target(criteria_good=D(155))))


def test_the_demo_target_negotiated_to_151_is_flagged(demo):
    director, head = demo.users["director"], demo.users["head"]
    contract = PerformanceContract.objects.get(level=ContractLevel.UNIT, performer=director)
    proposal = NegotiationRound.objects.get(target__contract=contract, state="open")
    negotiation.accept(director, proposal, "")
    workflow.conclude_negotiation(head, contract)
    contract.refresh_from_db()
    _targets, rows = vetting.rows(contract)
    flagged = [row for row in rows if row["flags"]]
    assert [row["target"].target_value for row in flagged] == [D(151)]
    assert "150 boreholes" in flagged[0]["target"].description
    assert len(flagged[0]["flags"]) == 2


@pytest.fixture
def agreed(cycle):
    return carry(cycle, "agreed")


def findings(plan, **overrides):
    rows = {t.pk: {"smart": True, "aligned": True, "comment": ""} for t in Target.objects.filter(contract=plan)}
    for pk, row in overrides.items():
        rows[int(pk)] = row
    return rows


def test_a_draft_keeps_every_finding_it_can_and_reports_the_others(cycle, agreed):
    first, *others = Target.objects.filter(contract=agreed).order_by("order", "pk")
    values = findings(agreed) | {first.pk: {"smart": True, "aligned": False, "comment": ""}}
    saved = vetting.save_findings(cycle.vetting, agreed, values)
    assert set(saved.errors) == {first.pk} and saved.written == len(others)
    assert set(VettingCheck.objects.filter(contract=agreed).values_list("target_id", flat=True)) == {
        t.pk for t in others}
    # Saving the same again writes nothing; a blank row with no finding is skipped.
    again = vetting.save_findings(cycle.vetting, agreed, findings(agreed) | {first.pk: {"comment": ""}})
    assert again.ok and again.written == 0


def test_a_flagged_target_passes_only_with_a_comment(cycle, agreed):
    first = Target.objects.filter(contract=agreed).order_by("order", "pk").first()
    Target.objects.filter(pk=first.pk).update(description="Write 99 reports")  # the target says otherwise
    saved = vetting.save_findings(cycle.vetting, agreed, findings(agreed))
    assert set(saved.errors) == {first.pk} and "flagged" in saved.errors[first.pk]
    saved = vetting.save_findings(cycle.vetting, agreed, findings(
        agreed, **{str(first.pk): {"smart": True, "aligned": True, "comment": "99 is last year's figure."}}))
    assert saved.ok
    workflow.approve_vetting(cycle.vetting, agreed)
    assert PerformanceContract.objects.get(pk=agreed.pk).status == "ready_to_sign"


def test_the_single_target_step_keeps_the_same_rule(cycle, agreed, client):
    """``workflow.vet_target`` (the API's and the target page's step) asks the form's one rule
    (``vetting.finding_problem``): a flagged target passed without a comment is refused, nothing recorded."""
    first = Target.objects.filter(contract=agreed).order_by("order", "pk").first()
    Target.objects.filter(pk=first.pk).update(description="Write 99 reports")
    with pytest.raises(ValidationError) as refused:
        workflow.vet_target(cycle.vetting, first, smart=True, aligned=True)
    assert "flagged" in refused.value.message_dict["comment"][0]
    assert not VettingCheck.objects.filter(target=first).exists()
    # The target page's form posts to the same step: refused, said on the page, nothing recorded.
    client.force_login(cycle.vetting)
    response = client.post(reverse("target-vet", args=[first.pk]), {"smart": "on", "aligned": "on", "comment": ""},
                           follow=True)
    assert "flagged" in response.content.decode() and not VettingCheck.objects.filter(target=first).exists()
    response = client.post(reverse("target-vet", args=[first.pk]),
                           {"smart": "on", "aligned": "on", "comment": "99 is last year's figure."})
    assert response.status_code == 302
    assert VettingCheck.objects.get(target=first).comment == "99 is last year's figure."
    # A clean target still passes without a comment.
    other = Target.objects.filter(contract=agreed).exclude(pk=first.pk).first()
    assert vetting.flags(other) == [] and workflow.vet_target(cycle.vetting, other, smart=True, aligned=True).passed


def form(plan, action, rows=None):
    rows = rows or {}
    data = {"action": action, "lock_version": plan.lock_version}
    for t in Target.objects.filter(contract=plan):
        row = rows.get(t.pk, {"smart": True, "aligned": True, "comment": ""})
        data[f"comment-{t.pk}"] = row["comment"]
        for name in ("smart", "aligned"):
            if row[name]:
                data[f"{name}-{t.pk}"] = "on"
    return data


def test_the_page_saves_and_approves_in_one_post(cycle, agreed, client):
    url = reverse("contract-vetting", args=[agreed.pk])
    client.force_login(cycle.vetting)
    page = client.get(url)
    assert page.status_code == 200 and b"Save and approve" in page.content
    assert url.encode() in client.get(reverse("contract-detail", args=[agreed.pk])).content
    response = client.post(url, form(agreed, "approve"))
    assert response.status_code == 302 and response["Location"] == agreed.get_absolute_url()
    assert PerformanceContract.objects.get(pk=agreed.pk).status == "ready_to_sign"
    assert VettingCheck.objects.filter(contract=agreed, smart=True, aligned=True).count() == \
        Target.objects.filter(contract=agreed).count()


def test_an_error_comes_back_with_what_was_typed_and_approves_nothing(cycle, agreed, client):
    first = Target.objects.filter(contract=agreed).order_by("order", "pk").first()
    client.force_login(cycle.vetting)
    url = reverse("contract-vetting", args=[agreed.pk])
    response = client.post(url, form(agreed, "approve", {first.pk: {"smart": False, "aligned": True, "comment": ""}}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="vetting-errors"' in html and "data-focus-on-load" in html
    assert f'data-error-for="{first.pk}"' in html
    assert PerformanceContract.objects.get(pk=agreed.pk).status == "agreed"
    # The other findings were kept, as a draft would keep them.
    assert VettingCheck.objects.filter(contract=agreed).count() == Target.objects.filter(contract=agreed).count() - 1


def test_return_needs_the_committees_comment_and_keeps_the_findings(cycle, agreed, client):
    first = Target.objects.filter(contract=agreed).order_by("order", "pk").first()
    client.force_login(cycle.vetting)
    url = reverse("contract-vetting", args=[agreed.pk])
    rows = {first.pk: {"smart": False, "aligned": True, "comment": "Not measurable as written."}}
    assert client.post(url, form(agreed, "return", rows)).status_code == 400
    assert PerformanceContract.objects.get(pk=agreed.pk).status == "agreed"
    data = form(agreed, "return", rows) | {"comment": "Fix the first target."}
    assert client.post(url, data).status_code == 302
    assert PerformanceContract.objects.get(pk=agreed.pk).status == "negotiation"
    assert VettingCheck.objects.get(target=first).comment == "Not measurable as written."


def test_only_the_committee_saves_and_another_institution_gets_404(cycle, agreed, client, demo):
    url = reverse("contract-vetting", args=[agreed.pk])
    client.force_login(cycle.performer)
    page = client.get(url)
    assert page.status_code == 200 and b"Save and approve" not in page.content
    assert client.post(url, form(agreed, "approve")).status_code == 403
    assert not VettingCheck.objects.filter(contract=agreed).exists()
    client.force_login(demo.users["head2"])
    assert client.get(url).status_code == 404
    assert client.post(url, form(agreed, "approve")).status_code == 404
    client.force_login(cycle.vetting)
    assert client.post(url, form(agreed, "approve") | {"lock_version": "x"}).status_code == 400
    assert client.post(url, form(agreed, "nonsense")).status_code == 400


def queries(step):
    with access.kept(), CaptureQueriesContext(connection) as captured:
        step()
    return len(captured)


SAVE_FINDINGS_MAX = 25


def test_saving_every_finding_is_bounded_whatever_the_number_of_targets(cycle):
    plan = carry(cycle, "agreed")
    few = queries(lambda: vetting.save_findings(cycle.vetting, plan, findings(plan)))
    VettingCheck.objects.filter(contract=plan).delete()
    add_targets(plan, 60 - Target.objects.filter(contract=plan).count())
    Target.objects.filter(contract=plan, description__startswith="Extra").update(description="One more target")
    many = queries(lambda: vetting.save_findings(cycle.vetting, plan, findings(plan)))
    assert VettingCheck.objects.filter(contract=plan).count() == 60
    assert many == few <= SAVE_FINDINGS_MAX, (few, many)


def test_the_vetting_page_is_bounded_whatever_the_number_of_targets(cycle, client, django_assert_max_num_queries):
    plan = carry(cycle, "agreed")
    add_targets(plan, 60)
    client.force_login(cycle.vetting)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("contract-vetting", args=[plan.pk])).status_code == 200
