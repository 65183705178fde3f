"""The cascade rules: weights, which contract a parent target must come from, and the coverage
report (on the demo data and on a tree with orphaned targets)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.cycle import cascade, targets
from contracts.models import PerformanceContract, Target
from pmis import org
from pmis.models import AuditEvent, FinancialYear, Officer, OrgUnit
from scorecards import setup
from scorecards.models import Indicator, Perspective

CRITERIA = {"criteria_excellent": Decimal(12), "criteria_very_good": Decimal(10), "criteria_good": Decimal(8),
            "criteria_fair": Decimal(6), "criteria_poor": Decimal(4)}


@pytest.fixture
def year(demo):
    return FinancialYear.objects.get(institution=demo.water, is_current=True)


@pytest.fixture
def water(demo, year):
    # The demo directorate contract is in negotiation; these tests add targets to it as a draft.
    PerformanceContract.objects.filter(financial_year=year, level="unit").update(status="draft")
    contracts = {c.level: c for c in PerformanceContract.objects.filter(financial_year=year)}
    return type("Water", (), {
        "year": year, "admin": demo.users["admin"], **contracts,
        "indicator": Indicator.objects.filter(institution=demo.water).first(),
        "target": lambda self, contract, text: Target.objects.get(contract=contract, description__startswith=text),
    })()


def new_target(actor, contract, indicator, **fields):
    defaults = {"description": "A new target", "weight": Decimal(5), "target_value": Decimal(10)}
    if contract.scheme == "kenya_pc":
        defaults.update(CRITERIA)
    return targets.add_target(actor, contract, indicator=indicator, **(defaults | fields))


# --- weights ---------------------------------------------------------------------------------


def test_the_demo_contracts_weights_are_in_order(year):
    perspectives = list(Perspective.objects.filter(financial_year=year))
    for contract in PerformanceContract.objects.filter(financial_year=year):
        assert cascade.weight_problems(contract, list(contract.targets.all()), perspectives) == []


def test_weights_must_add_up_to_100(water):
    perspectives = list(Perspective.objects.filter(financial_year=water.year))
    plan_targets = list(water.officer.targets.all())
    plan_targets[0].weight += 5
    problems = cascade.weight_problems(water.officer, plan_targets, perspectives)
    assert problems == ["Target weights add up to 105; they must add up to 100."]


def test_category_weights_must_match_where_the_contract_enforces_them(water):
    perspectives = list(Perspective.objects.filter(financial_year=water.year))
    ministry_targets = list(water.institution.targets.select_related("perspective"))
    core = next(p for p in perspectives if p.code == "CM")
    service = next(p for p in perspectives if p.code == "SD")
    moved = next(t for t in ministry_targets if t.perspective_id == service.pk)
    moved.perspective = core  # total still 100, categories now 65 / 0
    moved.perspective_id = core.pk
    problems = cascade.weight_problems(water.institution, ministry_targets, perspectives)
    assert problems == [
        "Core Mandate: targets weigh 65; the category weighs 50.",
        "Service Delivery: targets weigh 0; the category weighs 15.",
    ]
    # The officer's plan does not enforce categories (the officer-level policy says so).
    plan_targets = list(water.officer.targets.all())
    for t in plan_targets:
        t.perspective_id = core.pk
    assert cascade.weight_problems(water.officer, plan_targets, perspectives) == []


def test_targets_without_a_category_are_flagged_where_categories_count(water):
    perspectives = list(Perspective.objects.filter(financial_year=water.year))
    ministry_targets = list(water.institution.targets.all())
    ministry_targets[0].perspective_id = None
    problems = cascade.weight_problems(water.institution, ministry_targets, perspectives)
    assert "1 target(s) have no perspective or criteria category." in problems


# --- parents ---------------------------------------------------------------------------------


def test_an_officer_target_must_hang_under_the_nearest_unit_contract(water):
    boreholes = water.target(water.institution, "Drill and commission 200")
    with pytest.raises(ValidationError) as exc:
        new_target(water.admin, water.officer, water.indicator, parent=boreholes)
    assert "Directorate of Water Resources" in exc.value.message_dict["parent"][0]

    unit_target = water.target(water.unit, "Drill and commission 150")
    created = new_target(water.admin, water.officer, water.indicator, parent=unit_target)
    assert created.parent == unit_target


def test_a_unit_target_hangs_under_the_institution_contract_for_a_directorate(water):
    unit_target = water.target(water.unit, "Drill and commission 150")
    with pytest.raises(ValidationError):
        new_target(water.admin, water.unit, water.indicator, parent=unit_target)  # its own contract
    officer_target = water.target(water.officer, "Write 12")
    with pytest.raises(ValidationError):
        new_target(water.admin, water.unit, water.indicator, parent=officer_target)  # from below
    ok = new_target(water.admin, water.unit, water.indicator, parent=water.target(water.institution, "Bring"))
    assert ok.parent.contract == water.institution


def test_an_institution_target_has_no_parent(demo, water):
    # The demo county contract is in force (monitoring seeds it); next year's draft takes the new target.
    signed = PerformanceContract.objects.get(institution=demo.machakos, level="institution",
                                             financial_year__is_current=True)
    year = org.open_financial_year(water.admin, demo.machakos, signed.financial_year.start_date.year + 1,
                                   make_current=False)
    setup.seed_defaults(water.admin, demo.machakos, year)
    county = targets.create_contract(water.admin, financial_year=year, level="institution", title="Next year",
                                     performer=signed.performer)
    with pytest.raises(ValidationError) as exc:
        new_target(water.admin, county, Indicator.objects.filter(institution=demo.machakos).first(),
                   parent=Target.objects.filter(contract=signed).first())
    assert "partner institutions" in exc.value.message_dict["parent"][0]


def test_a_deeper_unit_contract_takes_over_as_the_parent(demo, water):
    """With a department contract between them, the officer's targets hang under the department's."""
    department = OrgUnit.objects.get(institution=demo.water, name="Department of Groundwater Development")
    contract = targets.create_contract(water.admin, financial_year=water.year, level="unit",
                                       title="Groundwater", performer=demo.users["supervisor"],
                                       org_unit=department)
    contracts = cascade.year_contracts(water.year.pk)
    assert cascade.expected_parent_contract(contract, contracts) == water.unit
    assert cascade.expected_parent_contract(water.officer, contracts) == contract
    assert cascade.expected_parent_contract(water.unit, contracts) == water.institution
    assert cascade.expected_parent_contract(water.institution, contracts) is None


def test_an_officer_without_unit_contracts_hangs_under_the_institution(demo):
    year = FinancialYear.objects.get(institution=demo.machakos, is_current=True)
    plan = PerformanceContract.objects.get(officer=demo.officer2, financial_year=year)
    county = PerformanceContract.objects.get(financial_year=year, level="institution")
    assert cascade.expected_parent_contract(plan, cascade.year_contracts(year.pk)) == county
    assert {t.parent.contract_id for t in plan.targets.all()} == {county.pk}


def test_adding_a_target_is_audited(water):
    target = new_target(water.admin, water.officer, water.indicator, parent=water.target(water.unit, "Drill"),
                        partner_institutions=[])
    event = AuditEvent.objects.for_object(target).get()
    assert event.action == "target.create"
    assert event.after["parent"] == target.parent_id
    assert Decimal(event.after["weight"]) == 5


def test_a_contract_that_is_no_longer_a_draft_refuses_changes(water):
    PerformanceContract.objects.filter(pk=water.officer.pk).update(status="signed")
    water.officer.refresh_from_db()
    with pytest.raises(ValidationError):
        new_target(water.admin, water.officer, water.indicator)
    with pytest.raises(ValidationError):
        targets.update_target(water.admin, water.officer.targets.first(), weight=Decimal(1))


# --- coverage report -------------------------------------------------------------------------


def test_the_demo_report_flags_the_target_nobody_took_up(water):
    report = cascade.coverage_report(water.year)
    assert [t.description for t in report.not_cascaded] == ["Bring 20,000 acres of new land under irrigation"]
    assert report.orphans == []
    assert (report.cascaded_count, report.institution_target_count) == (5, 6)
    # Every target of the year appears exactly once, under its institution target.
    assert sorted(r.target.pk for r in report.rows) == sorted(
        Target.objects.filter(contract__financial_year=water.year).values_list("pk", flat=True))
    depth = {r.target.description: r.depth for r in report.rows}
    assert depth["Drill and commission 200 public boreholes in arid and semi-arid counties"] == 0
    assert depth["Drill and commission 150 boreholes in ASAL counties"] == 1
    assert depth["Site and supervise the drilling of 24 boreholes in Turkana and Marsabit"] == 2
    assert all(all(tone != "red" for tone, _ in r.flags) for r in report.rows if r.depth)
    assert all(s.problems == [] for s in report.contracts)


def test_a_tree_with_orphans_flags_them(demo):
    """Outside agency: institution contract, one unit contract and an officer plan. The unit has a
    target with no parent, an officer target hangs under that orphan, and another has no parent."""
    admin = demo.users["admin"]
    year = FinancialYear.objects.get(institution=demo.outside)
    institution_contract = PerformanceContract.objects.get(financial_year=year, level="institution")
    top = institution_contract.targets.get()
    indicator = Indicator.objects.get(institution=demo.outside)
    unit = OrgUnit.objects.get(institution=demo.outside)
    officer = Officer.objects.get(institution=demo.outside)
    unit_contract = targets.create_contract(admin, financial_year=year, level="unit", title="Outside unit",
                                            performer=officer.user, org_unit=unit)
    plan = targets.create_contract(admin, financial_year=year, level="officer", title="Outside plan",
                                   performer=officer.user, officer=officer)
    cascaded = new_target(admin, unit_contract, indicator, description="Cascaded", parent=top)
    stray = new_target(admin, unit_contract, indicator, description="Stray unit target")
    under_stray = new_target(admin, plan, indicator, description="Under the stray", parent=stray)
    lonely = new_target(admin, plan, indicator, description="Lonely officer target")
    fine = new_target(admin, plan, indicator, description="Fine officer target", parent=cascaded)

    report = cascade.coverage_report(year)
    assert report.not_cascaded == []
    assert [r.target for r in report.rows] == [top, cascaded, fine]
    orphans = {r.target: [m for _, m in r.flags] for r in report.orphans}
    assert set(orphans) == {stray, under_stray, lonely}
    assert orphans[lonely] == ["No parent target: traces to nothing"]
    assert orphans[stray] == ["No parent target: traces to nothing"]
    assert orphans[under_stray] == ["Parent “Stray unit target” traces to nothing"]
    assert cascade.is_orphan(report, lonely) and not cascade.is_orphan(report, fine)

    client = demo_client(demo, "outsider")
    page = client.get(reverse("cascade-report", args=[year.pk])).content.decode()
    for target in (stray, under_stray, lonely):
        assert f'data-orphan="{target.pk}"' in page


def test_an_officer_target_skipping_its_unit_is_flagged(water):
    # Written straight to the table, as a migration or an import might: the report still notices.
    ministry_target = water.target(water.institution, "Bring")
    skipped = water.officer.targets.first()
    Target.objects.filter(pk=skipped.pk).update(parent=ministry_target)
    report = cascade.coverage_report(water.year)
    row = next(r for r in report.rows if r.target.pk == skipped.pk)
    assert ("amber", "Parent is not in the contract directly above") in row.flags
    assert ministry_target not in report.not_cascaded


def demo_client(demo, username):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_report_page_lists_flags(demo, as_user, year):
    page = as_user(demo.users["perfdept"]).get(reverse("cascade-report", args=[year.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Not cascaded" in html
    assert "5 / 6" in html
    assert "Shared with County Government of Machakos" in html


def test_the_report_issues_a_bounded_number_of_queries(demo, as_user, year, water, django_assert_max_num_queries):
    client = as_user(demo.users["head"])
    url = reverse("cascade-report", args=[year.pk])
    # Year, contracts, targets, partners, perspectives; plus six for the request itself: session and
    # user reads, the session save of SESSION_SAVE_EVERY_REQUEST, and two atomic-request savepoints.
    with django_assert_max_num_queries(12 + 1):  # +1: the nav's unread badge
        assert client.get(url).status_code == 200

    admin = demo.users["admin"]
    indicator = Indicator.objects.filter(institution=demo.water).first()
    unit_contract = PerformanceContract.objects.get(financial_year=year, level="unit")
    plan = PerformanceContract.objects.get(financial_year=year, level="officer", officer=demo.officer)
    parent = unit_contract.targets.first()
    for i in range(15):
        new_target(admin, unit_contract, indicator, description=f"Extra unit target {i}",
                   parent=Target.objects.filter(contract__level="institution", contract__financial_year=year).first())
        new_target(admin, plan, indicator, description=f"Extra officer target {i}", parent=parent if i % 2 else None)
    with django_assert_max_num_queries(12 + 1):  # +1: the nav's unread badge
        assert client.get(url).status_code == 200


def test_seed_contracts_is_idempotent(demo):
    from contracts.demo.cycle import seed_contracts

    def counts():
        return (PerformanceContract.objects.count(), Target.objects.count(), AuditEvent.objects.count(),
                Indicator.objects.count(), Perspective.objects.count())

    before = counts()
    seed_contracts(demo.users["admin"])
    assert counts() == before


def test_seed_defaults_refuses_another_institutions_year(demo):
    year = FinancialYear.objects.get(institution=demo.machakos, is_current=True)
    with pytest.raises(ValueError):
        setup.seed_defaults(demo.users["admin"], demo.water, year)
