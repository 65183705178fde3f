"""The link to the coverage page, shown only to those who may open it (``coverage.may_see_coverage``,
the rule the page itself applies)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from contracts import coverage

register = template.Library()


@register.simple_tag(takes_context=True)
def coverage_link(context, institution, unit=None):
    request = context.get("request")
    if request is None or not coverage.may_see_coverage(request.user, institution, unit):
        return ""
    url = reverse("notifications:coverage", args=[institution.pk])
    if unit is not None:
        url += f"?unit={int(unit.pk)}"
    return format_html('<p><a href="{}">{}</a></p>', url, _("Coverage: who has planned, signed and reported"))
