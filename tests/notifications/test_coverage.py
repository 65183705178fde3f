"""The coverage page and "remind them": N of M, who has not, one reminder each, at most once a window."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts import coverage
from notifications import nudges, sender
from notifications.models import Notification, Nudge, Outbox
from pmis.models import FinancialYear, Officer, OrgUnit

pytestmark = pytest.mark.django_db


def _url(institution, **query):
    from django.utils.http import urlencode

    return reverse("notifications:coverage", args=[institution.pk]) + (f"?{urlencode(query)}" if query else "")


def test_coverage_page_shows_two_of_twenty_five_with_the_twenty_three_names(demo, as_user):
    client = as_user(demo.users["perfdept"])
    year = FinancialYear.objects.get(institution=demo.water, is_current=True)
    missing = list(coverage.missing(demo.water.pk, year.pk, 1, coverage.PLAN))
    names = [str(o) for o in missing]
    assert len(names) == 23
    first = client.get(_url(demo.water))
    assert first.status_code == 200
    text = first.content.decode()
    assert 'data-figure="plan">2 of 25<' in first.content.decode()
    for name in names:
        assert name in text
    # The two who have planned are not in the list.
    planned = Officer.objects.filter(institution=demo.water).exclude(pk__in=[o.pk for o in missing])
    for officer in planned:
        assert f">{officer}</a></td><td>{officer.designation}" not in text
    assert text.count('<span class="badge red">No plan yet</span>') == 23


def test_the_dashboard_counts_officer_plans_against_the_officers(demo, as_user):
    page = as_user(demo.users["perfdept"]).get(reverse("institution-dashboard", args=[demo.water.pk]))
    assert page.status_code == 200
    assert 'data-level="officer"><span class="badge amber">2 of 25</span>' in page.content.decode()


def test_the_org_unit_page_lists_officers_with_their_plan_status(demo, as_user):
    unit = OrgUnit.objects.get(pk=demo.officer.org_unit_id)
    page = as_user(demo.users["head"]).get(unit.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-plan-status="draft"' in body and "No plan yet" in body


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_coverage_page_queries_do_not_grow_with_officers(demo, as_user, django_assert_max_num_queries):
    from pmis import org

    client = as_user(demo.users["perfdept"])
    url = _url(demo.water, missing="reported", page=2)
    client.get(url)
    before = _queries(client, url)
    units = list(OrgUnit.objects.filter(institution=demo.water).values_list("pk", flat=True))
    for i in range(60):  # more officers, in every unit, over more pages
        user, _ = org.ensure_user(f"coverage-page-{i}", password="pmis-demo")
        Officer.objects.create(user=user, institution=demo.water, personal_number=f"CP{i}", designation="Clerk",
                               org_unit_id=units[i % len(units)])
    assert _queries(client, url) == before
    with django_assert_max_num_queries(COVERAGE_PAGE_QUERIES):
        assert b"of 85" in client.get(url).content


#: session, user, institution, access (two for an oversight body), year, the figures by unit (added up for the
#: whole), the units' names, the page's count and rows, the last reminder, the institution's profile (its
#: choice, else its country's: whether a quarter's report is a figure)
COVERAGE_PAGE_QUERIES = 13


def test_another_institution_answers_404(demo, as_user):
    client = as_user(demo.users["head"])
    assert client.get(_url(demo.machakos)).status_code == 404
    assert client.post(reverse("notifications:coverage-remind", args=[demo.machakos.pk]),
                       {"figure": "plan"}).status_code == 404
    foreign_unit = OrgUnit.objects.filter(institution=demo.machakos).first()
    assert client.get(_url(demo.water, unit=foreign_unit.pk)).status_code == 404
    assert client.get(_url(demo.water, unit="nonsense")).status_code == 404
    assert not Nudge.objects.exists()


def test_an_officer_may_neither_see_nor_remind(demo, as_user):
    client = as_user(demo.users["officer"])
    assert client.get(_url(demo.water)).status_code == 403
    assert client.post(reverse("notifications:coverage-remind", args=[demo.water.pk]),
                       {"figure": "plan"}).status_code == 403
    assert not Nudge.objects.exists()


def test_the_coverage_link_shows_only_to_who_may_open_it(demo, as_user):
    unit = OrgUnit.objects.get(pk=demo.officer.org_unit_id)
    link = _url(demo.water).encode()
    assert link in as_user(demo.users["head"]).get(unit.get_absolute_url()).content
    assert link in as_user(demo.users["perfdept"]).get(
        reverse("institution-dashboard", args=[demo.water.pk])).content
    officer = as_user(demo.users["officer"])
    for url in (unit.get_absolute_url(), reverse("institution-dashboard", args=[demo.water.pk])):
        page = officer.get(url)
        assert page.status_code == 200 and link not in page.content


def test_the_button_shows_only_to_who_may_remind(demo, as_user):
    page = as_user(demo.users["secretariat"]).get(_url(demo.water))
    assert b"Remind them (23 officers)" in page.content


def test_remind_sends_one_notification_each_and_a_second_press_sends_nothing(demo, as_user, settings):
    settings.PMIS_REMIND_AGAIN_AFTER_MINUTES = 60
    client = as_user(demo.users["secretariat"])
    remind = reverse("notifications:coverage-remind", args=[demo.water.pk])
    first = client.post(remind, {"figure": "plan"}, follow=True)
    assert "Reminder sent to 23 officers." in first.content.decode()
    nudge = Nudge.objects.get()
    assert nudge.recipients == 23
    rows = Outbox.objects.filter(kind=f"nudge_{nudge.pk}")
    assert rows.count() == 23
    # A retried queueing writes nothing twice; sending twice delivers each once.
    assert nudges.queue(nudge) == 23
    assert rows.count() == 23
    sender.send_pending()
    sender.send_pending()
    reminded = Notification.objects.filter(kind=f"nudge_{nudge.pk}")
    assert reminded.count() == 23
    assert reminded.values("user").distinct().count() == 23
    assert "Target identification" in reminded.first().title
    # Pressed again within the window: nothing more, and the page says so.
    again = client.post(remind, {"figure": "plan"}, follow=True)
    assert "Nothing sent: these officers were reminded at" in again.content.decode()
    assert Nudge.objects.count() == 1 and Outbox.objects.filter(kind__startswith="nudge_").count() == 23
    # Another figure is another reminder; after the window the same figure may be pressed again.
    Nudge.objects.filter(pk=nudge.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    client.post(remind, {"figure": "plan"})
    assert Nudge.objects.count() == 2


def test_a_director_reminds_only_their_unit(demo, as_user):
    from pmis import access

    director = demo.users["director"]
    (path,) = access.directed_paths(director, demo.water.pk)
    unit = OrgUnit.objects.get(institution=demo.water, path=path)
    client = as_user(director)
    remind = reverse("notifications:coverage-remind", args=[demo.water.pk])
    assert client.post(remind, {"figure": "plan"}).status_code == 403
    assert client.post(remind, {"figure": "plan", "unit": unit.pk}).status_code == 302
    nudge = Nudge.objects.get()
    officers = Officer.objects.filter(institution=demo.water, org_unit__path__startswith=path)
    assert set(Outbox.objects.filter(kind=f"nudge_{nudge.pk}").values_list("recipient_id", flat=True)) <= set(
        officers.values_list("user_id", flat=True))
    assert nudge.recipients == coverage.coverage(demo.water.pk, nudge.financial_year_id, nudge.period,
                                                 unit).missing("plan")
