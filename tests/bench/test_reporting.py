"""The bench's quarterly-report measure end to end on a tiny scale data set: officers' report forms posted
through a real gunicorn really submit the reports, and a second run starts again from drafts
(behaviour only — the bench reports the times, the test never asserts them)."""

import collections
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from bench import measures, scale
from bench.measures import reporting
from contracts.models import PerformanceContract, ProgressEntry, ProgressReport

TINY = {"institutions": 2, "officers": 20, "targets": 400}


def plan_size():
    """The number of targets most signed officer plans of the seed have."""
    sizes = (PerformanceContract.objects.filter(institution__in=scale.scale_institutions(), level="officer",
                                                status__in=["signed", "in_force"], title__startswith="Performance plan")
             .annotate(n=Count("targets")).values_list("n", flat=True))
    return collections.Counter(sizes).most_common(1)[0][0]


@pytest.mark.django_db(transaction=True)
def test_officers_submit_their_reports_through_gunicorn_and_a_rerun_starts_again():
    call_command("seed_scale", **TINY, stdout=io.StringIO())
    size = plan_size()
    ctx = measures.Context(report_officers=3, report_targets=size)
    try:
        first = reporting.report_submit(ctx)
        plans = reporting.report_plans(3, size)
        reports = ProgressReport.objects.filter(contract__in=plans)
        assert first["reports"] == first["submitted"] == 3 and first["entries"] == 3 * size
        assert {(r.state, r.submitted_by_id) for r in reports} == {
            ("submitted", p.performer_id) for p in plans} and reports.count() == 3
        entries = ProgressEntry.objects.filter(report__in=reports)
        assert entries.count() == 3 * size
        assert {(e.reported_by_id, e.verification) for e in entries} == {
            (p.performer_id, "pending") for p in plans}
        assert all(e.explanation and e.remedial_action and e.budget_spent == 1000 for e in entries)
        # Re-runnable: the same reports go back to draft, empty, and are submitted again; none doubled.
        again = reporting.report_submit(ctx)
    finally:
        ctx.stop()
    assert again["submitted"] == 3 and ProgressReport.objects.filter(contract__in=plans).count() == 3
    assert ProgressEntry.objects.filter(report__contract__in=plans).count() == 3 * size


@pytest.mark.django_db
def test_without_scale_data_the_measure_is_skipped():
    with pytest.raises(measures.Skip, match="seed_scale"):
        reporting.report_submit(measures.Context())
