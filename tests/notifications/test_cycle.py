import datetime

import pytest
from django.core.exceptions import ValidationError

from notifications import cycle, kinds
from notifications.models import CycleDeadline, Stage
from pmis.models import AuditEvent, FinancialYear


def current_year(institution):
    return FinancialYear.objects.get(institution=institution, is_current=True)


def test_every_stage_gets_a_built_in_deadline(demo):
    year = current_year(demo.water)
    deadlines = {d.stage: d for d in cycle.calendar_for(year)}
    # Every yearly stage; a week's log has one deadline per week (``ensure_weekly``), not on the calendar.
    assert set(deadlines) == set(Stage.values) - {Stage.WEEKLY_LOG} == set(cycle.YEARLY)
    assert deadlines["signing"].due_date == year.start_date + datetime.timedelta(days=70)
    assert not any(d.overridden for d in deadlines.values())
    assert cycle.ensure_deadlines([year]) == 0  # idempotent


def test_oversight_default_moves_deadlines_that_follow_it_but_not_overrides(demo):
    water, machakos = current_year(demo.water), current_year(demo.machakos)
    cycle.ensure_deadlines([water, machakos])
    own_date = water.start_date + datetime.timedelta(days=50)
    cycle.override_deadline(demo.users["secretariat"], water, "vetting", own_date)
    cycle.set_stage_default(demo.users["perfdept"], demo.pmco, "vetting", 40)
    cycle.set_stage_default(demo.users["perfdept"], demo.pmco, "signing", 45)
    assert CycleDeadline.objects.get(financial_year=machakos, stage="vetting").due_date == (
        machakos.start_date + datetime.timedelta(days=40))
    assert CycleDeadline.objects.get(financial_year=water, stage="vetting").due_date == own_date
    assert CycleDeadline.objects.get(financial_year=water, stage="signing").due_date == (
        water.start_date + datetime.timedelta(days=45))
    # Back to the default.
    deadline = cycle.override_deadline(demo.users["secretariat"], water, "vetting", None)
    assert deadline.due_date == water.start_date + datetime.timedelta(days=40) and not deadline.overridden
    assert AuditEvent.objects.filter(action="calendar.default_set").count() == 2
    assert AuditEvent.objects.filter(action="calendar.deadline_set").count() == 2


def test_only_a_performance_department_sets_defaults(demo):
    with pytest.raises(ValidationError):
        cycle.set_stage_default(demo.users["admin"], demo.water, "vetting", 40)
    with pytest.raises(ValidationError):
        cycle.set_stage_default(demo.users["admin"], demo.pmco, "no_such_stage", 40)
    with pytest.raises(ValidationError):
        cycle.override_deadline(demo.users["admin"], current_year(demo.water), "vetting", datetime.date(1990, 1, 1))


@pytest.mark.parametrize("days_left,kind", [(30, None), (8, None), (7, "due_7"), (3, "due_7"), (1, "due_1"),
                                            (0, "due_1"), (-1, "overdue"), (-40, "overdue")])
def test_reminder_buckets(settings, days_left, kind):
    settings.REMINDER_DAYS = [7, 1]
    assert kinds.bucket(days_left) == kind
