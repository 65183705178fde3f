"""A quarterly report's writes: opening it, entering each target's actual, evidence, submitting, and the
performance officer's verification (with the system feeds' computed entries)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pmis import audit
from pmis.access import NotAllowed
from scorecards import summary

from .. import scorecard, scores
from ..cycle import targets
from ..documents import uploads
from ..documents.uploads import ALLOWED_TYPES, sniff  # noqa: F401 - the evidence rules, re-exported here
from ..models import Evidence, PerformanceContract, ProgressEntry, ProgressReport, Target
from .rules import (
    ENTRY_FIELDS,
    PERIODS,
    Verification,
    _check_open,
    _check_reporter,
    can_verify,
    may_verify,
    period_dates,
)
from .summaries import refresh_summary

# ---------------------------------------------------------------------------------------------
# Reporting


@transaction.atomic
def open_report(actor, contract, period: int) -> ProgressReport:
    """The contract's report for ``period``, created (and audited) if it does not exist yet."""
    _check_reporter(actor, contract)
    report = ProgressReport.objects.filter(contract=contract, period=period).first()
    if report is not None:
        return report
    start, end, due = period_dates(contract.financial_year, period)
    report = ProgressReport.objects.create(
        contract=contract, institution_id=contract.institution_id, period=period, period_start=start,
        period_end=end, due_date=due,
    )
    audit.record(actor, "progress_report.open", report, None, audit.snapshot(report))
    refresh_summary(contract, period)
    return report


def entry_rag(contract, target, actual, period=4) -> str:
    """The red/amber/green ``actual`` earns for ``target`` on the contract's bands in quarter ``period``:
    judged against the value expected by the end of that quarter (``scores.judged_actual``)."""
    judged = scores.judged_actual(contract.scheme, target, period, actual, contract.year_start)
    item = scorecard.scoring_item(contract.scheme, _with_actual(target, judged))
    raw = summary.raw_score(contract.scheme, item)
    return summary.grade_and_tone(contract.scheme, contract.bands, raw)[1]


def _with_actual(target, actual):
    copy = Target(**{f.attname: getattr(target, f.attname) for f in Target._meta.concrete_fields})
    copy.actual = actual
    return copy


def negative_allowed(target) -> bool:
    """Whether ``target``'s actual may be negative: only when the target is agreed in negative values
    (its target value, baseline or a criteria value). Indicators carry no sign of their own, so a
    count, percentage or amount is never negative."""
    values = [target.target_value, target.baseline, *(getattr(target, f"criteria_{level}") for level in
                                                      ("excellent", "very_good", "good", "fair", "poor"))]
    return any(v is not None and v < 0 for v in values)


def parse_actual(value, target):
    """The actual ``value`` (as typed on the page or sent by a client) for ``target``, as a Decimal."""
    return parse_number(value, field="actual", allow_negative=negative_allowed(target))


def parse_number(value, *, field, allow_negative=False, blank=""):
    """A Decimal from a number as people type it: ASCII digits, an optional decimal separator and
    optional thousands separators as the user's language writes them (1,250.5 in English and
    Kiswahili). Python's own readers would also take 1_0, ٣٣ (Arabic-Indic digits), 1e3 and NaN; those
    are refused, as is a negative number unless ``allow_negative``. Blank: ``blank`` is returned,
    or when it is "" a ValidationError asks for the value. Other problems: ValidationError on ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if blank == "":
            raise ValidationError({field: _("Enter the actual achieved to date.")})
        return blank
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a number.")})
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        decimal, thousands = formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")
        pattern = rf"(-?)([0-9]{{1,3}}(?:{re.escape(thousands)}[0-9]{{3}})+|[0-9]+)(?:{re.escape(decimal)}([0-9]+))?"
        match = re.fullmatch(pattern, str(value).strip())
        if match is None:
            raise ValidationError({field: _(
                "“%(value)s” is not a number as it is written here: use the digits 0-9, “%(decimal)s” before "
                "decimals and, if you like, “%(thousands)s” between thousands (%(example)s).") % {
                "value": str(value)[:40], "decimal": decimal, "thousands": thousands,
                "example": f"1{thousands}250{decimal}5"}}, code="invalid")
        sign, whole, fraction = match.groups()
        number = Decimal(sign + whole.replace(thousands, "") + (f".{fraction}" if fraction else ""))
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")}, code="invalid")
    if number < 0 and not allow_negative:
        message = (_("The actual cannot be negative: this target is agreed in positive values.") if field == "actual"
                   else _("This cannot be a negative number."))
        raise ValidationError({field: message}, code="negative")
    return number


@transaction.atomic
def report_actual(actor, report, target, *, actual, status=ProgressEntry.Status.ON_TRACK, comment="",
                  explanation="", remedial_action="", budget_spent=None, system_computed=False):
    """Enter (or correct) a target's actual to date in a report. Off-track (red) actuals need an
    explanation and a remedial action. A changed value waits for verification again."""
    report = ProgressReport.objects.select_related("contract__financial_year").get(pk=report.pk)
    contract = report.contract
    if not system_computed:
        _check_reporter(actor, contract)
    if target.contract_id != contract.pk:
        raise ValidationError(_("The target belongs to another contract."))
    if actual is None or actual == "":
        raise ValidationError({"actual": _("Enter the actual achieved to date.")})
    entry = ProgressEntry.objects.select_for_update().filter(report=report, target=target).first()
    if entry is not None and entry.verification != Verification.RETURNED and not system_computed:
        _check_open(report)
    elif entry is None and not system_computed:
        _check_open(report)
    actual = parse_actual(actual, target)
    budget_spent = parse_number(budget_spent, field="budget_spent", blank=None)
    rag = entry_rag(contract, target, actual, report.period)
    explanation, remedial_action = (explanation or "").strip(), (remedial_action or "").strip()
    if rag == "red" and not system_computed and not (explanation and remedial_action):
        errors = {}
        if not explanation:
            errors["explanation"] = _("This target is off track: explain the variance.")
        if not remedial_action:
            errors["remedial_action"] = _("This target is off track: state the remedial action.")
        raise ValidationError(errors)
    values = {"actual": actual, "budget_spent": budget_spent, "status": status, "comment": comment,
              "explanation": explanation, "remedial_action": remedial_action, "system_computed": system_computed}
    if entry is not None:
        unchanged = all(getattr(entry, k) == v for k, v in values.items())
        if unchanged and entry.verification != Verification.RETURNED:
            return entry
        before = audit.snapshot(entry, ENTRY_FIELDS)
    else:
        entry = ProgressEntry(report=report, target=target, institution_id=report.institution_id)
        before = None
    for name, value in values.items():
        setattr(entry, name, value)
    entry.rag = rag
    entry.reported_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.reported_at = timezone.now()
    entry.verification = Verification.PENDING
    entry.verified_by, entry.verified_at, entry.verification_comment = None, None, ""
    entry.full_clean(exclude=["report", "target", "institution", "reported_by", "verified_by"])
    entry.save()
    audit.record(actor, "progress_entry.report", entry, before, audit.snapshot(entry, ENTRY_FIELDS))
    if before is not None:
        _sync_target(actor, target)
    refresh_summary(contract, report.period)
    return entry


#: What the one form of a report sends for each target (``save_report``'s ``values``).
FORM_FIELDS = ("actual", "budget_spent", "status", "comment", "explanation", "remedial_action")


@dataclass
class SavedReport:
    """What ``save_report`` did: the errors ({target id: {field: message}}, and those of the report as
    a whole), how many entries it wrote, and whether it submitted the report."""

    report: ProgressReport
    errors: dict = field(default_factory=dict)
    general: list = field(default_factory=list)
    written: int = 0
    submitted: bool = False
    entries: dict = field(default_factory=dict)  # {target id: entry}, after the save

    @property
    def ok(self):
        return not self.errors and not self.general


def _typed(row) -> bool:
    return any(str(row.get(name) or "").strip() for name in FORM_FIELDS if name != "status")


def _entry_values(contract, report, target, row, errors, strict):
    """The entry's values from the typed ``row``, or None (``errors`` says why). ``strict``: an off-track
    actual needs its explanation and remedial action now (submitting, or correcting a returned entry)."""
    found = {}
    try:
        actual = parse_actual(row.get("actual"), target)
        ProgressEntry._meta.get_field("actual").run_validators(actual)
    except ValidationError as exc:
        found.update({"actual": " ".join(exc.messages)})
        actual = None
    try:
        budget_spent = parse_number(row.get("budget_spent"), field="budget_spent", blank=None)
        if budget_spent is not None:
            ProgressEntry._meta.get_field("budget_spent").run_validators(budget_spent)
    except ValidationError as exc:
        found["budget_spent"] = " ".join(exc.messages)
    status = row.get("status") or ProgressEntry.Status.ON_TRACK
    if status not in ProgressEntry.Status.values:
        found["status"] = _("Choose a status from the list.")
    if found:
        errors[target.pk] = found
        return None
    rag = entry_rag(contract, target, actual, report.period)
    explanation = (row.get("explanation") or "").strip()
    remedial_action = (row.get("remedial_action") or "").strip()
    if strict and rag == "red":
        if not explanation:
            found["explanation"] = _("This target is off track against the quarter's expected value: explain "
                                     "the variance.")
        if not remedial_action:
            found["remedial_action"] = _("This target is off track against the quarter's expected value: state "
                                         "the remedial action.")
        if found:
            errors[target.pk] = found
            return None
    return {"actual": actual, "budget_spent": budget_spent, "status": status,
            "comment": (row.get("comment") or "").strip(), "explanation": explanation,
            "remedial_action": remedial_action, "system_computed": False}, rag


@transaction.atomic
def save_report(actor, report, values: dict, *, submit=False) -> SavedReport:
    """Save the whole report from its one form: ``values`` is {target id: {field: text as typed}} (the
    fields of ``FORM_FIELDS``). Every row that can be stored is stored, so a draft keeps what was
    typed; a row that cannot (an actual that is not a number, a missing actual beside other
    values) is reported in ``errors`` beside its target and nothing of it is written. An off-track
    actual needs its explanation and remedial action only when the report is submitted (``submit``)
    or a returned entry is corrected. With ``submit`` and no error at all the report is submitted.

    A bounded number of queries whatever the number of targets: the targets and entries are read
    once, new entries inserted and changed ones updated in one statement each, their audit events
    written together (``audit.together``) and the summary refreshed once."""
    with audit.together():
        return _save_report(actor, report, values, submit)


def _save_report(actor, report, values, submit):
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related(
        "contract__financial_year").get(pk=report.pk)
    contract = report.contract
    _check_reporter(actor, contract)
    is_draft = report.state == ProgressReport.State.DRAFT
    entries = {e.target_id: e for e in ProgressEntry.objects.filter(report=report)}
    if not is_draft and not any(e.verification == Verification.RETURNED for e in entries.values()):
        _check_open(report)
    result = SavedReport(report=report)
    now = timezone.now()
    reporter = actor if getattr(actor, "is_authenticated", False) else None
    created, changed = [], []
    for target in Target.objects.filter(contract=contract).order_by("order", "pk"):
        row = values.get(target.pk) or values.get(str(target.pk))
        entry = entries.get(target.pk)
        if row is None or (entry is not None and entry.system_computed):
            continue
        if not is_draft and (entry is None or entry.verification != Verification.RETURNED):
            continue  # a submitted report changes only where the verifier returned an entry
        if not str(row.get("actual") or "").strip():
            if entry is not None or _typed(row):
                result.errors[target.pk] = {"actual": _("Enter the actual achieved to date.")}
            continue
        found = _entry_values(contract, report, target, row, result.errors, strict=submit or not is_draft)
        if found is None:
            continue
        fields, rag = found
        if entry is not None:
            if all(getattr(entry, k) == v for k, v in fields.items()) and entry.verification != Verification.RETURNED:
                continue
            before = audit.snapshot(entry, ENTRY_FIELDS)
            entry.report, entry.target = report, target  # read already: the audit event names them
            changed.append((entry, before))
        else:
            entry = ProgressEntry(report=report, target=target, institution_id=report.institution_id)
            created.append(entry)
            entries[target.pk] = entry
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.rag, entry.reported_by, entry.reported_at = rag, reporter, now
        entry.verification = Verification.PENDING
        entry.verified_by, entry.verified_at, entry.verification_comment = None, None, ""
    if created:
        ProgressEntry.objects.bulk_create(created)
    if changed:
        ProgressEntry.objects.bulk_update([e for e, _before in changed], [
            *FORM_FIELDS, "system_computed", "rag", "reported_by", "reported_at", "verification", "verified_by",
            "verified_at", "verification_comment"])
    for entry in created:
        audit.record(actor, "progress_entry.report", entry, None, audit.snapshot(entry, ENTRY_FIELDS))
    for entry, before in changed:
        audit.record(actor, "progress_entry.report", entry, before, audit.snapshot(entry, ENTRY_FIELDS))
    result.written = len(created) + len(changed)
    result.entries = entries
    if submit and is_draft and not result.errors:
        if not entries:
            result.general.append(_("Enter at least one target's actual before submitting."))
        result.errors.update(unexplained(entries.values()))
        if result.ok:
            _submit(actor, report)
            result.submitted = True
    if result.written or result.submitted:
        refresh_summary(contract, report.period)
    return result


def unexplained(entries) -> dict:
    """{target id: {field: message}} for the off-track ``entries`` (typed by a person) that still lack
    their explanation or remedial action: a report is not submitted with them."""
    errors = {}
    for entry in entries:
        if entry.rag != "red" or entry.system_computed:
            continue
        found = {}
        if not entry.explanation:
            found["explanation"] = _("This target is off track against the quarter's expected value: explain "
                                     "the variance.")
        if not entry.remedial_action:
            found["remedial_action"] = _("This target is off track against the quarter's expected value: state "
                                         "the remedial action.")
        if found:
            errors[entry.target_id] = found
    return errors


def _submit(actor, report):
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["state", "submitted_by", "submitted_at"])
    audit.record(actor, "progress_report.submit", report, {"state": "draft"}, {"state": report.state})


@transaction.atomic
def submit_report(actor, report):
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    contract = PerformanceContract.objects.select_related("financial_year").get(pk=report.contract_id)
    _check_reporter(actor, contract)
    _check_open(report)
    entries = list(report.entries.all())
    if not entries:
        raise ValidationError(_("Enter at least one target's actual before submitting."))
    if unexplained(entries):
        raise ValidationError(_("Explain every off-track target and state its remedial action before submitting."))
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["state", "submitted_by", "submitted_at"])
    audit.record(actor, "progress_report.submit", report, {"state": "draft"}, {"state": report.state})
    refresh_summary(contract, report.period)
    return report


# ---------------------------------------------------------------------------------------------
# Evidence


@transaction.atomic
def add_evidence(actor, entry, upload) -> Evidence:
    """Store an uploaded file for ``entry`` under a random name, after checking its size and its
    content (not its name) against the allow-list. Refused files are never written."""
    entry = ProgressEntry.objects.select_related("report__contract__financial_year", "target").get(pk=entry.pk)
    _check_reporter(actor, entry.report.contract)
    kind = uploads.evidence_kind(upload)
    evidence = Evidence(
        entry=entry, institution_id=entry.institution_id, original_name=(upload.name or "evidence")[-200:],
        content_type=kind, size=upload.size, uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    audit.record(actor, "evidence.add", evidence, None, {
        **audit.snapshot(evidence, ["entry", "original_name", "content_type", "size"]), "file": evidence.file.name})
    if entry.verification == Verification.ACCEPTED:
        _reopen(actor, entry)
    return evidence


def _reopen(actor, entry):
    """An accepted actual whose evidence changed goes back for verification: it was accepted on other
    evidence, so it stops counting until a performance officer accepts it again."""
    entry = ProgressEntry.objects.select_for_update(of=("self",)).select_related("report", "target").get(pk=entry.pk)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.verification = Verification.PENDING
    entry.verified_by, entry.verified_at = None, None
    entry.save(update_fields=["verification", "verified_by", "verified_at"])
    audit.record(actor, "progress_entry.reopened", entry, before, audit.snapshot(entry, ENTRY_FIELDS))
    _sync_target(actor, entry.target)
    contract = PerformanceContract.objects.select_related("financial_year").get(pk=entry.report.contract_id)
    for period in range(entry.report.period, PERIODS[-1] + 1):
        if ProgressReport.objects.filter(contract=contract, period=period).exists():
            refresh_summary(contract, period)


# ---------------------------------------------------------------------------------------------
# Verification


@transaction.atomic
def verify(actor, entry, decision: str, comment: str = "") -> ProgressEntry:
    """Accept or return one reported actual. Accepting the value already accepted changes nothing."""
    with audit.together():  # the verification and the target's actual it moves: one write
        return _verify(actor, entry, decision, comment)


def _verify(actor, entry, decision, comment):
    entry = ProgressEntry.objects.select_for_update(of=("self",)).select_related(
        "report__contract__financial_year", "target").get(pk=entry.pk)
    if not can_verify(actor, entry.institution_id):
        raise NotAllowed(_("Reported actuals are verified by the performance officer."))
    if not may_verify(actor, entry):
        if entry.reported_by_id == actor.pk:
            raise NotAllowed(_("You reported this actual; another performance officer verifies it."))
        raise NotAllowed(_("You are a party to this contract; another performance officer verifies its actuals."))
    if decision not in (Verification.ACCEPTED, Verification.RETURNED):
        raise ValidationError(_("Accept or return the actual."))
    if entry.report.state != ProgressReport.State.SUBMITTED and not entry.system_computed:
        raise ValidationError(_("The report has not been submitted yet."))
    comment = (comment or "").strip()
    if decision == Verification.RETURNED and not comment:
        raise ValidationError({"comment": _("Say why the actual is returned, so the reporter can correct it.")})
    if entry.verification == decision and entry.verification_comment == comment:
        return entry
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.verification, entry.verification_comment = decision, comment
    entry.verified_by, entry.verified_at = actor, timezone.now()
    entry.save(update_fields=["verification", "verification_comment", "verified_by", "verified_at"])
    audit.record(actor, f"progress_entry.{decision}", entry, before, audit.snapshot(entry, ENTRY_FIELDS))
    _sync_target(actor, entry.target, fresh=True)
    refresh_summary(entry.report.contract, entry.report.period)
    return entry


def _sync_target(actor, target, fresh=False):
    """Target.actual follows the latest accepted actual (none: cleared). ``fresh``: ``target`` was
    read in this transaction, so it is not read again."""
    latest = (ProgressEntry.objects.filter(target=target, verification=Verification.ACCEPTED)
              .order_by("-report__period").values_list("actual", flat=True).first())
    if not fresh:
        target = Target.objects.get(pk=target.pk)
    if target.actual != latest:
        targets.record_actual(actor, target, latest)


@transaction.atomic
def record_computed(actor, target, period: int, value):
    """A system feed's value (e.g. charter compliance) as an accepted, system-computed entry of an
    in-force contract's report. Unchanged values write nothing. Returns the entry, or None when the
    value was already recorded."""
    contract = PerformanceContract.objects.select_related("financial_year").get(pk=target.contract_id)
    report = ProgressReport.objects.filter(contract=contract, period=period).first()
    if report is None:
        start, end, due = period_dates(contract.financial_year, period)
        report = ProgressReport.objects.create(
            contract=contract, institution_id=contract.institution_id, period=period, period_start=start,
            period_end=end, due_date=due)
        audit.record(actor, "progress_report.open", report, None, audit.snapshot(report))
    entry = ProgressEntry.objects.filter(report=report, target=target).first()
    if entry is not None and entry.verification == Verification.ACCEPTED and entry.actual == value:
        return None
    entry = report_actual(actor, report, target, actual=value, system_computed=True,
                          comment=_("Computed by the system."))
    before = audit.snapshot(entry, ENTRY_FIELDS)
    entry.verification, entry.verified_by, entry.verified_at = Verification.ACCEPTED, actor, timezone.now()
    entry.save(update_fields=["verification", "verified_by", "verified_at"])
    audit.record(actor, "progress_entry.accepted", entry, before, audit.snapshot(entry, ENTRY_FIELDS))
    _sync_target(actor, target)
    refresh_summary(contract, period)
    return entry
