"""The institution dashboard and the league table: fixed query counts, content, exports, charts."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from contracts import monitoring
from contracts.models import PerformanceContract, Target
from pmis.models import FinancialYear, Institution
from scorecards import charts
from scorecards.models import ContractScore

PAGE_QUERIES = 16


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def ministry(demo):
    return PerformanceContract.objects.select_related("financial_year").get(
        institution=demo.water, level="institution", financial_year__is_current=True)


def add_targets(contract, n):
    template = Target.objects.filter(contract=contract).first()
    extra = []
    for i in range(n):
        copy = Target(**{f.attname: getattr(template, f.attname) for f in Target._meta.concrete_fields})
        copy.pk, copy.description, copy.order = None, f"Extra target {i}", 100 + i
        extra.append(copy)
    Target.objects.bulk_create(extra)


def add_institutions(demo, n):
    """n institutions under the demo oversight body, each with an institution contract and a Q2 score."""
    body = demo.pmco
    head = demo.users["head"]
    template = ministry(demo)
    year = template.financial_year
    made = Institution.objects.bulk_create([
        Institution(name=f"Agency {i:03d}", slug=f"agency-{i}", kind="agency", oversight_parent=body,
                    oversight_path=f"{body.oversight_path}x{i}/") for i in range(n)])
    years = FinancialYear.objects.bulk_create([
        FinancialYear(institution=inst, name=year.name, start_date=year.start_date, end_date=year.end_date,
                      is_current=True) for inst in made])
    contracts = PerformanceContract.objects.bulk_create([
        PerformanceContract(institution=inst, financial_year=fy, year_start=fy.start_date, level="institution",
                            title=f"{inst.name} PC", performer=head, scheme=template.scheme,
                            band_table_name=template.band_table_name, band_table_version=1,
                            bands=template.bands, status="in_force")
        for inst, fy in zip(made, years, strict=True)])
    ContractScore.objects.bulk_create([
        ContractScore(institution=c.institution, contract=c, financial_year=c.financial_year,
                      year_start=year.start_date.year, level="institution", period=p, scheme=c.scheme,
                      composite=Decimal("2.5") + Decimal(i % 20) / 10,
                      standing=-(Decimal("2.5") + Decimal(i % 20) / 10),
                      grade="Very Good", tone="green", targets_total=5, targets_verified=5, green=5)
        for i, c in enumerate(contracts) for p in (1, 2)])


def test_dashboard_queries_do_not_grow_with_targets(demo, as_user, django_assert_max_num_queries):
    client = as_user(demo.users["perfdept"])
    url = reverse("institution-dashboard", args=[demo.water.pk]) + "?period=2"
    contract = ministry(demo)
    with django_assert_max_num_queries(PAGE_QUERIES):
        small = count(client, url)
    add_targets(contract, 494)
    monitoring.refresh_summary(contract, 2)
    assert ContractScore.objects.get(contract=contract, period=2).targets_total == 500
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert "Extra target 493" in response.content.decode()
    assert count(client, url) == small


def test_league_queries_do_not_grow_with_institutions(demo, as_user, django_assert_max_num_queries):
    url = reverse("league-table")
    client = as_user(demo.users["head"])  # one institution in view
    with django_assert_max_num_queries(PAGE_QUERIES):
        count(client, url)
    assert len(client.get(url).context["table"].rows) == 1
    client = as_user(demo.users["perfdept"])  # an oversight body: two institutions, then fifty
    small = count(client, url)
    add_institutions(demo, 48)  # with water and machakos: 50 under the oversight body
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert "Agency 047" in response.content.decode() and len(response.context["table"].rows) == 50
    assert count(client, url) == small


def test_one_institution_league(demo, as_user):
    client = as_user(demo.users["head"])  # sees the ministry only
    html = client.get(reverse("league-table")).content.decode()
    assert demo.water.name in html and demo.machakos.name not in html


def test_league_ranks_filters_and_movement(demo, as_user):
    client = as_user(demo.users["perfdept"])
    response = client.get(reverse("league-table"), {"period": 2})
    table = response.context["table"]
    names = [r.score.institution.slug for r in table.rows]
    assert names == ["water", "machakos"]  # 2.4563 beats 2.5525 on a lower-is-better scale
    assert [r.rank for r in table.rows] == [1, 2]
    assert [r.movement for r in table.rows] == [1, -1]  # in Q1 the county led (3.3725 against 3.8125)
    html = response.content.decode()
    assert reverse("institution-dashboard", args=[demo.machakos.pk]) in html
    assert '<svg class="chart"' in html and "<title" in html and "style=" not in html
    only = client.get(reverse("league-table"), {"period": 2, "kind": "county"}).context["table"]
    assert [r.score.institution.slug for r in only.rows] == ["machakos"]


def test_dashboard_content(demo, as_user):
    html = as_user(demo.users["perfdept"]).get(
        reverse("institution-dashboard", args=[demo.water.pk]), {"period": 2}).content.decode()
    for text in ("Composite so far", "Trend by quarter", "Targets by status", "Budget absorbed against results",
                 "Shared whole-of-government targets", demo.machakos.name, "Participation"):
        assert text in html, text
    assert "style=" not in html


def test_exports(demo, as_user):
    client = as_user(demo.users["perfdept"])
    response = client.get(reverse("league-export-csv"), {"period": 2})
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rank", "Institution", "Kind"] and rows[1][1] == demo.water.name
    book = load_workbook(io.BytesIO(client.get(reverse("league-export-xlsx"), {"period": 2}).content))
    assert book.active["B2"].value == demo.water.name
    sheet = load_workbook(io.BytesIO(client.get(
        reverse("institution-export-xlsx", args=[demo.water.pk]), {"period": 2}).content)).active
    assert sheet["A2"].value == demo.water.name and sheet.max_row == 8  # header, 6 targets, composite
    assert client.get(reverse("institution-export-csv", args=[demo.outside.pk])).status_code == 404
    # A sheet a ministry files: frozen header, columns sized, numbers grouped, statuses and grades labelled.
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["C"].width > 20
    statuses = {sheet.cell(row=i, column=10).value for i in range(2, sheet.max_row + 1)}
    assert statuses <= {"On track", "At risk", "Off track", None} and statuses - {None}
    budget = [sheet.cell(row=i, column=11) for i in range(2, sheet.max_row) if sheet.cell(row=i, column=11).value]
    assert budget and all(c.number_format.startswith("#,##0") for c in budget)
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("institution-export-csv", args=[demo.water.pk]), {"period": 2}).content.decode())))
    numbers = [cell for row in rows[1:] for cell in row[4:8] + row[10:12] if cell]
    assert numbers and not [n for n in numbers if n.endswith(".0") or "e+" in n]


def test_api_league_and_scores(demo, client):
    client.force_login(demo.users["perfdept"])
    league = client.get("/api/v1/league/", {"period": 2}).json()
    assert [r["rank"] for r in league["results"]] == [1, 2]
    scores = client.get("/api/v1/contract-scores/").json()
    assert {s["institution"] for s in scores["results"]} == {demo.water.pk, demo.machakos.pk}


@pytest.mark.parametrize("lower", [True, False])
def test_charts_have_text_alternatives_and_no_style(lower):
    svg = charts.bar_chart([("Core <mandate>", Decimal("2.5"), "green"), ("None yet", None, "")],
                           title="By perspective", scale_min=1 if lower else 0, scale_max=5 if lower else 100,
                           lower_is_better=lower)
    assert "<title" in svg and "<desc" in svg and "Core &lt;mandate&gt;: 2.5" in svg and "style" not in svg
    line = charts.line_chart([("Q1", Decimal("3")), ("Q2", None)], title="Trend", scale_min=1, scale_max=5)
    assert "Q2: —" in line and "polyline" not in line  # one point: no line
    with translation.override("en"):  # whatever language an earlier test's request left active
        assert "Off track: 2" in charts.rag_bar(1, 0, 2, title="RAG")




def test_league_pages_rank_like_the_whole_table(demo, as_user):
    add_institutions(demo, 60)  # 62 under the oversight body: two pages
    client = as_user(demo.users["perfdept"])
    whole = client.get("/api/v1/league/", {"period": 2}).json()["results"]
    first = client.get(reverse("league-table"), {"period": 2}).context["table"]
    second = client.get(reverse("league-table"), {"period": 2, "page": 2}).context["table"]
    assert first.pager.paginator.num_pages == 2 and len(first.rows) == 50 and len(second.rows) == 12
    paged = [(r.rank, r.score.institution_id, r.previous_rank) for r in first.rows + second.rows]
    assert paged == [(r["rank"] or 0, r["institution"], r["previous_rank"]) for r in whole]
    assert [r.rank for r in first.rows] == list(range(1, 51))
    # Past the end shows the last page; nonsense shows the first.
    assert client.get(reverse("league-table"), {"period": 2, "page": 9}).context["table"].pager.number == 2
    assert client.get(reverse("league-table"), {"period": 2, "page": "x"}).context["table"].pager.number == 1
    html = client.get(reverse("league-table"), {"period": 2}).content.decode()
    assert "Ranks 1–50 of 62 institutions." in html and "page=2" in html and '<svg class="chart"' in html


def test_league_page_is_seven_queries_whatever_the_number_of_institutions(demo, as_user, settings):
    # As deployed with a shared cache (CACHE_URL): the session is read from it, not from the database.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = as_user(demo.users["perfdept"])
    url = reverse("league-table")
    client.get(url)  # the first read puts the session in the cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_institutions(demo, 120)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["table"].rows) == 50
    # The user (with the unread badge), their access (pmis.access: roles, then the institutions under the
    # bodies they oversee), the quarters scored, the bodies, the page, the previous quarter.
    assert len(few) == len(many) <= 7, [q["sql"][:80] for q in many.captured_queries]
