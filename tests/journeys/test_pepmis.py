"""Journey: PEPMIS in Swahili. A Tanzanian officer logs a week against the sub-tasks of her signed plan,
her supervisor marks the sub-tasks, and the officer's PEPMIS score on the scorecard is the weighted
marks, checked against a hand calculation."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals import weekly
from appraisals.models import WeeklyLog
from contracts.models import PerformanceContract, SubTask

pytestmark = [pytest.mark.browser]

# Marks for the six sub-tasks, in plan order, and the weights they roll up by:
#   T1 (weight 60): task A (50) = sub-tasks 80 × 50% + 60 × 50% = 70; task B (50) = 50 × 60% + 100 × 40% = 70
#                   → T1 = 70 × 50% + 70 × 50% = 70
#   T2 (weight 40): task C (100) = 90 × 60% + 70 × 40% = 82 → T2 = 82
#   composite = 70 × 60% + 82 × 40% = 42 + 32.8 = 74.8 (Good: at least 60, below 75)
MARKS = ["80", "60", "50", "100", "90", "70"]
EXPECTED = Decimal("74.8000")


def test_a_tanzanian_officer_logs_a_week_and_the_marks_make_her_score(journey):
    plan = PerformanceContract.objects.get(institution__slug="bagamoyo", level="officer")
    subs = list(SubTask.objects.filter(contract=plan).order_by("task__target__order", "task__order", "order"))
    week = weekly.week_of(timezone.localdate()).isoformat()
    week_url = f"{reverse('appraisals:week', args=[plan.pk])}?week={week}"

    j = journey("pepmis", language="sw")
    page = j.page
    j.login("tz-afisa")
    j.goto(week_url)
    assert "Utekelezaji na Ufuatiliaji" in page.content()  # the profile's name for the stage, in Swahili
    page.locator(f"#progress-{subs[2].pk}").fill("60")
    page.locator(f"#note-{subs[2].pk}").fill("Shule 6 za Magomeni zimekaguliwa.")
    page.locator(f"#progress-{subs[5].pk}").fill("100")
    page.get_by_role("button", name="Hifadhi wiki").click()
    page.wait_for_load_state()
    j.check()
    assert "Wiki yako imehifadhiwa." in page.content()
    j.shot("logged")
    logged = {row.sub_task_id: row.progress for row in WeeklyLog.objects.filter(contract=plan, week_start=week)}
    assert logged == {subs[2].pk: 60, subs[5].pk: 100}
    j.logout()

    j.login("tz-msimamizi")
    j.goto(f"{reverse('appraisals:team-week')}?week={week}")
    page.get_by_role("link", name="Neema Mushi").click()
    page.wait_for_load_state()
    j.check()
    assert "Shule 6 za Magomeni zimekaguliwa." in page.content()
    for sub, mark in zip(subs, MARKS, strict=True):
        page.locator(f"#mark-{sub.pk}").fill(mark)
    page.locator("#review-comment").fill("Kazi nzuri, endelea.")
    page.get_by_role("button", name="Hifadhi mapitio").click()
    page.wait_for_load_state()
    j.check()
    assert "Wiki imepitiwa." in page.content()
    j.shot("marked")
    j.logout()

    j.login("tz-afisa")
    j.goto(reverse("contract-scorecard", args=[plan.pk]))
    text = page.content()
    j.shot("scorecard")
    figures = {Decimal(m.replace(",", ".")) for m in re.findall(r"\b\d+[.,]\d+\b", text)}
    assert EXPECTED in figures or Decimal("74.8") in figures, "the scorecard shows the weighted marks"
    from contracts import scores

    assert scores.score(plan).composite == EXPECTED
