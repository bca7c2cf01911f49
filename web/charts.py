"""Server-rendered bar charts as inline SVG: no JavaScript, no CDN, works in every browser and in print.

A chart is a pure function of its numbers: ``year_bar_chart`` lays years out on a continuous axis (a year
with no match is a visible gap, so the time scale is honest) and draws one linked bar per year that has
matches. Colours and fonts come from style.css through class names; the Content-Security-Policy forbids
inline ``style`` attributes, and SVG geometry is presentation attributes, which it allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

# Geometry in viewBox units; the SVG scales to its container's width (see .chart in style.css).
HEIGHT = 170
TOP = 22  # room for the count above the tallest bar
BOTTOM = 26  # room for the year labels
SIDE = 12
SLOT = 44  # width given to one year
MIN_WIDTH = 480
MAX_LABELLED_SLOTS = 14  # beyond this, label every n-th year so labels never overlap
WIDE_SLOTS = 12  # beyond this the chart gets a min-width and scrolls sideways on a phone


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float


def layout_bars(counts: Mapping[int, int], width: float) -> tuple[list[Bar], list[int], float]:
    """Bars for the years with a count > 0, the labelled years, and the slot width.

    Pure geometry, separated from the markup so it can be tested with numbers.
    """
    years = sorted(y for y, n in counts.items() if n > 0)
    if not years:
        return [], [], 0.0
    first, last = years[0], years[-1]
    slots = last - first + 1
    slot = (width - 2 * SIDE) / slots
    bar_width = min(slot * 0.7, 40)
    plot_height = HEIGHT - TOP - BOTTOM
    top_count = max(counts[y] for y in years)
    bars = []
    for year in years:
        # At least 2 units tall, so a 1 beside a 1000 is still a visible (and clickable) bar.
        h = max(2.0, plot_height * counts[year] / top_count)
        x = SIDE + (year - first) * slot + (slot - bar_width) / 2
        bars.append(Bar(year, counts[year], round(x, 2), round(TOP + plot_height - h, 2), round(bar_width, 2),
                        round(h, 2)))
    step = max(1, math.ceil(slots / MAX_LABELLED_SLOTS))
    labelled = [y for y in range(first, last + 1) if (y - first) % step == 0]
    return bars, labelled, slot


def year_bar_chart(counts: Mapping[int, int], href: Callable[[int], str], bar_label: Callable[[int, int], str],
                   title: str, chart_id: str = "chart") -> Markup:
    """An accessible SVG bar chart, one ``<a>`` per year with matches linking to ``href(year)``.

    ``bar_label(year, count)`` is the accessible name of each bar (read by screen readers, shown as tooltip).
    Returns an empty Markup when there is nothing to draw.
    """
    years = sorted(y for y, n in counts.items() if n > 0)
    if not years:
        return Markup("")
    slots = years[-1] - years[0] + 1
    width = max(MIN_WIDTH, slots * SLOT + 2 * SIDE)
    bars, labelled, slot = layout_bars(counts, width)
    base = HEIGHT - BOTTOM
    title_id = f"{chart_id}-title"
    out = [
        f'<svg class="bar-chart{" bar-chart-wide" if slots > WIDE_SLOTS else ""}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="group" aria-labelledby="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<line class="axis" x1="{SIDE}" y1="{base}" x2="{width - SIDE}" y2="{base}"/>',
    ]
    for bar in bars:
        label = bar_label(bar.year, bar.count)
        cx = round(bar.x + bar.width / 2, 2)
        out.append(
            f'<a class="bar" href="{escape(href(bar.year))}" aria-label="{escape(label)}">'
            f"<title>{escape(label)}</title>"
            f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" rx="2"/>'
            f'<text class="count" x="{cx}" y="{round(bar.y - 6, 2)}" text-anchor="middle" aria-hidden="true">'
            f"{bar.count}</text></a>"
        )
    for year in labelled:
        cx = round(SIDE + (year - years[0]) * slot + slot / 2, 2)
        out.append(f'<text class="year" x="{cx}" y="{base + 18}" text-anchor="middle" aria-hidden="true">'
                   f"{year}</text>")
    out.append("</svg>")
    return Markup("".join(out))
