"""The contract list: its order (``models.LIST_ORDER``, read from an index through the copied
``year_start``), stable paging, a query count that does not grow with the data, and tenancy."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts import selectors
from contracts.cycle import targets
from contracts.models import LIST_ORDER, PerformanceContract
from pmis import org
from pmis.models import FinancialYear, Institution, Officer
from scorecards import setup


def list_key(c):
    return (-c.year_start.toordinal(), c.level, c.title, c.pk)


def make_plans(demo, year, n):
    """``n`` draft officer plans in ``year``, all titled alike."""
    admin = demo.users["admin"]
    officers = Officer.objects.filter(institution=demo.water).select_related("user").order_by("pk")[:n]
    return [targets.create_contract(admin, financial_year=year, level="officer", title="Plan",
                                    performer=o.user, officer=o) for o in officers]


def new_year(demo, offset=1):
    """A later year for the water institution, with its scoring set-up."""
    admin = demo.users["admin"]
    last = FinancialYear.objects.filter(institution=demo.water).order_by("-start_date").first()
    year = org.open_financial_year(admin, demo.water, last.start_date.year + offset, make_current=False)
    setup.seed_defaults(admin, demo.water, year)
    return year


def test_a_new_contract_carries_its_years_start(demo):
    year = new_year(demo)
    plans = make_plans(demo, year, 2)
    assert plans and all(p.year_start == year.start_date for p in plans)
    assert set(PerformanceContract.objects.filter(financial_year=year).values_list("year_start", flat=True)) == {
        year.start_date}


def test_a_contract_moved_to_another_year_takes_its_start(demo):
    year, other = new_year(demo), new_year(demo, 2)
    plan = make_plans(demo, year, 1)[0]
    plan = PerformanceContract.objects.get(pk=plan.pk)  # as a page would load it
    plan.financial_year = other
    plan.save()
    assert PerformanceContract.objects.get(pk=plan.pk).year_start == other.start_date
    plan.financial_year = year
    plan.save(update_fields=["financial_year"])
    assert PerformanceContract.objects.get(pk=plan.pk).year_start == year.start_date


def test_an_unchanged_contract_saves_without_reading_its_year(demo):
    plan = PerformanceContract.objects.filter(status="draft").first()
    plan = PerformanceContract.objects.get(pk=plan.pk)
    with CaptureQueriesContext(connection) as queries:
        plan.save()
    assert not any(FinancialYear._meta.db_table in q["sql"] for q in queries.captured_queries)


def test_a_years_new_start_date_reaches_its_contracts_signed_or_not(demo):
    year = FinancialYear.objects.filter(contracts__status="in_force").first()
    assert year.contracts.exists()
    year.start_date -= datetime.timedelta(days=1)
    year.save()
    assert set(year.contracts.values_list("year_start", flat=True)) == {year.start_date}


def test_the_list_order_is_one_definition():
    assert PerformanceContract._meta.ordering == LIST_ORDER
    assert list(selectors.contracts().query.get_meta().ordering) == LIST_ORDER


@pytest.mark.parametrize("login", ["admin", "perfdept", "head"])
def test_pages_follow_the_list_order_without_gaps_or_repeats(demo, login):
    year = new_year(demo)
    make_plans(demo, year, 4)  # equal year, level and title: only the id tells them apart
    user = demo.users[login]
    found = selectors.contract_list(user)
    seen = [c for n in Paginator(found, 3).page_range for c in Paginator(found, 3).page(n).object_list]
    assert [c.pk for c in seen] == [c.pk for c in sorted(seen, key=list_key)]
    expected = PerformanceContract.objects.filter(institution__in=Institution.objects.visible_to(user))
    assert sorted(c.pk for c in seen) == sorted(expected.values_list("pk", flat=True))
    assert len({c.pk for c in seen}) == len(seen)


def test_the_list_page_shows_only_the_users_institutions_in_order(demo, client):
    client.force_login(demo.users["head2"])
    page = client.get(reverse("contract-list"))
    rows = list(page.context["page"].object_list)
    assert rows and {c.institution_id for c in rows} == {demo.machakos.pk}
    assert rows == sorted(rows, key=list_key)
    assert not PerformanceContract.objects.filter(institution=demo.outside, pk__in=[c.pk for c in rows]).exists()


def test_the_api_list_is_in_the_list_order_and_scoped(demo, client):
    client.force_login(demo.users["head2"])
    ids = [row["id"] for row in client.get("/api/v1/contracts/").json()["results"]]
    expected = PerformanceContract.objects.filter(institution=demo.machakos).order_by(*LIST_ORDER)
    assert ids == list(expected.values_list("pk", flat=True))[: len(ids)] and ids


@pytest.mark.parametrize("login", ["perfdept", "head"])
def test_the_list_pages_query_count_does_not_grow_with_the_data(demo, client, login):
    client.force_login(demo.users[login])
    url = reverse("contract-list")
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    make_plans(demo, new_year(demo), 4)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)
