"""A theme's chart over time (the compare page): a line per authority (a predecessor's grades on
its successor's line, or running into it where authorities merged or split), grades on Ofsted's
1-4 scale with a "Not judged" row for the gaps, the framework eras shaded, the joins marked, and
a compact layout for a phone. It draws exactly the rows of the theme's table (`charts.Entry`), so
the chart and the table beside it cannot disagree.
"""

import textwrap
from datetime import date, timedelta

from inspections import frameworks as fw
from inspections.models import Framework

from .figures import (
    SOURCE,
    base_layout,
    below_plot,
    legend_below,
    source_annotation,
    text,
)

# Okabe-Ito colours (safe for colour-blind readers), with a marker and dash per line as well, so
# that no authority is told apart by colour alone.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6100", "#000000", "#56B4E9"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "star", "hexagon", "x"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash"]

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


def style(index):
    return {
        "colour": COLOURS[index % len(COLOURS)],
        "symbol": SYMBOLS[index % len(SYMBOLS)],
        "dash": DASHES[index % len(DASHES)],
    }


# Past this many lines a chart of one colour, marker and dash per line is a tangle nobody can
# read: the lines of the authority the page is for keep theirs, the others are drawn light grey
# behind them, named on hover and counted in one legend entry.
MANY_LINES = len(COLOURS)  # one more, and two lines would share a colour
BACKGROUND = {"colour": "#a6a6a6", "symbol": "circle", "dash": "solid", "background": True}


def looks(owner_ids, focus_ids=()):
    """The style of each line, in drawing order: a style of its own while there are few lines;
    with more than MANY_LINES, a style of its own only for a line in `focus_ids`."""
    if len(owner_ids) <= MANY_LINES:
        return [style(index) for index in range(len(owner_ids))]
    focus = [pk for pk in owner_ids if pk in set(focus_ids)]
    return [style(focus.index(pk)) if pk in focus else BACKGROUND for pk in owner_ids]


def _hover(entry):
    i = entry.inspection
    when = i.start_date.strftime("%-d %b %Y") if i.start_date else "undated"
    if entry.is_gap:
        detail, grade = "Not judged", entry.note
    else:
        j = entry.judgement
        detail = f"{entry.section}: {j.label}" if entry.section else j.label
        grade = j.grade_in_framework_words + (" (corrected)" if j.is_corrected else "")
    shown = [text(v) for v in (i.authority.name, i.get_framework_display(), when, detail, grade)]
    # Not shown: the inspection's page, which a click on the point opens (static/js/charts.js).
    return [*shown, i.get_absolute_url()]


HOVER = (
    "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
    "%{customdata[3]}<br><b>%{customdata[4]}</b><br><i>Click to open the inspection</i>"
    "<extra></extra>"
)


def _joining(mine, into):
    """Where a line runs on into its successors' lines: for each successor, its last grade and
    the successor's first grade after it, each pair after a break (None) so that a split draws
    one branch per successor."""
    last = next((e for e in reversed(mine) if not e.is_gap), None)
    points = []
    for theirs in into if last else []:
        first = next((e for e in theirs if not e.is_gap and e.date > last.date), None)
        if first:
            points += [(last, None), (last, last.judgement.score), (first, first.judgement.score)]
    return points


def _line_traces(name, owner, look, mine, into=()):
    """The line of one authority, and its open markers on the "Not judged" row. `into` holds
    the entries of each line this one runs into at a join (see lineage_lines)."""
    joining = _joining(mine, into)
    # A gap breaks the line: None, never a zero.
    points = [(e, None if e.is_gap else e.judgement.score) for e in mine] + joining
    background = look.get("background", False)
    size = 6 if background else 11
    traces = [
        {
            "type": "scatter",
            "x": [e.date.isoformat() for e, _ in points],
            "y": [y for _, y in points],
            "customdata": [_hover(e) for e, _ in points],
            "hovertemplate": HOVER,
            "name": text(name),
            "legendgroup": "background" if background else str(owner.pk),
            "showlegend": not background,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {
                "color": look["colour"],
                "dash": look["dash"],
                "width": 1 if background else 2,
            },
            # The joining points are drawn by the lines they join, so none is marked twice.
            "marker": {
                "symbol": look["symbol"],
                "size": [size] * len(mine) + [0] * len(joining) if joining else size,
                "color": look["colour"],
            },
        }
    ]
    gaps = [e for e in mine if e.is_gap]
    if gaps:
        traces.append(
            {
                "type": "scatter",
                "x": [e.date.isoformat() for e in gaps],
                "y": [GAP_SCORE] * len(gaps),
                "customdata": [_hover(e) for e in gaps],
                "hovertemplate": HOVER,
                "name": text(f"{name}: not judged"),
                "legendgroup": "background" if background else str(owner.pk),
                "showlegend": False,
                "mode": "markers",
                "marker": {
                    "symbol": f"{look['symbol']}-open",
                    "size": size,
                    "color": look["colour"],
                },
            }
        )
    return traces


def _background_traces(lines, by_owner, continues):
    """Every grey line as one trace (a None between lines, and at a gap) and their "Not judged"
    markers as another: with every authority, two traces a chart rather than two per authority,
    which plotly.js draws in a fraction of the time. A point's hover names its authority, the
    date and the grade; a click opens its inspection (the last item of its customdata)."""
    line = {"x": [], "y": [], "customdata": [], "text": [], "size": []}
    gaps = {"x": [], "customdata": [], "text": []}

    def point(e, y, size):
        when = e.date.strftime("%-d %b %Y")
        grade = "Not judged" if e.is_gap else e.judgement.grade_in_framework_words
        line["x"].append(e.date.isoformat())
        line["y"].append(y)
        line["customdata"].append([text(e.authority.name), e.inspection.get_absolute_url()])
        line["text"].append(text(f"{e.inspection.get_framework_display()} · {when} · {grade}"))
        line["size"].append(size)

    def gap():
        for key in line:
            line[key].append(None if key != "size" else 0)

    for owner, _name, _look in lines:
        mine = by_owner.get(owner.pk, [])
        into = [by_owner.get(pk, []) for pk in continues.get(owner.pk, [])]
        for e in mine:
            if e.is_gap:
                gap()
                gaps["x"].append(e.date.isoformat())
                gaps["customdata"].append([text(e.authority.name), e.inspection.get_absolute_url()])
                framework = e.inspection.get_framework_display()
                gaps["text"].append(text(f"{framework} · {e.date:%-d %b %Y} · Not judged"))
            else:
                point(e, e.judgement.score, 6)
        # The joining points are drawn by the lines they join, so none is marked twice.
        for e, y in _joining(mine, into):
            if y is None:
                gap()
            else:
                point(e, y, 0)
        gap()
    hover = "<b>%{customdata[0]}</b><br>%{text}<extra></extra>"
    look = {"color": BACKGROUND["colour"]}
    common = {"type": "scatter", "legendgroup": "background", "showlegend": False}
    traces = [
        {
            **common,
            "x": line["x"],
            "y": line["y"],
            "customdata": line["customdata"],
            "text": line["text"],
            "hovertemplate": hover,
            "name": "grey lines",
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {**look, "width": 1},
            "marker": {**look, "size": line["size"]},
        }
    ]
    if gaps["x"]:
        traces.append(
            {
                **common,
                "x": gaps["x"],
                "y": [GAP_SCORE] * len(gaps["x"]),
                "customdata": gaps["customdata"],
                "text": gaps["text"],
                "hovertemplate": hover,
                "name": "grey lines: not judged",
                "mode": "markers",
                "marker": {**look, "symbol": "circle-open", "size": 6},
            }
        )
    return traces


def _background_key(count, others):
    """The one legend entry of the grey lines (a trace with no points): a click on it hides or
    shows them all."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "name": f"{count} {'other ' if others else ''}authorities (grey; hover to name)",
        "legendgroup": "background",
        "mode": "lines+markers",
        "line": {"color": BACKGROUND["colour"], "width": 1},
        "marker": {"size": 6, "color": BACKGROUND["colour"]},
        "hoverinfo": "skip",
    }


def _era_marks(first, last):
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


def _traces(entries, lines, continues):
    """The traces of every line, the grey ones first (two traces for them all, however many) so
    that the coloured ones are drawn over them, and the one legend entry of the grey lines."""
    by_owner = {}
    for e in entries:
        if e.date:
            by_owner.setdefault(e.owner.pk, []).append(e)
    greys = [line for line in lines if line[2].get("background")]
    traces = _background_traces(greys, by_owner, continues) if greys else []
    for owner, name, look in lines:
        if not look.get("background"):
            into = [by_owner.get(pk, []) for pk in continues.get(owner.pk, [])]
            traces += _line_traces(name, owner, look, by_owner.get(owner.pk, []), into)
    if greys:
        traces.append(_background_key(len(greys), others=len(greys) < len(lines)))
    return traces


def _join_marks(joins, first, last):
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


def theme_figure(theme, entries, lines, joins, subtitle, today, continues=None):
    """A Plotly figure (as a dict for json_script) of one theme.

    `lines` is [(owner, name, style)] in drawing order; `joins` is [(date, text)] where a line
    passes from a predecessor to its successor; `continues` maps a line owner's id to the ids of
    the owners of the lines it runs into (see charts.lineage_lines).
    """
    traces = _traces(entries, lines, continues or {})
    dates = [e.date for e in entries if e.date]
    first = min(dates, default=date(2009, 6, 1)) - timedelta(days=240)
    last = max([*dates, today]) + timedelta(days=120)
    era_shapes, era_labels = _era_marks(first, last)
    join_shapes, join_labels, bottom = _join_marks(joins, first, last)
    legend_rows = sum(1 for t in traces if t.get("showlegend", True))
    source_top, bottom_margin = below_plot(LEGEND_TOP_PX, legend_rows)
    source = source_annotation("<br>".join(_source_lines(today)), source_top, PLOT_HEIGHT_PX)
    # A long statement of the filters wraps: plotly.js cuts a subtitle at the chart's edge.
    subtitle_lines = textwrap.wrap(subtitle, DESKTOP_CHARACTERS) or [""]
    top = TOP_MARGIN_PX + COMPACT_LINE_PX * (len(subtitle_lines) - 1)
    height = top + PLOT_HEIGHT_PX + bottom_margin
    layout = base_layout(
        fw.THEMES[theme],
        subtitle_lines,
        margin={"l": 20, "r": 20, "t": top, "b": bottom_margin},
        height=height,
        legend=legend_below(LEGEND_TOP_PX, PLOT_HEIGHT_PX),
        xaxis={
            "type": "date",
            "range": [first.isoformat(), last.isoformat()],
            "showgrid": False,
        },
        yaxis={
            "range": [bottom, 0.5],
            "tickvals": list(SCALE),
            "ticktext": list(SCALE.values()),
            "gridcolor": "#d0d0d0",
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        shapes=[*era_shapes, GAP_RULE, *join_shapes],
        annotations=[*era_labels, *join_labels, source],
    )
    if len(subtitle_lines) > 1:  # hang the taller title block from the top, clear of the eras
        layout["title"].update({"yref": "container", "yanchor": "top", "y": 1 - 10 / height})
    compact = compact_layout(layout, subtitle, len(era_labels), today, joins, bottom)
    layout["meta"] = {
        "compact": compact,
        # Printed: the first chart with its source, the others without (static/js/charts.js).
        "print": print_layout(layout, compact, legend_rows, source=True),
        "print_rest": print_layout(layout, compact, legend_rows, source=False),
    }
    return {"data": traces, "layout": layout}


def _source_lines(today, width=None):
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
    source_lines = _source_lines(today, COMPACT_CHARACTERS)
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
