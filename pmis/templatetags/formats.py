"""``{{ value|num }}`` (grouped, no trailing zeros), ``{{ value|num:2 }}`` and ``{{ start_year|fy }}``."""

from django import template

from .. import numbers

register = template.Library()


@register.filter
def num(value, places=None):
    return numbers.grouped(value, None if places in (None, "") else int(places))


@register.filter
def fy(start_year):
    return numbers.financial_year(start_year) if start_year not in (None, "") else ""


@register.filter
def field_label(key, model="contracts.target"):
    """A stored field's name as people read it: ``{{ key|field_label:"contracts.target" }}``."""
    from django.apps import apps

    from ..activity import field_label as label

    try:
        found = apps.get_model(model)
    except (LookupError, ValueError):
        found = None
    return label(found, key)
