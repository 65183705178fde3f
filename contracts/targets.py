"""Functions that change contracts and targets. Each validates, then writes its audit event;
views, the admin, the API and Celery tasks call these rather than saving models themselves."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmis import audit
from scorecards.models import ScoringPolicy

from . import cascade, workflow
from .models import NegotiationRound, PerformanceContract, Target

TARGET_FIELDS = [
    "perspective", "objective", "indicator", "description", "unit", "direction", "baseline", "target_value",
    "criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair", "criteria_poor", "weight",
    "budget_allocated", "parent", "activities", "actual", "order",
]


def target_state(target):
    return audit.snapshot(target, ["contract", "institution", "partner_institutions", *TARGET_FIELDS])


@transaction.atomic
def create_contract(actor, *, financial_year, level, title, performer, counterparty=None, org_unit=None,
                    officer=None):
    """A draft contract scored with the institution's current policy for ``level``, whose band
    table is copied into the contract so later edits of the table leave it alone."""
    policy = (
        ScoringPolicy.objects.select_related("band_table")
        .filter(financial_year=financial_year, level=level).first()
    )
    if policy is None:
        raise ValidationError(
            {"level": _("%(year)s has no scoring policy for this level; set one up first.") % {
                "year": financial_year}}
        )
    contract = PerformanceContract(
        institution_id=financial_year.institution_id, financial_year=financial_year, level=level, title=title,
        performer=performer, counterparty=counterparty, org_unit=org_unit, officer=officer,
        scheme=policy.scheme, band_table_name=policy.band_table.name,
        band_table_version=policy.band_table.version, bands=policy.band_table.bands,
        category_weights=policy.category_weights,
    )
    contract.full_clean()
    contract.save()
    audit.record(actor, "contract.create", contract, None, audit.snapshot(contract))
    return contract


def _check_editable(actor, contract):
    """Targets change in target identification, by the performer (administrators may fix data).
    Reads the contract afresh under a row lock: a copy loaded earlier may be out of date."""
    contract = workflow.lock(contract)
    if getattr(actor, "is_superuser", False):
        if not contract.is_editable:
            raise workflow.TransitionError(_("Only a draft contract can change; amend a signed one instead."))
        return contract
    workflow.check(actor, contract, "edit_targets")
    return contract


def _check_lock(target, lock_version):
    if lock_version is not None and int(lock_version) != target.lock_version:
        raise workflow.ConcurrentEdit(
            _("Someone else changed this target while you were editing it. Your values are kept below; "
              "review the current ones and save again.")
        )


def _check(target, contract):
    target.full_clean()
    problem = cascade.parent_problem(contract, target.parent)
    if problem:
        raise ValidationError({"parent": problem})


@transaction.atomic
def add_target(actor, contract, *, partner_institutions=(), **fields):
    """Add a target to a draft contract. Unit and direction default to the indicator's."""
    contract = _check_editable(actor, contract)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {', '.join(sorted(unknown))}")
    indicator = fields.get("indicator")
    if indicator is not None:
        fields.setdefault("unit", indicator.unit)
        fields.setdefault("direction", indicator.direction)
    target = Target(contract=contract, institution_id=contract.institution_id, **fields)
    _check(target, contract)
    target.save()
    if partner_institutions:
        target.partner_institutions.set(partner_institutions)
    audit.record(actor, "target.create", target, None, target_state(target))
    return target


@transaction.atomic
def update_target(actor, target, *, partner_institutions=None, lock_version=None, **fields):
    """Change a draft contract's target; ``lock_version`` is the edit version the user started from."""
    contract = _check_editable(actor, target.contract)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {', '.join(sorted(unknown))}")
    stored = Target.objects.select_for_update().get(pk=target.pk)
    _check_lock(stored, lock_version)
    before = target_state(stored)
    for name, value in fields.items():
        setattr(target, name, value)
    target.lock_version = stored.lock_version + 1
    _check(target, contract)
    target.save()
    if partner_institutions is not None:
        target.partner_institutions.set(partner_institutions)
    audit.record(actor, "target.update", target, before, target_state(target))
    return target


@transaction.atomic
def delete_target(actor, target, *, lock_version=None):
    _check_editable(actor, target.contract)
    stored = Target.objects.select_for_update().get(pk=target.pk)
    _check_lock(stored, lock_version)
    if stored.children.exists():
        raise ValidationError(_("Targets in other contracts cascade from this one; they must change first."))
    before = target_state(stored)
    audit.record(actor, "target.delete", stored, before, None)
    stored.delete()


def apply_negotiated(actor, target, changes):
    """Write the values both sides agreed in a negotiation round (called by ``workflow.accept``)."""
    before = target_state(target)
    for name, value in changes.items():
        if name not in NegotiationRound.NEGOTIABLE:
            raise TypeError(f"{name} is not negotiable")
        setattr(target, name, target._meta.get_field(name).to_python(value))
    target.lock_version += 1
    target.full_clean()
    target.save()
    audit.record(actor, "target.negotiated", target, before, target_state(target))
    return target


@transaction.atomic
def record_actual(actor, target, actual):
    """Store a target's achieved value (the monitoring workflow will feed verified actuals)."""
    before = {"actual": audit.to_json(target.actual)}
    target.actual = actual
    target.full_clean()
    target.save(update_fields=["actual"])
    audit.record(actor, "target.actual", target, before, {"actual": audit.to_json(target.actual)})
    return target
