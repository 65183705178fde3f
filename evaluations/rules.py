"""Who may do what in an institution's year-end evaluation, and the dates and rules it runs on.

Each "may this user do X now" is one function here; the services, the pages' buttons and the inbox ask
them. Sight itself comes from ``pmis.access`` (an evaluator's assignment is an ``evaluates`` grant there).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.monitoring import REPORTABLE, period_dates
from notifications.cycle import ensure_deadlines
from notifications.models import CycleDeadline, Stage
from pmis import access
from pmis.access import NotAllowed
from pmis.models import Institution, Role
from scorecards import scoring

from .models import Evaluation, EvaluationPolicy

State = Evaluation.State
#: the institution's people who prepare the self-evaluation; the head alone signs it
FILERS = {Role.HEAD, Role.PERFORMANCE_OFFICER}
#: the evaluator works on a self-evaluation in these states
UNDER_EVALUATION = {State.SUBMITTED, State.ADJUSTED, State.RESPONDED}
#: the contracts that file a self-evaluation: the institution's, and each unit's for its unit contract
LEVELS = ("institution", "unit")
#: states with a result to moderate and release
RESULT_STATES = {State.CONCLUDED, State.NOT_SUBMITTED}
#: the worst value of each scheme's scale, given for non-submission (methodology: non-submission)
WORST_VALUE = {"kenya_pc": 5, "opras": 5, "likert_5": 1, "percent_achievement": 0, "pepmis": 0}

__all__ = ["REPORTABLE", "NotAllowed"]


def today():
    return timezone.localdate()


def policy_for(institution) -> EvaluationPolicy:
    """The policy of the nearest oversight body above ``institution`` that sets one (the defaults
    otherwise): one query."""
    ids = [int(i) for i in institution.oversight_path.strip("/").split("/") if i]
    found = {p.institution_id: p for p in EvaluationPolicy.objects.filter(institution_id__in=ids)}
    for pk in reversed(ids):
        if pk in found:
            return found[pk]
    return EvaluationPolicy()


def opens_on(year) -> datetime.date:
    """The self-evaluation is offered from the first day of the year's last quarter."""
    return period_dates(year, 4)[0]


def due_dates(years) -> dict:
    """{financial year id: the self-evaluation's deadline}: the cycle calendar's "self_evaluation" stage
    (the oversight body's default or the institution's own date; a month after a July year by default)."""
    years = list(years)
    ensure_deadlines(years)
    return dict(CycleDeadline.objects.filter(financial_year__in=years, stage=Stage.SELF_EVALUATION)
                .values_list("financial_year_id", "due_date"))


def due_on(year) -> datetime.date:
    return due_dates([year])[year.pk]


def worst(scheme, bands, policy):
    """(composite, grade) an institution that did not submit is given."""
    value = scoring.quantize4(WORST_VALUE.get(scheme, 0))
    grade = policy.non_submission_grade or (bands[-1]["grade"] if bands else "")
    return value, grade


def grade_of(evaluation, composite) -> str:
    contract = evaluation.contract
    return scoring.grade_for(composite, contract.bands, contract.scheme)


# ---------------------------------------------------------------------------------------------
# The institution


def is_filer(user, institution_id) -> bool:
    return user.is_superuser or bool(access.roles_in(user, institution_id) & FILERS)


def files_for(user, contract) -> bool:
    """Whether ``user`` prepares the self-evaluation of ``contract``: for the institution's contract its head
    and performance officers; for a unit's, the unit's head (the contract's performer) and the institution's
    performance officers."""
    if contract.level == "unit":
        return (user.is_superuser or contract.performer_id == user.pk
                or access.holds(user, Role.PERFORMANCE_OFFICER, contract.institution_id))
    return is_filer(user, contract.institution_id)


def signs_for(user, contract) -> bool:
    """Who signs the self-evaluation: the institution's head, or for a unit the unit's head."""
    if user.is_superuser:
        return True
    if contract.level == "unit":
        return contract.performer_id == user.pk
    return access.holds(user, Role.HEAD, contract.institution_id)


def may_start(user, contract, day=None) -> bool:
    """Whether ``user`` may open the self-evaluation of institution or unit contract ``contract`` now."""
    return (contract.level in LEVELS and contract.status in REPORTABLE
            and (day or today()) >= opens_on(contract.financial_year) and files_for(user, contract))


def may_file(user, evaluation) -> bool:
    """Whether ``user`` may fill in (save) the self-evaluation now."""
    return evaluation.state == State.DRAFT and files_for(user, evaluation.contract)


def may_sign(user, evaluation, day=None) -> bool:
    """Whether ``user`` may sign and submit the self-evaluation: the head, before the deadline."""
    return (evaluation.state == State.DRAFT and (day or today()) <= evaluation.due_date
            and signs_for(user, evaluation.contract))


def may_claim(user, evaluation) -> bool:
    """Exogenous factors are claimed with the self-evaluation, or in reply to the evaluator's adjustments."""
    return evaluation.state in (State.DRAFT, State.ADJUSTED) and files_for(user, evaluation.contract)


def may_respond(user, evaluation) -> bool:
    """The institution (or the unit) answers the evaluator's adjustments once."""
    return evaluation.state == State.ADJUSTED and files_for(user, evaluation.contract)


# ---------------------------------------------------------------------------------------------
# The evaluator and the oversight body


def is_evaluator(user, institution_id) -> bool:
    return user.is_superuser or access.evaluates(user, institution_id)


def may_evaluate(user, evaluation) -> bool:
    """Whether ``user`` may confirm or adjust achievements, verify, decide factors and conclude now: an
    evaluator assigned to the institution, who is not one of its filers."""
    if evaluation.state not in UNDER_EVALUATION or not is_evaluator(user, evaluation.institution_id):
        return False
    return user.is_superuser or not is_filer(user, evaluation.institution_id)


def oversees(user, institution) -> bool:
    """Whether ``user`` is in the performance department over ``institution`` (or the body itself)."""
    seen = access.of(user)
    return seen.superuser or (bool(seen.oversight_paths) and seen.oversees(institution.oversight_path))


def may_assign(user, institution) -> bool:
    return oversees(user, institution)


def may_moderate(user, evaluation) -> bool:
    return (evaluation.state in RESULT_STATES and evaluation.released_on is None
            and oversees(user, evaluation.institution))


def may_release(user, body) -> bool:
    """The performance department releases the results of the institutions under its body."""
    return user.is_superuser or access.holds(user, Role.OVERSIGHT, body.pk)


def released(evaluation, day=None) -> bool:
    return evaluation.released_on is not None and evaluation.released_on <= (day or today())


def sees_result(user, evaluation, day=None) -> bool:
    """Before release only the institution, its evaluators and the oversight body see the result."""
    if released(evaluation, day):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.is_superuser or bool(access.roles_in(user, evaluation.institution_id))
            or access.evaluates(user, evaluation.institution_id) or oversees(user, evaluation.institution))


def check(allowed, message):
    if not allowed:
        raise NotAllowed(message)


def refuse(message):
    raise ValidationError(message)


def bodies_of(user):
    """The oversight bodies where ``user`` releases results."""
    return Institution.objects.filter(pk__in=access.institutions_with(user, Role.OVERSIGHT)).order_by("name")
