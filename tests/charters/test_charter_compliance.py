"""The compliance indicator on known data, and the feed into contract targets."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from charters import compliance, services, tasks
from contracts.cycle import targets
from contracts.models import Target
from pmis import org
from pmis.models import AuditEvent
from scorecards import setup


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def lab(demo):
    """A fresh institution whose 2024/25 year holds only the complaints made here."""
    admin = demo.users["admin"]
    institution = org.create_institution(admin, name="Water Testing Agency", slug="wta", kind="agency")
    year = org.open_financial_year(admin, institution, 2024)
    charter = services.create_charter(admin, institution, title_en="Charter", how_to_complain_en="Call us.")
    testing = services.add_service(admin, charter, code="testing", name_en="Sample testing", standard_value=2,
                                   standard_unit="working_days", office_en="Lab")
    permits = services.add_service(admin, charter, code="permits", name_en="Permits", standard_value=24,
                                   standard_unit="hours", office_en="Registry")
    charter = services.publish(admin, charter)
    head, _ = org.ensure_user("wta-head")
    org.grant_role(admin, head, institution, "head")

    def complaint(service, received, resolved_after=None, kind="complaint"):
        c = services.submit_complaint(charter, kind=kind, service=service, message="Too slow, please act.",
                                      received_at=received)
        if resolved_after is not None:
            services.handle_complaint(head, c, status="resolved", response="Done.", at=received + resolved_after)
        return c

    # Q1 (July to September 2024), testing: 4 counted, 3 within the 2 working days.
    monday = at(datetime.date(2024, 7, 1))
    complaint(testing, monday, datetime.timedelta(days=1))
    complaint(testing, monday, datetime.timedelta(days=2))  # exactly on time counts as within
    complaint(testing, at(datetime.date(2024, 7, 5)), datetime.timedelta(days=4))  # Friday → due Tuesday
    complaint(testing, at(datetime.date(2024, 9, 30)), datetime.timedelta(days=5))  # late
    # Not counted: a compliment, and a complaint received in Q2.
    complaint(testing, monday, kind="compliment")
    complaint(testing, at(datetime.date(2024, 10, 1)), datetime.timedelta(hours=1))
    # Permits in Q1: one open and overdue, one resolved late → 0 of 2.
    complaint(permits, monday)
    complaint(permits, monday, datetime.timedelta(hours=30))
    return institution, year, head


def test_quarters_follow_the_financial_year(demo):
    year = org.open_financial_year(demo.users["admin"], demo.outside, 2025, make_current=False)
    start, end = compliance.quarter_bounds(year, 1)
    assert (start.date(), end.date()) == (datetime.date(2025, 7, 1), datetime.date(2025, 10, 1))
    start, end = compliance.quarter_bounds(year, 4)
    assert (start.date(), end.date()) == (datetime.date(2026, 4, 1), datetime.date(2026, 7, 1))
    assert compliance.quarter_of(year, datetime.date(2026, 1, 15)) == 3


def test_compliance_on_known_data(lab, django_assert_max_num_queries):
    _institution, year, _head = lab
    assert compliance.compliance(year, 1, "testing") == Decimal("75.00")
    assert compliance.compliance(year, 1, "permits") == Decimal("0.00")
    assert compliance.compliance(year, 1) == Decimal("50.00")  # 3 of 6
    assert compliance.compliance(year, 2, "testing") == Decimal("100.00")
    assert compliance.compliance(year, 3) is None  # nothing to count
    with django_assert_max_num_queries(2):
        rows = {row.code: (row.total, row.within, row.percent) for row in compliance.by_service(year, 1)}
    assert rows == {"testing": (4, 3, Decimal("75.00")), "permits": (2, 0, Decimal("0.00"))}


def test_an_open_complaint_not_yet_due_is_not_counted(lab):
    institution, year, _head = lab
    charter = institution.charters.get(status="published")
    received = at(datetime.date(2024, 8, 1))
    services.submit_complaint(charter, kind="complaint", service=charter.services.get(code="testing"),
                              message="Still waiting here.", received_at=received)
    assert compliance.compliance(year, 1, "testing", now=received + datetime.timedelta(hours=1)) == Decimal("75.00")
    assert compliance.compliance(year, 1, "testing") == Decimal("60.00")  # now overdue: 3 of 5


def make_target(demo, institution, year, indicator):
    admin = demo.users["admin"]
    setup.seed_defaults(admin, institution, year)
    performer, _ = org.ensure_user("wta-performer")
    contract = targets.create_contract(admin, financial_year=year, level="institution", title="WTA contract",
                                       performer=performer)
    return targets.add_target(
        admin, contract, indicator=indicator, description="Handle complaints within the charter standard",
        weight=Decimal(100), target_value=Decimal(90), criteria_excellent=Decimal(95),
        criteria_very_good=Decimal(90), criteria_good=Decimal(85), criteria_fair=Decimal(80),
        criteria_poor=Decimal(75),
    )


def test_feed_targets_writes_the_actual_once(demo, lab):
    institution, year, _head = lab
    admin = demo.users["admin"]
    indicator = setup.add_indicator(admin, institution, name="Testing within standard",
                                    measurement_type="percentage", unit="%")
    other = setup.add_indicator(admin, institution, name="Unlinked", measurement_type="number")
    target = make_target(demo, institution, year, indicator)
    unlinked = targets.add_target(admin, target.contract, indicator=other, description="Other", weight=Decimal(0),
                                  target_value=Decimal(1), criteria_excellent=Decimal(5),
                                  criteria_very_good=Decimal(4), criteria_good=Decimal(3),
                                  criteria_fair=Decimal(2), criteria_poor=Decimal(1))
    services.link_indicator(admin, indicator, service_code="testing")

    changed = compliance.feed_targets(year, 1)
    assert [t.pk for t in changed] == [target.pk]
    target.refresh_from_db()
    assert target.actual == Decimal("75.00")
    assert Target.objects.get(pk=unlinked.pk).actual is None
    events = AuditEvent.objects.for_object(target).filter(action="target.actual")
    assert events.count() == 1 and events.get().actor.username == "system"
    assert events.get().after == {"actual": "75.00"}

    # Idempotent: a rerun, and the Celery task, write nothing more.
    assert compliance.feed_targets(year, 1) == []
    assert tasks.feed_compliance.apply(kwargs={"quarter": 1}).get() == 0
    assert AuditEvent.objects.for_object(target).filter(action="target.actual").count() == 1
    # A new quarter's value is written once.
    assert tasks.feed_compliance.apply(kwargs={"quarter": 2}).get() == 1
    target.refresh_from_db()
    assert target.actual == Decimal("100.00")


def test_the_system_user_cannot_log_in(demo):
    user = compliance.system_actor()
    assert not user.has_usable_password() and not user.is_staff
