from django import template
from django.utils.translation import get_language

from scorecards import profiles
from scorecards.models import stage_name_in

register = template.Library()


@register.simple_tag(takes_context=True)
def stage(context, code, institution):
    """What users of ``institution``'s country profile call a stage, in the active language:
    ``{% stage "plan" contract.institution %}`` (PEPMIS: "Mpango wa Utendaji Kazi"). The profile is
    read once per request and institution, however many times a page names a stage."""
    names = profiles.stage_names_in_request(context.get("request"), institution)
    return stage_name_in(names, code, get_language())
