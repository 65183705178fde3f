"""Milestone targets phased as dates (issue 27): a milestone target carries the date it is expected by
instead of cumulative quarterly values; it is signed (content hash), printed, imported and edited on the
plan form; in a quarter by whose end the date has passed and the milestone is not done, it is off track.

The hand example: a year starting on 1 July; "Water Bill enacted", a milestone measured as the day of
the year it is reached, target day 180, expected by 15 November (quarter 2, which ends on
31 December, day 183 of the year)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import monitoring, scores
from contracts.cycle import content, targets
from contracts.documents import importing, pdf
from contracts.models import PerformanceContract, Target
from scorecards import setup
from scorecards.models import Indicator, Perspective

LOWER_CRITERIA = {"criteria_excellent": 150, "criteria_very_good": 180, "criteria_good": 200,
                  "criteria_fair": 220, "criteria_poor": 240}


@pytest.fixture
def bill(demo, cycle):
    return setup.add_indicator(cycle.admin, demo.water, name="Water Bill enacted",
                               measurement_type=Indicator.MeasurementType.MILESTONE, unit="day of the year",
                               direction="lower")


def add_milestone(cycle, bill, **fields):
    perspective = Perspective.objects.filter(financial_year=cycle.plan.financial_year).first()
    return targets.add_target(cycle.performer, cycle.plan, perspective=perspective, indicator=bill,
                              description="Have the Water Bill enacted", target_value=Decimal(180),
                              weight=Decimal(5), **{**LOWER_CRITERIA, **fields})


def days_in(cycle, date):
    return Decimal((date - cycle.plan.year_start).days)


def test_a_milestone_is_expected_by_its_own_day_unless_the_plan_names_a_date(cycle, bill):
    start = cycle.plan.year_start
    target = add_milestone(cycle, bill)
    assert target.is_milestone and target.expected_date == start + datetime.timedelta(days=180)
    november = cycle.year.start_date.replace(month=11, day=15)
    if start.month > 11:  # a year starting after November: its 15 November falls in the next calendar year
        november = november.replace(year=start.year + 1)
    changed = targets.update_target(cycle.performer, target, expected_date=november)
    assert Target.objects.get(pk=target.pk).expected_date == november
    # The date is signed: it is in the content and changes the fingerprint; no quarterly values for it.
    plain = content.target_content(changed)
    assert plain["expected_date"] == november.isoformat() and "quarters" not in plain
    assert content.quarters_of(plain) == []
    old = content.contract_content(cycle.plan)
    targets.update_target(cycle.performer, changed, expected_date=november + datetime.timedelta(days=1))
    new = content.contract_content(cycle.plan)
    assert content.fingerprint(new) != content.fingerprint(old)
    # The version compare names the change, labelled as people read it.
    assert content.diff(old, new)["changed"][0]["fields"]["expected_date"] == (
        november.isoformat(), (november + datetime.timedelta(days=1)).isoformat())
    from contracts.templatetags.contracts_tags import target_field_label
    assert target_field_label("expected_date") == "milestone expected by"
    # A number target takes no date; a milestone's date stays inside the year.
    number = Target.objects.filter(contract=cycle.plan).exclude(pk=target.pk).first()
    with pytest.raises(ValidationError) as refused:
        targets.update_target(cycle.performer, number, expected_date=november)
    assert "expected_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        targets.update_target(cycle.performer, changed, expected_date=cycle.year.end_date + datetime.timedelta(days=1))
    assert "outside the financial year" in refused.value.message_dict["expected_date"][0]


def test_a_milestone_past_its_date_and_not_done_is_off_track_in_that_quarter(cycle, bill):
    start = cycle.plan.year_start
    q1_end, q2_end = monitoring.period_dates(cycle.year, 1)[1], monitoring.period_dates(cycle.year, 2)[1]
    expected = q1_end + datetime.timedelta(days=30)  # in quarter 2
    target = add_milestone(cycle, bill, expected_date=expected)
    assert target.milestone_quarter(start) == 2
    plan = PerformanceContract.objects.get(pk=cycle.plan.pk)
    late_forecast = days_in(cycle, q2_end) + 20  # not reached by the end of quarter 2
    done_early = days_in(cycle, expected) - 10  # reached ten days before its date
    # Quarter 1: the date has not come yet, so not reaching it is no failure: judged as it is.
    assert not target.milestone_missed(1, start, late_forecast)
    assert scores.judged_actual(plan.scheme, target, 1, late_forecast, start) == late_forecast
    # Quarter 2: the date has passed by the quarter's end and the milestone is not done: off track.
    assert target.milestone_missed(2, start, late_forecast) and target.milestone_missed(2, start, None)
    assert monitoring.entry_rag(plan, target, late_forecast, 2) == "red"
    # Done before its date: on track in quarter 2 (day 170-ish of a 180-day target, lower is better).
    assert not target.milestone_missed(2, start, done_early)
    assert monitoring.entry_rag(plan, target, done_early, 2) == "green"
    assert scores.missed_value(target) > max(LOWER_CRITERIA.values())


def test_a_report_on_a_missed_milestone_asks_for_the_explanation(demo, ministry, bill):
    """The signed ministry contract's borehole target made a milestone behind the frozen guard (as a
    plan agreed that way would be), expected within quarter 2."""
    from django.db.models import QuerySet

    from contracts.models import ProgressReport

    head = demo.users["head"]
    target = Target.objects.get(contract=ministry, description__startswith="Drill")
    q1_end, q2_end = monitoring.period_dates(ministry.financial_year, 1)[1], monitoring.period_dates(
        ministry.financial_year, 2)[1]
    QuerySet(model=Target).filter(pk=target.pk).update(
        indicator=bill, direction="lower", baseline=None, target_value=180, expected_date=q1_end
        + datetime.timedelta(days=30), **LOWER_CRITERIA)
    ProgressReport.objects.filter(contract=ministry, period=2).delete()
    q2 = monitoring.open_report(head, ministry, 2)
    missed = str((q2_end - ministry.year_start).days + 20)
    saved = monitoring.save_report(head, q2, {target.pk: {"actual": missed}}, submit=True)
    assert not saved.submitted and set(saved.errors[target.pk]) == {"explanation", "remedial_action"}
    done = str((q1_end - ministry.year_start).days + 20)
    saved = monitoring.save_report(head, q2, {target.pk: {"actual": done}}, submit=True)
    assert saved.submitted and saved.entries[target.pk].rag == "green"


def test_the_pdf_and_the_contract_page_show_the_milestone_date(cycle, bill, as_user):
    target = add_milestone(cycle, bill)
    context = pdf.context_for(pdf.printable(PerformanceContract.objects.get(pk=cycle.plan.pk)))
    row = next(r for g in context["groups"] for r in g.rows if r["description"] == target.description)
    assert row["expected_date"] == target.expected_date.strftime("%-d %B %Y") and row["quarters"] == []
    html = as_user(cycle.performer).get(reverse("contract-detail", args=[cycle.plan.pk])).content.decode()
    assert f'data-milestone="{target.pk}"' in html


def test_the_plan_form_takes_the_milestone_date(cycle, bill, as_user):
    from contracts.forms import TargetForm

    form = TargetForm(contract=cycle.plan)
    assert "expected_date" in form.fields and form.fields["expected_date"].widget.input_type == "date"


def test_the_import_takes_the_milestone_date_and_refuses_a_bad_one(cycle, bill, demo):
    perspective = Perspective.objects.filter(financial_year=cycle.plan.financial_year).first()
    header = ["perspective", "indicator", "description", "target", "weight", "excellent", "very_good", "good",
              "fair", "poor", "expected_date"]
    date = cycle.plan.year_start + datetime.timedelta(days=100)

    def upload(expected):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerow([perspective.name, bill.name, "Bill enacted", "180", "5", "150", "180", "200", "220", "240",
                         expected])
        return SimpleUploadedFile("t.csv", out.getvalue().encode(), content_type="text/csv")

    result = importing.import_targets(cycle.performer, cycle.plan, upload("31/02/2026"))
    assert not result.ok and any(e.column == "expected_date" for e in result.errors)
    result = importing.import_targets(cycle.performer, cycle.plan, upload(date.isoformat()))
    assert result.ok, [str(e) for e in result.errors]
    assert Target.objects.get(contract=cycle.plan, description="Bill enacted").expected_date == date


def test_a_milestone_past_its_date_with_nothing_reported_is_off_track_not_unverified(cycle, bill):
    """The hand example with nothing reported at all: expected 30 days into quarter 2. In quarter 1 its day
    has not come: no status (nothing verified). In quarter 2 its date has passed by the quarter's end and
    nothing says it is done: off track (red), counted with the red targets; the composite, made of verified
    actuals only, is not moved by it."""
    q1_end = monitoring.period_dates(cycle.year, 1)[1]
    target = add_milestone(cycle, bill, expected_date=q1_end + datetime.timedelta(days=30))
    plan = PerformanceContract.objects.get(pk=cycle.plan.pk)
    assert target.milestone_missed(2, plan.year_start, None) and not target.milestone_missed(1, plan.year_start, None)

    def row(figures):
        return next(t for t in figures["targets"] if t["id"] == target.pk)

    q1, q2 = scores.compute(plan, 1), scores.compute(plan, 2)
    assert (row(q1)["tone"], row(q1)["status"], row(q1)["raw"]) == ("", "", None)
    assert (row(q2)["tone"], row(q2)["status"], row(q2)["raw"]) == ("", "red", None)
    assert q2["red"] == q1["red"] + 1
    assert (q2["composite"], q2["targets_verified"]) == (q1["composite"], q1["targets_verified"])
    # A number target with nothing reported stays "not verified", whatever the quarter.
    others = [t for t in q2["targets"] if t["id"] != target.pk]
    assert others and all(t["status"] == "" for t in others if t["raw"] is None)


def test_the_dashboard_shows_an_overdue_unreported_milestone_as_off_track(demo, ministry, bill, as_user):
    """The ministry's irrigation target, which the demo leaves unreported in quarters 1 and 2, made a
    milestone expected within quarter 2 (behind the frozen guard, as a plan agreed that way would be)."""
    from django.db.models import QuerySet

    target = Target.objects.get(contract=ministry, description__startswith="Bring 20,000 acres")
    client = as_user(demo.users["head"])
    url = reverse("institution-dashboard", args=[demo.water.pk]) + "?period=2"

    def cell(html):
        at = html.index(target.description)
        return html[at:html.index("</tr>", at)]

    assert "Not verified" in cell(client.get(url).content.decode())
    q1_end = monitoring.period_dates(ministry.financial_year, 1)[1]
    QuerySet(model=Target).filter(pk=target.pk).update(
        indicator=bill, direction="lower", baseline=None, target_value=180,
        expected_date=q1_end + datetime.timedelta(days=30), **LOWER_CRITERIA)
    monitoring.refresh_summary(ministry, 2)
    shown = cell(client.get(url).content.decode())
    assert "data-overdue" in shown and "Off track" in shown and "Not verified" not in shown
    assert "Off track" not in cell(client.get(url.replace("period=2", "period=1")).content.decode())
