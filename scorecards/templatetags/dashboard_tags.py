"""The dashboards' long tables, rendered in Python: the league table's rows and the chase list.

A row through Django's template engine costs ~0.2–0.4 ms (a dozen lookups, a URL, number formatting,
translations); a page of fifty rows was half the league page's time. These tags write the same markup
with ``format_html`` (every value escaped) and look each translation up once per table, not per row.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from pmis.models import Institution

from ..models import ContractScore

register = template.Library()


def _movement(row, words):
    if row.movement is None:
        return format_html('<span class="muted">{}</span>', words["new"])
    if row.movement > 0:
        return format_html('<span class="move-up">▲ {}</span><span class="visually-hidden"> {}</span>',
                           row.movement, words["up"])
    if row.movement < 0:
        return format_html('<span class="move-down">▼ {}</span><span class="visually-hidden"> {}</span>',
                           -row.movement, words["down"])
    return format_html('<span class="muted">= {}</span>', words["same"])


@register.simple_tag
def league_rows(table):
    """The ``<tr>`` of every row of ``table`` (a scorecards.dashboards.League)."""
    words = {"new": _("new"), "up": _("places up"), "down": _("places down"), "same": _("no change")}
    kinds, reporting = dict(Institution.Kind.choices), dict(ContractScore.Reporting.choices)

    def cells(row):
        score = row.score
        url = reverse("institution-dashboard", args=[score.institution_id])
        grade = format_html('<span class="badge {}">{}</span>', score.tone, score.grade) if score.grade else "—"
        return (
            row.rank or "—", url, table.period, score.institution.name, kinds.get(score.institution.kind, ""),
            floatformat(score.composite, "-2") if score.composite is not None else "—", grade,
            _movement(row, words), score.green, score.amber, score.red, score.targets_total,
            reporting.get(score.reporting, score.reporting),
        )

    return format_html_join(
        "\n",
        '<tr><td class="num">{}</td><td><a href="{}?period={}">{}</a><br><span class="muted">{}</span></td>'
        '<td class="num">{}</td><td>{}</td><td>{}</td>'
        '<td><span class="badge green">{}</span> <span class="badge amber">{}</span> '
        '<span class="badge red">{}</span> <span class="muted">/ {}</span></td><td>{}</td></tr>',
        (cells(row) for row in table.rows),
    )


@register.simple_tag
def chase_rows(contracts):
    """The ``<tr>`` of each contract still to sign or report (contracts.monitoring.participation)."""
    yes, no, not_due = _("Yes"), _("No"), _("Not due")

    def cells(c):
        if c.signed:
            signed = format_html('<span class="badge green">{}</span>', yes)
            reported = format_html('<span class="badge red">{}</span>', no)
        else:
            signed = format_html('<span class="badge amber">{}</span>', c.status_label)
            reported = format_html('<span class="muted">{}</span>', not_due)
        return c.get_absolute_url(), c.title, c.level_label, signed, reported

    return format_html_join(
        "\n", '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (cells(c) for c in contracts))
