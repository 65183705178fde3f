"""The officer plan API: the contract with all its targets in one answer, a fixed number of queries
whatever the number of targets, and 404 across tenants."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import PerformanceContract
from tests.scorecards.test_dashboards import add_targets


def plan_of(demo):
    return PerformanceContract.objects.get(level="officer", officer=demo.officer, financial_year__is_current=True)


def test_the_plan_lists_every_target_in_order(demo, client):
    plan = plan_of(demo)
    client.force_login(demo.users["officer"])
    answer = client.get(reverse("api-contract-plan", args=[plan.pk]))
    assert answer.status_code == 200
    body = answer.json()
    expected = list(plan.targets.order_by("order", "pk").values_list("pk", flat=True))
    assert [t["id"] for t in body["targets"]] == expected and expected
    first = body["targets"][0]
    assert first["description"] and first["weight"] and "criteria_excellent" in first and "perspective_name" in first
    assert body["id"] == plan.pk and body["level"] == "officer" and isinstance(body["allowed_actions"], list)


def test_the_plan_answer_is_the_serializers_answer(demo):
    from django.test import RequestFactory
    from rest_framework.request import Request

    from contracts.api.serializers import PlanSerializer, plan_answer

    plan = plan_of(demo)
    plan.targets.update(baseline=None)  # a null decimal too
    for login in ("officer", "supervisor", "secretariat", "head"):
        user = demo.users[login]
        request = Request(RequestFactory().get("/"))
        request.user = user
        contract = PerformanceContract.objects.get(pk=plan.pk)
        assert plan_answer(contract, user) == PlanSerializer(contract, context={"request": request}).data, login


def test_queries_do_not_grow_with_targets(demo, client):
    plan = plan_of(demo)
    client.force_login(demo.users["officer"])
    url = reverse("api-contract-plan", args=[plan.pk])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(url)
    before = count()
    add_targets(plan, 200)
    after = count()
    assert len(client.get(url).json()["targets"]) == plan.targets.count() > 200
    assert after == before <= 7  # session, user, roles and institutions in sight, contract, targets


def test_another_institutions_plan_answers_404(demo, client):
    foreign = PerformanceContract.objects.filter(institution=demo.machakos, level="officer").first()
    client.force_login(demo.users["officer"])
    answer = client.get(reverse("api-contract-plan", args=[foreign.pk]))
    assert answer.status_code == 404 and "detail" in answer.json()


def test_the_plan_reads_outside_a_transaction_and_its_errors_leave_the_callers_alone(demo, client):
    plan = plan_of(demo)
    client.force_login(demo.users["officer"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("api-contract-plan", args=[plan.pk])).status_code == 200
    # Inside the test's transaction a request transaction would show as a savepoint.
    assert not [q for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("api-contract-detail", args=[plan.pk])).status_code == 200
    assert [q for q in captured.captured_queries if "SAVEPOINT" in q["sql"]]  # the rest of the API does

    foreign = PerformanceContract.objects.filter(institution=demo.machakos, level="officer").first()
    assert client.get(reverse("api-contract-plan", args=[foreign.pk])).status_code == 404
    assert not connection.needs_rollback  # the test's own transaction is still usable
    assert PerformanceContract.objects.filter(pk=plan.pk).exists()
