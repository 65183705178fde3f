"""The independent evaluation: the performance department assigns evaluators per institution; they
confirm or adjust each achievement with a reason, may verify a result on the ground, share their
adjustments (the institution answers once) and conclude, which fixes the evaluated composite."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.monitoring import parse_actual
from pmis import access, audit
from scorecards import scoring

from . import evidence as evidence_files
from . import results, rules
from .models import Achievement, Evaluation, ExogenousFactor, PhysicalVerification

State = Evaluation.State


def assign(actor, institution, evaluator):
    rules.check(rules.may_assign(actor, institution), _("Evaluators are assigned by the performance department."))
    with transaction.atomic():
        access.grant_evaluation(evaluator, institution)
        audit.record(actor, "evaluation.assign_evaluator", institution, None, {"evaluator": evaluator.pk})


def unassign(actor, institution, evaluator):
    rules.check(rules.may_assign(actor, institution), _("Evaluators are assigned by the performance department."))
    with transaction.atomic():
        access.revoke_evaluation(evaluator, institution)
        audit.record(actor, "evaluation.unassign_evaluator", institution, {"evaluator": evaluator.pk}, None)


def _locked(actor, evaluation):
    evaluation = Evaluation.objects.select_for_update().select_related("contract", "institution").get(
        pk=evaluation.pk)
    rules.check(rules.may_evaluate(actor, evaluation), _("Only an evaluator assigned to this institution can do "
                                                         "this while the evaluation is open."))
    return evaluation


def assess(actor, achievement, value, reason=""):
    """Confirm (``value`` as the institution's) or adjust an achievement; an adjustment needs a reason."""
    with transaction.atomic(), audit.together():
        _locked(actor, achievement.evaluation)
        achievement = Achievement.objects.select_for_update(of=("self",)).select_related("target").get(
            pk=achievement.pk)
        number = parse_actual(value, achievement.target)
        reason = (reason or "").strip()
        if number != achievement.self_actual and not reason:
            raise ValidationError({"reason": _("Give the reason for the adjustment.")})
        before = audit.snapshot(achievement, ["evaluated_actual", "adjustment_reason"])
        achievement.evaluated_actual, achievement.adjustment_reason = number, reason
        achievement.evaluated_by, achievement.evaluated_at = actor, timezone.now()
        achievement.save(update_fields=["evaluated_actual", "adjustment_reason", "evaluated_by", "evaluated_at"])
        audit.record(actor, "evaluation.assess", achievement, before,
                     audit.snapshot(achievement, ["evaluated_actual", "adjustment_reason"]))
    return achievement


def verify(actor, achievement, *, visited_on, place, finding, evidence="", files=()):
    """Record a physical verification of a reported result, with its evidence ``files`` (all checked
    before anything is recorded)."""
    if isinstance(visited_on, str):
        try:
            visited_on = datetime.date.fromisoformat(visited_on)
        except ValueError:
            raise ValidationError({"visited_on": _("Enter the date of the visit.")}) from None
    errors = {}
    if visited_on is None:
        errors["visited_on"] = [_("Enter the date of the visit.")]
    if not (place or "").strip():
        errors["place"] = [_("Say where the result was verified.")]
    if not (finding or "").strip():
        errors["finding"] = [_("Record what was found.")]
    try:
        attached = evidence_files.checked(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), audit.together():
        _locked(actor, achievement.evaluation)
        found = PhysicalVerification.objects.create(
            achievement=achievement, institution_id=achievement.institution_id, visited_on=visited_on,
            place=place.strip(), finding=finding.strip(), evidence=(evidence or "").strip(), recorded_by=actor)
        audit.record(actor, "evaluation.verify", found, None, audit.snapshot(
            found, ["achievement", "visited_on", "place", "finding", "evidence"]))
        evidence_files.store(actor, achievement, attached, verification=found)
    return found


def share(actor, evaluation):
    """Show the adjustments to the institution, which may answer once before the evaluation concludes."""
    with transaction.atomic(), audit.together():
        evaluation = _locked(actor, evaluation)
        if evaluation.state != State.SUBMITTED:
            rules.refuse(_("The adjustments have already been shared."))
        evaluation.state = State.ADJUSTED
        evaluation.save(update_fields=["state"])
        audit.record(actor, "evaluation.share", evaluation, {"state": State.SUBMITTED}, {"state": State.ADJUSTED})
    return evaluation


def respond(actor, evaluation, text):
    """The institution's one response to the adjustments."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"response": _("Write the institution's response.")})
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        rules.check(rules.may_respond(actor, evaluation),
                    _("The institution responds once, while the adjustments wait for it."))
        evaluation.response, evaluation.responded_by, evaluation.responded_at = text, actor, timezone.now()
        evaluation.state = State.RESPONDED
        evaluation.save(update_fields=["response", "responded_by", "responded_at", "state"])
        audit.record(actor, "evaluation.respond", evaluation, {"state": State.ADJUSTED},
                     {"state": State.RESPONDED, "response": text})
    return evaluation


def open_points(evaluation) -> list:
    """What stops the evaluation concluding, as sentences."""
    achievements = list(evaluation.achievements.select_related("exogenous_factor"))
    points = []
    unassessed = sum(1 for a in achievements if a.evaluated_at is None)
    if unassessed:
        points.append(_("%(count)s achievements are neither confirmed nor adjusted.") % {"count": unassessed})
    pending = sum(1 for a in achievements if getattr(a, "exogenous_factor", None) is not None
                  and a.exogenous_factor.decision == ExogenousFactor.Decision.PENDING)
    if pending:
        points.append(_("%(count)s exogenous factors wait for a decision.") % {"count": pending})
    if evaluation.state == State.SUBMITTED and any(a.adjusted for a in achievements):
        points.append(_("Share the adjustments with the institution first; it may respond once."))
    return points


def conclude(actor, evaluation):
    """Fix the evaluated composite and grade (through ``contracts.scores.evaluated``)."""
    with transaction.atomic(), audit.together():
        evaluation = _locked(actor, evaluation)
        points = open_points(evaluation)
        if points:
            raise ValidationError(points)
        figures = results.evaluated_score(evaluation)
        if figures.composite is None or not figures.final:
            rules.refuse(_("The evaluated composite cannot be computed: %(problem)s") % {
                "problem": "; ".join(e for t in figures.targets for e in t.get("errors", [])) or "—"})
        before = {"state": evaluation.state}
        evaluation.composite = scoring.quantize4(figures.composite)
        evaluation.grade = figures.grade
        evaluation.summary = [{k: p[k] for k in ("name", "weight", "score", "grade")} for p in figures.perspectives]
        evaluation.state, evaluation.concluded_by, evaluation.concluded_at = State.CONCLUDED, actor, timezone.now()
        evaluation.save(update_fields=["composite", "grade", "summary", "state", "concluded_by", "concluded_at"])
        audit.record(actor, "evaluation.conclude", evaluation, before,
                     {"state": evaluation.state, "composite": evaluation.composite, "grade": evaluation.grade})
    return evaluation
