"""The profile's quarterly-reports switch (``profiles.quarterly_reports_on``): Tanzania's PEPMIS has no
quarterly progress reports, so at the demo council no quarter's report is due, waiting, reminded,
counted in coverage, late on the dashboard or offered as a form; Kenya's ministry still has them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import coverage, monitoring
from contracts.models import PerformanceContract, ProgressReport
from notifications import inbox, rules, sweep
from notifications.cycle import ensure_deadlines
from notifications.models import CycleDeadline, Outbox, Stage, WorkItem
from pmis.models import FinancialYear, Institution
from scorecards import profiles, setup
from scorecards.models import Profile

from ..appraisals.weekly_helpers import council_plan, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return Institution.objects.get(slug="bagamoyo")


def _q1_deadline(institution):
    year = FinancialYear.objects.get(institution=institution, is_current=True)
    ensure_deadlines([year])
    return CycleDeadline.objects.select_related("institution", "financial_year").get(
        financial_year=year, stage=Stage.Q1_REPORT)


def test_the_switch_reads_the_profile_one_by_one_and_in_a_batch(demo, council, django_assert_max_num_queries):
    assert not profiles.quarterly_reports_on(council)
    assert profiles.quarterly_reports_on(demo.water)
    with django_assert_max_num_queries(3):
        assert profiles.with_quarterly_reports({council.pk, demo.water.pk, demo.machakos.pk}) == {
            demo.water.pk, demo.machakos.pk}
    # Switching the council's profile to Kenya's turns its reports on (and what the object remembered goes).
    setup.choose_profile(user("admin"), council, Profile.objects.get(code="ke-pc"))
    assert profiles.quarterly_reports_on(council)
    assert profiles.with_quarterly_reports({council.pk}) == {council.pk}


def test_no_report_is_due_or_waiting_for_the_tanzanian_officer(demo, ministry):
    plan = council_plan()
    q1_due = monitoring.period_dates(plan.financial_year, 1)[2]
    ProgressReport.objects.filter(contract=ministry, period=1).delete()
    inbox.sweep(q1_due + datetime.timedelta(days=52))
    assert not WorkItem.objects.filter(subject_type="contract", subject_id=plan.pk, kind__startswith="report_",
                                       closed_at__isnull=True).exists()
    assert not WorkItem.objects.filter(assignee=user("tz-afisa"), kind="report_due", closed_at__isnull=True).exists()
    # Kenya's ministry, its first quarter not reported: due for its head.
    assert WorkItem.objects.filter(subject_type="contract", subject_id=ministry.pk, kind="report_due", number=1,
                                   assignee=demo.users["head"], closed_at__isnull=True).exists()


def test_an_item_opened_before_the_profile_turned_reports_off_closes_at_the_next_sweep(council):
    plan = council_plan()
    setup.choose_profile(user("admin"), council, Profile.objects.get(code="ke-pc"))
    today = monitoring.period_dates(plan.financial_year, 1)[2] + datetime.timedelta(days=52)
    inbox.sweep(today)
    opened = WorkItem.objects.filter(subject_type="contract", subject_id=plan.pk, kind="report_due",
                                     closed_at__isnull=True)
    assert opened.filter(assignee=user("tz-afisa")).exists()
    setup.choose_profile(user("admin"), council, Profile.objects.get(code="tz-pepmis"))
    inbox.sweep(today)
    assert not opened.exists()


def test_the_reminder_sweep_chases_no_quarterly_report_at_the_council(demo, council, ministry):
    council_q1, kenya_q1 = _q1_deadline(council), _q1_deadline(demo.water)
    ProgressReport.objects.filter(contract=ministry, period=1).delete()
    assert rules.pairs_for(council_q1) == set()
    assert (demo.users["head"].pk, demo.users["head"].pk) in rules.pairs_for(kenya_q1)
    CycleDeadline.objects.filter(pk__in=[council_q1.pk, kenya_q1.pk]).update(
        due_date=timezone.localdate() - datetime.timedelta(days=40))
    sweep.sweep()
    assert not Outbox.objects.filter(deadline=council_q1).exists()
    assert Outbox.objects.filter(deadline=kenya_q1, recipient=demo.users["head"], kind="overdue").exists()


def english(client):
    """The browser's language set to English: a Tanzanian's sign-in left Swahili in it."""
    client.cookies["django_language"] = "en"
    return client


def test_no_report_form_is_offered_and_none_opens(as_user, ministry, demo):
    plan = council_plan()
    officer = user("tz-afisa")
    page = as_user(officer).get(reverse("monitoring-contract-reports", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "data-no-quarterly" in text and "Start the report" not in text and "reports-list" not in text
    refused = as_user(officer).post(reverse("monitoring-report-open", args=[plan.pk]), {"period": "1"}, follow=True)
    shown = refused.content.decode()
    assert "has no quarterly progress reports" in shown or "hauna taarifa za maendeleo za robo mwaka" in shown
    assert not ProgressReport.objects.filter(contract=plan).exists()
    with pytest.raises(ValidationError):
        monitoring.open_report(officer, plan, 1)
    # Kenya's ministry offers its quarters.
    ProgressReport.objects.filter(contract=ministry, period=1).delete()
    english(as_user(officer))  # the browser's language stands for the next sign-in (she reads Swahili)
    kenya = as_user(demo.users["head"]).get(reverse("monitoring-contract-reports", args=[ministry.pk]))
    assert "Start the report" in kenya.content.decode() and "data-no-quarterly" not in kenya.content.decode()


def test_coverage_counts_no_quarter_report_at_the_council(as_user, council, demo):
    assert coverage.REPORTED not in coverage.figures_for(council)
    assert coverage.figure_or_default(coverage.REPORTED, council) == coverage.PLAN
    client = as_user(user("tz-utumishi"))
    page = client.get(reverse("notifications:coverage", args=[council.pk]) + "?missing=reported")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-figure="plan"' in text and 'data-figure="reported"' not in text
    kenya = as_user(demo.users["perfdept"]).get(reverse("notifications:coverage", args=[demo.water.pk]))
    assert 'data-figure="reported"' in kenya.content.decode()


def test_the_dashboard_shows_no_reported_column_or_late_report_at_the_council(as_user, council, demo, ministry):
    plan = council_plan()
    year = plan.financial_year
    # A report left from before (the profile had them once), submitted late: not shown as late now.
    report = ProgressReport.objects.create(
        contract=plan, institution=council, period=1, period_start=year.start_date,
        period_end=year.start_date + datetime.timedelta(days=90), due_date=year.start_date + datetime.timedelta(days=1),
        state=ProgressReport.State.SUBMITTED, submitted_at=timezone.now())
    assert report.days_late
    off = monitoring.participation(council.pk, year.pk, 1, quarterly=False)
    assert off["late"] == [] and off["quarterly"] is False
    assert off["lagging_total"] == sum(row["planned"] - row["signed"] for row in off["levels"])
    assert monitoring.participation(council.pk, year.pk, 1)["late"]  # what the switch hides
    page = as_user(user("tz-mkurugenzi")).get(reverse("institution-dashboard", args=[council.pk]) + "?period=1")
    assert page.status_code == 200
    assert "data-late" not in page.content.decode()
    english(as_user(user("tz-mkurugenzi")))
    kenya = as_user(demo.users["head"]).get(reverse("institution-dashboard", args=[demo.water.pk]))
    assert "Reported Q" in kenya.content.decode()
    assert PerformanceContract.objects.filter(pk=plan.pk, status__in=monitoring.REPORTABLE).exists()
