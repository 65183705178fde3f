"""Coverage figures: N of M officers with a plan, a signed plan, the quarter's report; who has not."""

import pytest

from contracts import coverage
from contracts.models import PerformanceContract
from contracts.monitoring.rules import current_period
from pmis import access, org
from pmis.models import FinancialYear, Officer, OrgUnit

pytestmark = pytest.mark.django_db


def _year(institution):
    return FinancialYear.objects.get(institution=institution, is_current=True)


def test_demo_ministry_has_two_plans_of_twenty_five(demo, django_assert_num_queries):
    year = _year(demo.water)
    with django_assert_num_queries(1):
        found = coverage.coverage(demo.water.pk, year.pk, current_period(year))
    assert (found.planned, found.officers) == (2, 25)
    missing = list(coverage.missing(demo.water.pk, year.pk, current_period(year), coverage.PLAN))
    planned = set(PerformanceContract.objects.filter(financial_year=year, level="officer").values_list(
        "officer_id", flat=True))
    assert len(missing) == 23
    assert {o.pk for o in missing} == set(Officer.objects.filter(institution=demo.water).exclude(
        pk__in=planned).values_list("pk", flat=True))
    assert all(o.plan_status is None for o in missing)


def test_signed_and_reported_count_only_what_is_signed_and_submitted(demo):
    year = _year(demo.water)
    plan = PerformanceContract.objects.get(financial_year=year, officer=demo.officer)
    found = coverage.coverage(demo.water.pk, year.pk, 1)
    assert plan.status == "draft"
    signed = PerformanceContract.objects.filter(financial_year=year, level="officer", status__in=(
        "signed", "in_force", "closed")).count()
    assert found.signed == signed
    assert found.missing(coverage.SIGNED) == 25 - signed
    # The drafted plan is among those missing a signed plan, with its status.
    missing = {o.pk: o.plan_status for o in coverage.missing(demo.water.pk, year.pk, 1, coverage.SIGNED)}
    assert missing[demo.officer.pk] == "draft"
    PerformanceContract.objects.filter(pk=plan.pk).update(status="signed")
    assert coverage.coverage(demo.water.pk, year.pk, 1).signed == signed + 1


def test_a_unit_counts_its_officers_and_those_below(demo):
    year = _year(demo.water)
    unit = demo.officer.org_unit
    top = OrgUnit.objects.filter(institution=demo.water, path=unit.path[:OrgUnit.steplen]).get()
    under_top = Officer.objects.filter(institution=demo.water, org_unit__path__startswith=top.path).count()
    assert coverage.coverage(demo.water.pk, year.pk, 1, top).officers == under_top
    rows = coverage.by_unit(demo.water.pk, year.pk, 1)
    assert coverage.total(rows) == coverage.coverage(demo.water.pk, year.pk, 1)
    by_unit = dict(rows)
    assert sum(c.officers for c in by_unit.values()) == 25
    assert by_unit[unit.pk].planned >= 1


@pytest.mark.parametrize("extra", [0, 30])
def test_one_statement_per_figure_set_whatever_the_officers(demo, extra, django_assert_num_queries):
    unit = demo.officer.org_unit
    for i in range(extra):
        user, _ = org.ensure_user(f"coverage-extra-{i}", password="pmis-demo")
        Officer.objects.create(user=user, institution=demo.water, personal_number=f"CX{i}", designation="Clerk",
                               org_unit=unit)
    year = _year(demo.water)
    with django_assert_num_queries(3):
        found = coverage.coverage(demo.water.pk, year.pk, 1)
        coverage.by_unit(demo.water.pk, year.pk, 1)
        list(coverage.missing(demo.water.pk, year.pk, 1, coverage.REPORTED)[:25])
    assert found.officers == 25 + extra


def test_who_may_see_coverage(demo):
    users = demo.users
    assert coverage.may_see_coverage(users["perfdept"], demo.water)  # the oversight body
    assert coverage.may_see_coverage(users["secretariat"], demo.water)  # the performance officer
    assert coverage.may_see_coverage(users["head"], demo.water)
    assert not coverage.may_see_coverage(users["head2"], demo.water)  # another institution's head
    assert not coverage.may_see_coverage(users["officer"], demo.water)
    assert not coverage.may_see_coverage(users["auditor"], demo.water)
    assert not coverage.may_see_coverage(users["director"], demo.water)  # the whole: not theirs
    directed = [u for u in OrgUnit.objects.filter(institution=demo.water) if coverage.may_see_coverage(
        users["director"], demo.water, u)]
    assert directed and all(coverage.may_remind(users["director"], demo.water, u) for u in directed)
    (top,) = access.directed_paths(users["director"], demo.water.pk)
    assert {u.pk for u in directed} == {u.pk for u in OrgUnit.objects.filter(
        institution=demo.water, path__startswith=top)}
    assert len(directed) < OrgUnit.objects.filter(institution=demo.water).count()
