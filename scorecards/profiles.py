"""Country profiles read: which public service's set-up an institution starts from (Kenya's
performance contracting and SPAS, Tanzania's PEPMIS, Uganda's balanced scorecard), its stage names
and whether it turns the weekly task log on. ``setup.choose_profile`` changes the choice."""

from decimal import Decimal

from pmis import access
from pmis.models import Institution, Role

from .models import InstitutionProfile, Profile

KENYA = "ke-pc"
#: the profile's switches ``_switch`` and ``_with`` read
WEEKLY, QUARTERLY = "weekly_log", "quarterly_reports"


def of(institution) -> Profile | None:
    """The institution's chosen profile, else the first of its country's, else Kenya's."""
    choice = InstitutionProfile.objects.select_related("profile").filter(institution_id=institution.pk).first()
    if choice is not None:
        return choice.profile
    return (Profile.objects.filter(country=institution.country).order_by("code").first()
            or Profile.objects.filter(code=KENYA).first())


def stage_name(institution, stage, language="en") -> str:
    profile = of(institution)
    return profile.stage_name(stage, language) if profile else stage


def _switch(institution, field) -> bool:
    """One of the profile's switches, asked once per institution object."""
    attr = f"_{field}_on"
    cached = getattr(institution, attr, None)
    if cached is None:
        profile = of(institution)
        # No profile at all (a database without the seeded profiles): Kenya's defaults, reports on, no log.
        cached = bool(getattr(profile, field)) if profile else field == QUARTERLY
        setattr(institution, attr, cached)
    return cached


def _with(field, institution_ids) -> set:
    """Those of ``institution_ids`` whose profile turns ``field`` on: three queries for any number."""
    institution_ids = set(institution_ids)
    if not institution_ids:
        return set()
    institutions = list(Institution.objects.filter(pk__in=institution_ids).only("pk", "country"))
    chosen = dict(InstitutionProfile.objects.filter(institution_id__in=institution_ids)
                  .values_list("institution_id", f"profile__{field}"))
    by_country, fallback = {}, field == QUARTERLY  # as ``_switch`` without any profile
    for code, country, on in Profile.objects.order_by("code").values_list("code", "country", field):
        by_country.setdefault(country, on)
        fallback = on if code == KENYA else fallback
    return {i.pk for i in institutions if chosen.get(i.pk, by_country.get(i.country, fallback))}


def weekly_log_on(institution) -> bool:
    """The profile turns on tasks, sub-tasks and the weekly log (asked once per institution object)."""
    return _switch(institution, WEEKLY)


def with_weekly_log(institution_ids) -> set:
    """Those of ``institution_ids`` whose profile turns the weekly log on (``_with``)."""
    return _with(WEEKLY, institution_ids)


def quarterly_reports_on(institution) -> bool:
    """The profile has quarterly progress reports (PEPMIS has none: officers log weeks instead). Off, no
    quarter's report is due, late, waiting, reminded, counted in coverage or offered as a form. Without
    any profile (none seeded), reports are on, as in Kenya's. Asked once per institution object."""
    return _switch(institution, QUARTERLY)


def with_quarterly_reports(institution_ids) -> set:
    """Those of ``institution_ids`` whose profile has quarterly reports (``_with``)."""
    return _with(QUARTERLY, institution_ids)


def forget(institution):
    """Drop what ``institution`` remembered of its profile's switches (after the profile changed)."""
    for field in (WEEKLY, QUARTERLY):
        institution.__dict__.pop(f"_{field}_on", None)


def perspective_spec(profile):
    """[(code, name, weight)] of the profile's perspectives, named in the profile's language."""
    key = "name_sw" if profile.language == "sw" else "name"
    return [(p["code"], p.get(key) or p["name"], Decimal(str(p["weight"]))) for p in profile.perspectives]


def level_policies(profile):
    """{level: (scheme, band table name, enforce category weights)}."""
    return {level: (entry["scheme"], entry["band_table"], bool(entry.get("category_weights", True)))
            for level, entry in profile.schemes.items()}


def may_choose(user, institution) -> bool:
    """An institution's administrator (or a superuser) chooses its profile."""
    return user.is_superuser or access.holds(user, Role.ADMIN, institution.pk)
