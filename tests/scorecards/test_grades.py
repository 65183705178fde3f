"""Grades and names in the reader's language: band tables carry Swahili grade names, the pages show them,
and an institution or unit shows its Swahili name on Swahili pages."""

from importlib import import_module

from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from contracts.models import PerformanceContract
from pmis.models import FinancialYear
from scorecards import grades, setup
from scorecards.models import BandTable


def test_seeded_tables_carry_grades_in_both_languages(demo):
    table = BandTable.objects.filter(institution=demo.water, name="kenya_pc").first()
    assert table is not None
    assert [b["grade_sw"] for b in table.bands] == ["Bora kabisa", "Vizuri sana", "Vizuri", "Wastani", "Dhaifu"]
    assert setup.default_bands("kenya_pc_2013")[0]["grade_sw"] == "Bora kabisa"


def test_a_table_of_its_own_keeps_its_swahili_names(demo):
    table = BandTable.objects.filter(institution=demo.water, name="kenya_pc").first()
    bands = [{**b, "grade_sw": f"Daraja {i}"} for i, b in enumerate(table.bands)]
    table = setup.update_band_table(demo.users["admin"], table, bands)
    with translation.override("sw"):
        assert grades.grade_label("Excellent", table.bands) == "Daraja 0"
    with translation.override("en"):
        assert grades.grade_label("Excellent", table.bands) == "Excellent"


def test_a_signed_contracts_bands_without_swahili_fall_back_to_the_seeded_names():
    bands = [{"grade": "Very Good", "limit": "3.00"}, {"grade": "Our own", "limit": "5.00"}]
    with translation.override("sw"):
        assert grades.grade_label("Very Good", bands) == "Vizuri sana"
        assert grades.grade_label("Our own", bands) == "Our own"


def test_the_data_migration_adds_swahili_to_stored_tables(demo):
    table = BandTable.objects.filter(institution=demo.water, name="kenya_pc").first()
    english_only = [{"grade": b["grade"], "limit": b["limit"]} for b in table.bands]
    BandTable.objects.filter(pk=table.pk).update(bands=english_only)
    migration = import_module("scorecards.migrations.0003_band_grades_in_swahili")
    migration.forwards(django_apps, None)
    table.refresh_from_db()
    assert table.bands[0] == {**english_only[0], "grade_sw": "Bora kabisa"}


def test_swahili_pages_show_swahili_grades_and_names(demo, as_user):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    demo.water.name_sw = "Wizara ya Maji"
    demo.water.save()
    client = as_user(demo.users["head"])
    client.cookies["django_language"] = "sw"
    html = client.get(reverse("contract-scorecard", args=[contract.pk])).content.decode()
    assert "Bora kabisa" in html and "Excellent" not in html
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    html = client.get(reverse("scorecard-framework", args=[year.pk])).content.decode()
    assert "Madaraja ya mikataba ya utendaji ya Kenya" in html and "kenya_pc" not in html
    html = client.get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    assert "Wizara ya Maji" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    assert "Wizara ya Maji" not in html and demo.water.name in html
