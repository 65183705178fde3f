"""Outcomes after the final result: the institution's rewards-and-sanctions table and performance
improvement plans with their reviews."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmis import audit

from ..models import ImprovementPlan, OutcomeRule, PlanReview
from .rules import Status, _hr, _lock, _require, _state, _text, notify

# ---------------------------------------------------------------------------------------------
# Outcomes


def outcomes_for(appraisal):
    grade = appraisal.final_grade if appraisal.status in (Status.RESULT, Status.APPEAL, Status.FINAL) else ""
    if not grade:
        return OutcomeRule.objects.none()
    return OutcomeRule.objects.filter(institution_id=appraisal.institution_id, grade=grade)


@transaction.atomic
def set_outcome_rule(actor, institution, grade, outcome, note=""):
    _hr(actor, institution.pk)
    if outcome not in OutcomeRule.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")})
    grade = _text(grade, "grade", _("Name the grade."))
    rule, _created = OutcomeRule.objects.update_or_create(institution=institution, grade=grade, outcome=outcome,
                                                          defaults={"note": (note or "").strip()})
    audit.record(actor, "outcome_rule.set", rule, None, {"grade": grade, "outcome": outcome})
    return rule


@transaction.atomic
def remove_outcome_rule(actor, rule):
    _hr(actor, rule.institution_id)
    audit.record(actor, "outcome_rule.remove", rule, {"grade": rule.grade, "outcome": rule.outcome}, None)
    rule.delete()


@transaction.atomic
def start_improvement_plan(actor, appraisal, *, objectives, support, start_date, end_date, review_dates=()):
    """The supervisor or HR opens a performance improvement plan after the final result."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "supervisor", "hr")
    _state(appraisal, Status.FINAL)
    objectives = _text(objectives, "objectives", _("Set the objectives the officer must reach."))
    support = _text(support, "support", _("Say what support the officer gets."))
    if not start_date or not end_date or end_date <= start_date:
        raise ValidationError({"end_date": _("The plan must end after it starts.")})
    reviews = sorted(set(review_dates or []))
    if not reviews:
        raise ValidationError({"review_dates": _("Set at least one review date.")})
    if any(not start_date <= d <= end_date for d in reviews):
        raise ValidationError({"review_dates": _("Review dates fall within the plan's period.")})
    plan = ImprovementPlan.objects.create(appraisal=appraisal, institution_id=appraisal.institution_id,
                                          objectives=objectives, support=support, start_date=start_date,
                                          end_date=end_date, created_by=actor)
    PlanReview.objects.bulk_create([PlanReview(plan=plan, institution_id=plan.institution_id, due=d)
                                    for d in reviews])
    audit.record(actor, "pip.open", plan, None, {"appraisal": appraisal.pk, "reviews": [str(d) for d in reviews]})
    notify(appraisal.officer.user, appraisal, _("A performance improvement plan was opened for you"))
    return plan


def _plan_actor(actor, plan):
    _require(actor, plan.appraisal, "supervisor", "hr")


@transaction.atomic
def record_review(actor, review, note):
    plan = ImprovementPlan.objects.select_for_update().get(pk=review.plan_id)
    _plan_actor(actor, plan)
    if plan.status != ImprovementPlan.Status.OPEN:
        raise ValidationError(_("This plan is closed."))
    review.note, review.held_at = _text(note, "note", _("Record what the review found.")), timezone.now()
    review.save(update_fields=["note", "held_at"])
    audit.record(actor, "pip.review", plan, None, {"review": review.pk})
    return review


@transaction.atomic
def close_improvement_plan(actor, plan, result, note=""):
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    _plan_actor(actor, plan)
    if plan.status != ImprovementPlan.Status.OPEN:
        raise ValidationError(_("This plan is already closed."))
    if result not in ImprovementPlan.Result.values:
        raise ValidationError({"result": _("Choose the closing outcome.")})
    plan.status, plan.result, plan.closing_note, plan.closed_at = (
        ImprovementPlan.Status.CLOSED, result, (note or "").strip(), timezone.now())
    plan.save(update_fields=["status", "result", "closing_note", "closed_at"])
    audit.record(actor, "pip.close", plan, None, {"result": result})
    notify(plan.appraisal.officer.user, plan.appraisal, _("Your improvement plan was closed"),
           plan.get_result_display())
    return plan
