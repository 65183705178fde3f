"""Scorecard set-up data: band tables are validated by the scoring engine and versioned, and a
contract keeps the bands it was created with."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts import selectors
from contracts.cycle import targets
from contracts.models import PerformanceContract, Target
from pmis import org
from pmis.models import AuditEvent, FinancialYear, Officer
from scorecards import scoring, setup
from scorecards.models import BandTable, Perspective, ScoringPolicy


@pytest.fixture
def year(demo):
    return FinancialYear.objects.get(institution=demo.water, is_current=True)


def table(year, name):
    return BandTable.objects.get(financial_year=year, name=name)


def test_seeded_band_tables_are_the_engines_defaults(year):
    assert set(BandTable.objects.filter(financial_year=year).values_list("name", flat=True)) == set(
        scoring.DEFAULT_BANDS)
    for t in BandTable.objects.filter(financial_year=year):
        assert scoring.validate_bands(t.bands, t.scheme) == scoring.DEFAULT_BANDS[t.name]
        assert t.version == 1
    assert table(year, "kenya_pc_2013").scheme == "kenya_pc"


@pytest.mark.parametrize("bands,message", [
    ([{"grade": "A", "limit": "3"}, {"grade": "B", "limit": "2"}, {"grade": "C", "limit": "5"}], "increase"),
    ([{"grade": "A", "limit": "2.4"}, {"grade": "B", "limit": "4"}], "worst end"),
    ([{"grade": "A", "limit": "seven"}, {"grade": "B", "limit": "5"}], "number"),
    ("Excellent", "list"),
])
def test_a_band_table_must_suit_its_scheme(year, bands, message):
    t = BandTable(institution=year.institution, financial_year=year, name="custom", scheme="kenya_pc", bands=bands)
    with pytest.raises(ValidationError) as exc:
        t.full_clean()
    assert message in " ".join(exc.value.message_dict["bands"])


def test_a_valid_custom_table_passes(year):
    BandTable(institution=year.institution, financial_year=year, name="custom", scheme="pepmis",
              bands=[{"grade": "Pass", "limit": "50"}, {"grade": "Fail", "limit": "0"}]).full_clean()


def test_a_policy_needs_a_band_table_of_its_scheme(year):
    policy = ScoringPolicy.objects.get(financial_year=year, level="institution")
    policy.band_table = table(year, "pepmis")
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert "band_table" in exc.value.message_dict


def test_a_policy_cannot_use_another_institutions_table(demo, year):
    other = FinancialYear.objects.get(institution=demo.machakos, is_current=True)
    policy = ScoringPolicy.objects.get(financial_year=year, level="institution")
    policy.band_table = table(other, "kenya_pc")
    with pytest.raises(ValidationError) as exc:
        policy.full_clean()
    assert "band_table" in exc.value.message_dict


def test_kenyan_institutions_get_the_criteria_categories(year):
    categories = list(Perspective.objects.filter(financial_year=year))
    assert [(p.code, p.weight) for p in categories] == [
        ("FS", 10), ("CM", 50), ("SD", 15), ("PD", 10), ("CC", 15)]
    assert {p.kind for p in categories} == {"pc_criteria_category"}


def test_ugandan_institutions_get_the_four_perspectives(demo):
    admin = demo.users["admin"]
    uganda = org.create_institution(admin, name="Ministry of Public Service (UG)", slug="mops-ug", kind="ministry",
                                    country="UG")
    year = org.open_financial_year(admin, uganda, 2026)
    setup.seed_defaults(admin, uganda, year)
    perspectives = list(Perspective.objects.filter(financial_year=year))
    assert [p.name for p in perspectives] == [
        "Client/Customer", "Financial Stewardship", "Internal Business Processes", "Learning and Growth"]
    assert sum(p.weight for p in perspectives) == 100
    assert ScoringPolicy.objects.get(financial_year=year, level="officer").scheme == "likert_5"

    events = AuditEvent.objects.filter(institution=uganda).count()
    setup.seed_defaults(admin, uganda, year)  # idempotent
    assert AuditEvent.objects.filter(institution=uganda).count() == events


def test_editing_a_band_table_bumps_its_version_and_is_audited(demo, year):
    t = table(year, "percent_achievement")
    new = [{"grade": "Excellent", "limit": "101"}, {"grade": "Very Good", "limit": "95"},
           {"grade": "Good", "limit": "80"}, {"grade": "Fair", "limit": "60"}, {"grade": "Poor", "limit": "0"}]
    setup.update_band_table(demo.users["admin"], t, new)
    t.refresh_from_db()
    assert t.version == 2
    assert t.bands[1] == {"grade": "Very Good", "limit": "95"}
    event = AuditEvent.objects.for_object(t).order_by("-seq").first()
    assert event.action == "band_table.update"
    assert event.before["version"] == 1 and event.after["version"] == 2


def test_an_invalid_edit_is_refused(demo, year):
    t = table(year, "kenya_pc")
    with pytest.raises(ValidationError):
        setup.update_band_table(demo.users["admin"], t, [{"grade": "All", "limit": "3"}])
    t.refresh_from_db()
    assert t.version == 1


def test_editing_the_table_never_regrades_an_existing_contract(demo, year):
    """The demo officer's plan scores 96.3485, Good under the default table (Very Good from 100).
    Lowering Very Good to 95 regrades contracts created afterwards, not this one."""
    admin = demo.users["admin"]
    plan = PerformanceContract.objects.get(officer=demo.officer, financial_year=year)
    card = selectors.scorecard_for(plan)
    assert (card.composite, card.grade) == (Decimal("96.3485"), "Good")
    snapshot = list(plan.bands)

    t = table(year, "percent_achievement")
    setup.update_band_table(admin, t, [
        {"grade": "Excellent", "limit": "101"}, {"grade": "Very Good", "limit": "95"},
        {"grade": "Good", "limit": "80"}, {"grade": "Fair", "limit": "60"}, {"grade": "Poor", "limit": "0"}])

    plan.refresh_from_db()
    assert plan.bands == snapshot and plan.band_table_version == 1
    assert selectors.scorecard_for(plan).grade == "Good"

    # Next contract created under the policy takes the new version.
    colleague = Officer.objects.filter(institution=demo.water).exclude(pk=demo.officer.pk).first()
    later = targets.create_contract(admin, financial_year=year, level="officer", title="Later plan",
                                    performer=colleague.user, officer=colleague)
    assert later.band_table_version == 2
    for t in Target.objects.filter(contract=plan).order_by("order"):
        targets.add_target(admin, later, indicator=t.indicator, description=t.description, weight=t.weight,
                           target_value=t.target_value, direction=t.direction, actual=t.actual)
    later_card = selectors.scorecard_for(later)
    assert (later_card.composite, later_card.grade) == (Decimal("96.3485"), "Very Good")


def test_a_target_checks_its_criteria_with_the_engine(demo, year):
    contract = PerformanceContract.objects.get(financial_year=year, level="institution")
    target = Target.objects.filter(contract=contract).first()
    target.criteria_good = target.criteria_excellent + 1  # no longer falling from excellent to poor
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "criteria_excellent" in exc.value.message_dict
    target.refresh_from_db()
    target.criteria_poor = None
    with pytest.raises(ValidationError, match="missing: poor"):
        target.full_clean()


def test_a_target_cannot_use_another_institutions_indicator(demo, year):
    contract = PerformanceContract.objects.get(financial_year=year, level="institution")
    target = Target.objects.filter(contract=contract).first()
    target.indicator = demo.machakos.indicators.first()
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "indicator" in exc.value.message_dict
