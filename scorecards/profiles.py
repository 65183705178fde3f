"""Country profiles read: which public service's set-up an institution starts from (Kenya's
performance contracting and SPAS, Tanzania's PEPMIS, Uganda's balanced scorecard), its stage names
and whether it turns the weekly task log on. ``setup.choose_profile`` changes the choice."""

from decimal import Decimal

from pmis import access
from pmis.models import Institution, Role

from .models import InstitutionProfile, Profile, stage_name_in

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
    return stage_name_in(stage_names(institution), stage, language)


def _profile_once(institution):
    """``of`` read once per institution object: a page asking several things of the profile reads it once."""
    if not hasattr(institution, "_profile"):
        institution._profile = of(institution)
    return institution._profile


def stage_names(institution) -> dict:
    """The stage names of the institution's profile (read once per institution object)."""
    profile = _profile_once(institution)
    return (profile.stage_names if profile else None) or {}


def stage_names_in_request(request, institution) -> dict:
    """The stage names of ``institution`` (an object or an id), read once per request however many
    objects of the same institution a page holds; the request keeps them."""
    pk = getattr(institution, "pk", institution)
    cache = _request_cache(request)
    if pk not in cache:
        cache[pk] = (stage_names(institution) if isinstance(institution, Institution)
                     else stage_names_by_institution([pk]).get(pk, {}))
    return cache[pk]


def remember_stage_names(request, institution_ids) -> None:
    """A list naming the stages of many institutions' contracts reads them all at once (three queries)."""
    cache = _request_cache(request)
    missing = set(institution_ids) - set(cache)
    if missing:
        cache.update(stage_names_by_institution(missing))


def _request_cache(request) -> dict:
    if request is None:
        return {}
    if not hasattr(request, "_stage_names"):
        request._stage_names = {}
    return request._stage_names


def stage_names_by_institution(institution_ids) -> dict:
    """{institution id: its profile's stage names} for any number of institutions, in three queries."""
    return {pk: names or {} for pk, names in _by_institution(institution_ids, "stage_names", {}).items()}


def _by_institution(institution_ids, field, default) -> dict:
    """{institution id: ``field`` of its profile, chosen as ``of`` chooses it}, in three queries for any
    number; ``default`` where no profile exists at all."""
    ids = set(institution_ids)
    if not ids:
        return {}
    institutions = Institution.objects.filter(pk__in=ids).values_list("pk", "country")
    chosen = dict(InstitutionProfile.objects.filter(institution_id__in=ids)
                  .values_list("institution_id", f"profile__{field}"))
    by_country, fallback = {}, default
    for code, country, value in Profile.objects.order_by("code").values_list("code", "country", field):
        by_country.setdefault(country, value)
        fallback = value if code == KENYA else fallback
    return {pk: chosen[pk] if pk in chosen else by_country.get(country, fallback) for pk, country in institutions}


def _switch(institution, field) -> bool:
    """One of the profile's switches, asked once per institution object."""
    attr = f"_{field}_on"
    cached = getattr(institution, attr, None)
    if cached is None:
        profile = _profile_once(institution)
        # No profile at all (a database without the seeded profiles): Kenya's defaults, reports on, no log.
        cached = bool(getattr(profile, field)) if profile else field == QUARTERLY
        setattr(institution, attr, cached)
    return cached


def _with(field, institution_ids) -> set:
    """Those of ``institution_ids`` whose profile turns ``field`` on (without any profile: as ``_switch``)."""
    return {pk for pk, on in _by_institution(institution_ids, field, field == QUARTERLY).items() if on}


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
    institution.__dict__.pop("_profile", None)


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
