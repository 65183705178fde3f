"""Journey (issue 28): the year-end evaluation in the browser. The head files the self-evaluation on the
one form (a typed error keeps every value) and signs it; the evaluator adjusts one achievement with a
reason; the institution responds; the performance department moderates and releases; an anonymous
visitor then sees the institution's rank and grade on the public results page, which showed nothing of
it before release. On a phone nothing is wider than the screen and every button stays inside it; the
public page speaks Swahili."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from evaluations import independent
from evaluations.models import Achievement, Evaluation
from pmis import org, twofactor
from pmis.models import Institution

pytestmark = [pytest.mark.browser]

PASSWORD = "pmis-demo"


def fits_the_screen(page):
    """Nothing wider than the viewport, and every visible button inside the screen."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    for button in page.locator("main button:visible, main a.button:visible").all():
        box = button.bounding_box()
        if box:
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (page.url, button.inner_text(), box)


def plain(value):
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in {"-0", ""} else text


def step(j, viewport, name):
    j.check()
    if viewport == "phone":
        fits_the_screen(j.page)
    j.shot(name)


def submit_in(page, selector):
    with page.expect_navigation():
        page.locator(selector).click()


def test_from_self_evaluation_to_public_results(journey, viewport):
    water = Institution.objects.get(slug="water")
    evaluation = Evaluation.objects.select_related("contract").get(institution=water, financial_year__is_current=True)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=30))
    rows = list(Achievement.objects.filter(evaluation=evaluation).select_related("target").order_by("pk"))
    assert len(rows) >= 2
    first = rows[0]
    typed = {a.pk: plain(a.target.target_value) for a in rows}
    evaluator, _ = org.ensure_user("evaluator", first_name="Esther", last_name="Wanjiru", password=PASSWORD)
    perfdept = org.ensure_user("perfdept")[0]
    independent.assign(perfdept, water, evaluator)
    year = evaluation.year_start
    public = f"/results/{year}/"

    # Before release the public page shows nothing of the year.
    visitor = journey("evaluation-public")
    visitor.page.goto(visitor.url(public))
    assert "Ministry of Water" not in visitor.page.content()

    # The head fills the one form; one figure is not a number: the error sits beside its target and every
    # typed value is still there.
    j = journey("evaluation")
    page = j.page
    j.login("head")
    j.goto(evaluation.get_absolute_url())
    for a in rows:
        page.locator(f"#actual-{a.pk}").fill("twelve" if a.pk == first.pk else typed[a.pk])
        page.locator(f"#evidence-{a.pk}").fill(f"Annual report, page {a.pk}")
    submit_in(page, "main form[action$='/save/'] .report-actions button[type=submit]")
    step(j, viewport, "1-error")
    assert page.locator(f"#actual-{first.pk}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"section[data-achievement='{first.pk}'] .field-error").is_visible()
    for a in rows:
        assert page.locator(f"#actual-{a.pk}").input_value() == ("twelve" if a.pk == first.pk else typed[a.pk])
        assert page.locator(f"#evidence-{a.pk}").input_value() == f"Annual report, page {a.pk}"
    page.locator(f"#actual-{first.pk}").fill(typed[first.pk])
    # Evidence as files: two at once beside the first target.
    page.locator(f"#files-{first.pk}").set_input_files([
        {"name": "annual-returns.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
        {"name": "site.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32}])
    submit_in(page, "main form[action$='/save/'] .report-actions button[type=submit]")
    step(j, viewport, "2-saved")
    assert Achievement.objects.get(pk=first.pk).self_actual == Decimal(typed[first.pk])
    links = page.locator(f"section[data-achievement='{first.pk}'] [data-files] a")
    assert links.all_inner_texts()[-2:] == ["annual-returns.pdf", "site.png"]

    # The head signs: password and authentication code again.
    head = get_user_model().objects.get(username="head")
    TOTPDevice.objects.filter(user=head).update(last_t=-1)  # a code is good once; the demo reuses them
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(twofactor.current_code(head))
    page.locator("#id_confirm").check()
    submit_in(page, "main form[action$='/sign/'] button[type=submit]")
    step(j, viewport, "3-signed")
    assert Evaluation.objects.get(pk=evaluation.pk).state == Evaluation.State.SUBMITTED
    j.logout()

    # The evaluator confirms the others and adjusts the first with a reason, in the browser.
    for a in rows[1:]:
        independent.assess(evaluator, Achievement.objects.get(pk=a.pk), Decimal(typed[a.pk]))
    adjusted = plain(Decimal(typed[first.pk]) - 1)
    e = journey("evaluation-evaluator")
    epage = e.page
    e.login("evaluator")
    e.goto(evaluation.get_absolute_url())
    card = epage.locator(f"section[data-achievement='{first.pk}']")
    card.locator("summary", has_text="Confirm or adjust").click()
    epage.locator(f"#value-{first.pk}").fill(adjusted)
    epage.locator(f"#reason-{first.pk}").fill("Two boreholes were dry on inspection.")
    submit_in(epage, f"main form[action$='/assess/']:has(#value-{first.pk}) button[type=submit]")
    step(e, viewport, "4-adjusted")
    assert Achievement.objects.get(pk=first.pk).evaluated_actual == Decimal(adjusted)
    submit_in(epage, "main form[action$='/share/'] button[type=submit]")
    step(e, viewport, "5-shared")
    assert Evaluation.objects.get(pk=evaluation.pk).state == Evaluation.State.ADJUSTED

    # The institution sees the adjustment and responds once.
    j.login("head")
    j.goto(evaluation.get_absolute_url())
    assert "Two boreholes were dry on inspection." in page.locator(
        f"section[data-achievement='{first.pk}'] [data-evaluated]").inner_text()
    page.locator("#response").fill("We accept the adjustment; the dry boreholes will be redrilled.")
    submit_in(page, "main form[action$='/respond/'] button[type=submit]")
    step(j, viewport, "6-responded")
    assert page.locator("#response").count() == 0
    j.logout()

    # The evaluator concludes.
    e.goto(evaluation.get_absolute_url())
    submit_in(epage, "main form[action$='/conclude/'] button[type=submit]")
    step(e, viewport, "7-concluded")
    concluded = Evaluation.objects.get(pk=evaluation.pk)
    assert concluded.state == Evaluation.State.CONCLUDED and concluded.composite is not None

    # Not public yet: a concluded result waits for release.
    visitor.page.goto(visitor.url(public))
    assert "Ministry of Water" not in visitor.page.content()

    # The performance department moderates with a reason, then releases the year from the panel.
    p = journey("evaluation-perfdept")
    ppage = p.page
    p.login("perfdept")
    p.goto(evaluation.get_absolute_url())
    moderated = concluded.composite - Decimal("0.1000")
    ppage.locator("#composite").fill(format(moderated, "f"))
    ppage.locator("#mod-reason").fill("Panel view of the category.")
    submit_in(ppage, "main form[action$='/moderate/'] button[type=submit]")
    step(p, viewport, "8-moderated")
    released = Evaluation.objects.get(pk=evaluation.pk)
    assert released.moderated_composite == moderated
    p.goto(f"/evaluations/panel/?year={year}")
    if viewport == "phone":
        fits_the_screen(ppage)
    ppage.locator("#on").fill(timezone.localdate().isoformat())
    submit_in(ppage, "main form[action$='/panel/release/'] button[type=submit]")
    step(p, viewport, "9-released")
    released.refresh_from_db()
    assert released.released_on == timezone.localdate()

    # An anonymous visitor: the ministry ranked first among ministries with its grade, four decimals.
    visitor.goto(public)
    if viewport == "phone":
        fits_the_screen(visitor.page)
        # The ranking reads without sideways scrolling: rank, institution, composite and grade all on screen.
        assert visitor.page.evaluate(
            "[...document.querySelectorAll('main .table-wrap')].every(w => w.scrollWidth <= w.clientWidth)")
    visitor.shot("10-public")
    row = visitor.page.locator("tr[data-institution='water']")
    assert row.count() == 1
    text = row.inner_text()
    assert f"{released.final_composite:.4f}" in text and released.final_grade in text
    assert row.locator("[data-rank]").inner_text().strip() == "1"

    # The same page in Swahili.
    sw = journey("evaluation-public", language="sw")
    sw.goto(public)
    if viewport == "phone":
        fits_the_screen(sw.page)
    sw.shot("11-public")
    heading = sw.page.locator("main h1").inner_text()
    assert heading.startswith("Matokeo ya mikataba ya utendaji")
    headers = {h.strip() for h in sw.page.locator("main th").all_text_contents()}
    assert {"Nafasi", "Taasisi", "Alama ya jumla", "Daraja"} <= headers, headers
    assert sw.page.locator("main a[href$='results.csv']").count() == 1
