"""What officers' appraisals wait for, and from whom (a work inbox provider, registered in
``AppraisalsConfig.ready``).

Each step asks the appraisal's own rules: ``services.parts_of`` (officer, supervisor, countersigner,
hr, appeals), ``may_countersign``, ``may_moderate`` and ``may_decide_appeal``. The self-appraisal waits
for the officer once the plan's year is over. Appraisals tell people themselves (``services.notify``),
so the inbox opens these items without a message of its own (``notifies = False``).
"""

import datetime

from django.utils.translation import gettext_lazy as _

from notifications.inbox import Kind, Provider, Want, active_users, holders
from pmis.models import Role
from scorecards import profiles

from . import confidentiality, services, weekly
from .models import Appeal, Appraisal, WeeklyLog, WeekReview

Status = Appraisal.Status


def _ints(ids):
    return {int(i) for i in ids if str(i).isdigit()}


def _appraisals_of_appeals(ids):
    return set(Appeal.objects.filter(pk__in=_ints(ids)).values_list("appraisal_id", flat=True))


class Appraisals(Provider):
    subject_type = "appraisal"
    notifies = False
    kinds = (
        Kind("appraisal_self", _("Appraise yourself against your plan"), "appraisals"),
        Kind("appraisal_supervisor", _("Appraise your officer"), "appraisals"),
        Kind("appraisal_countersign", _("Countersign the appraisal"), "appraisals"),
        Kind("appraisal_acknowledge", _("Acknowledge your appraisal"), "appraisals"),
        Kind("appraisal_moderate", _("Moderate the appraisal"), "appraisals", whom=_("human resources")),
        Kind("appeal_decide", _("Decide the appeal"), "appraisals", whom=_("the appeals committee")),
    )
    watches = {"appraisals.appraisal": _ints, "appraisals.appeal": _appraisals_of_appeals}

    def due_subjects(self, today):
        return Appraisal.objects.filter(status=Status.IN_YEAR, financial_year__end_date__lt=today).order_by(
            "pk").values_list("pk", flat=True)

    def wanted(self, ids, today):
        appraisals = list(Appraisal.objects.filter(pk__in=ids).exclude(status=Status.FINAL).select_related(
            "officer", "financial_year", "contract"))
        if not appraisals:
            return []
        roles = holders({a.institution_id for a in appraisals}, [*confidentiality.HR_ROLES, Role.APPEALS])
        people = {a.officer.user_id for a in appraisals} | {a.supervisor_id for a in appraisals}
        people |= {a.countersigner_id for a in appraisals} | {u for by in roles.values() for u in by}
        # Real users: the appraisal's rules read their roles and whether they are superusers.
        users = active_users(people)
        wants = []
        for a in appraisals:
            held = roles.get(a.institution_id, {})
            if a.status == Status.IN_YEAR:
                if a.financial_year.end_date >= today or a.contract.status not in services.PLAN_STATES:
                    continue
                candidates = {a.officer.user_id}
            elif a.status == Status.SELF_SUBMITTED:
                candidates = {a.supervisor_id}
            elif a.status == Status.SUPERVISOR_DONE:
                candidates = {a.countersigner_id} if a.countersigner_id else set(held)
            elif a.status == Status.COUNTERSIGNED:
                candidates = {a.officer.user_id}
            else:  # acknowledged (moderation) and appeal: the institution's HR and appeals committee
                candidates = set(held)
            for user_id in sorted(candidates & set(users)):
                kind = self.kind_for(users[user_id], a)
                if kind:
                    wants.append(Want(user_id, kind, a.pk, a.institution_id, str(a.officer), a.get_absolute_url()))
        return wants

    @staticmethod
    def kind_for(user, appraisal):
        parts = services.parts_of(user, appraisal)
        status = appraisal.status
        if status == Status.IN_YEAR and "officer" in parts:
            return "appraisal_self"
        if status == Status.SELF_SUBMITTED and "supervisor" in parts:
            return "appraisal_supervisor"
        if status == Status.SUPERVISOR_DONE and services.may_countersign(user, appraisal, parts):
            return "appraisal_countersign"
        if status == Status.COUNTERSIGNED and "officer" in parts:
            return "appraisal_acknowledge"
        if status == Status.ACKNOWLEDGED and services.may_moderate(user, appraisal, parts):
            return "appraisal_moderate"
        if status == Status.APPEAL and services.may_decide_appeal(user, appraisal, parts):
            return "appeal_decide"
        return None


def _plans_of_logs(ids):
    return set(WeeklyLog.objects.filter(pk__in=_ints(ids)).values_list("contract_id", flat=True))


def _plans_of_reviews(ids):
    return set(WeekReview.objects.filter(pk__in=_ints(ids)).values_list("contract_id", flat=True))


class WeeklyLogs(Provider):
    """A plan's weekly log: the week just ended waits for its officer (``weekly.may_log``) until it is
    logged, due ``PMIS_WEEKLY_LOG_DUE_DAYS`` after it ends (a new item each week). The item opens
    without a message: a missing week is a deadline of the reminder sweep (``reminders``), which tells
    the officer, then chases and escalates, once per week like every deadline."""

    subject_type = "plan_week"
    notifies = False
    kinds = (Kind("weekly_log_due", _("Log last week's work on your sub-tasks"), "appraisals"),)
    watches = {"appraisals.weeklylog": _plans_of_logs, "appraisals.weekreview": _plans_of_reviews}

    def due_subjects(self, today):
        plans = weekly.plans_with_weekly_log()
        on = profiles.with_weekly_log(set(plans.values_list("institution_id", flat=True).distinct()))
        return plans.filter(institution_id__in=on).values_list("pk", flat=True).order_by("pk")

    @staticmethod
    def plans(ids):
        """The plans among ``ids``, each institution knowing whether its profile logs weeks."""
        plans = list(weekly.plans_with_weekly_log().filter(pk__in=ids).select_related("officer__user",
                                                                                          "institution"))
        on = profiles.with_weekly_log({p.institution_id for p in plans})
        for plan in plans:
            plan.institution._weekly_log_on = plan.institution_id in on
        return plans

    def wanted(self, ids, today):
        plans = self.plans(ids)
        if not plans:
            return []
        last_week = weekly.week_of(today) - datetime.timedelta(days=7)
        unlogged = weekly.unlogged([p.pk for p in plans], last_week)
        users = active_users({p.performer_id for p in plans if p.pk in unlogged})
        wants = []
        for plan in plans:
            officer = users.get(plan.performer_id)
            if (plan.pk in unlogged and officer is not None and weekly.may_log(officer, plan)
                    and plan.financial_year.start_date <= last_week <= plan.financial_year.end_date):
                wants.append(Want(officer.pk, "weekly_log_due", plan.pk, plan.institution_id, str(plan),
                                  weekly.week_url(plan, last_week), number=weekly.week_number(last_week),
                                  due=weekly.log_due(last_week)))
        return wants


class WeekReviews(WeeklyLogs):
    """A logged week waits for the plan's supervisor to review it (``weekly.may_review``): a handoff,
    told once when the item opens."""

    notifies = True
    kinds = (Kind("weekly_review", _("Review the week's task log"), "appraisals"),)

    def wanted(self, ids, today):
        plans = self.plans(ids)
        if not plans:
            return []
        waiting = weekly.weeks_waiting([p.pk for p in plans])
        users = active_users({p.counterparty_id for p in plans if p.pk in waiting})
        wants = []
        for plan in plans:
            week, supervisor = waiting.get(plan.pk), users.get(plan.counterparty_id)
            if week is not None and supervisor is not None and weekly.may_review(supervisor, plan):
                wants.append(Want(supervisor.pk, "weekly_review", plan.pk, plan.institution_id, str(plan.officer),
                                  weekly.week_url(plan, week), due=week))
        return wants
