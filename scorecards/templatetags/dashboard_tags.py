"""The dashboards' long tables, rendered in Python: the league table's rows and the chase list.

A row through Django's template engine costs ~0.2–0.4 ms (a dozen lookups, a URL, number formatting,
translations); a page of fifty rows was half the league page's time. These tags write the same markup
with ``format_html`` (every value escaped) and look each translation up once per table, not per row.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pmis.models import Institution

from .. import dashboards
from ..grades import grade_label, table_label
from ..models import ContractScore
from ..naming import perspective_label
from ..precision import composite_text

register = template.Library()


@register.filter(name="composite")
def composite_filter(value):
    """A composite score to four decimal places (scorecards.precision), a dash without one."""
    return composite_text(value)


def _movement(row, words):
    if row.movement is None:
        return f'<span class="muted">{words["new"]}</span>'
    if row.movement > 0:
        return (f'<span class="move-up">▲ {row.movement}</span>'
                f'<span class="visually-hidden"> {words["up"]}</span>')
    if row.movement < 0:
        return (f'<span class="move-down">▼ {-row.movement}</span>'
                f'<span class="visually-hidden"> {words["down"]}</span>')
    return f'<span class="muted">= {words["same"]}</span>'


@register.simple_tag
def league_rows(table):
    """The ``<tr>`` of every row of ``table`` (a scorecards.dashboards.League).

    Written with the standard library's ``html.escape`` on every value rather than ``format_html``:
    its lazy-string checks on each argument made ~20 escapes a row cost more than the row's query."""
    words = {k: escape(v) for k, v in (("new", _("new")), ("up", _("places up")), ("down", _("places down")),
                                       ("same", _("no change")), ("lower", _("lower is better")))}
    lower = {r.score.scheme for r in table.rows if dashboards.lower_is_better(r.score.scheme)}
    kinds = {k: escape(v) for k, v in Institution.Kind.choices}
    reporting = {k: escape(v) for k, v in ContractScore.Reporting.choices}
    # The dashboard's URL once, its institution id a stand-in replaced per row (no reverse() a row).
    stand_in = 987654321
    link = reverse("institution-dashboard", args=[stand_in]) + f"?period={int(table.period)}"
    before, after = (escape(part) for part in link.split(str(stand_in), 1))
    out, grades = [], {}
    for row in table.rows:
        score = row.score
        if score.grade and score.grade not in grades:
            grades[score.grade] = escape(grade_label(score.grade))
        grade = (f'<span class="badge {escape(score.tone)}">{grades[score.grade]}</span>'
                 if score.grade else "—")
        composite = escape(composite_text(score.composite))
        if score.composite is not None and score.scheme in lower:
            composite += f' <span class="muted" title="{words["lower"]}">↓</span>'
        out.append(
            f'<tr><td class="num">{row.rank or "—"}</td>'
            f'<td><a href="{before}{int(score.institution_id)}{after}">{escape(str(score.institution))}</a><br>'
            f'<span class="muted">{kinds.get(score.institution.kind, "")}</span></td>'
            f'<td class="num">{composite}</td><td>{grade}</td><td>{_movement(row, words)}</td>'
            f'<td><span class="badge green">{int(score.green)}</span> '
            f'<span class="badge amber">{int(score.amber)}</span> '
            f'<span class="badge red">{int(score.red)}</span> '
            f'<span class="muted">/ {int(score.targets_total)}</span></td>'
            f'<td>{reporting.get(score.reporting) or escape(score.reporting)}</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped or an integer


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


@register.filter
def perspective(name):
    """A perspective's name held as text (a score's group, a signed version's row) in the reader's language."""
    return perspective_label(name) if name else name


@register.filter
def grade(value, bands=None):
    """A grade in the reader's language: ``{{ score.grade|grade:contract.bands }}``."""
    return grade_label(value, bands)


@register.filter
def band_table(name):
    """A band table's name as people read it, not its code."""
    return table_label(name)
