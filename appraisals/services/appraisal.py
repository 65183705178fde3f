"""One appraisal's steps, from opening to final: the year (feedback, mid-year), year-end values and marks
(self-appraisal, supervisor, countersigning, acknowledgement), then the result accepted or appealed
(hearing, decision) and final."""

import datetime
import types
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.cycle import workflow as contract_workflow
from contracts.models import PerformanceContract, Target
from contracts.scorecard import scoring_item
from pmis import access, audit
from pmis.access import NotAllowed
from pmis.models import Role
from scorecards import scoring

from .. import confidentiality, uploads
from ..models import (
    OPRAS_ATTRIBUTES,
    Appeal,
    AppealDocument,
    Appraisal,
    AppraisalItem,
    AttributeMark,
    FeedbackEntry,
    TrainingNeed,
)
from .rules import (
    PLAN_STATES,
    Status,
    _conflict,
    _lock,
    _require,
    _state,
    _text,
    may_countersign,
    may_decide_appeal,
    notify,
)

# ---------------------------------------------------------------------------------------------
# Opening and the year


@transaction.atomic
def open_appraisal(actor, contract) -> Appraisal:
    """Open the appraisal of an officer's signed (or in-force) annual plan."""
    contract = contract_workflow.lock(contract)
    if contract.level != PerformanceContract.Level.OFFICER:
        raise ValidationError(_("Only an officer's annual plan is appraised."))
    if contract.status not in PLAN_STATES:
        raise ValidationError(_("The plan must be signed before it can be appraised."))
    if Appraisal.objects.filter(contract=contract).exists():
        raise ValidationError(_("This plan already has its appraisal."))
    if contract.counterparty_id is None:
        raise ValidationError(_("The plan names no supervisor."))
    if actor is not None and not (
        actor.pk in (contract.performer_id, contract.counterparty_id) or actor.is_superuser
        or access.roles_in(actor, contract.institution_id) & set(confidentiality.HR_ROLES)):
        raise NotAllowed(_("The officer, the supervisor or HR opens an appraisal."))
    officer = contract.officer
    supervisor_officer = getattr(contract.counterparty, "officer", None)
    second = supervisor_officer.supervisor if supervisor_officer and supervisor_officer.supervisor_id else None
    appraisal = Appraisal.objects.create(
        institution_id=contract.institution_id, contract=contract, officer=officer,
        financial_year_id=contract.financial_year_id, org_unit_id=officer.org_unit_id,
        supervisor_id=contract.counterparty_id, countersigner_id=second.user_id if second else None,
        scheme=contract.scheme, bands=contract.bands,
    )
    sync_items(appraisal)
    if appraisal.scheme == "opras":
        AttributeMark.objects.bulk_create([
            AttributeMark(appraisal=appraisal, institution_id=appraisal.institution_id, name=str(name), order=i)
            for i, name in enumerate(OPRAS_ATTRIBUTES)])
    audit.record(actor, "appraisal.open", appraisal, None, {"contract": contract.pk, "version": contract.version})
    return appraisal


def sync_items(appraisal):
    """One item per target of the plan as it stands (after a mid-year amendment too)."""
    targets = list(Target.objects.filter(contract_id=appraisal.contract_id).values_list("pk", flat=True))
    have = set(AppraisalItem.objects.filter(appraisal=appraisal).values_list("target_id", flat=True))
    AppraisalItem.objects.filter(appraisal=appraisal).exclude(target_id__in=targets).delete()
    AppraisalItem.objects.bulk_create([
        AppraisalItem(appraisal=appraisal, institution_id=appraisal.institution_id, target_id=pk)
        for pk in targets if pk not in have])


@transaction.atomic
def add_feedback(actor, appraisal, note, *, kind=FeedbackEntry.Kind.CHECK_IN, target=None):
    """A check-in or coaching note by the officer or their supervisor; both see it."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "officer", "supervisor")
    if appraisal.status == Status.FINAL:
        raise ValidationError(_("The appraisal is final; the feedback log is closed."))
    note = _text(note, "note", _("Write what was discussed."))
    if target is not None and target.contract_id != appraisal.contract_id:
        raise ValidationError({"target": _("That target is not in this plan.")})
    entry = FeedbackEntry.objects.create(appraisal=appraisal, institution_id=appraisal.institution_id,
                                         author=actor, kind=kind, target=target, note=note)
    audit.record(actor, "appraisal.feedback", appraisal, None, {"kind": kind, "target": target.pk if target else None})
    return entry


@transaction.atomic
def record_midyear(actor, appraisal, progress, *, amend_reason=""):
    """The supervisor records the mid-year review. With ``amend_reason`` the plan is amended through
    the contracting cycle (``contracts.cycle.workflow.amend``): renegotiated, vetted and signed again."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "supervisor")
    _state(appraisal, Status.IN_YEAR)
    progress = _text(progress, "progress", _("Record the progress discussed."))
    amend_reason = (amend_reason or "").strip()
    if amend_reason:
        contract_workflow.amend(actor, appraisal.contract, amend_reason)
    appraisal.midyear_progress, appraisal.midyear_at, appraisal.midyear_by = progress, timezone.now(), actor
    appraisal.midyear_amended = appraisal.midyear_amended or bool(amend_reason)
    appraisal.save(update_fields=["midyear_progress", "midyear_at", "midyear_by", "midyear_amended"])
    FeedbackEntry.objects.create(appraisal=appraisal, institution_id=appraisal.institution_id, author=actor,
                                 kind=FeedbackEntry.Kind.MID_YEAR, note=progress)
    audit.record(actor, "appraisal.midyear", appraisal, None, {"amended": bool(amend_reason), "reason": amend_reason})
    notify(appraisal.officer.user, appraisal, _("Your mid-year review is recorded"))
    return appraisal


# ---------------------------------------------------------------------------------------------
# Year-end: values, scores


def value_label(scheme) -> str:
    return {
        "kenya_pc": _("Actual achieved"), "percent_achievement": _("Actual achieved"),
        "likert_5": _("Rating (1–5, 5 best)"), "pepmis": _("Score (0–100)"), "opras": _("Mark (1–5, 1 best)"),
    }.get(scheme, _("Value"))


def _item_payload(appraisal, item, value):
    target = item.target
    proxy = types.SimpleNamespace(pk=item.pk, weight=target.weight, direction=target.direction,
                                  criteria=target.criteria, target_value=target.target_value, actual=value)
    return scoring_item(appraisal.scheme, proxy)


def _check_value(appraisal, item, value, field):
    """Refuse a value the scheme cannot score (a rating outside 1–5, a negative actual …)."""
    engine = scoring.SCHEMES[appraisal.scheme]
    payload = _item_payload(appraisal, item, value)
    if engine.uses_weights:
        payload["weight"] = 100
    try:
        engine.score({"items": [payload], "attributes": [{"id": 0, "mark": 1}]} if appraisal.scheme == "opras"
                     else {"items": [payload]})
    except scoring.ScoringValidationError as exc:
        raise ValidationError({field: [m for ms in exc.errors.values() for m in ms]}) from exc


def _check_mark(mark, field):
    if mark is None or not Decimal(1) <= Decimal(mark) <= Decimal(5):
        raise ValidationError({field: _("Give a mark from 1 (outstanding) to 5 (poor).")})


def score(appraisal, field="agreed_value", attribute_field="agreed_mark"):
    """The engine's result for the appraisal's values in ``field`` (dict from ``scoring.evaluate``)."""
    items = list(AppraisalItem.objects.filter(appraisal=appraisal).select_related("target"))
    payload = {"scheme": appraisal.scheme, "bands": appraisal.bands,
               "items": [_item_payload(appraisal, item, getattr(item, field)) for item in items]}
    if appraisal.scheme == "opras":
        payload["attributes"] = [{"id": a.pk, "mark": getattr(a, attribute_field)}
                                 for a in AttributeMark.objects.filter(appraisal=appraisal)]
    try:
        return scoring.evaluate(payload)
    except scoring.ScoringValidationError as exc:
        raise ValidationError(_("The appraisal cannot be scored: %(problem)s") % {"problem": exc}) from exc


def _rescore(appraisal):
    result = score(appraisal)
    raws = {out["id"]: out["raw"] for out in result["items"]}
    for item in AppraisalItem.objects.filter(appraisal=appraisal):
        item.raw = raws.get(item.pk)
        item.save(update_fields=["raw"])
    appraisal.composite, appraisal.grade = result["composite"], result["grade"]
    return result


def _write_values(appraisal, values, attributes, value_field, comment_field, mark_field):
    """values: {item id: (value, comment)}; attributes: {attribute id: mark}. Every item needs a value."""
    items = {i.pk: i for i in AppraisalItem.objects.filter(appraisal=appraisal).select_related("target")}
    errors = {}
    for pk, item in items.items():
        value, comment = values.get(pk, (None, ""))
        field = f"value_{pk}"
        if value is None or value == "":
            errors[field] = [_("Give a value for every target.")]
            continue
        try:
            value = Decimal(str(value))
            _check_value(appraisal, item, value, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        except ArithmeticError:
            errors[field] = [_("Enter a number.")]
            continue
        setattr(item, value_field, value)
        if comment_field:
            setattr(item, comment_field, (comment or "").strip())
    marks = {a.pk: a for a in AttributeMark.objects.filter(appraisal=appraisal)}
    for pk, attribute in marks.items():
        try:
            mark = attributes.get(pk)
            mark = Decimal(str(mark)) if mark not in (None, "") else None
            _check_mark(mark, f"attribute_{pk}")
            setattr(attribute, mark_field, mark)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        except ArithmeticError:
            errors[f"attribute_{pk}"] = [_("Enter a number.")]
    if errors:
        raise ValidationError(errors)
    for item in items.values():
        item.save()
    for attribute in marks.values():
        attribute.save()


def _add_training(actor, appraisal, needs):
    for need in needs or []:
        need = (need or "").strip()[:300]
        if need:
            TrainingNeed.objects.create(appraisal=appraisal, institution_id=appraisal.institution_id,
                                        org_unit_id=appraisal.org_unit_id, need=need, added_by=actor)


@transaction.atomic
def submit_self_appraisal(actor, appraisal, *, values, attributes=None, comments="", training_needs=()):
    """The officer's own values (and OPRAS attribute marks) for every target, against the signed plan."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "officer")
    _state(appraisal, Status.IN_YEAR)
    if appraisal.contract.status not in PLAN_STATES:
        raise ValidationError(_("The plan is being amended; it must be signed again before the self-appraisal."))
    sync_items(appraisal)
    _write_values(appraisal, values, attributes or {}, "self_value", "self_comment", "self_mark")
    _add_training(actor, appraisal, training_needs)
    appraisal.self_comments, appraisal.self_submitted_at = (comments or "").strip(), timezone.now()
    appraisal.status = Status.SELF_SUBMITTED
    appraisal.save(update_fields=["self_comments", "self_submitted_at", "status"])
    audit.record(actor, "appraisal.self", appraisal, None, {"status": appraisal.status})
    notify(appraisal.supervisor, appraisal, _("%(officer)s submitted a self-appraisal") % {
        "officer": appraisal.officer})
    return appraisal


@transaction.atomic
def supervisor_appraise(actor, appraisal, *, values, attributes=None, comments="", training_needs=()):
    """The supervisor's values become the agreed values; the engine scores and grades them."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "supervisor")
    _state(appraisal, Status.SELF_SUBMITTED)
    _write_values(appraisal, values, attributes or {}, "supervisor_value", "supervisor_comment", "supervisor_mark")
    AppraisalItem.objects.filter(appraisal=appraisal).update(agreed_value=models_f("supervisor_value"))
    AttributeMark.objects.filter(appraisal=appraisal).update(agreed_mark=models_f("supervisor_mark"))
    _add_training(actor, appraisal, training_needs)
    _rescore(appraisal)
    appraisal.supervisor_comments, appraisal.supervisor_at = (comments or "").strip(), timezone.now()
    appraisal.status = Status.SUPERVISOR_DONE
    appraisal.save(update_fields=["supervisor_comments", "supervisor_at", "status", "composite", "grade"])
    audit.record(actor, "appraisal.supervisor", appraisal, None,
                 {"composite": appraisal.composite, "grade": appraisal.grade})
    if appraisal.countersigner_id:
        notify(appraisal.countersigner, appraisal, _("An appraisal waits for your countersignature"))
    return appraisal


def models_f(name):
    from django.db.models import F

    return F(name)


def _check_countersigner(actor, appraisal):
    if appraisal.countersigner_id:
        _require(actor, appraisal, "countersigner")
    else:
        _require(actor, appraisal, "hr")
    if not may_countersign(actor, appraisal):
        raise _conflict()


@transaction.atomic
def countersign(actor, appraisal, comment=""):
    """The second-level supervisor (or HR where there is none) countersigns."""
    appraisal = _lock(appraisal)
    _check_countersigner(actor, appraisal)
    _state(appraisal, Status.SUPERVISOR_DONE)
    appraisal.countersign_comment = (comment or "").strip()
    appraisal.countersigned_by, appraisal.countersigned_at = actor, timezone.now()
    appraisal.status = Status.COUNTERSIGNED
    appraisal.save(update_fields=["countersign_comment", "countersigned_by", "countersigned_at", "status"])
    audit.record(actor, "appraisal.countersign", appraisal, None, {"comment": appraisal.countersign_comment})
    notify(appraisal.officer.user, appraisal, _("Your appraisal is ready for your acknowledgement"))
    return appraisal


@transaction.atomic
def return_to_supervisor(actor, appraisal, comment):
    """The countersigner sends the appraisal back to the supervisor with a reason."""
    appraisal = _lock(appraisal)
    _check_countersigner(actor, appraisal)
    _state(appraisal, Status.SUPERVISOR_DONE)
    comment = _text(comment, "comment", _("Say what the supervisor should look at again."))
    appraisal.status = Status.SELF_SUBMITTED
    appraisal.countersign_comment = comment
    appraisal.save(update_fields=["status", "countersign_comment"])
    audit.record(actor, "appraisal.return", appraisal, None, {"comment": comment})
    notify(appraisal.supervisor, appraisal, _("An appraisal was returned to you"), comment)
    return appraisal


@transaction.atomic
def acknowledge(actor, appraisal, disagreement=""):
    """The officer acknowledges the appraisal, optionally recording disagreement."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "officer")
    _state(appraisal, Status.COUNTERSIGNED)
    disagreement = (disagreement or "").strip()
    appraisal.acknowledged_at, appraisal.disagrees, appraisal.disagreement = timezone.now(), bool(disagreement), \
        disagreement
    appraisal.status = Status.ACKNOWLEDGED
    appraisal.save(update_fields=["acknowledged_at", "disagrees", "disagreement", "status"])
    audit.record(actor, "appraisal.acknowledge", appraisal, None, {"disagrees": bool(disagreement)})
    return appraisal


# ---------------------------------------------------------------------------------------------
# Appeals


def appeal_open(appraisal, today=None) -> bool:
    today = today or timezone.localdate()
    return appraisal.status == Status.RESULT and appraisal.appeal_deadline is not None and \
        today <= appraisal.appeal_deadline


@transaction.atomic
def file_appeal(actor, appraisal, grounds, files=()):
    """The officer appeals within the window after the result, with grounds and documents."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "officer")
    _state(appraisal, Status.RESULT)
    if not appeal_open(appraisal):
        raise ValidationError(_("The appeal window closed on %(date)s.") % {"date": appraisal.appeal_deadline})
    grounds = _text(grounds, "grounds", _("State the grounds of your appeal."))
    checked = [uploads.check(f) for f in files or []]
    appeal = Appeal.objects.create(
        appraisal=appraisal, institution_id=appraisal.institution_id, grounds=grounds,
        decision_due=timezone.localdate() + datetime.timedelta(days=settings.APPRAISAL_APPEAL_DECISION_DAYS),
        grade_before=appraisal.final_grade)
    for upload, content_type in checked:
        AppealDocument.objects.create(appeal=appeal, institution_id=appeal.institution_id, file=upload,
                                      name=upload.name[:200], size=upload.size, content_type=content_type)
    appraisal.status = Status.APPEAL
    appraisal.save(update_fields=["status"])
    audit.record(actor, "appraisal.appeal", appraisal, None, {"documents": len(checked)})
    for member in get_user_model().objects.filter(pk__in=access.holders(appraisal.institution_id, Role.APPEALS)):
        notify(member, appraisal, _("A new appraisal appeal was filed"))
    return appeal


def _appeals(actor, appeal):
    if not (actor.is_superuser or access.holds(actor, Role.APPEALS, appeal.institution_id)):
        raise NotAllowed(_("Appeals are heard by the appeals committee."))
    if not may_decide_appeal(actor, Appraisal.objects.select_related("officer").get(pk=appeal.appraisal_id)):
        raise _conflict()
    if not appeal.is_open:
        raise ValidationError(_("This appeal has been decided."))


@transaction.atomic
def schedule_hearing(actor, appeal, hearing_date):
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _appeals(actor, appeal)
    if hearing_date is None or hearing_date < timezone.localdate():
        raise ValidationError({"hearing_date": _("Choose a hearing date from today on.")})
    if hearing_date > appeal.decision_due:
        raise ValidationError({"hearing_date": _("The appeal must be decided by %(date)s; hold the hearing "
                                                 "before then.") % {"date": appeal.decision_due}})
    appeal.hearing_date = hearing_date
    appeal.save(update_fields=["hearing_date"])
    audit.record(actor, "appeal.hearing", appeal.appraisal, None, {"hearing_date": hearing_date})
    notify(appeal.appraisal.officer.user, appeal.appraisal, _("Your appeal hearing is on %(date)s") % {
        "date": hearing_date})
    return appeal


@transaction.atomic
def decide_appeal(actor, appeal, decision, reasons, *, values=None, attributes=None):
    """Upheld: the officer's own values become the agreed values; varied: ``values`` (item id →
    value) set them; both re-score. Dismissed: the result stands. The officer is notified."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _appeals(actor, appeal)
    if decision not in Appeal.Decision.values:
        raise ValidationError({"decision": _("Choose upheld, varied or dismissed.")})
    reasons = _text(reasons, "reasons", _("Give the committee's reasons."))
    if appeal.hearing_date is None:
        raise ValidationError(_("Set the hearing date first; the appeal is decided at or after the hearing."))
    if appeal.hearing_date > timezone.localdate():
        raise ValidationError(_("The hearing is on %(date)s; decide the appeal at or after it.") % {
            "date": appeal.hearing_date})
    appraisal = _lock(appeal.appraisal)
    before = appraisal.final_grade
    if decision == Appeal.Decision.UPHELD:
        AppraisalItem.objects.filter(appraisal=appraisal).update(agreed_value=models_f("self_value"))
        AttributeMark.objects.filter(appraisal=appraisal).update(agreed_mark=models_f("self_mark"))
    elif decision == Appeal.Decision.VARIED:
        if not values:
            raise ValidationError({"values": _("Give the varied value of at least one target.")})
        items = {i.pk: i for i in AppraisalItem.objects.filter(appraisal=appraisal).select_related("target")}
        for pk, value in values.items():
            if value in (None, ""):
                continue
            item = items.get(int(pk))
            if item is None:
                raise ValidationError({"values": _("That target is not in this appraisal.")})
            try:
                value = Decimal(str(value).strip())
            except ArithmeticError as exc:
                raise ValidationError({f"value_{pk}": _("Enter a number.")}) from exc
            _check_value(appraisal, item, value, f"value_{pk}")
            item.agreed_value = value
            item.save(update_fields=["agreed_value"])
        for pk, mark in (attributes or {}).items():
            if mark in (None, ""):
                continue
            try:
                mark = Decimal(str(mark).strip())
            except ArithmeticError as exc:
                raise ValidationError({f"attribute_{pk}": _("Enter a number.")}) from exc
            _check_mark(mark, f"attribute_{pk}")
            AttributeMark.objects.filter(appraisal=appraisal, pk=pk).update(agreed_mark=mark)
    fields = ["status", "finalised_at", "final_grade"]
    if decision != Appeal.Decision.DISMISSED:
        _rescore(appraisal)
        appraisal.final_grade = appraisal.grade
        fields += ["composite", "grade"]
    appraisal.status, appraisal.finalised_at = Status.FINAL, timezone.now()
    appraisal.save(update_fields=fields)
    appeal.decision, appeal.reasons, appeal.decided_by, appeal.decided_at = decision, reasons, actor, timezone.now()
    appeal.grade_after = appraisal.final_grade
    appeal.save(update_fields=["decision", "reasons", "decided_by", "decided_at", "grade_after"])
    audit.record(actor, "appeal.decide", appraisal, {"grade": before},
                 {"decision": decision, "grade": appraisal.final_grade, "composite": appraisal.composite})
    notify(appraisal.officer.user, appraisal, _("Your appeal was decided: %(decision)s") % {
        "decision": appeal.get_decision_display()}, reasons)
    return appeal


@transaction.atomic
def accept_result(actor, appraisal):
    """The officer accepts the result without appealing: the appraisal is final now."""
    appraisal = _lock(appraisal)
    _require(actor, appraisal, "officer")
    _state(appraisal, Status.RESULT)
    return _finalise(actor, appraisal, "appraisal.accept")


def _finalise(actor, appraisal, action):
    appraisal.status, appraisal.finalised_at = Status.FINAL, timezone.now()
    appraisal.save(update_fields=["status", "finalised_at"])
    audit.record(actor, action, appraisal, None, {"grade": appraisal.final_grade})
    return appraisal


def finalise_expired(today=None) -> int:
    """Scheduled: results whose appeal window has passed become final."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.APPRAISAL_APPEAL_DAYS)
    done = 0
    for appraisal in Appraisal.objects.filter(status=Status.RESULT, result_at__date__lt=limit):
        with transaction.atomic():
            _finalise(None, _lock(appraisal), "appraisal.final")
        done += 1
    return done
