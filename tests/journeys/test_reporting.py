"""Journey (issue 27): the officer fills a whole quarterly report on one form with one error in it.
After the error every typed value is still there and the error sits beside its target; "Save draft"
keeps everything, a reload shows it again; then the report is submitted, after a confirmation. On a
phone every action button stays inside the screen."""

from decimal import Decimal

import pytest

from contracts import monitoring
from contracts.cycle import workflow
from contracts.models import PerformanceContract, ProgressEntry, ProgressReport, Target
from tests.journeys.test_officer import plan_in_force

pytestmark = [pytest.mark.browser]


def plain(value):
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in {"-0", ""} else text


def inside_the_screen(page, selector):
    width = page.viewport_size["width"]
    boxes = [box for box in (el.bounding_box() for el in page.locator(selector).all()) if box]
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box, width)


def test_a_whole_report_survives_an_error_a_draft_and_a_reload(journey, viewport):
    plan = PerformanceContract.objects.get(performer__username="officer", level="officer")
    workflow.submit(plan.performer, plan)
    plan_in_force(plan)
    rows = list(Target.objects.filter(contract=plan).order_by("perspective__order", "order", "pk"))
    assert len(rows) >= 3
    # One target far behind what the quarter expects (off track: it needs an explanation); the others
    # as the quarter expects them.
    behind = next(t for t in rows if t.direction == "higher" and t.expected_by(1) != (t.baseline or 0))
    behind_value = plain(behind.baseline or 0)
    assert monitoring.entry_rag(plan, behind, Decimal(behind_value), 1) == "red"
    typed = {t.pk: (behind_value if t.pk == behind.pk else plain(t.expected_by(1))) for t in rows}

    j = journey("reporting")
    page = j.page
    j.login("officer")
    j.goto(f"/contracts/{plan.pk}/reports/")
    if viewport == "phone":
        inside_the_screen(page, "main .reports-list .button")
    with page.expect_navigation():
        page.locator("main form[action$='/reports/open/'] button[type=submit]").first.click()
    j.check()
    report = ProgressReport.objects.get(contract=plan, period=1)
    assert page.locator("[data-due]").count() == 1

    for t in rows:
        page.locator(f"#actual-{t.pk}").fill(typed[t.pk])
        page.locator(f"#comment-{t.pk}").fill(f"Comment on {t.pk}")
        if t.budget_allocated:
            page.locator(f"#budget_spent-{t.pk}").fill("1000")
    page.locator(f"#status-{behind.pk}").select_option("at_risk")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("main button[name=action][value=submit]").click()
    j.check()
    j.shot("1-error")

    # The error: listed at the top, and beside the target it concerns; every typed value still there.
    assert page.locator("#report-errors").is_visible()
    beside = page.locator(f"section[data-target='{behind.pk}'] [data-error-for='{behind.pk}']")
    assert beside.is_visible() and "off track" in beside.inner_text()
    assert page.locator("[data-error-for]").count() == 1
    for t in rows:
        assert page.locator(f"#actual-{t.pk}").input_value() == typed[t.pk]
        assert page.locator(f"#comment-{t.pk}").input_value() == f"Comment on {t.pk}"
    assert page.locator(f"#status-{behind.pk}").input_value() == "at_risk"
    report.refresh_from_db()
    assert report.state == "draft"

    # Save draft keeps everything (no explanation is asked of a draft); a reload shows it again.
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]").click()
    j.check()
    assert ProgressEntry.objects.filter(report=report).count() == len(rows)
    page.reload()
    j.check()
    for t in rows:
        assert page.locator(f"#actual-{t.pk}").input_value() == typed[t.pk]
        assert page.locator(f"#comment-{t.pk}").input_value() == f"Comment on {t.pk}"
    assert page.locator(f"#status-{behind.pk}").input_value() == "at_risk"
    # The computed status and the officer's own, each labelled.
    behind_card = page.locator(f"section[data-target='{behind.pk}']")
    assert behind_card.locator("[data-rag=red]").count() == 1
    if viewport == "phone":
        inside_the_screen(page, "main .report-actions .button")

    # Explain, then submit: the confirmation says what happens next.
    page.locator(f"#explanation-{behind.pk}").fill("The drilling rig arrived late.")
    page.locator(f"#remedial_action-{behind.pk}").fill("A second rig from next month.")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    with page.expect_navigation():
        page.locator("main button[name=action][value=submit]").click()
    j.check()
    j.shot("2-submitted")
    assert asked and "performance officer" in asked[0]
    report.refresh_from_db()
    assert report.state == "submitted"
    assert ProgressEntry.objects.get(report=report, target=behind).explanation == "The drilling rig arrived late."
