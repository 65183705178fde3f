"""Grade names in the reader's language, and the band tables' own names as people read them.

A band carries its grade in English (``grade``, the key scores and outcome rules are stored by) and may
carry it in Swahili (``grade_sw``); a band without one (a contract signed before bands had it) falls back to
the Swahili of the seeded grade names.
"""

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

# The seeded tables' grade names (scorecards.scoring's default bands), in both languages.
GRADE_NAMES = {
    "Outstanding": _("Outstanding"),
    "Excellent": _("Excellent"),
    "Very Good": _("Very Good"),
    "Very good": _("Very good"),
    "Good": _("Good"),
    "Satisfactory": _("Satisfactory"),
    "Fair": _("Fair"),
    "Poor": _("Poor"),
}

# The seeded band tables' names ("kenya_pc") as people read them.
TABLE_NAMES = {
    "kenya_pc": _("Kenya performance contracting grades"),
    "kenya_pc_2013": _("Kenya performance contracting grades (2013)"),
    "percent_achievement": _("Percentage achievement grades"),
    "likert_5": _("Five-point rating grades"),
    "opras": _("OPRAS grades"),
    "pepmis": _("PEPMIS grades"),
}


def swahili(grade: str) -> str:
    """The Swahili name of a seeded grade ("Excellent" → "Bora kabisa"), or the grade itself."""
    known = GRADE_NAMES.get(grade)
    if known is None:
        return grade
    with override("sw"):
        return str(known)


def with_swahili(bands):
    """``bands`` with a ``grade_sw`` on every band that has none and whose grade is a seeded name."""
    return [band if band.get("grade_sw") else {**band, "grade_sw": swahili(band.get("grade", ""))}
            for band in bands]


def grade_label(grade, bands=None) -> str:
    """``grade`` in the active language: the band's own Swahili name when it has one."""
    if not grade:
        return ""
    if (get_language() or "en").split("-")[0] != "sw":
        return str(grade)
    for band in bands or ():
        if band.get("grade") == grade and band.get("grade_sw"):
            return band["grade_sw"]
    known = GRADE_NAMES.get(grade)
    return str(known) if known is not None else str(grade)


def table_label(name: str) -> str:
    """A band table's name as people read it (a department's own table keeps the name it was given)."""
    known = TABLE_NAMES.get(name)
    return str(known) if known is not None else name


# A target's or score's traffic light as people read it.
TONES = {"green": _("On track"), "amber": _("At risk"), "red": _("Off track")}


def tone_label(tone) -> str:
    return str(TONES[tone]) if tone in TONES else (tone or "")
