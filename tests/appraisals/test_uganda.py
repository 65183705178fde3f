"""A Ugandan officer's appraisal on the 1–5 scale (5 best), graded as the methodology's ``likert_5``
says: the demo ministry's plan (balanced-scorecard perspectives) rated 5, 4, 3 on weights 40, 35, 25
is 4.15, Very Good (worked case W5); a rating outside 1–5 is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from appraisals import services
from appraisals.models import AppraisalItem
from contracts.models import PerformanceContract
from scorecards.models import Perspective

from .weekly_helpers import user

pytestmark = pytest.mark.django_db


def _plan():
    return PerformanceContract.objects.get(institution__slug="mops", level="officer")


def test_the_ugandan_plan_is_on_the_balanced_scorecard_and_the_1_to_5_scale():
    plan = _plan()
    assert plan.scheme == "likert_5" and plan.status == "in_force"
    stored = [{k: b[k] for k in ("grade", "limit")} for b in plan.bands]
    assert stored == [{"grade": "Excellent", "limit": "4.50"}, {"grade": "Very Good", "limit": "3.50"},
                          {"grade": "Good", "limit": "2.50"}, {"grade": "Fair", "limit": "1.50"},
                          {"grade": "Poor", "limit": "1.00"}]
    names = list(Perspective.objects.filter(financial_year=plan.financial_year).order_by("order")
                 .values_list("name", "weight"))
    assert names == [("Client/Customer", Decimal(25)), ("Financial Stewardship", Decimal(25)),
                     ("Internal Business Processes", Decimal(25)), ("Learning and Growth", Decimal(25))]


def test_the_ugandan_officers_appraisal_grades_as_the_methodology_says():
    plan = _plan()
    officer, supervisor = user("ug-officer"), user("ug-supervisor")
    appraisal = services.open_appraisal(supervisor, plan)
    services.sync_items(appraisal)
    items = list(AppraisalItem.objects.filter(appraisal=appraisal).select_related("target").order_by("target__order"))
    assert [i.target.weight for i in items] == [Decimal(40), Decimal(35), Decimal(25)]
    services.submit_self_appraisal(officer, appraisal, values={i.pk: (5, "") for i in items})
    with pytest.raises(ValidationError):
        services.supervisor_appraise(supervisor, appraisal, values={
            items[0].pk: (6, ""), items[1].pk: (4, ""), items[2].pk: (3, "")})
    services.supervisor_appraise(supervisor, appraisal, values={
        items[0].pk: (5, ""), items[1].pk: (4, ""), items[2].pk: (3, "")})
    appraisal.refresh_from_db()
    # By hand: 5 × 0.40 + 4 × 0.35 + 3 × 0.25 = 2.00 + 1.40 + 0.75 = 4.15, at least 3.50 and below 4.50.
    assert appraisal.composite == Decimal("4.1500")
    assert appraisal.grade == "Very Good"
