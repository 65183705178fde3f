"""``seed_scale --weekly-logs``: tasks, sub-tasks and 52 weeks of logs for the scale data's in-force
officer plans, whole teams first, by COPY; the supervisor's team page reads them; ``--reset`` removes
them with the rest."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from appraisals import weekly
from appraisals.models import WeeklyLog, WeekReview
from bench import scale
from contracts.models import PerformanceContract, SubTask, SubTaskMark

TINY = {"institutions": 3, "officers": 30, "targets": 300}


@pytest.mark.django_db(transaction=True)
def test_weekly_logs_at_scale_and_the_team_page_reading_them(client):
    call_command("seed_scale", **TINY, weekly_logs=8, stdout=io.StringIO())
    subs = SubTask.objects.filter(institution__slug__startswith=scale.PREFIX)
    plans = set(subs.values_list("contract_id", flat=True))
    assert 1 <= len(plans) <= 8
    assert not PerformanceContract.objects.filter(pk__in=plans).exclude(status="in_force").exists()
    assert subs.count() == len(plans) * 10
    assert WeeklyLog.objects.filter(contract_id__in=plans).count() == len(plans) * 52 * 10
    assert WeekReview.objects.filter(contract_id__in=plans).count() == len(plans) * 50
    assert SubTaskMark.objects.filter(contract_id__in=plans).count() == len(plans) * 5

    plan = PerformanceContract.objects.select_related("counterparty", "financial_year").get(pk=min(plans))
    week = weekly.week_of(plan.financial_year.start_date)
    client.force_login(plan.counterparty)
    page = client.get(f"{reverse('appraisals:team-week')}?week={week.isoformat()}")
    assert page.status_code == 200
    assert page.content.decode().count('class="card"') == len(weekly.team_plans(plan.counterparty))

    call_command("seed_scale", reset_only=True, stdout=io.StringIO())
    assert not WeeklyLog.objects.filter(contract_id__in=plans).exists()
    assert not SubTask.objects.filter(pk__in=subs.values("pk")).exists()
