"""Reads whose SQL is built once (pmis.prepared) answer exactly what their querysets answer, and on
PostgreSQL are PREPAREd once per connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from contracts import selectors, workflow
from contracts.api.serializers import plan_targets, plan_targets_read
from contracts.models import PerformanceContract
from pmis.auth import ModelBackend
from pmis.models import Institution, RoleMembership
from pmis.prepared import compiled_sql, in_range, prepared
from pmis.tenancy import visible_object

FIELDS = ["id", "contract_id", "perspective_id", "indicator_id", "description", "weight", "target_value",
          "activities", "actual", "order", "lock_version", "perspective_name", "indicator_name"]


def test_the_prepared_reads_give_what_their_querysets_give(demo):
    contracts = list(PerformanceContract.objects.order_by("pk"))
    assert len({c.institution_id for c in contracts}) >= 2
    for name, user in demo.users.items():
        for model in (PerformanceContract, Institution):
            seen = set(model.objects.visible_to(user).values_list("pk", flat=True))
            for pk in model.objects.values_list("pk", flat=True):
                found = visible_object(model, user, pk)
                assert (found.pk if found else None) == (pk if pk in seen else None), (name, model)
        signed_in = ModelBackend().get_user(user.pk)
        assert signed_in == user and signed_in.unread_notifications_count == user.notifications.filter(
            read_at__isnull=True).count()
        roles = set(RoleMembership.objects.filter(user=user).values_list("institution_id", "role"))
        seen = set(PerformanceContract.objects.visible_to(user).values_list("pk", flat=True))
        for contract in contracts:  # the plan API's lookup: the same answer, with the roles that matter
            found = selectors.plan_contract(user, contract.pk)
            assert (found is not None) == (contract.pk in seen), name
            if found is not None and found.roles is not None:
                assert found.roles == {r for i, r in roles if i == contract.institution_id} & set(
                    workflow.PART_OF_ROLE), name
        for institution_id in {c.institution_id for c in contracts}:
            assert {r for (r,) in workflow._roles_in(user.pk, institution_id)} == \
                {r for i, r in roles if i == institution_id}, name
    for contract in contracts:
        expected = [[getattr(t, f) for f in FIELDS] for t in plan_targets(contract.pk)]
        assert [[getattr(t, f) for f in FIELDS] for t in plan_targets_read(contract.pk)] == expected
    assert any(contract.targets.exists() for contract in contracts)


def test_a_malformed_or_huge_id_finds_nothing(demo):
    user = demo.users["officer"]
    mine = PerformanceContract.objects.filter(performer=user).first()
    assert visible_object(PerformanceContract, user, str(mine.pk)) == mine
    for bad in ("abc", "", None, "1.5", str(2**63), "-" + str(2**63 + 1), "1\x00"):
        assert visible_object(PerformanceContract, user, bad) is None, bad
        assert ModelBackend().get_user(bad) is None
    assert in_range(str(2**63 - 1)) == 2**63 - 1 and in_range(2**63) is None


def test_the_token_lookup_and_an_unknown_or_inactive_token(demo, client):
    user = demo.users["officer"]
    token = Token.objects.create(user=user)
    mine = PerformanceContract.objects.filter(performer=user).first()
    url = f"/api/v1/contracts/{mine.pk}/plan/"
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}").json()["id"] == mine.pk
    refused = client.get(url, HTTP_AUTHORIZATION="Token " + "0" * 40)
    # 403 rather than 401: the first authentication class (the session's) sends no challenge (DRF).
    assert refused.status_code == 403 and refused.json()["detail"] == "Invalid token."
    user.is_active = False
    user.save(update_fields=["is_active"])
    inactive = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert inactive.status_code == 403 and inactive.json()["detail"] == "User inactive or deleted."


def test_an_argument_that_never_reaches_the_sql_is_refused(db):
    read = prepared(lambda contract_id, unused: PerformanceContract.objects.filter(pk=contract_id))
    with pytest.raises(ValueError, match=r"arguments \[1\] never reach the SQL"):
        read(1, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_on_postgresql_each_read_is_prepared_once_a_connection(demo, settings):
    contract = PerformanceContract.objects.filter(targets__isnull=False).first()
    name = plan_targets_read.statement_name

    def run():
        with CaptureQueriesContext(connection) as captured:
            found = list(plan_targets_read(contract.pk))
        return found, [q["sql"] for q in captured.captured_queries]

    expected = list(plan_targets(contract.pk))
    found, sql = run()
    assert [t.pk for t in found] == [t.pk for t in expected] and found[0].perspective_name == \
        expected[0].perspective_name
    executed = [f"EXECUTE {name}('', '', {contract.pk})"]  # the Coalesce defaults are parameters too
    assert sql == executed  # the PREPARE itself is not one of the read's queries
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        (statement,) = cursor.fetchone()
    assert statement.startswith(f"PREPARE {name} AS SELECT") and "$1" in statement
    assert statement.split(" AS ", 1)[1] == compiled_sql(plan_targets_read).replace("%s", "$1", 1).replace(
        "%s", "$2", 1).replace("%s", "$3", 1)
    assert run()[1] == executed  # not prepared again

    settings.PREPARED_STATEMENTS = False
    found, sql = run()
    assert [t.pk for t in found] == [t.pk for t in expected] and sql[0].startswith("SELECT")


def test_a_read_with_two_columns_of_one_name_is_refused(demo):
    """A join's ``id`` beside the model's would otherwise take its place in the instance."""
    contract = PerformanceContract.objects.first()
    read = prepared(lambda pk: PerformanceContract.objects.filter(pk=pk).select_related("financial_year"))
    with pytest.raises(ValueError, match="two columns of one name"):
        read(contract.pk)

