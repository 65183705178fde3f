"""The institution dashboard shows the year-end evaluation's result beside the quarterly composite once it
exists and the reader may see it (``rules.sees_result``), with the figures the annual report and the
public results show; the page's query count stays bounded."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import results
from evaluations.models import Evaluation
from reports import builders
from tests.scorecards.test_dashboards import PAGE_QUERIES


@pytest.fixture
def concluded(demo, ministry):
    evaluation = Evaluation.objects.get(contract=ministry)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state="concluded", composite="2.1234", grade="Excellent", moderated_composite="2.2",
        moderated_grade="Very Good", moderation_reason="Panel view", summary=[])
    evaluation.refresh_from_db()
    return evaluation


def shown(client, institution):
    """The (composite, grade) of this year's result on the dashboard (None: no card, or last year's)."""
    body = client.get(reverse("institution-dashboard", args=[institution.pk])).content.decode()
    found = re.search(r'data-evaluated-composite="([^"]*)"', body)
    grade = re.search(r"data-evaluated-grade>([^<]*)<", body)
    if found is None or _last_year(institution).name in re.search(r'data-evaluated-year="([^"]*)"', body).group(1):
        return None
    return found.group(1), grade.group(1)


def _last_year(institution):
    return Evaluation.objects.select_related("financial_year").get(
        institution=institution, financial_year__is_current=False).financial_year


def test_while_the_year_is_a_draft_the_card_shows_last_years_released_result(demo, client, ministry):
    assert Evaluation.objects.get(contract=ministry).state == "draft"
    client.force_login(demo.users["perfdept"])
    assert shown(client, demo.water) is None
    # The demo's released result of the year before, named as such, for anyone who sees the dashboard.
    last = Evaluation.objects.get(institution=demo.water, financial_year__is_current=False)
    assert last.released_on <= timezone.localdate()
    for login in ("perfdept", "officer"):
        client.force_login(demo.users[login])
        body = client.get(reverse("institution-dashboard", args=[demo.water.pk])).content.decode()
        assert f'data-evaluated-composite="{last.final_composite:.4f}"' in body
        assert f'data-evaluated-year="{last.financial_year.name}"' in body and "(last released)" in body
    seen = results.for_dashboard(demo.users["head2"], demo.water, ministry.financial_year_id)
    assert (seen["composite"], seen["year"], seen["earlier"]) == (
        f"{last.final_composite:.4f}", last.financial_year.name, True)


def test_the_dashboard_shows_the_figures_of_the_report_and_the_public_page(
        demo, client, concluded, django_assert_max_num_queries):
    client.force_login(demo.users["perfdept"])
    url = reverse("institution-dashboard", args=[demo.water.pk])
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    assert shown(client, demo.water) == ("2.2000", "Very Good")
    report = builders.get("annual").build({"institution": demo.water.pk}, user=demo.users["perfdept"],
                                          progress=lambda p: None)["evaluation"]
    assert (report["composite"], report["grade"]) == ("2.2000", "Very Good")

    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate())
    client.logout()
    public = client.get(reverse("results-year", args=[concluded.year_start])).content.decode()
    row = public[public.index('data-institution="water"'):]
    assert re.search(r"data-composite>([^<]*)<", row).group(1) == "2.2000"
    assert re.search(r"data-grade>([^<]*)<", row).group(1) == "Very Good"


def test_before_release_only_those_who_see_the_result_find_it_on_the_dashboard(demo, client, concluded):
    for login in ("head", "officer", "perfdept"):
        client.force_login(demo.users[login])
        assert shown(client, demo.water) == ("2.2000", "Very Good"), login
    # The reader applies the evaluation's own rule, whoever asks: another institution's head is told nothing
    # before release (the page itself answers 404 to them), and the result once it is public.
    year = concluded.financial_year_id

    def this_year(user):
        """What the reader gives ``user`` of this year's result (None: nothing, or only last year's)."""
        seen = results.for_dashboard(user, demo.water, year)
        return None if seen is None or seen["earlier"] else seen

    assert this_year(demo.users["head2"]) is None
    client.force_login(demo.users["head2"])
    assert client.get(reverse("institution-dashboard", args=[demo.water.pk])).status_code == 404
    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate() + datetime.timedelta(days=3))
    assert this_year(demo.users["head2"]) is None  # released on a later day
    Evaluation.objects.filter(pk=concluded.pk).update(released_on=timezone.localdate())
    seen = results.for_dashboard(demo.users["head2"], demo.water, year)
    assert (seen["composite"], seen["grade"], seen["released"]) == ("2.2000", "Very Good", True)
