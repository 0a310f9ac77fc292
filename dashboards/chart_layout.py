"""The frame of a theme's chart over time (chart_figure.py draws its lines): the grade scale
with its "Not judged" row, the framework eras shaded on the date axis, the joins where
authorities merged or split, the source's lines, and the changes that fit the figure to a phone
(`compact_layout`) and to print beside its table (`print_layout`), which static/js/charts.js
applies.
"""

import textwrap
from datetime import date

from inspections import frameworks as fw
from inspections.models import Framework

from .figures import SOURCE, below_plot, text

# When each graded framework inspected; the eras shaded on the date axis.
ERAS = [
    (fw.SLAC, date(2009, 6, 1), date(2012, 5, 31)),
    (fw.LAC, date(2012, 6, 1), date(2013, 11, 10)),
    (fw.SIF, date(2013, 11, 11), date(2017, 12, 31)),
    (fw.ILACS, date(2018, 1, 1), None),
]
GAP_SCORE = 5
SCALE = {
    **{fw.GRADE_SCORES[band]: fw.band_name(band, "<br>or ") for band in fw.BANDS},
    GAP_SCORE: "Not judged",
}
# The same scale in fewer letters, for a chart on a phone (see compact_layout).
SHORT_SCALE = ["Outstanding", "Good", "RI or<br>adequate", "Inadequate", "Not<br>judged"]
# The figure's geometry in pixels: legend and source are placed from these.
TOP_MARGIN_PX = 90
PLOT_HEIGHT_PX = 260
LEGEND_TOP_PX = 34  # below the date axis labels


def era_marks(first, last):
    """Shaded bands and labels for the framework eras within the date range."""
    shapes, annotations = [], []
    for index, (framework, start, end) in enumerate(ERAS):
        end = end or last
        if end < first or start > last:
            continue
        start, end = max(start, first), min(end, last)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y domain",
                "x0": start.isoformat(),
                "x1": end.isoformat(),
                "y0": 0,
                "y1": 1,
                "fillcolor": "#e8e8e8" if index % 2 == 0 else "#f7f7f7",
                "layer": "below",
                "line": {"width": 0},
            }
        )
        annotations.append(
            {
                "x": (start + (end - start) / 2).isoformat(),
                "y": 1.0,
                "yref": "paper",
                "yanchor": "bottom",
                "text": f"<b>{Framework(framework).label}</b>",
                "showarrow": False,
                "font": {"size": 12, "color": "#333"},
            }
        )
    return shapes, annotations


def join_marks(joins, first, last):
    """(shapes, annotations, the foot of the y axis) of the joins: a dotted line at each date
    and its label below the "Not judged" row, so that it hides no marker, with room for the
    longest label (two lines fit)."""
    shapes, annotations = [], []
    wrapped = [(when, textwrap.wrap(label, 34)) for when, label in joins]
    bottom = GAP_SCORE + 0.95 + 0.3 * max([len(w) - 2 for _, w in wrapped] + [0])
    middle = first + (last - first) / 2
    for when, lines in wrapped:
        # A label right of the middle reads leftwards from its line, so it stays in the plot.
        side = "right" if when > middle else "left"
        shapes.append(
            {
                "type": "line",
                "yref": "y domain",
                "x0": when.isoformat(),
                "x1": when.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555", "dash": "dot", "width": 1.5},
            }
        )
        annotations.append(
            {
                "x": when.isoformat(),
                "y": GAP_SCORE + 0.25,
                "yanchor": "top",
                "xanchor": side,
                "align": side,
                "text": "<br>".join(text(line) for line in lines),
                "showarrow": False,
                "font": {"size": 10, "color": "#333"},
            }
        )
    return shapes, annotations, bottom


# The rule between the grade scale and the "Not judged" row.
GAP_RULE = {
    "type": "line",
    "xref": "x domain",
    "x0": 0,
    "x1": 1,
    "y0": GAP_SCORE - 0.5,
    "y1": GAP_SCORE - 0.5,
    "line": {"color": "#999", "width": 1},
}


def source_note_lines(today, width=None):
    """The lines of the note under the legend (the source, the day drawn, what the scale is
    for): three for the desktop chart, or wrapped at `width` characters for a phone."""
    lines = [
        f"{SOURCE}, via Ofsted Compare.",
        f"Drawn {today.strftime('%-d %B %Y')}.",
        "Grades in each framework's own words; 1-4 scale for drawing only.",
    ]
    if width is None:  # three lines, as wide as the desktop chart holds
        return [f"{SOURCE},", f"via Ofsted Compare. {lines[1]}", lines[2]]
    return [text(part) for line in lines for part in textwrap.wrap(line, width)]


# A phone's chart is about 340 pixels wide: about this many characters of 12-pixel text; the
# desktop chart's subtitle holds about twice as many.
COMPACT_CHARACTERS = 46
DESKTOP_CHARACTERS = 84
COMPACT_LINE_PX = 15


# Printed, a chart stands beside its table at this width, on a shorter plot, so that the default
# compare page's seven themes fit on four A4 pages.
PRINT_WIDTH_PX = 390
PRINT_PLOT_HEIGHT_PX = 170
JOIN_LINE_PX = 11  # a line of a join's 9 px label


def print_layout(layout, compact, legend_rows, source):
    """Changes (Plotly.relayout's paths) that print a figure beside its table: the phone's
    layout (`compact`: wrapped subtitle and source, short grade names) at PRINT_WIDTH_PX on a
    shorter plot, the legend and source moved up with it; without the `source` (printed once,
    under the page's first chart) and the room it takes."""
    source_top, _ = below_plot(LEGEND_TOP_PX, legend_rows)
    index = len(layout["annotations"]) - 1
    source_lines = compact[f"annotations[{index}].text"].count("<br>") + 1
    bottom = source_top + COMPACT_LINE_PX * source_lines if source else source_top
    changes = {
        **compact,
        "width": PRINT_WIDTH_PX,
        "height": compact["margin.t"] + PRINT_PLOT_HEIGHT_PX + bottom,
        "margin.b": bottom,
        "legend.y": -LEGEND_TOP_PX / PRINT_PLOT_HEIGHT_PX,
        f"annotations[{index}].y": -source_top / PRINT_PLOT_HEIGHT_PX,
        f"annotations[{index}].visible": source,
    }
    if "yaxis.range" in compact:  # a join's label: room for its lines under the shorter plot
        lines = max(compact[k].count("<br>") + 1 for k in compact if k.endswith("].text")
                    and k != f"annotations[{index}].text")  # fmt: skip
        need = lines * JOIN_LINE_PX + 4
        top = COMPACT_JOIN_TOP
        # The foot f at which the label's room, (f - top) of (f - 0.5) grades, is `need` pixels.
        foot = (top * PRINT_PLOT_HEIGHT_PX - 0.5 * need) / (PRINT_PLOT_HEIGHT_PX - need)
        changes["yaxis.range"] = [max(foot, compact["yaxis.range"][0]), 0.5]
    return changes


# On a phone a join's label is narrower and smaller, and starts lower: it would otherwise run
# over the "Not judged" markers and the axis's labels.
COMPACT_JOIN_CHARACTERS = 20
COMPACT_JOIN_TOP = GAP_SCORE + 0.45
COMPACT_JOIN_LINE = 0.28  # a 9 px line, in grades, on the phone's plot


def compact_layout(layout, subtitle, eras, today, joins=(), bottom=None):
    """Changes (Plotly.relayout's 'a.b' paths) that fit a figure to a phone's width: the subtitle
    and source wrapped, shorter grade names, and era labels at two heights so that the short
    SLAC and LAC eras do not print over each other. static/js/charts.js applies them to a narrow
    chart."""
    subtitle_lines = textwrap.wrap(subtitle, COMPACT_CHARACTERS)
    source_lines = source_note_lines(today, COMPACT_CHARACTERS)
    extra_top = COMPACT_LINE_PX * (len(subtitle_lines) - 1) + 14
    extra_bottom = COMPACT_LINE_PX * (len(source_lines) - 3)
    desktop_extra_top = layout["margin"]["t"] - TOP_MARGIN_PX  # a wrapped desktop subtitle
    height = layout["height"] - desktop_extra_top + extra_top + extra_bottom
    changes = {
        # The title block hangs from the top, clear of the era labels over the plot.
        "title.yref": "container",
        "title.yanchor": "top",
        "title.y": 1 - 6 / height,
        "title.font.size": 16,
        "title.subtitle.text": "<br>".join(text(line) for line in subtitle_lines),
        "title.subtitle.font.size": 12,
        "margin.t": TOP_MARGIN_PX + extra_top,
        "margin.b": layout["margin"]["b"] + extra_bottom,
        "height": height,
        "yaxis.ticktext": SHORT_SCALE,
        "legend.font.size": 11,
        f"annotations[{len(layout['annotations']) - 1}].text": "<br>".join(source_lines),
    }
    for index in range(1, eras, 2):
        changes[f"annotations[{index}].yshift"] = 14
    longest = 0
    for index, (_, label) in enumerate(joins, start=eras):
        lines = textwrap.wrap(label, COMPACT_JOIN_CHARACTERS)
        longest = max(longest, len(lines))
        changes[f"annotations[{index}].text"] = "<br>".join(text(line) for line in lines)
        changes[f"annotations[{index}].font.size"] = 9
        changes[f"annotations[{index}].y"] = COMPACT_JOIN_TOP
    if joins:
        foot = COMPACT_JOIN_TOP + COMPACT_JOIN_LINE * longest + 0.1
        changes["yaxis.range"] = [max(foot, bottom or foot), 0.5]
    return changes
