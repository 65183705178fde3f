"""Composites to four decimals everywhere, and a league table that says which way is better."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scorecards.models import ContractLevel, ContractScore
from scorecards.precision import composite, composite_text

pytestmark = pytest.mark.django_db


def test_composite_text_has_four_places_rounded_half_up():
    assert composite_text(Decimal("2.5")) == "2.5000"
    assert composite_text("1.23455") == "1.2346"
    assert composite_text(Decimal("63.25")) == "63.2500"
    assert composite_text(None) == "—"
    assert composite(Decimal("2")) == Decimal("2.0000") and composite(None) is None


@pytest.fixture
def scored(demo):
    """The demo ministry's latest scored quarter, with a composite that needs all four places."""
    score = ContractScore.objects.filter(institution=demo.water, level=ContractLevel.INSTITUTION,
                                         composite__isnull=False).order_by("-year_start", "-period").first()
    assert score is not None
    ContractScore.objects.filter(pk=score.pk).update(composite=Decimal("2.1234"))
    score.refresh_from_db()
    return score


def test_the_same_composite_everywhere(demo, as_user, scored):
    client = as_user(demo.users["perfdept"])
    query = f"?year={scored.year_start}&period={scored.period}"
    league = client.get(reverse("league-table") + query).content.decode()
    assert '<td class="num">2.1234' in league  # the table
    assert "Ministry of Water, Sanitation and Irrigation: 2.1234" in league  # the chart's words
    board = client.get(reverse("institution-dashboard", args=[demo.water.pk]) + f"?period={scored.period}")
    assert '<p class="score-figure" data-composite="2.1234">2.1234</p>' in board.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(reverse("league-export-csv") + query).content.decode())))
    water = next(r for r in rows if r[1] == demo.water.name)
    assert water[5] == "2.1234"
    ContractScore.objects.filter(pk=scored.pk).update(composite=Decimal("2.5"))
    sheet = load_workbook(io.BytesIO(client.get(reverse("league-export-xlsx") + query).content)).active
    cell = next(row[5] for row in sheet.iter_rows(min_row=2) if row[1].value == demo.water.name)
    assert cell.value == 2.5 and cell.number_format == "0.0000"
    rows = list(csv.reader(io.StringIO(client.get(reverse("league-export-csv") + query).content.decode())))
    assert next(r for r in rows if r[1] == demo.water.name)[5] == "2.5000"


def test_the_league_says_lower_is_better_and_explains_its_chips(demo, as_user, scored):
    assert scored.scheme == "kenya_pc"  # 1 best … 5 worst
    page = as_user(demo.users["perfdept"]).get(
        reverse("league-table") + f"?year={scored.year_start}&period={scored.period}").content.decode()
    assert "Lower is better for Kenya performance contract" in page
    assert 'title="lower is better">↓</span>' in page
    for words in ("How to read this table", "Target chips:", "On track", "At risk", "Off track", "Movement:"):
        assert words in page


def test_a_higher_is_better_league_does_not_say_lower(demo, as_user, scored):
    ContractScore.objects.filter(level=ContractLevel.INSTITUTION).update(scheme="percent_achievement")
    page = as_user(demo.users["perfdept"]).get(
        reverse("league-table") + f"?year={scored.year_start}&period={scored.period}").content.decode()
    assert "Lower is better" not in page and "Higher is better." in page
