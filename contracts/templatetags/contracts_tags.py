from django import template

from contracts import selectors

register = template.Library()


@register.inclusion_tag("contracts/_institution_contracts.html")
def institution_contracts(institution):
    """The "Contracts" card of the institution page: the current year's contracts."""
    year, contracts = selectors.current_contracts(institution)
    return {"institution": institution, "year": year, "contracts": contracts}
