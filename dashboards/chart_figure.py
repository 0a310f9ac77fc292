"""A theme's chart over time (the compare page): a line per authority (a predecessor's grades on
its successor's line, or running into it where authorities merged or split), grades on Ofsted's
1-4 scale with a "Not judged" row for the gaps, and, past MANY_LINES, the other authorities' lines
in grey behind the page's own. It draws exactly the rows of the theme's table (`charts.Entry`), so
the chart and the table beside it cannot disagree. The frame around the lines (the scale, the
framework eras, the joins, the source, the phone's and print's layouts) is chart_layout.py's.
"""

import textwrap
from datetime import date, timedelta

from inspections import frameworks as fw

from .chart_layout import (
    COMPACT_LINE_PX,
    DESKTOP_CHARACTERS,
    GAP_RULE,
    GAP_SCORE,
    LEGEND_TOP_PX,
    PLOT_HEIGHT_PX,
    SCALE,
    TOP_MARGIN_PX,
    compact_layout,
    era_marks,
    join_marks,
    print_layout,
    source_note_lines,
)
from .figures import (
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
    """The coloured line of one authority, and its open markers on the "Not judged" row. `into`
    holds the entries of each line this one runs into at a join (see lineage_lines). Grey lines
    are drawn together by `_background_traces`."""
    joining = _joining(mine, into)
    # A gap breaks the line: None, never a zero.
    points = [(e, None if e.is_gap else e.judgement.score) for e in mine] + joining
    size = 11
    traces = [
        {
            "type": "scatter",
            "x": [e.date.isoformat() for e, _ in points],
            "y": [y for _, y in points],
            "customdata": [_hover(e) for e, _ in points],
            "hovertemplate": HOVER,
            "name": text(name),
            "legendgroup": str(owner.pk),
            "showlegend": True,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {
                "color": look["colour"],
                "dash": look["dash"],
                "width": 2,
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
                "legendgroup": str(owner.pk),
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
    about = {}  # inspection id → (date, [authority, address], "SIF · 1 Jan 2015"), made once

    def of(e):
        found = about.get(e.inspection.pk)
        if found is None:
            i = e.inspection
            what = text(f"{i.get_framework_display()} · {e.date:%-d %b %Y}")
            customdata = [text(e.authority.name), i.get_absolute_url()]
            found = about[i.pk] = (e.date.isoformat(), customdata, what)
        return found

    def point(e, y, size):
        x, customdata, what = of(e)
        grade = "Not judged" if e.is_gap else e.judgement.grade_in_framework_words
        line["x"].append(x)
        line["y"].append(y)
        line["customdata"].append(customdata)
        line["text"].append(f"{what} · {text(grade)}")
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
                x, customdata, what = of(e)
                gaps["x"].append(x)
                gaps["customdata"].append(customdata)
                gaps["text"].append(f"{what} · Not judged")
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
    era_shapes, era_labels = era_marks(first, last)
    join_shapes, join_labels, bottom = join_marks(joins, first, last)
    legend_rows = sum(1 for t in traces if t.get("showlegend", True))
    source_top, bottom_margin = below_plot(LEGEND_TOP_PX, legend_rows)
    source = source_annotation("<br>".join(source_note_lines(today)), source_top, PLOT_HEIGHT_PX)
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
