"""Journey 1: the officer logs the annual plan (keyboard only), then reports a quarter with evidence."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from contracts.cycle import signing, workflow
from contracts.demo.cycle import demo_request, demo_totp
from contracts.models import PerformanceContract, ProgressEntry, Target

pytestmark = [pytest.mark.browser]

# Words of the English interface the officer meets (navigation, buttons, form labels): none may
# be left on the Swahili pages.
ENGLISH_UI = [
    "Home", "Institutions", "Contracts", "League table", "Verification", "Complaints", "Notifications",
    "Reports", "Audit trail", "Security", "Log out", "Log in", "Username", "Password", "Add a target",
    "Edit", "Remove", "Save target", "Cancel", "Description", "Weight", "Baseline", "Target", "Indicator",
    "Perspective", "Cascades from", "Submit for pre-negotiation review", "Start the report", "Upload",
    "Save", "Actual to date", "Status", "Comment", "Submit the report for verification", "Progress reports",
]
_WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(ENGLISH_UI, key=len, reverse=True)) + r")\b")

NEW_TARGET = "Supervise pumping tests on 6 new boreholes in Turkana"


def ui_texts(page):
    """Text of the navigation, buttons and form labels of the page."""
    return page.eval_on_selector_all(
        "nav a, button, .button, label, summary",
        "els => els.filter(e => e.offsetParent !== null || e.closest('nav')).map(e => e.innerText.trim())")


def assert_no_english(j):
    if j.language == "en":
        return
    left = sorted({m for text in ui_texts(j.page) for m in _WORDS.findall(text)})
    if left:
        j.english_left[re.sub(r"^https?://[^/]+", "", j.page.url)] = left


# --- keyboard only: Tab, Shift+Tab, Enter, Space, arrows and typing; never a click -------------

def focused(page, locator):
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, limit=120):
    locator = locator.first
    for _ in range(limit):
        if focused(page, locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def key_fill(page, locator, text):
    tab_to(page, locator)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def key_select(page, locator, label):
    """Pick an option of a closed <select> with the arrow keys."""
    tab_to(page, locator)
    labels = locator.first.evaluate("el => Array.from(el.options).map(o => o.text.trim())")
    target = labels.index(label)
    current = locator.first.evaluate("el => el.selectedIndex")
    for _ in range(abs(target - current)):
        page.keyboard.press("ArrowDown" if target > current else "ArrowUp")
    assert locator.first.evaluate("el => el.selectedIndex") == target


def key_activate(j, locator, key="Enter"):
    with j.page.expect_navigation():
        tab_to(j.page, locator)
        j.page.keyboard.press(key)
    j.check()
    assert_no_english(j)


def key_login(j, username):
    page = j.page
    page.goto(j.url("/accounts/login/"))
    j.check()
    assert_no_english(j)
    j.shot("1-login")
    key_fill(page, page.locator("#id_username"), username)
    key_fill(page, page.locator("#id_password"), "pmis-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url
    j.check()
    assert_no_english(j)


def plan_in_force(plan):
    """What the secretariat, the supervisor, the vetting committee and both parties do next."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["secretariat", "supervisor", "vetting", "officer"])}
    workflow.pass_review(users["secretariat"], plan)
    workflow.conclude_negotiation(users["supervisor"], plan, "Agreed as submitted.")
    for target in Target.objects.filter(contract=plan):
        workflow.vet_target(users["vetting"], target, smart=True, aligned=True)
    workflow.approve_vetting(users["vetting"], plan, "SMART and aligned.")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for who in ("officer", "supervisor"):
        TOTPDevice.objects.filter(user=users[who]).update(last_t=-1)
        signer = users[who]
        plan.refresh_from_db()
        signing.sign(demo_request(signer), plan, password="pmis-demo", code=demo_totp(signer))
    plan.refresh_from_db()
    if plan.status == PerformanceContract.Status.SIGNED:
        workflow.bring_into_force(users["secretariat"], plan)
        plan.refresh_from_db()
    assert plan.status == PerformanceContract.Status.IN_FORCE


def run_officer(journey, language):
    j = journey("officer", language=language)
    page = j.page
    plan = PerformanceContract.objects.get(performer__username="officer", level="officer")
    first = Target.objects.filter(contract=plan).order_by("order", "pk").first()
    parent = first.parent

    # --- Part 1, keyboard only: log in, open the plan, add a cascaded target, rebalance, submit.
    key_login(j, "officer")
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():  # a phone: the menu opens from its button, with the keyboard too
        tab_to(page, toggle)
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
    key_activate(j, page.locator("nav a[href='/contracts/']"))
    j.shot("2-contracts")
    key_activate(j, page.locator(f"main a[href='/contracts/{plan.pk}/']"))
    j.shot("3-plan")
    key_activate(j, page.locator(f"main a[href='/contracts/{plan.pk}/targets/new/']"))
    with translation.override(language):  # the category is named in the reader's language
        perspective = str(first.perspective)
    key_select(page, page.locator("#id_perspective"), perspective)
    key_select(page, page.locator("#id_indicator"), first.indicator.name)
    key_select(page, page.locator("#id_parent"), parent.description)
    key_fill(page, page.locator("#id_description"), NEW_TARGET)
    for field, value in [("baseline", "0"), ("target_value", "6"), ("criteria_excellent", "8"),
                         ("criteria_very_good", "6"), ("criteria_good", "5"), ("criteria_fair", "4"),
                         ("criteria_poor", "3"), ("weight", "10")]:
        key_fill(page, page.locator(f"#id_{field}"), value)
    j.shot("4-new-target")
    key_activate(j, page.locator("main button[type=submit]"))
    assert NEW_TARGET in page.locator("main").inner_text()
    # The first target gives up the new one's weight, so the plan still adds up to 100%.
    key_activate(j, page.locator(f"a[href='/contracts/targets/{first.pk}/edit/']"))
    key_fill(page, page.locator("#id_weight"), str(int(first.weight) - 10))
    key_activate(j, page.locator("main button[type=submit]"), key="Space")
    submit = page.locator("main form[action$='/transition/'] button[type=submit]")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    key_activate(j, submit)
    assert asked, "submitting the plan asks for a confirmation first"
    j.shot("5-submitted")
    plan.refresh_from_db()
    assert plan.status == PerformanceContract.Status.SUBMITTED
    added = Target.objects.get(contract=plan, description=NEW_TARGET)
    assert added.parent_id == parent.pk and added.weight == 10

    # --- Between the parts: review, negotiation, vetting and signatures by the others.
    plan_in_force(plan)

    # --- Part 2: report the first quarter with an evidence PDF.
    j.goto(f"/contracts/{plan.pk}/")
    assert_no_english(j)
    with page.expect_navigation():
        page.locator(f"main a[href='/contracts/{plan.pk}/reports/']").click()
    j.check()
    assert_no_english(j)
    j.shot("6-quarters")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert re.search(r"/contracts/reports/\d+/$", page.url)
    j.check()
    assert_no_english(j)
    page.locator(f"#actual-{added.pk}").fill("2")
    page.locator(f"#comment-{added.pk}").fill("Two pumping tests done in Lodwar.")
    page.locator(f"#explanation-{added.pk}").fill("The test pump arrived in September.")
    page.locator(f"#remedial_action-{added.pk}").fill("Two tests a month from October.")
    # The evidence goes with the actual, in the same form.
    page.locator(f"#evidence-{added.pk}").set_input_files(files=[{
        "name": "pumping-tests-q1.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"}])
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]").click()
    j.check()
    entry = ProgressEntry.objects.get(target=added)
    assert "pumping-tests-q1.pdf" in page.locator("main").inner_text()
    j.shot("7-report")
    assert entry.evidence.count() == 1
    assert not j.english_left, f"English words left on the {j.language} pages: {j.english_left}"


@pytest.mark.parametrize("language", ["en", "sw"])
def test_officer_logs_the_plan_and_reports_a_quarter(journey, language):
    run_officer(journey, language)
