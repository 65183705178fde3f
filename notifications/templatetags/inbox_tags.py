"""``{% waiting_for contract user as waiting %}``: on whom a contract waits, for its page (one query)."""

from django import template

from notifications import inbox

register = template.Library()


@register.simple_tag
def waiting_for(contract, user):
    """{"mine": [what waits for ``user``], "others": [(whom, what)]}: the contract's open work (its
    cycle and its reports), as the work inbox has it."""
    mine, others = inbox.waiting_on("contract", contract.pk, user)
    return {"mine": mine, "others": others}
