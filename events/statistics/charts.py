"""Charts of the yearly report as SVG written on the server: no script, no third-party
library, readable by screen readers (``role="img"`` with a title and a description that
lists every value) and always shown beside a table with the same figures.

Only cells that the report shows are drawn: a hidden cell (「5未満」, 「＊」) gets no bar,
only a small marker, so a chart never reveals what a table hides.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

CURRENT = "#00676b"  # teal, 7:1 on white
PREVIOUS = "#8a8a8a"
INK = "#1a1a1a"
GRID = "#d0d0d0"


def _nice_ceiling(value):
    if value <= 0:
        return 10
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude) if step * magnitude >= 1 else 1
    return int(10 * magnitude)


def _describe(series_names, points):
    """ "4月: 2026年度 12, 2025年度 5未満; 5月: …" for the description."""
    parts = []
    for label, cells in points:
        values = ", ".join(f"{n} {c.text}" for n, c in zip(series_names, cells, strict=True))
        parts.append(f"{label}: {values}")
    return "; ".join(parts)


def _legend(series, x, y):
    items = []
    for index, (name, colour) in enumerate(series):
        left = x + index * 180
        items.append(
            f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{y}" font-size="12" fill="{INK}">{escape(name)}</text>'
        )
    return "".join(items)


def bar_chart(chart_id, title, series_names, points, unit=""):
    """Grouped vertical bars: ``points`` is ``[(label, [cell per series]), …]``."""
    width, height = max(420, 56 * len(points) + 88), 300
    left, right, top, bottom = 48, 12, 40, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    shown = [c.value for _label, cells in points for c in cells if not c.hidden and c.value]
    ceiling = _nice_ceiling(max(shown, default=0))
    colours = [CURRENT, PREVIOUS]
    slot = plot_w / max(len(points), 1)
    bar = min(18, (slot - 6) / len(series_names))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="stats-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(series_names, points))}</desc>',
        _legend(list(zip(series_names, colours, strict=False)), left, 18),
    ]
    for step in range(5):
        value = ceiling * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{INK}">{int(value):,}{escape(unit)}</text>'
        )
    for index, (label, cells) in enumerate(points):
        x0 = left + slot * index + (slot - bar * len(cells)) / 2
        for series, cell in enumerate(cells):
            x = x0 + series * bar
            if cell.hidden:
                parts.append(
                    f'<circle cx="{x + bar / 2:.1f}" cy="{top + plot_h - 5:.1f}" r="3" '
                    f'fill="none" stroke="{colours[series]}"><title>{escape(cell.text)}</title>'
                    "</circle>"
                )
            elif cell.value:
                h = plot_h * cell.value / ceiling
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                    f'height="{h:.1f}" fill="{colours[series]}"><title>{escape(label)} '
                    f"{escape(series_names[series])}: {escape(cell.text)}</title></rect>"
                )
        parts.append(
            f'<text x="{left + slot * index + slot / 2:.1f}" y="{height - bottom + 16}" '
            f'font-size="12" text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


def monthly_people_chart(report):
    months = report.table("months")
    previous_column = len(months.columns) - 1
    points = [
        (row.label, [row.cells[2], row.cells[previous_column]])
        for row in months.rows
        if not row.total
    ]
    return bar_chart(
        "chart-months",
        _("People by month, %(current)s and %(previous)s")
        % {"current": report.label, "previous": report.previous_label},
        [report.label, report.previous_label],
        points,
    )


def who_chart(report):
    rows = [
        (row.label, row.cells)
        for row in report.table("summary").rows
        if row.group == "who" and not row.heading
    ]
    return bar_chart(
        "chart-who",
        _("Who is coming (people), %(current)s and %(previous)s")
        % {"current": report.label, "previous": report.previous_label},
        [report.label, report.previous_label],
        rows,
    )
