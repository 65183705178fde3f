"""Formatting helpers: every value a report prints is a string decided here, once."""

from decimal import Decimal

from django.utils import timezone

from scorecards.precision import composite as rounded_composite


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def composite(value) -> str:
    """A composite score to four places, as everywhere else (scorecards.precision); empty without one."""
    found = rounded_composite(value)
    return "" if found is None else f"{found:f}"


def number(value) -> str:
    """A stored quantity as people write it: 2,000,000 and 95.5 rather than 2000000.0000."""
    if value in (None, ""):
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


CRITERIA = ("excellent", "very_good", "good", "fair", "poor")
