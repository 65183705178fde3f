"""Functions that change scorecard set-up data. Each writes its audit event; views, the admin,
the API and management commands call these rather than saving the models themselves."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pmis import access, audit
from pmis.models import FinancialYear, Institution, Role

from . import grades, profile_defaults, profiles, scoring
from .models import (
    BandTable,
    ContractLevel,
    Indicator,
    InstitutionProfile,
    Perspective,
    Profile,
    Scheme,
    ScoringPolicy,
    StrategicObjective,
)
from .naming import BSC_PERSPECTIVES, PC_CRITERIA_CATEGORIES

# Per country: (perspective set, {level: (scheme, band table name, enforce category weights)}), the
# fallback before any country profile exists (the bulk seeder writes Kenya's rows without the ORM).
COUNTRY_DEFAULTS = {
    "KE": (Perspective.Kind.PC_CRITERIA_CATEGORY, {
        ContractLevel.INSTITUTION: (Scheme.KENYA_PC, "kenya_pc", True),
        ContractLevel.UNIT: (Scheme.KENYA_PC, "kenya_pc", True),
        ContractLevel.OFFICER: (Scheme.PERCENT_ACHIEVEMENT, "percent_achievement", False),
    }),
    "UG": (Perspective.Kind.BSC_PERSPECTIVE, {
        ContractLevel.INSTITUTION: (Scheme.LIKERT_5, "likert_5", True),
        ContractLevel.UNIT: (Scheme.LIKERT_5, "likert_5", True),
        ContractLevel.OFFICER: (Scheme.LIKERT_5, "likert_5", False),
    }),
    "TZ": (Perspective.Kind.PC_CRITERIA_CATEGORY, {
        ContractLevel.INSTITUTION: (Scheme.PERCENT_ACHIEVEMENT, "percent_achievement", True),
        ContractLevel.UNIT: (Scheme.PERCENT_ACHIEVEMENT, "percent_achievement", True),
        ContractLevel.OFFICER: (Scheme.PEPMIS, "pepmis", False),
    }),
}


def default_bands(name):
    """A default band table as JSON data, its grades in English and Swahili: limits as decimal strings, so
    nothing passes through float."""
    return grades.with_swahili(
        [{"grade": band["grade"], "limit": str(band["limit"])} for band in scoring.DEFAULT_BANDS[name]])


@transaction.atomic
def seed_defaults(actor, institution, year, kind=None):
    """Give ``institution``'s ``year`` the default band tables, perspectives and scoring policies.

    Idempotent: what exists is left as it is, so a department's edits survive a rerun. The values
    come from the institution's country profile (``profiles.of``); ``kind`` picks another
    perspective set.
    """
    if year.institution_id != institution.pk:
        raise ValueError("The financial year belongs to another institution.")
    profile = profiles.of(institution)
    if profile is not None:
        default_kind, policies = profile.perspective_kind, profiles.level_policies(profile)
    else:
        default_kind, policies = COUNTRY_DEFAULTS.get(institution.country, COUNTRY_DEFAULTS["KE"])
    kind = kind or default_kind

    tables = {t.name: t for t in BandTable.objects.filter(financial_year=year)}
    for name, scheme in scoring.BAND_TABLE_SCHEME.items():
        if name not in tables:
            table = BandTable(institution=institution, financial_year=year, name=name, scheme=scheme,
                              bands=default_bands(name))
            table.full_clean()
            table.save()
            audit.record(actor, "band_table.create", table, None, _band_state(table))
            tables[name] = table

    existing = set(Perspective.objects.filter(financial_year=year).values_list("code", flat=True))
    if profile is not None and kind == profile.perspective_kind:
        spec = profiles.perspective_spec(profile)
    else:
        spec = BSC_PERSPECTIVES if kind == Perspective.Kind.BSC_PERSPECTIVE else PC_CRITERIA_CATEGORIES
    if not existing:
        for order, (code, name, weight) in enumerate(spec, start=1):
            perspective = Perspective(institution=institution, financial_year=year, kind=kind, code=code,
                                      name=str(name), weight=Decimal(weight), order=order)
            perspective.full_clean()
            perspective.save()
            audit.record(actor, "perspective.create", perspective, None, audit.snapshot(perspective))

    levels = set(ScoringPolicy.objects.filter(financial_year=year).values_list("level", flat=True))
    for level, (scheme, table_name, category_weights) in policies.items():
        if level not in levels:
            set_policy(actor, institution, year, level, scheme=scheme, band_table=tables[table_name],
                       category_weights=category_weights)


@transaction.atomic
def set_policy(actor, institution, year, level, *, scheme, band_table, category_weights=True):
    """Create or change the scheme and band table for one contract level; new contracts follow it."""
    policy = ScoringPolicy.objects.filter(financial_year=year, level=level).first()
    before = audit.snapshot(policy) if policy else None
    if policy is None:
        policy = ScoringPolicy(institution=institution, financial_year=year, level=level)
    policy.scheme, policy.band_table, policy.category_weights = scheme, band_table, category_weights
    policy.full_clean()
    policy.save()
    audit.record(actor, "scoring_policy.set", policy, before, audit.snapshot(policy))
    return policy


@transaction.atomic
def update_band_table(actor, table, bands):
    """Replace a band table's limits and bump its version. Existing contracts keep their snapshot."""
    access.require_role(actor, table.institution_id, [Role.ADMIN],
                        "Only the institution's administrator may change its band tables.")
    table = BandTable.objects.select_for_update().get(pk=table.pk)
    before = _band_state(table)
    table.bands = audit.to_json(bands)
    table.version += 1
    table.full_clean()
    table.save()
    audit.record(actor, "band_table.update", table, before, _band_state(table))
    return table


@transaction.atomic
def start_own_band_table(actor, source, name):
    """A table of the institution's own under ``name``, a copy of ``source`` (version 1) to edit; the source
    and the contracts that copied it stay as they are."""
    access.require_role(actor, source.institution_id, [Role.ADMIN],
                        "Only the institution's administrator may add a band table.")
    table = BandTable(institution_id=source.institution_id, financial_year_id=source.financial_year_id,
                      name=name, scheme=source.scheme, bands=grades.with_swahili(source.bands))
    table.full_clean()
    table.save()
    audit.record(actor, "band_table.create", table, None, _band_state(table))
    return table


@transaction.atomic
def use_band_table(actor, table, levels):
    """Score the new contracts of ``levels`` (those of the table's scheme this year) with ``table``; a level it
    scored and no longer listed goes back to the scheme's national table. Contracts already made keep the
    bands they copied."""
    access.require_role(actor, table.institution_id, [Role.ADMIN],
                        "Only the institution's administrator may choose the band table contracts use.")
    national = BandTable.objects.filter(financial_year_id=table.financial_year_id, name=table.scheme).first()
    policies = ScoringPolicy.objects.filter(financial_year_id=table.financial_year_id, scheme=table.scheme)
    for policy in policies.select_related("institution", "financial_year"):
        if policy.level in levels and policy.band_table_id != table.pk:
            chosen = table
        elif policy.level not in levels and policy.band_table_id == table.pk and national is not None:
            chosen = national
        else:
            continue
        set_policy(actor, policy.institution, policy.financial_year, policy.level, scheme=table.scheme,
                   band_table=chosen, category_weights=policy.category_weights)


def _band_state(table):
    return {"name": table.name, "scheme": table.scheme, "bands": table.bands, "version": table.version}


@transaction.atomic
def add_indicator(actor, institution, *, name, measurement_type, unit="", direction=scoring.HIGHER):
    indicator = Indicator(institution=institution, name=name, measurement_type=measurement_type, unit=unit,
                          direction=direction)
    indicator.full_clean()
    indicator.save()
    audit.record(actor, "indicator.create", indicator, None, audit.snapshot(indicator))
    return indicator


@transaction.atomic
def add_objective(actor, perspective, *, name, order=0):
    objective = StrategicObjective(institution_id=perspective.institution_id, perspective=perspective, name=name,
                                   order=order)
    objective.full_clean()
    objective.save()
    audit.record(actor, "objective.create", objective, None, audit.snapshot(objective))
    return objective


# ---------------------------------------------------------------------------------------------
# Country profiles


def _open_years(institution, today):
    return FinancialYear.objects.filter(institution=institution, end_date__gte=today).order_by("start_date")


@transaction.atomic
def ensure_profiles():
    """Write the default profiles that are missing (a database emptied since it was migrated)."""
    for spec in profile_defaults.PROFILES:
        if not Profile.objects.filter(code=spec["code"]).exists():
            Profile.objects.create(**spec)


@transaction.atomic
def choose_profile(actor, institution, profile, *, today: datetime.date | None = None):
    """Make ``profile`` the institution's and bring its current and future years' defaults in line.

    A profile's values are defaults: the scoring policies of the institution's current and future
    years (what new contracts copy), its perspectives where none is in use yet, and its calendar for
    years still to open. A contract already created keeps the scheme and bands it copied, and a
    signed one its signed content."""
    today = today or timezone.localdate()
    profiles.forget(institution)  # what the caller's copy remembered of the old profile
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    choice = InstitutionProfile.objects.filter(institution=institution).first()
    if choice is not None and choice.profile_id == profile.pk:
        return choice  # chosen already: choosing again changes nothing
    before = {"profile": choice.profile.code if choice else None, "fy_start_month": institution.fy_start_month}
    if choice is None:
        choice = InstitutionProfile(institution=institution, profile=profile)
    choice.profile = profile
    choice.save()
    if institution.fy_start_month != profile.fy_start_month:
        # The calendar applies to years opened from now on; open years keep their dates.
        Institution.objects.filter(pk=institution.pk).update(fy_start_month=profile.fy_start_month)
        institution.fy_start_month = profile.fy_start_month
    audit.record(actor, "institution.profile", choice, before,
                 {"profile": profile.code, "fy_start_month": institution.fy_start_month})

    for year in _open_years(institution, today):
        seed_defaults(actor, institution, year)  # band tables a new scheme may need
        tables = {t.name: t for t in BandTable.objects.filter(financial_year=year)}
        for level, (scheme, table_name, category_weights) in profiles.level_policies(profile).items():
            set_policy(actor, institution, year, level, scheme=scheme, band_table=tables[table_name],
                       category_weights=category_weights)
        _replace_unused_perspectives(actor, institution, year, profile)
    return choice


def _replace_unused_perspectives(actor, institution, year, profile):
    """The profile's perspectives for ``year`` when no target or objective uses the year's own yet."""
    existing = Perspective.objects.filter(financial_year=year)
    if existing.filter(kind=profile.perspective_kind).exists() and \
            set(existing.values_list("code", flat=True)) == {code for code, _, _ in profiles.perspective_spec(profile)}:
        return
    if existing.filter(targets__isnull=False).exists() or existing.filter(objectives__isnull=False).exists():
        return
    for perspective in existing:
        audit.record(actor, "perspective.delete", perspective, audit.snapshot(perspective), None)
    existing.delete()
    for order, (code, name, weight) in enumerate(profiles.perspective_spec(profile), start=1):
        perspective = Perspective(institution=institution, financial_year=year, kind=profile.perspective_kind,
                                  code=code, name=name, weight=weight, order=order)
        perspective.full_clean()
        perspective.save()
        audit.record(actor, "perspective.create", perspective, None, audit.snapshot(perspective))
