from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_words(delta):
    """A timedelta as the largest sensible unit: "3 days", "5 hours", "20 minutes"."""
    seconds = int(abs(delta.total_seconds()))
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days >= 1:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
