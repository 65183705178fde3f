"""A perspective's (criteria category's) name in the reader's language.

The seeded perspectives are stored with their English names ("Core Mandate"), which the catalogue
translates; an institution's own perspective reads as it was written."""

from functools import cache

from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

# Methodology defaults that a performance department replaces with the current guidelines' figures.
PC_CRITERIA_CATEGORIES = [
    ("FS", _("Financial Stewardship and Discipline"), 10),
    ("CM", _("Core Mandate"), 50),
    ("SD", _("Service Delivery"), 15),
    ("PD", _("Implementation of Presidential Directives"), 10),
    ("CC", _("Cross-Cutting Issues"), 15),
]
BSC_PERSPECTIVES = [
    ("CL", _("Client/Customer"), 25),
    ("FI", _("Financial Stewardship"), 25),
    ("IB", _("Internal Business Processes"), 25),
    ("LG", _("Learning and Growth"), 25),
]


@cache
def _seeded() -> frozenset:
    with override("en"):
        return frozenset(str(name) for _code, name, _weight in (*PC_CRITERIA_CATEGORIES, *BSC_PERSPECTIVES))


def perspective_label(name: str) -> str:
    return gettext(name) if name in _seeded() else name
