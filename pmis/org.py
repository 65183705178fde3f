"""Functions that change the organisation core. Each writes its audit event; views, the admin,
the API and management commands call these rather than saving models themselves."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from . import access, audit
from .models import (
    FinancialYear,
    Institution,
    Officer,
    OrgUnit,
    Role,
    RoleMembership,
)


@transaction.atomic
def create_institution(actor, *, name, slug, kind, oversight_parent=None, fy_start_month=7, country="KE"):
    institution = Institution(
        name=name, slug=slug, kind=kind, oversight_parent=oversight_parent,
        fy_start_month=fy_start_month, country=country,
    )
    institution.full_clean()
    institution.save()
    audit.record(actor, "institution.create", institution, None, audit.snapshot(institution))
    return institution


@transaction.atomic
def add_org_unit(actor, institution, *, name, level, parent=None, code=""):
    if parent is not None and parent.institution_id != institution.pk:
        raise ValueError("The parent unit belongs to another institution.")
    fields = {"institution": institution, "name": name, "level": level, "code": code}
    unit = OrgUnit.objects.add_child(parent, fields) if parent else OrgUnit.objects.add_root(fields)
    audit.record(actor, "org_unit.create", unit, None, audit.snapshot(unit, ["name", "level", "code", "path"]))
    return unit


@transaction.atomic
def add_officer(actor, institution, user, *, personal_number, designation, job_grade="", org_unit=None,
                supervisor=None):
    officer = Officer(
        user=user, institution=institution, personal_number=personal_number, designation=designation,
        job_grade=job_grade, org_unit=org_unit, supervisor=supervisor,
    )
    officer.full_clean()
    officer.save()
    audit.record(actor, "officer.create", officer, None, audit.snapshot(officer))
    return officer


@transaction.atomic
def grant_role(actor, user, institution, role, org_unit=None):
    """Give ``user`` a role; idempotent. Auditors also get the guardian grant that scopes them."""
    membership, created = RoleMembership.objects.get_or_create(
        user=user, institution=institution, role=role, org_unit=org_unit
    )
    if role == Role.AUDITOR:
        access.grant_audit(user, institution)
    if created:
        audit.record(
            actor, "role.grant", membership, None,
            {"user": user.get_username(), "role": role, "org_unit": org_unit.pk if org_unit else None},
            institution=institution,
        )
    return membership


@transaction.atomic
def open_financial_year(actor, institution, start_year: int, *, make_current=True):
    """Create (or return) the institution's year starting in ``start_year``; idempotent."""
    start, end = FinancialYear.bounds_for(start_year, institution.fy_start_month)
    year = FinancialYear.objects.filter(institution=institution, start_date=start).first()
    if year is None:
        if make_current:
            FinancialYear.objects.filter(institution=institution, is_current=True).update(is_current=False)
        year = FinancialYear.objects.create(
            institution=institution, start_date=start, end_date=end, is_current=make_current,
            name=FinancialYear.label_for(start_year, institution.fy_start_month),
        )
        audit.record(actor, "financial_year.open", year, None, audit.snapshot(year))
    return year


def start_year_containing(day: datetime.date, start_month: int) -> int:
    return day.year if day.month >= start_month else day.year - 1


def ensure_user(username, *, first_name="", last_name="", email="", password=None, is_staff=False,
                is_superuser=False):
    """Get or create a login; the password is set only for a new user, so reruns change nothing."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name, "last_name": last_name, "email": email,
            "is_staff": is_staff, "is_superuser": is_superuser,
        },
    )
    if created and password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def may_edit_identity(user, institution) -> bool:
    """Whether ``user`` may set the institution's Swahili name and coat of arms: its administrator."""
    return bool(user.is_superuser or access.holds(user, Role.ADMIN, institution.pk))


@transaction.atomic
def set_identity(actor, institution, *, name_sw, coat_of_arms=None, clear_coat_of_arms=False):
    """Set the institution's Swahili name and, when given, its coat of arms or logo (or clear it)."""
    access.require_role(actor, institution.pk, [Role.ADMIN],
                        "Only the institution's administrator may change its name and coat of arms.")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    def state():
        return {"name_sw": institution.name_sw, "coat_of_arms": institution.coat_of_arms.name or ""}

    before = state()
    institution.name_sw = name_sw.strip()
    if coat_of_arms is not None:
        institution.coat_of_arms = coat_of_arms
    elif clear_coat_of_arms:
        institution.coat_of_arms = ""
    institution.full_clean()
    institution.save()
    audit.record(actor, "institution.identity", institution, before, state())
    return institution


@transaction.atomic
def set_unit_name_sw(actor, unit, name_sw):
    """Set a unit's Swahili name; the institution's administrator names its units as it names the institution."""
    access.require_role(actor, unit.institution_id, [Role.ADMIN],
                        "Only the institution's administrator may change the names of its units.")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = {"name_sw": unit.name_sw}
    unit.name_sw = name_sw.strip()
    unit.full_clean()
    unit.save(update_fields=["name_sw"])
    audit.record(actor, "org_unit.name", unit, before, {"name_sw": unit.name_sw})
    return unit
