"""Server-side SVG charts: one module for the pages and the PDFs.

Each chart is an <svg role="img"> with a <title> and a <desc> that state its figures in words, sized
by its viewBox (CSS makes it as wide as its box, so it reads on a phone). Colours are SVG
presentation attributes (fill=, stroke=) which the Content-Security-Policy allows; there is no
style attribute and no script.
"""

import itertools
from decimal import Decimal
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

TONES = {"green": "#067647", "amber": "#b54708", "red": "#b42318", "": "#8a96a3", "brand": "#0b6b4f"}
INK, MUTED, GRID = "#1d2733", "#5b6776", "#d9dfe6"
_ids = itertools.count(1)


def _num(value):
    if value is None:
        return None
    return float(Decimal(str(value)))


def _fmt(value):
    if value is None:
        return "—"
    return f"{Decimal(str(value)).normalize():f}"


def _svg(width, height, title, desc, body, css_class="chart"):
    n = next(_ids)
    # Every piece of text inside was escaped above; the rest is markup built here.
    return mark_safe(  # noqa: S308
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="15">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def bar_chart(bars, *, title, scale_max, scale_min=0, lower_is_better=False, width=440, text=_fmt):
    """Horizontal bars, each under its label: ``bars`` is [(label, value or None, tone)]. On a
    lower-is-better scale a shorter bar is better, so the bar is drawn from the worst end: its
    length is how good it is. ``text`` writes a value (composites: scorecards.precision)."""
    row, value_w = 44, 56
    height = max(len(bars), 1) * row + 6
    plot = width - value_w
    lo, hi = float(scale_min), float(scale_max)
    parts, words = [], []
    for i, (label, value, tone) in enumerate(bars):
        y = 4 + i * row
        short = label if len(label) <= 46 else label[:45] + "…"
        parts.append(f'<text x="0" y="{y + 14}" fill="{INK}">{escape(short)}</text>')
        parts.append(f'<rect x="0" y="{y + 21}" width="{plot}" height="16" fill="#eef2f5" rx="3"/>')
        v = _num(value)
        if v is not None and hi != lo:
            share = (hi - v) / (hi - lo) if lower_is_better else (v - lo) / (hi - lo)
            share = min(max(share, 0.0), 1.0)
            parts.append(f'<rect x="0" y="{y + 21}" width="{plot * share:.1f}" height="16" '
                         f'fill="{TONES.get(tone, TONES[""])}" rx="3"/>')
        parts.append(f'<text x="{width}" y="{y + 34}" text-anchor="end" fill="{INK}" '
                     f'font-weight="600">{escape(text(value))}</text>')
        words.append(f"{label}: {text(value)}")
    desc = "; ".join(words) or _("No figures yet.")
    return _svg(width, height, title, desc, "".join(parts))


def line_chart(points, *, title, scale_max, scale_min=0, lower_is_better=False, width=440, height=200,
               text=_fmt):
    """A trend by quarter: ``points`` is [(label, value or None)]. The best end of the scale is at the top."""
    left, right, top, bottom = 44, 16, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = float(scale_min), float(scale_max)
    n = max(len(points), 1)

    def y_of(v):
        share = (v - lo) / (hi - lo) if hi != lo else 0
        if lower_is_better:
            share = 1 - share
        return top + plot_h * (1 - min(max(share, 0), 1))

    parts = []
    for tick in range(5):
        v = lo + (hi - lo) * tick / 4
        y = y_of(v)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}" '
                     f'font-size="11">{escape(_fmt(round(Decimal(str(v)), 2)))}</text>')
    coords, words = [], []
    for i, (label, value) in enumerate(points):
        x = left + plot_w * (i + 0.5) / n
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>')
        v = _num(value)
        words.append(f"{label}: {text(value)}")
        if v is not None:
            coords.append((x, y_of(v), value))
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{TONES["brand"]}" stroke-width="3"/>')
    for x, y, value in coords:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{TONES["brand"]}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" fill="{INK}" '
                     f'font-size="12">{escape(text(value))}</text>')
    return _svg(width, height, title, "; ".join(words), "".join(parts))


def rag_bar(green, amber, red, untracked=0, *, title, width=440):
    """One stacked bar of targets by status, with a legend underneath."""
    total = green + amber + red + untracked
    height = 96
    parts, x = [], 0.0
    segments = [
        (_("On track"), green, TONES["green"]), (_("At risk"), amber, TONES["amber"]),
        (_("Off track"), red, TONES["red"]), (_("Not verified yet"), untracked, "#c4ccd5"),
    ]
    for _label, count, colour in segments:
        if total and count:
            w = width * count / total
            parts.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="26" fill="{colour}"/>')
            x += w
    if not total:
        parts.append(f'<rect x="0" y="4" width="{width}" height="26" fill="#eef2f5"/>')
    for i, (label, count, colour) in enumerate(segments):
        lx, ly = (i % 2) * width / 2, 44 + (i // 2) * 26
        parts.append(f'<rect x="{lx:.0f}" y="{ly}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 20:.0f}" y="{ly + 12}" fill="{INK}">{escape(f"{label}: {count}")}</text>')
    desc = ", ".join(f"{label}: {count}" for label, count, _ in segments)
    return _svg(width, height, title, desc, "".join(parts))


def scale_for(scheme_direction_lower: bool, composite_values=(), best=None, worst=None):
    """(min, max) of a chart's scale: 1-5 for lower-is-better schemes, else 0 to the larger of
    100 and the largest value."""
    if scheme_direction_lower:
        return Decimal(1), Decimal(5)
    values = [Decimal(str(v)) for v in composite_values if v is not None]
    return Decimal(0), max([Decimal(100), *values])
