"""The exports carry each quarter report's lateness (issue 27): the league table's, the institution
dashboard's and the dashboard's participation file, read back as CSV and XLSX; the days late are the
report's own ``days_late``, as the pages show them."""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.models import PerformanceContract, ProgressReport

LATENESS = ["Report due", "Report submitted", "Late", "Days late"]


def submitted_days_after_due(report, days):
    when = timezone.make_aware(datetime.datetime.combine(report.due_date + datetime.timedelta(days=days),
                                                         datetime.time(10)))
    ProgressReport.objects.filter(pk=report.pk).update(state="submitted", submitted_at=when)
    return ProgressReport.objects.get(pk=report.pk)


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def xlsx_rows(response):
    assert response.status_code == 200, response.status_code
    values = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def ministry_q2(demo, ministry):
    from contracts import monitoring

    return monitoring.open_report(demo.users["head"], ministry, 2)


def test_the_league_exports_say_whether_each_institution_reported_late_and_by_how_many_days(
        demo, as_user, ministry):
    report = submitted_days_after_due(ministry_q2(demo, ministry), 9)
    assert report.days_late == 9
    client = as_user(demo.users["perfdept"])
    by_name = {r["Institution"]: r for r in csv_rows(client.get(reverse("league-export-csv"), {"period": 2}))}
    water = by_name[demo.water.name]
    assert [water[h] for h in LATENESS] == [report.due_date.isoformat(), str(report.due_date
                                            + datetime.timedelta(days=9)), "Yes", "9"]
    by_name = {r["Institution"]: r for r in xlsx_rows(client.get(reverse("league-export-xlsx"), {"period": 2}))}
    assert by_name[demo.water.name]["Late"] == "Yes" and by_name[demo.water.name]["Days late"] == 9
    # On time: not late, 0 days.
    submitted_days_after_due(report, -3)
    by_name = {r["Institution"]: r for r in csv_rows(client.get(reverse("league-export-csv"), {"period": 2}))}
    assert by_name[demo.water.name]["Late"] == "No" and by_name[demo.water.name]["Days late"] == "0"


def test_the_institution_export_carries_its_contracts_report_lateness_on_every_row(demo, as_user, ministry):
    report = submitted_days_after_due(ministry_q2(demo, ministry), 52)
    client = as_user(demo.users["perfdept"])
    rows = xlsx_rows(client.get(reverse("institution-export-xlsx", args=[demo.water.pk]), {"period": 2}))
    assert rows and {(r["Late"], r["Days late"]) for r in rows} == {("Yes", 52)}
    assert {r["Report due"].date() for r in rows} == {report.due_date}
    rows = csv_rows(client.get(reverse("institution-export-csv", args=[demo.water.pk]), {"period": 2}))
    assert {(r["Late"], r["Days late"]) for r in rows} == {("Yes", "52")}


def test_the_participation_export_lists_every_contract_with_its_report_and_lateness(demo, as_user, ministry):
    from contracts import monitoring

    late = submitted_days_after_due(ministry_q2(demo, ministry), 52)
    year = ministry.financial_year
    contracts = PerformanceContract.objects.filter(institution=demo.water, financial_year=year)
    unit = contracts.filter(level="unit", status__in=monitoring.REPORTABLE).first()
    on_time = submitted_days_after_due(monitoring.open_report(demo.users["head"], unit, 2), 0) if unit else None
    client = as_user(demo.users["perfdept"])
    html = client.get(reverse("institution-dashboard", args=[demo.water.pk]), {"period": 2}).content.decode()
    url = reverse("participation-export-csv", args=[demo.water.pk])
    assert url in html
    rows = csv_rows(client.get(url, {"period": 2}))
    assert len(rows) == contracts.count() and {r["Quarter"] for r in rows} == {"Q2"}
    by_title = {r["Contract"]: r for r in rows}
    assert by_title[ministry.title]["Report"] == "Submitted"
    assert [by_title[ministry.title][h] for h in LATENESS] == [
        late.due_date.isoformat(), str(late.due_date + datetime.timedelta(days=52)), "Yes", "52"]
    if on_time is not None:
        assert (by_title[unit.title]["Late"], by_title[unit.title]["Days late"]) == ("No", "0")
    reported = set(ProgressReport.objects.filter(contract__in=contracts, period=2).values_list(
        "contract__title", flat=True))
    assert all(r["Report"] == "Not started" and r["Late"] == "" for r in rows if r["Contract"] not in reported)
    sheet = xlsx_rows(client.get(reverse("participation-export-xlsx", args=[demo.water.pk]), {"period": 2}))
    assert {r["Contract"]: r["Days late"] for r in sheet}[ministry.title] == 52


def test_another_institutions_participation_answers_404(demo, as_user):
    client = as_user(demo.users["head"])
    assert client.get(reverse("participation-export-csv", args=[demo.outside.pk])).status_code == 404
    assert client.get(reverse("participation-export-xlsx", args=[demo.outside.pk])).status_code == 404


def test_the_participation_export_reads_a_fixed_number_of_queries(demo, as_user, ministry,
                                                                  django_assert_max_num_queries):
    """Ten queries (the session, the signed-in user and their access, the institution, the year, the
    contracts, the reports; the request's transaction) however many contracts reported."""
    from contracts import monitoring

    client = as_user(demo.users["perfdept"])
    url = reverse("participation-export-csv", args=[demo.water.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        few = len(csv_rows(client.get(url, {"period": 2})))
    for contract in PerformanceContract.objects.filter(institution=demo.water, financial_year=ministry.financial_year,
                                                       status__in=monitoring.REPORTABLE):
        start, end, due = monitoring.period_dates(contract.financial_year, 2)
        report, _ = ProgressReport.objects.get_or_create(contract=contract, period=2, defaults={
            "institution_id": contract.institution_id, "period_start": start, "period_end": end, "due_date": due})
        submitted_days_after_due(report, 4)
    with django_assert_max_num_queries(10):
        rows = csv_rows(client.get(url, {"period": 2}))
    assert len(rows) == few and sum(r["Days late"] == "4" for r in rows) >= 2
