"""The institution page's card of year-end results and the rewards and sanctions that came with them."""

from django import template

from .. import rules
from ..models import Evaluation

register = template.Library()


@register.inclusion_tag("evaluations/_institution_results.html", takes_context=True)
def institution_results(context, institution):
    """The institution's evaluated results the viewer may see (released ones, and before release those
    ``rules.sees_result`` allows), with their rewards and sanctions: two queries."""
    user = context["request"].user
    found = [e for e in Evaluation.objects.filter(institution=institution, state__in=rules.RESULT_STATES)
             .select_related("institution").prefetch_related("consequences").order_by("-year_start")[:5]
             if rules.sees_result(user, e)]
    return {"evaluations": found}
