"""Every page of the four journeys in Swahili, as the demo logins reach them: each role starts at home (and at
the few pages a journey opens by address rather than by a link) and follows every link on every page it is
shown, one address per kind of page. Downloads met on the way (CSV, XLSX, PDF) are read too."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.i18n import checker

# Never followed: leaving the session or the language, the admin and API (not pages of the journeys), stored files.
SKIP = re.compile(r"^/(?:accounts/logout|i18n/|admin/|api/|static/|media/|bench/|healthz)")
# Not opened: the target import page and its template files: their column names (``very_good``,
# ``expected_date``) and category lists are the file's format, typed as they are.
LEFT_OUT = {"contract-import", "contract-import-template-csv",
            "contract-import-template-xlsx"}
PER_KIND = 1  # address opened per kind of page (a list's filters lead to many)


def seeds(demo):
    """Pages a journey opens by address (a link in an e-mail, a QR code, the public site)."""
    from appraisals.models import Appraisal
    from contracts.models import ContractVersion, PerformanceContract
    from evaluations.models import Evaluation
    from pmis.models import AuditEvent, FinancialYear

    ministry = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    plan = PerformanceContract.objects.get(institution=demo.water, officer=demo.officer)
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    version = ContractVersion.objects.filter(contract=ministry).order_by("number").first()
    evaluation = Evaluation.objects.filter(institution=demo.water).order_by("year_start").first()  # released
    appraisal = Appraisal.objects.filter(institution=demo.water).order_by("pk").first()
    tz_plan = PerformanceContract.objects.get(institution__slug="bagamoyo", level="officer")
    # The trail's event page opened on a signature and on a band table's change (its bands are a stored
    # structure, read as labelled parts).
    signature = AuditEvent.objects.filter(institution=demo.water, action="contract.signature").order_by("pk").first()
    bands = AuditEvent.objects.filter(action__startswith="band_table.").order_by("pk").first()
    common = ["/", reverse("audit-event-detail", args=[signature.pk]),
              reverse("contract-verify", args=[version.verify_code]), reverse("results-years"),
              reverse("charters:directory")]
    return {
        "officer": common + [reverse("contract-scorecard", args=[plan.pk]),
                             reverse("monitoring-contract-reports", args=[plan.pk]),
                             reverse("appraisals:detail", args=[appraisal.pk])],
        "pepmis-officer": common + [reverse("appraisals:week", args=[tz_plan.pk])],
        "pepmis-supervisor": common + [reverse("appraisals:team-week"), reverse("appraisals:week", args=[tz_plan.pk])],
        "director": common,
        "head": common + [reverse("contract-versions", args=[ministry.pk]), evaluation.get_absolute_url(),
                          reverse("reports:list"), reverse("reports:new")],
        "perfdept": common + [reverse("league-table"), reverse("institution-dashboard", args=[demo.water.pk]),
                              reverse("scorecard-framework", args=[year.pk]),
                              reverse("notifications:coverage", args=[demo.water.pk]),
                              reverse("evaluation-panel")],
        # One event page per role is read: the auditor's is the band table's.
        "auditor": [reverse("audit-event-detail", args=[bands.pk])] + common + [
            reverse("audit-event-list"), reverse("contract-detail", args=[ministry.pk]),
                             reverse("reports:list"), reverse("reports:new")],
    }


# The Tanzanian officer and her supervisor (PEPMIS: the week page and the team's week).
LOGIN = {"pepmis-officer": "tz-afisa", "pepmis-supervisor": "tz-msimamizi"}

# Kinds of page each journey must have read (so the crawl cannot shrink without this test saying so).
MUST = {
    "officer": {"home", "contract-list", "contract-detail", "contract-scorecard",
                "monitoring-contract-reports", "notifications:list", "tasks", "contract-verify", "results-years"},
    "pepmis-officer": {"home", "appraisals:week"},
    "pepmis-supervisor": {"home", "appraisals:team-week", "appraisals:week"},
    "director": {"home", "contract-list", "contract-detail"},
    "head": {"home", "contract-detail", "contract-versions", "evaluation-detail", "reports:list", "reports:new"},
    "perfdept": {"home", "league-table", "institution-dashboard", "scorecard-framework", "notifications:coverage",
                 "league-export-csv", "league-export-xlsx", "institution-export-csv", "institution-export-xlsx"},
    "auditor": {"home", "audit-event-list", "audit-event-detail", "contract-detail", "reports:list"},
}


def crawl(client, start, data):
    """{url: problems} for every page and download reached from ``start``; and the kinds of page read."""
    queue, seen, per_kind, found, kinds = deque(start), set(start), {}, {}, set()
    while queue:
        url = queue.popleft()
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        kind = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if kind in LEFT_OUT or per_kind.get(kind, 0) >= PER_KIND:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        per_kind[kind] = per_kind.get(kind, 0) + 1
        kinds.add(kind)
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "html" in content_type:
            html = body.decode()
            problems = checker.problems_in(checker.visible_text(html), data)
            for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', html):
                href = href.replace("&amp;", "&")
                if href.startswith("?"):
                    href = urlsplit(url).path + href
                if href.startswith("/") and not href.startswith("//") and not SKIP.match(href) and href not in seen:
                    seen.add(href)
                    queue.append(href)
        else:
            problems = checker.document_problems(content_type, body, data)
        if problems:
            found[url] = problems
    return found, kinds


@pytest.mark.parametrize("role", list(MUST))
def test_every_page_a_journey_reaches_reads_in_swahili(demo, as_user, role):
    from django.contrib.auth import get_user_model

    client = as_user(get_user_model().objects.get(username=LOGIN.get(role, role)))
    client.cookies["django_language"] = "sw"
    found, kinds = crawl(client, seeds(demo)[role], checker.records())
    assert MUST[role] <= kinds, f"not reached: {MUST[role] - kinds}"
    assert not found, "\n".join(f"{url}:\n  " + "\n  ".join(p) for url, p in found.items())
