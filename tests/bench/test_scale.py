"""The scale seed at a tiny size: valid, deterministic, removable; and the benchmark's query-count
ratios (behaviour only — the benchmark reports times, the tests never assert them)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from bench import measures, scale
from contracts.models import PerformanceContract, Target
from pmis.models import Institution, Officer, OrgUnit

TINY = {"institutions": 3, "officers": 30, "targets": 300}


def seed(**options):
    call_command("seed_scale", **{**TINY, **options}, stdout=io.StringIO())


def fingerprint():
    """Everything the seed decides, without the ids (which depend on what the database held before)."""
    contracts = PerformanceContract.objects.filter(institution__slug__startswith=scale.PREFIX)
    return [
        list(Institution.objects.filter(slug__startswith=scale.PREFIX).order_by("slug").values_list(
            "slug", "name", "kind")),
        list(OrgUnit.objects.filter(institution__slug__startswith=scale.PREFIX).order_by("path").values_list(
            "name", "depth", "numchild")),
        list(Officer.objects.filter(institution__slug__startswith=scale.PREFIX).order_by("user__username")
             .values_list("user__username", "user__first_name", "designation", "supervisor__personal_number")),
        list(contracts.order_by("institution__slug", "level", "title", "officer__personal_number").values_list(
            "title", "level", "status", "scheme")),
        list(Target.objects.filter(contract__in=contracts).order_by(
            "contract__institution__slug", "contract__officer__personal_number", "contract__org_unit__path",
            "contract__level", "order").values_list(
            "description", "weight", "target_value", "criteria_excellent", "criteria_poor", "actual")),
    ]


@pytest.mark.django_db(transaction=True)
def test_tiny_seed_is_valid_complete_and_deterministic():
    seed()
    assert scale.problems() == []
    # Every contract carries its year's start (the list order's column), on COPY and bulk_create alike.
    assert not PerformanceContract.objects.filter(institution__slug__startswith=scale.PREFIX).exclude(
        year_start=F("financial_year__start_date")).exists()
    scale_targets = Target.objects.filter(institution__slug__startswith=scale.PREFIX)
    assert scale_targets.count() == 300
    assert Officer.objects.filter(institution__slug__startswith=scale.PREFIX).count() == 30
    assert PerformanceContract.objects.filter(institution__slug__startswith=scale.PREFIX, level="officer").count() == 30
    assert PerformanceContract.objects.filter(
        institution__slug__startswith=scale.PREFIX, level="institution", status="in_force").exists()
    # kenya_pc targets carry five criteria values; most targets have an actual.
    kenya = scale_targets.filter(contract__scheme="kenya_pc")
    assert kenya.exists() and not kenya.filter(criteria_poor__isnull=True).exists()
    assert scale_targets.filter(actual__isnull=False).count() > 200
    # Every institution contract has a verified score summary for two quarters (the league table's data).
    from scorecards.models import ContractScore

    scores = ContractScore.objects.filter(institution__slug__startswith=scale.PREFIX)
    assert scores.count() == 2 * 3 and not scores.filter(composite__isnull=True).exists()
    # Ids were assigned by the seed: the sequences moved past them, so an ordinary insert still works.
    assert Institution.objects.create(name="After", slug="after", kind="agency").pk > max(
        Institution.objects.exclude(slug="after").values_list("pk", flat=True))

    first = fingerprint()
    with pytest.raises(CommandError):
        seed()
    seed(reset=True)
    assert fingerprint() == first
    seed(reset=True, seed=7)
    assert fingerprint() != first


@pytest.mark.django_db(transaction=True)
def test_reset_removes_the_scale_data_and_nothing_else(demo):
    before = (Institution.objects.count(), Officer.objects.count(), Target.objects.count())
    seed()
    call_command("seed_scale", reset_only=True, stdout=io.StringIO())
    assert not scale.exists()
    assert (Institution.objects.count(), Officer.objects.count(), Target.objects.count()) == before
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_too_few_targets_is_refused():
    with pytest.raises(CommandError, match="too few"):
        seed(targets=40)


@pytest.mark.django_db
def test_query_counts_do_not_depend_on_institutions_or_targets():
    seed()
    ctx = measures.Context()
    by_institutions = measures.institutions_ratio(ctx)
    assert by_institutions["institutions_visible"] == [1, 3]
    assert by_institutions["equal"], by_institutions
    by_targets = measures.targets_ratio(ctx)
    assert by_targets["targets"] == [1, 40]
    assert by_targets["queries"][0] == by_targets["queries"][1]


def test_a_page_missing_from_the_build_is_skipped_not_failed():
    with pytest.raises(measures.Skip, match="not available in this build"):
        measures.reverse_or_skip("no-such-page")
    # The league table and the dashboard exist in this build, so the bench measures them.
    assert measures.reverse_or_skip("league-table")
