"""One score path: the dashboard, the league row, the API and the annual report (its data and its PDF)
give the demo ministry the same composite and grade for the same period, from ``contracts.scores``,
and all move together when a verified actual changes."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from contracts import monitoring, scores
from contracts.models import PerformanceContract, Target
from reports import builders, requesting
from scorecards import dashboards


def surfaces(demo, client, contract, capture):
    """(composite, grade) as each surface shows them for the ministry's latest quarter."""
    found = {}
    expected = scores.score(contract)
    board = dashboards.institution_dashboard(demo.water)
    found["dashboard"] = (str(board.score.composite), board.score.grade)
    html = client.get(reverse("institution-dashboard", args=[demo.water.pk])).content.decode()
    found["dashboard page"] = tuple(v if v in html else None for v in found["dashboard"])
    row = next(r for r in dashboards.league(demo.users["perfdept"]).rows if r.score.institution_id == demo.water.pk)
    found["league row"] = (str(row.score.composite), row.score.grade)
    league = client.get("/api/v1/league/").json()["results"]
    api_row = next(r for r in league if r["institution"] == demo.water.pk)
    found["league API"] = (api_row["composite"], api_row["grade"])
    answer = client.get(f"/api/v1/contracts/{contract.pk}/score/").json()
    found["contract API"] = (answer["composite"], answer["grade"])
    data = builders.get("annual").build({"institution": demo.water.pk}, user=demo.users["auditor"],
                                        progress=lambda p: None)
    found["annual data"] = (data["contract"]["composite"], data["contract"]["grade"])
    with capture(execute=True):
        report = requesting.request_report(demo.users["auditor"], "annual", {"institution": demo.water.pk}, "pdf")
    report.refresh_from_db()
    pdf = report.file.open("rb").read()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    found["annual PDF"] = (found["annual data"][0] if found["annual data"][0] in text else None,
                           expected.grade if f"Grade:{expected.grade}".replace(" ", "") in text else None)
    return (str(expected.composite), expected.grade), found


def test_every_surface_agrees_and_follows_a_verified_actual(demo, as_user, media, eager,
                                                          django_capture_on_commit_callbacks):
    contract = PerformanceContract.objects.get(
        institution=demo.water, level="institution", financial_year__is_current=True)
    client = as_user(demo.users["perfdept"])
    expected, found = surfaces(demo, client, contract, django_capture_on_commit_callbacks)
    assert expected == ("2.4563", "Very Good")  # five of six targets verified, to Q2
    assert found == dict.fromkeys(found, expected)
    before = scores.score(contract)
    assert not before.final and before.period == 2 and before.pending == 1

    # The irrigation target's actual is reported for Q3 and verified: every surface moves with it.
    irrigation = Target.objects.get(contract=contract, actual__isnull=True)
    report = monitoring.open_report(demo.users["head"], contract, 3)
    entry = monitoring.report_actual(demo.users["head"], report, irrigation, actual="19000")
    monitoring.submit_report(demo.users["head"], report)
    monitoring.verify(demo.users["secretariat"], entry, "accepted")
    after = scores.score(contract)
    assert after.final and after.period == 3 and after.composite != before.composite
    expected, found = surfaces(demo, client, contract, django_capture_on_commit_callbacks)
    assert expected == (str(after.composite), after.grade)
    assert found == dict.fromkeys(found, expected)
