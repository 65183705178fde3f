"""The institution's self-evaluation: opened after the year's last quarter begins, one form for every
target (the year's achievement, an explanation, where the evidence is), signed by the head with the
password and the authentication code, as contracts are (``contracts.cycle.signing.reauthenticate``)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.cycle import signing
from contracts.models import PerformanceContract, Target
from contracts.monitoring import parse_actual
from pmis import audit
from scorecards import scoring

from . import evidence as evidence_files
from . import rules
from .models import Achievement, Evaluation

FIELDS = ("actual", "explanation", "evidence")


def start(actor, contract, day=None) -> Evaluation:
    """The self-evaluation of institution or unit contract ``contract``, opened (and audited) if not yet."""
    found = Evaluation.objects.filter(contract=contract).first()
    if found is not None:
        return found
    rules.check(rules.may_start(actor, contract, day) or (
        actor.is_superuser and contract.level in rules.LEVELS),
        _("The self-evaluation is opened by the head or the performance officer once the year's last quarter "
          "has begun."))
    with transaction.atomic(), audit.together():
        contract = PerformanceContract.objects.select_for_update(of=("self",)).select_related(
            "financial_year", "institution").get(pk=contract.pk)
        found = Evaluation.objects.filter(contract=contract).first()
        if found is not None:
            return found
        year = contract.financial_year
        evaluation = Evaluation.objects.create(
            institution_id=contract.institution_id, contract=contract, financial_year=year,
            year_start=contract.year_start.year,
            due_date=rules.due_on(year),
        )
        Achievement.objects.bulk_create([
            Achievement(evaluation=evaluation, institution_id=contract.institution_id, target=t, self_actual=t.actual)
            for t in Target.objects.filter(contract=contract).order_by("pk")
        ])
        audit.record(actor, "evaluation.open", evaluation, None,
                     {"contract": contract.pk, "due_date": evaluation.due_date})
    return evaluation


@dataclass
class Saved:
    evaluation: Evaluation
    #: {achievement id: {field: [messages]}}
    errors: dict = field(default_factory=dict)
    submitted: bool = False

    @property
    def ok(self):
        return not self.errors


def _short(target, actual) -> bool:
    """Whether ``actual`` falls short of the target value (an explanation is then needed)."""
    if actual is None or target.target_value is None:
        return False
    return actual > target.target_value if target.direction == scoring.LOWER else actual < target.target_value


def save(actor, evaluation, values: dict) -> Saved:
    """Keep what was typed on the one form: ``values`` {achievement id: {"actual", "explanation",
    "evidence", "files" (uploaded evidence files)}}. Every value that reads is kept; each one that does not
    is named beside its target and the rest is still saved. An achievement's files are stored only when
    every one of them passes the evidence rules."""
    rules.check(rules.may_file(actor, evaluation), _("This self-evaluation can no longer be changed here."))
    errors = {}
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        rules.check(rules.may_file(actor, evaluation), _("This self-evaluation can no longer be changed here."))
        for a in evaluation.achievements.select_related("target").select_for_update(of=("self",)):
            row = values.get(a.pk) or values.get(str(a.pk))
            if row is None:
                continue
            before = audit.snapshot(a, ["self_actual", "explanation", "evidence"])
            raw = row.get("actual")
            if raw is not None:
                try:
                    a.self_actual = None if str(raw).strip() == "" else parse_actual(raw, a.target)
                except ValidationError as exc:
                    errors[a.pk] = {"actual": [m for ms in exc.message_dict.values() for m in ms]}
            for name in ("explanation", "evidence"):
                if row.get(name) is not None:
                    setattr(a, name, str(row[name]).strip())
            after = audit.snapshot(a, ["self_actual", "explanation", "evidence"])
            if after != before:
                a.save(update_fields=["self_actual", "explanation", "evidence"])
                audit.record(actor, "evaluation.self_entry", a, before, after)
            if row.get("files"):
                try:
                    evidence_files.store(actor, a, evidence_files.checked(row["files"]))
                except ValidationError as exc:
                    errors.setdefault(a.pk, {})["files"] = [m for ms in exc.message_dict.values() for m in ms]
    return Saved(evaluation, errors)


def problems(evaluation) -> dict:
    """{achievement id: {field: [messages]}} that stop the self-evaluation being submitted."""
    found = {}
    for a in evaluation.achievements.select_related("target"):
        if a.self_actual is None:
            found.setdefault(a.pk, {})["actual"] = [_("Enter the year's achievement.")]
        elif _short(a.target, a.self_actual) and not a.explanation:
            found.setdefault(a.pk, {})["explanation"] = [_("Explain why the target was not met.")]
    return found


def submit(request, evaluation, *, password, code=None, day=None) -> Evaluation:
    """Sign and submit the self-evaluation as the head (re-authenticated). Nothing changes on refusal."""
    user = request.user
    if evaluation.state != Evaluation.State.DRAFT:
        rules.refuse(_("This self-evaluation has already been submitted."))
    if (day or rules.today()) > evaluation.due_date:
        rules.refuse(_("The deadline for the self-evaluation has passed; it can no longer be submitted."))
    rules.check(rules.may_sign(user, evaluation, day),
                _("The self-evaluation is signed by the head of the institution, or of the unit for a unit's."))
    missing = problems(evaluation)
    if missing:
        raise ValidationError(_("Complete every target before submitting: %(count)s still need attention.")
                              % {"count": len(missing)})
    second_factor = signing.reauthenticate(request, user, password, code)
    with transaction.atomic(), audit.together():
        evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("contract").get(
            pk=evaluation.pk)
        if not rules.may_sign(user, evaluation, day):
            rules.refuse(_("This self-evaluation has already been submitted."))
        evaluation.state = Evaluation.State.SUBMITTED
        evaluation.signed_by, evaluation.signed_at = user, timezone.now()
        evaluation.second_factor = second_factor
        evaluation.save(update_fields=["state", "signed_by", "signed_at", "second_factor"])
        audit.record(user, "evaluation.submit", evaluation, {"state": Evaluation.State.DRAFT},
                     {"state": evaluation.state, "second_factor": second_factor})
    return evaluation
