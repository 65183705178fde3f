"""Browser fixtures for the user journeys: Debian's Chromium driven by Playwright against pytest-django's
live server on the test database, with Celery eager, axe-core checks and screenshots."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PMIS_CHROMIUM", "/usr/bin/chromium")
# Screenshots land outside the work tree unless asked for (PMIS_SCREENSHOTS=docs/screenshots refreshes
# the ones the docs show), so running the tests leaves the checkout as it was.
SHOTS = Path(os.environ.get("PMIS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "pmis-screenshots")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "pmis-demo"


def _chromium():
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


def no_browser():
    message = "Chromium is not installed: apt-get install chromium (or set PMIS_CHROMIUM)"
    if os.environ.get("PMIS_REQUIRE_BROWSER"):
        pytest.fail(message + " — PMIS_REQUIRE_BROWSER is set (CI), so the browser tests are required.")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium per journey module (not per session: while Playwright runs, its event loop would make
    Django refuse the ORM calls of the tests that follow, and the environment variable that allows them
    must not leak into later tests, e.g. the deploy check's subprocess).
    Missing browser: skip locally, FAIL when PMIS_REQUIRE_BROWSER is set (CI)."""
    path = _chromium()
    if path is None:
        no_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread while the browser is open;
    # the ORM calls made between browser steps are still synchronous.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=path, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def journey_db(live_server, settings):
    """The live server's database holds the demo data; Celery runs tasks in the server's thread."""
    from pmis.models import Institution
    from tests.conftest import load_demo

    if not Institution.objects.filter(slug="outside").exists():
        load_demo()  # an earlier transactional test flushed the database
    from pmis.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield live_server
    app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates


@pytest.fixture(params=["desktop", "phone"])
def viewport(request):
    return request.param


class Journey:
    """A browser page with the helpers every journey uses."""

    def __init__(self, page, base_url, name, viewport, language):
        self.page, self.base_url, self.name, self.viewport, self.language = page, base_url, name, viewport, language
        self.visited = []
        self.english_left = {}  # page → English UI words seen in another language

    def url(self, path):
        return self.base_url + path

    def goto(self, path):
        self.page.goto(self.url(path))
        self.check()

    def login(self, username):
        page = self.page
        page.goto(self.url("/accounts/login/"))
        self.check()
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        self.check()

    def menu(self):
        """Open the main menu where it folds behind its button (a phone); nothing elsewhere."""
        toggle = self.page.locator(".menu-toggle")
        if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
            assert toggle.get_attribute("aria-expanded") == "true"
            assert self.page.locator("#mainnav").is_visible()

    def logout(self):
        self.page.locator("form[action$='/logout/'] button").click()
        self.page.wait_for_load_state()

    def shot(self, step):
        suffix = "" if self.language == "en" else f"-{self.language}"
        self.page.screenshot(path=str(SHOTS / f"journey-{self.name}-{self.viewport}{suffix}-{step}.png"),
                             full_page=True)

    def check(self):
        """axe-core on the page: no serious or critical violations; on a phone, the layout fits the screen."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state()
        if self.viewport == "phone":
            self.fits_the_screen()
        results = Axe().run(self.page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        path = re.sub(r"^https?://[^/]+", "", self.page.url)
        self.visited.append(path)
        assert not bad, f"axe on {path}:\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in bad)

    def fits_the_screen(self):
        path = re.sub(r"^https?://[^/]+", "", self.page.url)
        outside = self.page.evaluate(OUTSIDE)
        assert not outside, f"at {self.page.viewport_size['width']} px on {path}:\n" + "\n".join(outside)


# What sticks out of the screen: the page scrolling sideways, any element wider than the viewport,
# any button, link or form field not wholly inside it (those hidden on purpose, off-screen to the left
# like the skip link until it takes focus or 1 px wide like visually-hidden text, excepted).
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    " “" + (el.textContent || el.value || "").trim().slice(0, 40) + "”";
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) {
    found.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " px wide");
  }
  const clipped = (el) => {  // inside a box that clips or scrolls it (a table scrolling sideways)
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue;
    if (box.width > width + 1) {
      found.push(name(el) + " is " + Math.round(box.width) + " px wide");
    } else if ((box.left < -1 || box.right > width + 1) && (el.matches("a, button, input, select, textarea, summary")
                                                           || !clipped(el))) {
      found.push(name(el) + " reaches " + Math.round(box.left) + "…" + Math.round(box.right) + " px");
    }
    if (found.length > 8) break;
  }
  return found;
}"""


@pytest.fixture
def journey(browser, journey_db, viewport, request):
    """A fresh browser context (no cookies) at the viewport; call journey(name, language=...)."""
    contexts = []

    def start(name, language="en"):
        size = VIEWPORTS[viewport]
        context = browser.new_context(
            viewport=size, accept_downloads=True, locale="sw-KE" if language == "sw" else "en-GB",
            is_mobile=viewport == "phone", has_touch=viewport == "phone",
            device_scale_factor=2 if viewport == "phone" else 1)
        context.set_default_timeout(15_000)
        if language != "en":
            host = re.sub(r"^https?://([^:/]+).*$", r"\1", journey_db.url)
            context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
        contexts.append(context)
        return Journey(context.new_page(), journey_db.url, name, viewport, language)

    SHOTS.mkdir(parents=True, exist_ok=True)
    yield start
    for context in contexts:
        context.close()
