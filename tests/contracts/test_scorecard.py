"""The scorecard page: each target's raw and weighted score, the composite and the grade, all from
the scoring engine, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import scorecard, selectors
from contracts.cycle import targets
from contracts.models import PerformanceContract, Target
from pmis.models import AuditEvent, FinancialYear
from scorecards import scoring


@pytest.fixture
def plan(demo):
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    return PerformanceContract.objects.get(financial_year=year, officer=demo.officer)


def expected_result(contract):
    """What the engine says about the stored targets, built independently of contracts.scorecard."""
    items = [
        {"id": t.pk, "weight": str(t.weight), "direction": t.direction, "target": str(t.target_value),
         "actual": str(t.actual)}
        for t in Target.objects.filter(contract=contract)
    ]
    return scoring.evaluate({"scheme": contract.scheme, "bands": contract.bands, "items": items})


def test_the_officers_page_shows_the_engines_composite_and_grade(demo, as_user, plan):
    expected = expected_result(plan)
    assert (expected["composite"], expected["grade"]) == (Decimal("96.3485"), "Good")

    response = as_user(demo.users["officer"]).get(reverse("contract-scorecard", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-composite="96.3485"' in html
    assert 'data-grade="Good"' in html
    for item in expected["items"]:
        assert f'data-target="{item["id"]}"' in html
        assert f">{item['raw']}<" in html and f">{item['weighted']}<" in html
    # Grouped by category, in the categories' order.
    assert html.index("Core Mandate") < html.index("Service Delivery") < html.index("Cross-Cutting Issues")


def test_the_scorecard_matches_the_engine_item_by_item(plan):
    card = selectors.scorecard_for(plan)
    expected = expected_result(plan)
    rows = {r.target.pk: r for g in card.groups for r in g.rows}
    assert {i["id"]: (i["raw"], i["weighted"]) for i in expected["items"]} == {
        pk: (r.raw, r.weighted) for pk, r in rows.items()}
    assert card.composite == expected["composite"] and card.grade == expected["grade"]
    assert card.grade_tone == "amber"
    assert card.problems == [] and card.pending == 0


def test_the_kenya_pc_contract_scores_so_far_while_an_actual_is_missing(demo, as_user):
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    ministry = PerformanceContract.objects.get(financial_year=year, level="institution")
    card = selectors.scorecard_for(ministry)
    # The verified actuals to Q2, five of six: the composite so far, as the dashboard shows it.
    assert (card.composite, card.grade, card.final, card.pending, card.period) == (
        Decimal("2.4563"), "Very Good", False, 1, 2)
    boreholes = next(r for g in card.groups for r in g.rows if r.target.description.startswith("Drill"))
    # 205 against 220/200/…: between excellent and very good, 1 + (220 − 205) / 20.
    assert boreholes.raw == scoring.quantize4(
        scoring.kenya_pc_raw(boreholes.target.criteria, boreholes.target.actual, "higher"))
    assert boreholes.raw == Decimal("1.7500") and boreholes.weighted == Decimal("0.5250")
    assert boreholes.grade == "Excellent"

    html = as_user(demo.users["head"]).get(reverse("contract-scorecard", args=[ministry.pk])).content.decode()
    assert "So far: the actual of 1 of 6 targets is still to come." in html
    assert 'data-composite="2.4563"' in html
    assert "22,000" in html  # criteria values shown for the Kenyan scheme


def test_a_plan_without_reports_is_scored_from_its_recorded_actuals(demo, plan):
    card = selectors.scorecard_for(plan)
    items = [scorecard.scoring_item(plan.scheme, t) for t in plan.targets.all()]
    expected = scoring.evaluate({"scheme": plan.scheme, "bands": plan.bands, "items": items})
    assert (card.composite, card.grade, card.final, card.period) == (expected["composite"], expected["grade"], True,
                                                                       None)
    irrigation = plan.targets.order_by("pk").first()
    targets.record_actual(demo.users["admin"], irrigation, None)
    assert AuditEvent.objects.for_object(irrigation).filter(action="target.actual").exists()
    assert selectors.scorecard_for(plan).final is False


def test_weight_problems_show_on_the_page(demo, as_user, plan):
    first = plan.targets.order_by("order").first()
    targets.update_target(demo.users["admin"], first, weight=Decimal(35))
    card = selectors.scorecard_for(plan)
    assert card.composite is None
    assert card.problems == ["Target weights add up to 95; they must add up to 100."]
    # Each target still shows its own score.
    assert all(r.raw is not None for g in card.groups for r in g.rows)
    html = as_user(demo.users["officer"]).get(reverse("contract-scorecard", args=[plan.pk])).content.decode()
    assert "Needs attention" in html and "add up to 95" in html


def test_anonymous_visitors_are_sent_to_log_in(client, plan):
    response = client.get(reverse("contract-scorecard", args=[plan.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_institution_page_links_the_contracts_and_the_report(demo, as_user, plan):
    html = as_user(demo.users["head"]).get(reverse("institution-detail", args=[demo.water.pk])).content.decode()
    assert reverse("contract-detail", args=[plan.pk]) in html
    assert reverse("cascade-report", args=[plan.financial_year_id]) in html


def test_the_page_issues_a_bounded_number_of_queries(demo, as_user, plan, django_assert_max_num_queries):
    client = as_user(demo.users["officer"])
    url = reverse("contract-scorecard", args=[plan.pk])
    # Contract, targets, perspectives; plus six for the request itself (session, user, the session
    # save of SESSION_SAVE_EVERY_REQUEST, savepoints).
    with django_assert_max_num_queries(10 + 1):  # +1: the nav's unread badge
        assert client.get(url).status_code == 200

    template = plan.targets.select_related("parent").first()
    for i in range(30):
        targets.add_target(demo.users["admin"], plan, indicator=template.indicator, perspective=template.perspective,
                           description=f"Extra target {i}", weight=Decimal(0), target_value=Decimal(10),
                           actual=Decimal(i), parent=template.parent)
    with django_assert_max_num_queries(10 + 1):  # +1: the nav's unread badge
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-target=") == 34
