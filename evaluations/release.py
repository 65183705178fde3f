"""Moderation, non-submission and release: the oversight body adjusts a result with a recorded reason,
grades those that did not submit by the deadline, and releases the year's results on a date."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import PerformanceContract
from contracts.monitoring import REPORTABLE, parse_number
from pmis import audit
from pmis.models import Institution
from scorecards import scoring

from . import results, rules
from .models import Consequence, ConsequenceRule, Evaluation, EvaluationPolicy

State = Evaluation.State
FINAL_GRADE = results.FINAL_GRADE


def moderate(actor, evaluation, composite, reason):
    """Set the result's moderated composite (its grade follows from the bands), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Record the reason for the moderation.")})
    value = scoring.quantize4(parse_number(composite, field="composite"))
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update().select_related("contract", "institution").get(
            pk=evaluation.pk)
        rules.check(rules.may_moderate(actor, evaluation), _("The performance department moderates concluded "
                                                             "results before they are released."))
        try:
            grade = rules.grade_of(evaluation, value)
        except (ValueError, KeyError):
            raise ValidationError({"composite": _("That composite is outside the scale.")}) from None
        fields = ["moderated_composite", "moderated_grade", "moderation_reason"]
        before = audit.snapshot(evaluation, ["composite", "grade", *fields])
        evaluation.moderated_composite, evaluation.moderated_grade, evaluation.moderation_reason = value, grade, reason
        evaluation.moderated_by, evaluation.moderated_at = actor, timezone.now()
        evaluation.save(update_fields=[*fields, "moderated_by", "moderated_at"])
        audit.record(actor, "evaluation.moderate", evaluation, before,
                     audit.snapshot(evaluation, ["composite", "grade", *fields]))
    return evaluation


def _under(body):
    return Institution.objects.filter(oversight_path__startswith=body.oversight_path)


def grade_non_submission(actor, body, day=None) -> int:
    """Give every institution under ``body`` whose self-evaluation deadline has passed without a
    submission the worst value of its scheme, marked "not submitted" (when the policy says so).
    Returns how many were graded; a second run grades none."""
    day = day or rules.today()
    graded = 0
    contracts = (PerformanceContract.objects.filter(
        institution__in=_under(body), level="institution", status__in=[*REPORTABLE, PerformanceContract.Status.CLOSED],
        financial_year__end_date__lt=day).select_related("institution", "financial_year"))
    contracts = list(contracts)
    due = rules.due_dates({c.financial_year for c in contracts})
    policies = {}
    for contract in contracts:
        institution = contract.institution
        policy = policies.setdefault(institution.pk, rules.policy_for(institution))
        if not policy.grade_non_submission or due[contract.financial_year_id] >= day:
            continue
        with transaction.atomic(), audit.together():
            evaluation = Evaluation.objects.select_for_update().filter(contract=contract).first()
            if evaluation is not None and evaluation.state != State.DRAFT:
                continue
            composite, grade = rules.worst(contract.scheme, contract.bands, policy)
            before = None if evaluation is None else {"state": evaluation.state}
            if evaluation is None:
                evaluation = Evaluation(institution=institution, contract=contract,
                                        financial_year=contract.financial_year, year_start=contract.year_start.year,
                                        due_date=due[contract.financial_year_id])
            evaluation.state, evaluation.composite, evaluation.grade = State.NOT_SUBMITTED, composite, grade
            evaluation.concluded_at = timezone.now()
            evaluation.save()
            audit.record(actor, "evaluation.not_submitted", evaluation, before,
                         {"state": evaluation.state, "composite": composite, "grade": grade})
            graded += 1
    return graded


def release(actor, body, year_start, on: datetime.date | None = None) -> int:
    """Release the ``year_start`` results of the institutions under ``body`` on ``on`` (today by
    default): the concluded ones and those graded for not submitting. Returns how many were released.
    Units' self-evaluations stay inside their institution: only institution contracts are released."""
    rules.check(rules.may_release(actor, body), _("The performance department releases the results."))
    on = on or rules.today()
    grade_non_submission(actor, body, on)
    count = 0
    with transaction.atomic(), audit.together():
        for evaluation in Evaluation.objects.select_for_update().filter(
                institution__in=_under(body), year_start=year_start, state__in=rules.RESULT_STATES,
                released_on__isnull=True, contract__level="institution"):
            evaluation.released_on, evaluation.released_by = on, actor
            evaluation.save(update_fields=["released_on", "released_by"])
            audit.record(actor, "evaluation.release", evaluation, None, {"released_on": on})
            apply_consequences(actor, evaluation)
            count += 1
    return count


def consequence_rules(institution) -> list:
    """The reward and sanction rules of the nearest oversight body above ``institution`` that has any."""
    ids = [int(i) for i in institution.oversight_path.strip("/").split("/") if i]
    found: dict = {}
    for rule in ConsequenceRule.objects.filter(institution_id__in=ids):
        found.setdefault(rule.institution_id, []).append(rule)
    for pk in reversed(ids):
        if pk in found:
            return found[pk]
    return []


def apply_consequences(actor, evaluation) -> list:
    """Give the released ``evaluation`` what its body's rules say for its grade (once each)."""
    given = []
    for rule in consequence_rules(evaluation.institution):
        if rule.grade != evaluation.final_grade:
            continue
        consequence, created = Consequence.objects.get_or_create(
            evaluation=evaluation, kind=rule.kind, defaults={
                "institution_id": evaluation.institution_id, "grade": rule.grade, "note": rule.note,
                "applied_on": evaluation.released_on})
        if created:
            audit.record(actor, "evaluation.consequence", consequence, None,
                         {"kind": rule.kind, "grade": rule.grade, "evaluation": evaluation.pk})
            given.append(consequence)
    return given


def set_consequence(actor, body, grade, kind, note=""):
    """Add (or change the note of) an oversight body's reward or sanction rule for ``grade``."""
    rules.check(rules.may_release(actor, body), _("The performance department sets rewards and sanctions."))
    with transaction.atomic(), audit.together():
        rule, _created = ConsequenceRule.objects.update_or_create(
            institution=body, grade=grade, kind=kind, defaults={"note": note})
        audit.record(actor, "evaluation.consequence_rule", body, None, {"grade": grade, "kind": kind, "note": note})
    return rule


def distribution(body, year_start):
    """{category: {grade: count}} of the year's results under ``body``: one aggregate query."""
    found: dict = {}
    for row in (Evaluation.objects.filter(institution__in=_under(body), year_start=year_start,
                                          state__in=rules.RESULT_STATES, contract__level="institution")
                .annotate(final=FINAL_GRADE).values("institution__kind", "final").annotate(n=Count("pk"))
                .order_by("institution__kind", "final")):
        found.setdefault(row["institution__kind"], {})[row["final"]] = row["n"]
    return found


def set_policy(actor, body, **values):
    """Change the evaluation policy of oversight body ``body`` (audited)."""
    rules.check(rules.may_release(actor, body), _("The performance department sets the evaluation policy."))
    with transaction.atomic(), audit.together():
        policy, _created = EvaluationPolicy.objects.get_or_create(institution=body)
        names = list(values)
        before = audit.snapshot(policy, names)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.full_clean()
        policy.save()
        audit.record(actor, "evaluation.policy", body, before, audit.snapshot(policy, names))
    return policy
