from django import template

from contracts import selectors

register = template.Library()


@register.inclusion_tag("contracts/_institution_contracts.html")
def institution_contracts(institution):
    """The "Contracts" card of the institution page: the current year's contracts."""
    year, contracts = selectors.current_contracts(institution)
    return {"institution": institution, "year": year, "contracts": contracts}


@register.filter
def target_field_label(name):
    """A target field's name as people read it ("target_value" → "target")."""
    from contracts.models import Target

    try:
        return Target._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - an unknown key shows as it is
        return name


@register.filter
def plain_number(value):
    """"30.0000" → "30", "12.50" → "12.5"; anything else unchanged."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    text = format(number.normalize(), "f")
    return text
