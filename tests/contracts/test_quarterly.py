"""Quarterly reporting (issue 27): quarterly targets in the plan, status against the quarter's expected
value, the one form of a report (nothing typed lost), due and late."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from contracts import monitoring, scores
from contracts.cycle import content, targets
from contracts.models import ProgressEntry, ProgressReport, Target


def boreholes(contract):
    return Target.objects.get(contract=contract, description__startswith="Drill")


def phase_24(target):
    """The target as a 24-borehole year from nothing, phased 6/12/18/24 (set behind the frozen guard,
    as a plan agreed that way would be)."""
    QuerySet(model=Target).filter(pk=target.pk).update(
        baseline=0, target_value=24, criteria_excellent=26, criteria_very_good=24, criteria_good=20,
        criteria_fair=16, criteria_poor=12, expected_q1=6, expected_q2=12, expected_q3=18)
    return Target.objects.get(pk=target.pk)


def test_a_new_target_is_phased_evenly_from_its_baseline_and_the_phasing_is_signed(cycle):
    target = cycle.first_target()
    start = target.baseline or Decimal(0)
    assert target.quarterly[3] == target.target_value
    assert target.expected_by(2) == start + (target.target_value - start) / 2
    plain = content.target_content(target)
    assert "quarters" not in plain  # an even phasing follows from the baseline and the target
    assert content.quarters_of(plain)[1] == content._plain(target.expected_by(2))
    before = content.fingerprint(content.contract_content(cycle.plan))
    changed = targets.update_target(cycle.performer, target, expected_q1=target.expected_by(2))
    assert content.target_content(changed)["quarters"][0] == content._plain(target.expected_by(2))
    assert content.fingerprint(content.contract_content(cycle.plan)) != before
    # A new target value re-phases an even phasing, never one the parties set.
    other = Target.objects.filter(contract=cycle.plan).exclude(pk=target.pk).order_by("order", "pk").first()
    moved = targets.update_target(cycle.performer, other, target_value=other.target_value * 2)
    assert moved.expected_by(2) == moved.even_phasing(2)


def test_24_boreholes_phased_6_12_18_24_are_judged_against_the_quarter(demo, ministry):
    target = phase_24(boreholes(ministry))
    assert target.quarterly == [6, 12, 18, 24]
    assert scores.judged_actual(ministry.scheme, target, 1, Decimal(12)) == Decimal(48)
    assert monitoring.entry_rag(ministry, target, Decimal(12), 1) == "green"
    assert monitoring.entry_rag(ministry, target, Decimal(3), 1) == "red"
    assert monitoring.entry_rag(ministry, target, Decimal(12), 4) == "red"  # the year's own target: 12 of 24

    ProgressReport.objects.filter(contract=ministry, period=1).delete()
    q1 = monitoring.open_report(demo.users["head"], ministry, 1)
    saved = monitoring.save_report(demo.users["head"], q1, {target.pk: {"actual": "12"}}, submit=True)
    assert saved.ok and saved.submitted
    assert ProgressEntry.objects.get(report=q1, target=target).rag == "green"

    ProgressReport.objects.filter(pk=q1.pk).delete()
    q1 = monitoring.open_report(demo.users["head"], ministry, 1)
    saved = monitoring.save_report(demo.users["head"], q1, {target.pk: {"actual": "3"}}, submit=True)
    assert not saved.submitted
    assert set(saved.errors[target.pk]) == {"explanation", "remedial_action"}
    q1.refresh_from_db()
    assert q1.state == "draft"
    saved = monitoring.save_report(demo.users["head"], q1, {target.pk: {
        "actual": "3", "explanation": "Rigs delayed.", "remedial_action": "Two more rigs."}}, submit=True)
    assert saved.submitted and ProgressEntry.objects.get(report=q1, target=target).rag == "red"


def test_a_draft_keeps_what_can_be_kept_and_names_the_target_of_each_error(demo, ministry, q3):
    rows = list(Target.objects.filter(contract=ministry).order_by("order", "pk"))
    first, second = rows[0], rows[1]
    saved = monitoring.save_report(demo.users["head"], q3, {
        first.pk: {"actual": "not a number", "comment": "typed"},
        second.pk: {"actual": str(second.target_value), "comment": "Kept", "status": "at_risk"},
    })
    assert set(saved.errors) == {first.pk} and "actual" in saved.errors[first.pk]
    entry = ProgressEntry.objects.get(report=q3, target=second)
    assert (entry.comment, entry.status) == ("Kept", "at_risk")
    assert not ProgressEntry.objects.filter(report=q3, target=first).exists()


def test_the_one_form_keeps_every_value_typed_on_an_error(demo, as_user, ministry, q3):
    client = as_user(demo.users["head"])
    target = boreholes(ministry)
    other = Target.objects.filter(contract=ministry).exclude(pk=target.pk).order_by("order", "pk").first()
    data = {f"actual-{target.pk}": "1", f"comment-{target.pk}": "Far behind",  # off track, no explanation
            f"actual-{other.pk}": str(other.target_value), f"comment-{other.pk}": "Other typed",
            "action": "submit"}
    response = client.post(reverse("monitoring-report-save", args=[q3.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="report-errors"' in html and f'data-error-for="{target.pk}"' in html
    assert "Far behind" in html and "Other typed" in html and f'value="{other.target_value}"' in html
    q3.refresh_from_db()
    assert q3.state == "draft"
    # Save draft: both kept, nothing asked for yet.
    data["action"] = "save"
    response = client.post(reverse("monitoring-report-save", args=[q3.pk]), data)
    assert response.status_code == 302
    assert ProgressEntry.objects.filter(report=q3).count() == 2
    html = client.get(reverse("monitoring-report", args=[q3.pk])).content.decode()
    assert "Far behind" in html and "Other typed" in html
    assert "The reporter&#x27;s own status" in html or "The reporter's own status" in html


def test_a_quarter_not_started_is_not_offered(demo, as_user, ministry):
    client = as_user(demo.users["head"])
    future = [p for p in monitoring.PERIODS if not monitoring.has_started(ministry.financial_year, p)]
    if not future:
        pytest.skip("every quarter of the demo year has started")
    period = future[0]
    html = client.get(reverse("monitoring-contract-reports", args=[ministry.pk])).content.decode()
    assert f'name="period" value="{period}"' not in html
    client.post(reverse("monitoring-report-open", args=[ministry.pk]), {"period": period})
    assert not ProgressReport.objects.filter(contract=ministry, period=period).exists()


def test_a_late_report_shows_late_by_n_days_on_the_report_and_the_dashboard(demo, as_user, ministry, q3):
    head = demo.users["head"]
    target = boreholes(ministry)
    monitoring.save_report(head, q3, {target.pk: {"actual": str(target.target_value)}}, submit=True)
    late = timezone.make_aware(datetime.datetime.combine(q3.due_date + datetime.timedelta(days=52),
                                                         datetime.time(10)))
    ProgressReport.objects.filter(pk=q3.pk).update(submitted_at=late)
    q3.refresh_from_db()
    assert q3.days_late == 52
    html = as_user(head).get(reverse("monitoring-report", args=[q3.pk])).content.decode()
    assert "Late by 52 days" in html
    html = as_user(head).get(reverse("monitoring-contract-reports", args=[ministry.pk])).content.decode()
    assert "Late by 52 days" in html
    client = as_user(demo.users["perfdept"])
    html = client.get(reverse("institution-dashboard", args=[demo.water.pk]), {"period": 3}).content.decode()
    assert "Late by 52 days" in html and ministry.title in html
    assert monitoring.participation(demo.water.pk, ministry.financial_year_id, 3)["late"][0].days_late == 52


def test_the_contract_pdf_shows_the_quarterly_targets():
    from contracts.documents import pdf

    context = pdf.context_for(pdf.specimen())
    row = next(r for g in context["groups"] for r in g.rows)
    assert len(row["quarters"]) == 4 and row["quarters"][-1] == row["target"]
    custom = {"baseline": "0", "target": "24", "quarters": ["4", "10", "20"]}
    assert content.quarters_of(custom) == ["4", "10", "20", "24"]
    assert content.quarters_of({"baseline": None, "target": "24"}) == ["6", "12", "18", "24"]
