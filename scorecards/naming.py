"""A perspective's (criteria category's) name in the reader's language.

The seeded perspectives are stored with their English names ("Core Mandate"), which the catalogue
translates; an institution's own perspective reads as it was written."""

from functools import cache

from django.utils.translation import gettext, override


@cache
def _seeded() -> frozenset:
    from .setup import BSC_PERSPECTIVES, PC_CRITERIA_CATEGORIES

    with override("en"):
        return frozenset(str(name) for _code, name, _weight in (*PC_CRITERIA_CATEGORIES, *BSC_PERSPECTIVES))


def perspective_label(name: str) -> str:
    return gettext(name) if name in _seeded() else name
