"""A missing week's log is a deadline of the reminder sweep (``notifications.rules``), like a stage of the
cycle: each week of an institution whose profile turns the weekly log on is a ``CycleDeadline`` of the
weekly-log stage, due ``PMIS_WEEKLY_LOG_DUE_DAYS`` after the week ends (``weekly.log_due``), made once
the week has ended; its rule names the officers whose signed plan has nothing logged that week. The
sweep tells each of them once per (week, officer, kind) through the outbox, then chases and escalates
an overdue week as it does any deadline. Registered in ``AppraisalsConfig.ready``."""

import datetime

from django.conf import settings

from scorecards import profiles

from . import weekly

WEEK = datetime.timedelta(days=7)


def weeks(years, first, today):
    """[(year, week start, due date)] of the weeks of ``years`` (institutions logging weeks) that have
    ended by ``today`` and whose log is due on or after ``first``. Weeks whose last escalation is past
    are left alone: a log missing for months is not announced afresh the day reminders start."""
    first = max(first, today - datetime.timedelta(days=settings.REMINDER_ESCALATE_PERFORMANCE_OFFICER_DAYS))
    on = profiles.with_weekly_log({year.institution_id for year in years})
    found = []
    for year in years:
        if year.institution_id not in on:
            continue
        earliest = first - datetime.timedelta(days=6 + settings.PMIS_WEEKLY_LOG_DUE_DAYS)
        week = weekly.week_of(max(year.start_date, earliest))
        if week < year.start_date:  # a plan's weeks start within its year (``waiting.WeeklyLogs``)
            week += WEEK
        while week <= year.end_date and week + WEEK <= today:
            due = weekly.log_due(week)
            if due >= first:
                found.append((year, week, due))
            week += WEEK
    return found


def missing_logs(deadline):
    """The officers (each their own recipient) whose signed plan with sub-tasks has nothing logged for
    the deadline's week (made once the week has ended, ``weeks``), where the institution's profile still
    turns the weekly log on."""
    week = deadline.week_start
    if week is None or not profiles.weekly_log_on(deadline.institution):
        return []
    plans = dict(weekly.plans_with_weekly_log().filter(
        institution_id=deadline.institution_id, financial_year_id=deadline.financial_year_id,
    ).values_list("pk", "performer_id"))
    return [(plans[pk], plans[pk]) for pk in sorted(weekly.unlogged(list(plans), week)) if plans[pk]]
