"""Functions that change contracts and targets. Each validates, then writes its audit event;
views, the admin, the API and Celery tasks call these rather than saving models themselves."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from pmis import access, audit
from pmis.models import Institution, Role
from scorecards.models import Indicator, ScoringPolicy

from ..models import NegotiationRound, PartnerConfirmation, PerformanceContract, Target
from . import cascade, workflow

TARGET_FIELDS = [
    "perspective", "objective", "indicator", "description", "unit", "direction", "baseline", "target_value",
    "criteria_excellent", "criteria_very_good", "criteria_good", "criteria_fair", "criteria_poor", "weight",
    "budget_allocated", "parent", "activities", "actual", "order", *Target.QUARTER_FIELDS, "expected_date",
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


def check_editable(actor, contract):
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
    lock_version = workflow.parse_lock_version(lock_version)
    if lock_version is not None and lock_version != target.lock_version:
        raise workflow.ConcurrentEdit(
            _("Someone else changed this target while you were editing it. Your values are kept below; "
              "review the current ones and save again.")
        )


def _check(target, contract):
    _phase_milestone(target, contract)
    target.full_clean()
    problem = cascade.parent_problem(contract, target.parent)
    if problem:
        raise ValidationError({"parent": problem})


def milestone_default(target, contract):
    """The date a milestone target is expected by when the plan names none: its own target value, a
    day of the year counted from the year's start (how milestone indicators are measured)."""
    if target.target_value is None:
        return None
    days = min(max(int(target.target_value), 0), 366)
    return contract.year_start + datetime.timedelta(days=days)


def _phase_milestone(target, contract):
    """A milestone target (its indicator measured as a date) is phased as the date it is expected by,
    inside the contract's year; any other target is phased by quarterly values and takes no date."""
    indicator = getattr(target, "indicator", None) if target.indicator_id else None
    if indicator is None or indicator.measurement_type != Indicator.MeasurementType.MILESTONE:
        if target.expected_date is not None:
            raise ValidationError({"expected_date": _(
                "Only a milestone target is expected by a date; this indicator is measured as a number. "
                "Leave the date empty.")})
        return
    if target.expected_date is None:
        target.expected_date = milestone_default(target, contract)
    year = contract.financial_year
    if target.expected_date is not None and not (year.start_date <= target.expected_date <= year.end_date):
        raise ValidationError({"expected_date": _(
            "The milestone's date falls outside the financial year (%(start)s to %(end)s).") % {
            "start": year.start_date.isoformat(), "end": year.end_date.isoformat()}})


@transaction.atomic
def add_target(actor, contract, *, partner_institutions=(), **fields):
    """Add a target to a draft contract. Unit and direction default to the indicator's."""
    contract = check_editable(actor, contract)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {', '.join(sorted(unknown))}")
    indicator = fields.get("indicator")
    if indicator is not None:
        fields.setdefault("unit", indicator.unit)
        fields.setdefault("direction", indicator.direction)
    if "order" not in fields:  # a new target goes last; arrows on the contract page move it (``move_target``)
        last = Target.objects.filter(contract=contract).aggregate(last=models.Max("order"))["last"]
        fields["order"] = (last or 0) + 1
    target = Target(contract=contract, institution_id=contract.institution_id, **fields)
    _check(target, contract)
    target.save()
    if partner_institutions:
        target.partner_institutions.set(partner_institutions)
    audit.record(actor, "target.create", target, None, target_state(target))
    return target


@transaction.atomic
def move_target(actor, target, step):
    """Move a draft contract's target one place up (``step`` -1) or down (+1) in its contract's order:
    the targets are numbered 1, 2, … in their current order with the two swapped."""
    contract = check_editable(actor, target.contract)
    # The order the contract page shows: by perspective, then order.
    ordered = list(Target.objects.select_for_update(of=("self",)).filter(contract=contract).order_by(
        "perspective__order", "order", "pk"))
    at = next(i for i, t in enumerate(ordered) if t.pk == target.pk)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(ordered):
        return target
    ordered[at], ordered[to] = ordered[to], ordered[at]
    changed = []
    for number, t in enumerate(ordered, start=1):
        if t.order != number:
            t.order = number
            changed.append(t)
    Target.objects.bulk_update(changed, ["order"])
    audit.record(actor, "target.move", target, {"position": at + 1}, {"position": to + 1})
    return target


@transaction.atomic
def update_target(actor, target, *, partner_institutions=None, lock_version=None, **fields):
    """Change a draft contract's target; ``lock_version`` is the edit version the user started from."""
    contract = check_editable(actor, target.contract)
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"Unknown target fields: {', '.join(sorted(unknown))}")
    stored = Target.objects.select_for_update().get(pk=target.pk)
    _check_lock(stored, lock_version)
    before = target_state(stored)
    evenly = all(stored.expected_by(period) == stored.even_phasing(period) for period in (1, 2, 3))
    # A milestone's date that followed its target value follows a changed one.
    if stored.expected_date is not None and stored.expected_date == milestone_default(stored, contract) and (
            "expected_date" not in fields or fields["expected_date"] == stored.expected_date):
        fields = {**fields, "expected_date": None}
    for name, value in fields.items():
        setattr(target, name, value)
    if evenly and all(getattr(target, name) == getattr(stored, name) for name in Target.QUARTER_FIELDS):
        # An even phasing follows a changed baseline or target (fill_phasing phases it again on save).
        for name in Target.QUARTER_FIELDS:
            setattr(target, name, None)
    target.lock_version = stored.lock_version + 1
    _check(target, contract)
    target.save()
    if partner_institutions is not None:
        target.partner_institutions.set(partner_institutions)
        _forget_dropped_partners(actor, target)
    after = target_state(target)
    if _content_changed(before, after):
        workflow.clear_vetting(actor, target, contract)
    audit.record(actor, "target.update", target, before, after)
    return target


def _content_changed(before, after):
    """Whether a change touches what the vetting committee judges (all but the achieved value and
    bookkeeping)."""
    return any(before.get(k) != after.get(k) for k in set(before) | set(after) if k not in {"actual"})


@transaction.atomic
def delete_target(actor, target, *, lock_version=None):
    check_editable(actor, target.contract)
    stored = Target.objects.select_for_update().get(pk=target.pk)
    _check_lock(stored, lock_version)
    if stored.children.exists():
        raise ValidationError(_("Targets in other contracts cascade from this one; they must change first."))
    before = target_state(stored)
    audit.record(actor, "target.delete", stored, before, None)
    stored.delete()


def apply_negotiated(actor, target, changes):
    """Write the values both sides agreed in a negotiation round (called by ``negotiation.accept``)."""
    before = target_state(target)
    for name, value in changes.items():
        if name not in NegotiationRound.NEGOTIABLE:
            raise TypeError(f"{name} is not negotiable")
        setattr(target, name, target._meta.get_field(name).to_python(value))
    target.lock_version += 1
    target.full_clean()
    target.save()
    workflow.clear_vetting(actor, target)
    audit.record(actor, "target.negotiated", target, before, target_state(target))
    return target


@transaction.atomic(savepoint=False)  # part of the verification that moved it; fails with it
def record_actual(actor, target, actual):
    """Store a target's achieved value (the monitoring workflow will feed verified actuals)."""
    before = {"actual": audit.to_json(target.actual)}
    target.actual = actual
    target.clean_fields(exclude=[f.name for f in Target._meta.fields if f.name != "actual"])
    target.save(update_fields=["actual"])
    audit.record(actor, "target.actual", target, before, {"actual": audit.to_json(target.actual)})
    return target


# ---------------------------------------------------------------------------------------------
# Partners of shared (whole-of-government) targets. The lead names them; each counts only once it,
# or the performance department overseeing both, confirms (the confirmations: ``partners``).

#: the partner's roles that accept a partnership for it
PARTNER_ROLES = (Role.HEAD, Role.PERFORMANCE_OFFICER, Role.ADMIN)


def _confirmer(user):
    """(institutions ``user`` speaks for as a partner, oversight paths of the departments ``user`` is in):
    read once, then asked of every partnership."""
    seen = access.of(user)
    return seen.institutions_with(*PARTNER_ROLES), seen.oversight_paths


def _speaks_for(confirmer, lead_path, partner_id, partner_path) -> bool:
    own, bodies = confirmer
    return partner_id in own or any(
        lead_path.startswith(body) and partner_path.startswith(body) for body in bodies)


def may_confirm_partner(user, target, partner) -> bool:
    """Whether ``user`` may confirm (or withdraw) ``partner``'s part in the shared ``target``: the partner's
    head, performance officer or administrator, or a performance department (the oversight role) over
    both the lead and the partner. Never the lead on its own say, whoever it is (superusers included)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not target.partner_institutions.filter(pk=partner.pk).exists():
        return False
    paths = dict(Institution.objects.filter(pk__in=[target.institution_id, partner.pk]).values_list(
        "pk", "oversight_path"))
    return _speaks_for(_confirmer(user), paths.get(target.institution_id, ""), partner.pk, paths.get(partner.pk, ""))


def confirmed_partners(targets) -> set[tuple[int, int]]:
    """(target id, partner id) of the named partners of ``targets`` whose partnership is confirmed: the
    only ones that count."""
    targets = list(targets)
    if not targets:
        return set()
    through = Target.partner_institutions.through
    named = through.objects.filter(target_id__in=[t.pk for t in targets])
    return set(PartnerConfirmation.objects.filter(
        target_id__in=[t.pk for t in targets],
        partner_id__in=named.filter(target_id=models.OuterRef("target_id")).values("institution_id"),
    ).values_list("target_id", "partner_id"))


def confirmed_partner_ids(target) -> set[int]:
    return {partner for _target, partner in confirmed_partners([target])}


def _forget_dropped_partners(actor, target):
    """A partner the lead no longer names loses its confirmation: naming it again asks again."""
    dropped = PartnerConfirmation.objects.filter(target=target).exclude(partner__in=target.partner_institutions.all())
    for found in dropped:
        audit.record(actor, "target.partner_withdraw", target, {"partner": found.partner_id}, None)
    dropped.delete()


def partnerships_for(user):
    """[(target, partner, confirmation or None)]: the partnerships ``user`` may confirm or withdraw, for
    the page where partners and the department answer the leads that named them."""
    through = Target.partner_institutions.through
    confirmer = _confirmer(user)
    own, bodies = confirmer
    institutions = set(own)
    for path in bodies:
        institutions |= set(Institution.objects.filter(oversight_path__startswith=path).values_list("pk", flat=True))
    rows = (through.objects.filter(institution_id__in=institutions)
            .select_related("target__contract__institution", "target__contract__financial_year", "institution")
            .order_by("target__contract__institution__name", "target__order", "target_id", "institution__name"))
    confirmed = {(c.target_id, c.partner_id): c for c in PartnerConfirmation.objects.filter(
        partner_id__in=institutions)}
    return [(row.target, row.institution, confirmed.get((row.target_id, row.institution_id))) for row in rows
            if _speaks_for(confirmer, row.target.contract.institution.oversight_path, row.institution_id,
                           row.institution.oversight_path)]
