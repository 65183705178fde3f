"""Country profiles read: which public service's set-up an institution starts from (Kenya's
performance contracting and SPAS, Tanzania's PEPMIS, Uganda's balanced scorecard), its stage names
and whether it turns the weekly task log on. ``setup.choose_profile`` changes the choice."""

from decimal import Decimal

from pmis import access
from pmis.models import Institution, Role

from .models import InstitutionProfile, Profile

KENYA = "ke-pc"


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


def weekly_log_on(institution) -> bool:
    """The profile turns on tasks, sub-tasks and the weekly log (asked once per institution object)."""
    cached = getattr(institution, "_weekly_log_on", None)
    if cached is None:
        profile = of(institution)
        cached = institution._weekly_log_on = bool(profile and profile.weekly_log)
    return cached


def with_weekly_log(institution_ids) -> set:
    """Those of ``institution_ids`` whose profile turns the weekly log on: four queries for any number."""
    institutions = list(Institution.objects.filter(pk__in=institution_ids).only("pk", "country"))
    chosen = dict(InstitutionProfile.objects.filter(institution_id__in=institution_ids)
                  .values_list("institution_id", "profile__weekly_log"))
    by_country = {}
    for profile in Profile.objects.order_by("code"):
        by_country.setdefault(profile.country, profile.weekly_log)
    fallback = Profile.objects.filter(code=KENYA).values_list("weekly_log", flat=True).first() or False
    return {i.pk for i in institutions if chosen.get(i.pk, by_country.get(i.country, fallback))}


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
