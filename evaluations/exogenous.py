"""Exogenous factors: the institution claims one against a target with its evidence; the evaluator
accepts it (the target leaves the composite and its weight is spread over the rest, or its target value
is adjusted: the evaluator's choice per decision) or rejects it with a reason. Every step is audited and
the decision is shown with the result."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.monitoring import parse_number
from pmis import audit

from . import rules
from .models import Evaluation, ExogenousFactor

Decision, Rule = ExogenousFactor.Decision, ExogenousFactor.Rule
DECISION_FIELDS = ["decision", "rule", "adjusted_target", "decision_reason"]


def claim(actor, achievement, description, evidence=""):
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the factor outside the institution's control.")})
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update().get(pk=achievement.evaluation_id)
        rules.check(rules.may_claim(actor, evaluation), _("Exogenous factors are claimed by the institution with "
                                                         "its self-evaluation or its response."))
        if ExogenousFactor.objects.filter(achievement=achievement).exists():
            rules.refuse(_("A factor is already claimed for this target."))
        factor = ExogenousFactor.objects.create(achievement=achievement, institution_id=achievement.institution_id,
                                                description=description, evidence=(evidence or "").strip(),
                                                claimed_by=actor)
        audit.record(actor, "evaluation.factor_claim", factor, None,
                     {"target": achievement.target_id, "description": description, "evidence": factor.evidence})
    return factor


def _decide(actor, factor, **values):
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update().get(pk=factor.achievement.evaluation_id)
        rules.check(rules.may_evaluate(actor, evaluation), _("Only an evaluator assigned to this institution "
                                                             "decides exogenous factors."))
        factor = ExogenousFactor.objects.select_for_update().get(pk=factor.pk)
        before = audit.snapshot(factor, DECISION_FIELDS)
        for name, value in values.items():
            setattr(factor, name, value)
        factor.decided_by, factor.decided_at = actor, timezone.now()
        factor.save(update_fields=[*values, "decided_by", "decided_at"])
        audit.record(actor, "evaluation.factor_decide", factor, before, audit.snapshot(factor, DECISION_FIELDS))
    return factor


def accept(actor, factor, *, rule=Rule.EXEMPT, adjusted_target=None, reason=""):
    """Accept ``factor``: ``rule`` EXEMPT takes the target out of the composite (its weight spread over the
    rest, ``contracts.scores.spread_weights``); ADJUST_TARGET scores it against ``adjusted_target``."""
    if rule not in Rule.values:
        raise ValidationError({"rule": _("Choose how the factor is allowed for.")})
    value = None
    if rule == Rule.ADJUST_TARGET:
        value = parse_number(adjusted_target, field="adjusted_target", blank=None)
        if value is None:
            raise ValidationError({"adjusted_target": _("Enter the adjusted target value.")})
    return _decide(actor, factor, decision=Decision.ACCEPTED, rule=rule, adjusted_target=value,
                   decision_reason=(reason or "").strip())


def reject(actor, factor, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the factor.")})
    return _decide(actor, factor, decision=Decision.REJECTED, rule="", adjusted_target=None, decision_reason=reason)
