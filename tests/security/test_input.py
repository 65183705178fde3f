"""Security model — what people and clients send.

Malformed input answers 400 with a message, never a server error: a ``lock_version`` that is not a
whole number on a contract transition or a target's removal (page and API), a ``target`` that is not
an id on a report entry or a comment (page and API).

Numbers are taken in the forms people type, by one function (``contracts.monitoring.parse_actual``)
that every way of entering an actual goes through: plain ASCII digits, an optional decimal point
and optional thousands separators as the user's language writes them (``1,250.5`` in English and
Kiswahili). Python's own readers would also take ``1_0`` (10), ``٣٣`` (Arabic-Indic 33) and
``1e3``; those are refused. An actual is never negative unless the target itself is agreed in
negative values (its target value, baseline or criteria values): there is no other notion of a
signed indicator, so a negative count, percentage or amount is refused.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from contracts import monitoring
from contracts.models import PerformanceContract, ProgressEntry, Target


@pytest.fixture
def plan(demo):
    return PerformanceContract.objects.get(officer=demo.officer)


def boreholes(contract):
    return Target.objects.get(contract=contract, description__startswith="Drill")


# ---------------------------------------------------------------------------------------------
# Malformed ids and versions: 400 with a message


@pytest.mark.parametrize("value", ["abc", "1.5", "١", "9" * 40])
def test_a_malformed_lock_version_on_a_transition_page_answers_400(demo, plan, client, value):
    client.force_login(demo.users["officer"])
    response = client.post(reverse("contract-transition", args=[plan.pk]),
                           {"action": "submit", "lock_version": value})
    assert response.status_code == 400
    assert "whole number" in response.content.decode()
    assert PerformanceContract.objects.get(pk=plan.pk).status == "draft"


def test_a_malformed_lock_version_on_the_api_answers_400(demo, plan, client):
    client.force_login(demo.users["officer"])
    response = client.post(f"/api/v1/contracts/{plan.pk}/submit/", {"lock_version": "abc"},
                           content_type="application/json")
    assert response.status_code == 400 and "lock_version" in response.json()["errors"]


def test_a_malformed_lock_version_on_a_target_removal_answers_400(demo, plan, client):
    target = Target.objects.filter(contract=plan).first()
    client.force_login(demo.users["officer"])
    response = client.post(reverse("target-delete", args=[target.pk]), {"lock_version": "abc"})
    assert response.status_code == 400 and "whole number" in response.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()
    api = client.delete(f"/api/v1/targets/{target.pk}/?lock_version=abc")
    assert api.status_code == 400


def test_the_workflow_refuses_a_malformed_lock_version_with_a_validation_error(demo, plan):
    from contracts.cycle import workflow

    with pytest.raises(ValidationError) as exc:
        workflow.submit(demo.users["officer"], plan, lock_version="abc")
    assert "lock_version" in exc.value.message_dict


def test_a_malformed_target_on_a_report_entry_answers_400(demo, q3, client):
    client.force_login(demo.users["head"])
    response = client.post(reverse("monitoring-entry-save", args=[q3.pk]), {"target": "abc", "actual": "5"})
    assert response.status_code == 400 and "target" in response.content.decode().lower()
    assert not ProgressEntry.objects.filter(report=q3).exists()
    api = client.get("/api/v1/progress-entries/", {"target": "abc"})
    assert api.status_code == 400 and "target" in api.json()["errors"]


def test_a_malformed_target_on_a_comment_answers_400(demo, plan, client):
    client.force_login(demo.users["officer"])
    response = client.post(reverse("contract-comment", args=[plan.pk]), {"target": "abc", "body": "Hello"})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------
# Numbers in the forms people type


@pytest.mark.parametrize("text, value", [
    ("210", Decimal(210)), ("1,250", Decimal(1250)), ("1,250.75", Decimal("1250.75")), ("0.5", Decimal("0.5")),
    (" 42 ", Decimal(42)), ("12345", Decimal(12345)), (Decimal(7), Decimal(7)), (3, Decimal(3)),
])
def test_numbers_people_type_are_read(demo, ministry, text, value):
    assert monitoring.parse_actual(text, boreholes(ministry)) == value


@pytest.mark.parametrize("text", ["-5", "1_0", "٣٣", "1e3", "NaN", "Infinity", "12,34", "1,2345", "1.2.3",
                                  "+5", "0x10", "5-", "", "   ", "1 000", "½", "１２"])
def test_other_forms_are_refused(demo, ministry, text):
    with pytest.raises(ValidationError) as exc:
        monitoring.parse_actual(text, boreholes(ministry))
    assert "actual" in exc.value.message_dict


def test_swahili_users_write_the_same_separators(demo, ministry):
    with translation.override("sw"):
        assert monitoring.parse_actual("1,250.5", boreholes(ministry)) == Decimal("1250.5")
        with pytest.raises(ValidationError):
            monitoring.parse_actual("1_0", boreholes(ministry))


@pytest.mark.parametrize("text", ["-5", "1_0", "٣٣"])
def test_the_report_page_refuses_them_and_saves_nothing(demo, q3, ministry, client, text):
    client.force_login(demo.users["head"])
    response = client.post(reverse("monitoring-entry-save", args=[q3.pk]),
                           {"target": boreholes(ministry).pk, "actual": text, "status": "off_track",
                            "explanation": "Rigs delayed.", "remedial_action": "Two more rigs."}, follow=True)
    assert response.status_code == 200
    assert not ProgressEntry.objects.filter(report=q3).exists()
    assert "number" in response.content.decode() or "negative" in response.content.decode()


@pytest.mark.parametrize("text", ["-5", "1_0", "٣٣"])
def test_the_one_writer_refuses_them(demo, q3, ministry, text):
    with pytest.raises(ValidationError):
        monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=text,
                                 explanation="Rigs delayed.", remedial_action="Two more rigs.")
    assert not ProgressEntry.objects.filter(report=q3).exists()


def test_a_negative_actual_is_refused_with_a_reason(demo, q3, ministry):
    with pytest.raises(ValidationError) as exc:
        monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual=Decimal(-5),
                                 explanation="Rigs delayed.", remedial_action="Two more rigs.")
    assert "negative" in " ".join(exc.value.message_dict["actual"])


def test_a_negative_actual_is_accepted_where_the_target_is_agreed_in_negative_values(demo, ministry):
    target = boreholes(ministry)
    target.target_value, target.baseline = Decimal(-2), Decimal(-5)
    assert monitoring.parse_actual("-1,250.5", target) == Decimal("-1250.5")


def test_budget_spent_follows_the_same_rule(demo, q3, ministry):
    with pytest.raises(ValidationError) as exc:
        monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual="210", budget_spent="1_000")
    assert "budget_spent" in exc.value.message_dict
    entry = monitoring.report_actual(demo.users["head"], q3, boreholes(ministry), actual="210",
                                     budget_spent="1,000,000")
    assert entry.actual == Decimal(210) and entry.budget_spent == Decimal(1_000_000)
