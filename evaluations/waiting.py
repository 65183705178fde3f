"""What institutions' year-end evaluations wait for, and from whom (a work inbox provider, registered in
``EvaluationsConfig.ready``), and the self-evaluation's reminders through the cycle calendar's sweep.

Each item asks ``rules``: the self-evaluation waits for the institution's head and performance officers
(``may_file``) until it is signed, with its deadline; a submitted one (or one the institution has answered)
waits for its assigned evaluators (``may_evaluate``); shared adjustments wait for the institution's one
response (``may_respond``)."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from contracts.models import PerformanceContract
from notifications.inbox import Kind, Provider, Want, active_users, holders
from notifications.rules import register
from pmis import access

from . import rules
from .models import Achievement, Evaluation, ExogenousFactor

State = Evaluation.State


def _ints(ids):
    return {int(i) for i in ids if str(i).isdigit()}


def _of_rows(model):
    def resolve(ids):
        return set(model.objects.filter(pk__in=_ints(ids)).values_list("evaluation_id", flat=True))
    return resolve


def _of_factors(ids):
    return set(ExogenousFactor.objects.filter(pk__in=_ints(ids)).values_list("achievement__evaluation_id", flat=True))


def _of_institutions(ids):
    """An evaluator assigned (or unassigned) to an institution: its open evaluations."""
    return set(Evaluation.objects.filter(institution_id__in=_ints(ids)).exclude(
        state__in=rules.RESULT_STATES).values_list("pk", flat=True))


class Evaluations(Provider):
    subject_type = "evaluation"
    kinds = (
        Kind("evaluation_self", _("Complete and sign the institution's self-evaluation"), "contracts"),
        Kind("evaluation_evaluate", _("Evaluate the institution's year"), "contracts"),
        Kind("evaluation_respond", _("Respond to the evaluator's adjustments"), "contracts"),
    )
    watches = {"evaluations.evaluation": _ints, "evaluations.achievement": _of_rows(Achievement),
               "evaluations.physicalverification": lambda ids: set(), "evaluations.exogenousfactor": _of_factors,
               "pmis.institution": _of_institutions}

    def due_subjects(self, today):
        return Evaluation.objects.filter(state=State.DRAFT).order_by("pk").values_list("pk", flat=True)

    def wanted(self, ids, today):
        evaluations = list(Evaluation.objects.filter(pk__in=ids).exclude(state__in=rules.RESULT_STATES)
                           .select_related("institution", "contract", "contract__org_unit"))
        if not evaluations:
            return []
        institutions = {e.institution_id for e in evaluations}
        filers = holders(institutions, list(rules.FILERS))
        evaluators = {i: set(access.evaluators(i).values_list("user_id", flat=True)) for i in institutions}
        # A unit's self-evaluation is also its head's (the unit contract's performer).
        unit_heads = {e.pk: {e.contract.performer_id} for e in evaluations if e.contract.level == "unit"}
        users = active_users({u for by in filers.values() for u in by} | {u for s in evaluators.values() for u in s}
                             | {u for heads in unit_heads.values() for u in heads})
        wants = []
        for e in evaluations:
            name = e.contract.org_unit.name if e.contract.org_unit_id else e.institution.name
            title = f"{name} {e.year_start}/{str(e.year_start + 1)[-2:]}"
            url = e.get_absolute_url()
            if e.state == State.DRAFT:
                people, kind, check = ({*filers.get(e.institution_id, {}), *unit_heads.get(e.pk, ())},
                                       "evaluation_self", rules.may_file)
            elif e.state == State.ADJUSTED:
                people, kind, check = ({*filers.get(e.institution_id, {}), *unit_heads.get(e.pk, ())},
                                       "evaluation_respond", rules.may_respond)
            else:
                people, kind, check = evaluators.get(e.institution_id, set()), "evaluation_evaluate", rules.may_evaluate
            for user_id in sorted(set(people) & set(users)):
                if check(users[user_id], e):
                    wants.append(Want(user_id, kind, e.pk, e.institution_id, title, url,
                                      due=e.due_date if kind == "evaluation_self" else None))
        return wants


@register("self_evaluation")
def self_evaluations_not_submitted(deadline):
    """The heads of institutions whose signed contract for the year has no submitted self-evaluation:
    reminded before the deadline, chased after it (the sweep escalates as for every stage)."""
    submitted = Evaluation.objects.filter(contract=OuterRef("pk")).exclude(state=State.DRAFT)
    if not PerformanceContract.objects.filter(
            institution_id=deadline.institution_id, financial_year_id=deadline.financial_year_id,
            level="institution", status__in=rules.REPORTABLE).filter(~Exists(submitted)).exists():
        return []
    heads = access.holders(deadline.institution_id, "head").values_list("user_id", flat=True)
    return [(h, h) for h in heads]
