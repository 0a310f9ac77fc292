"""The England hex map's figure: a hexagon per current authority filled in its grade's colour,
its band's mark (so that no grade is told by colour alone; the hover and click target) over
the authority's three-letter label (`LocalAuthority.short_code`; the chosen authority's white on
black), the chosen authority and its statistical neighbours outlined, and a mark on the
hexagons whose newest report is not loaded. Built on `figures.base_layout`; every name escaped.

The layout is reference data (`LocalAuthority.hex_q`, `hex_r`: the ODI Leeds hexmaps' "odd-r"
offset coordinates, odd rows half a hexagon to the right, r growing northwards).
"""

import math
import textwrap

from inspections import frameworks as fw

from .chart_layout import COMPACT_CHARACTERS, COMPACT_LINE_PX
from .figures import BAND_LOOK, SOURCE_LINES, base_layout, source_annotation, text

UNGRADED = "none"
NO_GRADE = "No graded inspection in this theme"
# Worst first: the first question an analyst brings to the map is which authorities are
# inadequate (or requires improvement) today.
GROUP_ORDER = [*reversed(fw.BAND_NAMES), UNGRADED]
GROUP_LABELS = {**fw.BAND_NAMES, UNGRADED: NO_GRADE}
# Fill, pattern (none) and the edge that tells a hexagon without a grade from the white paper.
NEUTRAL = ("#f3f2f1", "", "#505a5f")
# A mark per band in the middle of each hexagon, so that no grade is told by colour alone; the
# key draws the same marks. The hexagons without a grade have an invisible one to hover.
MARKS = {
    fw.OUTSTANDING: ("star", "★"),
    fw.GOOD: ("circle", "●"),
    fw.REQUIRES_IMPROVEMENT: ("diamond", "◆"),
    fw.INADEQUATE: ("x-thin-open", "✕"),
}
# The mark of an authority whose newest report Ofsted lists is not loaded here, at the top of
# its hexagon: its grade here may be out of date.
NOT_LOADED_MARK = ("triangle-up", "▲")
NOT_LOADED_LABEL = "A newer report is not loaded: the grade may be out of date"
SQRT3 = math.sqrt(3)


def hex_centre(q, r):
    """The centre of the hexagon at (q, r) for hexagons of radius 1, pointy side up."""
    return SQRT3 * (q + 0.5 * (r % 2)), 1.5 * r


def hex_corners(q, r):
    """The hexagon's six corners, anticlockwise from the lower right, and the first again."""
    x, y = hex_centre(q, r)
    corners = [
        (round(x + math.cos(math.radians(a)), 4), round(y + math.sin(math.radians(a)), 4))
        for a in range(-30, 330, 60)
    ]
    return [*corners, corners[0]]


def _outline(rows):
    xs, ys = [], []
    for r in rows:
        corners = hex_corners(r.authority.hex_q, r.authority.hex_r)
        xs += [x for x, _ in corners] + [None]
        ys += [y for _, y in corners] + [None]
    return xs, ys


def _hover(row):
    lines = [f"<b>{text(row.authority.name)}</b>"]
    g = row.latest
    if g is None:
        lines.append(NO_GRADE)
    else:
        lines.append(f"<b>{text(g.words)}</b> ({g.framework})")
        lines.append(f"Inspection of {g.date:%-d %b %Y}")
        if g.last_judged:
            lines.append(g.last_judged[0].upper() + g.last_judged[1:])
        if row.corrected:
            lines.append("Corrected by staff")
        if row.flagged:
            lines.append("Needs review")
    if row.retired:
        lines.append(text(row.retired))
    if row.missing:
        words = row.missing.words if g else row.missing.its_words
        lines.append(f"<b>{NOT_LOADED_MARK[1]} {words[0].upper()}{words[1:]}</b>")
        lines.append(f"({text(row.missing.why)})")
    if row.role == "neighbour":
        lines.append("Statistical neighbour")
    return "<br>".join(lines)


def _fill_traces(rows):
    """A filled trace per band (and per side of the chosen region), each hexagon a closed
    outline: `fill: toself` fills each run between gaps."""
    traces = []
    for band in GROUP_ORDER:
        fill, _, _ = BAND_LOOK.get(band, NEUTRAL)
        for in_region in (True, False):
            mine = [r for r in rows if r.band == band and r.in_region == in_region]
            if not mine:
                continue
            xs, ys = _outline(mine)
            traces.append(
                {
                    "type": "scatter", "mode": "lines", "x": xs, "y": ys, "fill": "toself",
                    "fillcolor": fill,
                    "line": {"color": NEUTRAL[2] if band == UNGRADED else "#fff", "width": 1},
                    "opacity": 1 if in_region else 0.3,
                    "hoverinfo": "skip", "showlegend": False, "name": GROUP_LABELS[band],
                }
            )  # fmt: skip
    return traces


# Where in a hexagon (radius 1) its band's mark and its label sit: the mark in the upper half,
# the three letters under it; the "not loaded" mark at the top right.
MARK_DY = 0.42
LABEL_DY = -0.3
NOT_LOADED_DX, NOT_LOADED_DY = 0.55, 0.42
LABEL_PX = 9  # legible at 1,400 pixels and on A4
CHOSEN_LABEL_PX = 11
# On a phone (static/js/charts.js: `meta.compact`, `meta.restyle`) a hexagon is about 20 pixels
# wide: the labels shrink to fit it.
COMPACT_LABEL_PX = 6.5
COMPACT_CHOSEN_LABEL_PX = 7.5


def _label_dy(band):
    """A label sits under its band's mark, or in the middle of a hexagon without one."""
    return LABEL_DY if band in MARKS else 0


def _mark_traces(rows):
    """A point in each hexagon: its band's mark, its label (the authority's three letters), the
    hover text and the link (customdata's last item, which charts.js opens on a click)."""
    traces = []
    for band in GROUP_ORDER:
        mine = [r for r in rows if r.band == band]
        if not mine:
            continue
        _, _, ink = BAND_LOOK.get(band, NEUTRAL)
        marker = (
            {
                "symbol": MARKS[band][0],
                "size": 7,
                "color": ink,
                "line": {"color": ink, "width": 1.5},
            }
            if band in MARKS
            else {"symbol": "circle", "size": 8, "color": "rgba(0,0,0,0)", "line": {"width": 0}}
        )
        centres = [hex_centre(r.authority.hex_q, r.authority.hex_r) for r in mine]
        others = [r.role != "chosen" for r in mine]
        traces.append(
            {
                "type": "scatter", "mode": "markers", "name": GROUP_LABELS[band],
                "x": [round(x, 4) for x, _ in centres],
                "y": [round(y + MARK_DY, 4) for _, y in centres],
                "marker": marker,
                "customdata": [[_hover(r), r.authority.get_absolute_url()] for r in mine],
                "hovertemplate": "%{customdata[0]}<extra></extra>",
                "showlegend": False,
            }
        )  # fmt: skip
        # The labels, the chosen authority's apart (see _chosen_label); not hover targets
        # themselves: the mark just above is the nearest point, and hovers and clicks.
        traces.append(
            {
                "type": "scatter", "mode": "text", "name": f"{GROUP_LABELS[band]}: labels",
                "x": [round(x, 4) for (x, _), other in zip(centres, others, strict=True) if other],
                "y": [round(y + _label_dy(band), 4)
                      for (_, y), other in zip(centres, others, strict=True) if other],
                "text": [text(r.authority.short_code) for r in mine if r.role != "chosen"],
                "textposition": "middle center",
                "textfont": {"size": LABEL_PX, "color": ink},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )  # fmt: skip
    # Marked where a grade is drawn: a grey hexagon has no grade to be out of date (its hover
    # and the table say its report is not loaded).
    missing = [r for r in rows if r.missing and r.latest]
    if missing:
        centres = [hex_centre(r.authority.hex_q, r.authority.hex_r) for r in missing]
        traces.append(
            {
                "type": "scatter", "mode": "markers", "name": NOT_LOADED_LABEL,
                "x": [round(x + NOT_LOADED_DX, 4) for x, _ in centres],
                "y": [round(y + NOT_LOADED_DY, 4) for _, y in centres],
                "marker": {"symbol": NOT_LOADED_MARK[0], "size": 8, "color": "#0b0c0c",
                           "line": {"color": "#fff", "width": 1.5}},
                "customdata": [[_hover(r), r.authority.get_absolute_url()] for r in missing],
                "hovertemplate": "%{customdata[0]}<extra></extra>",
                "showlegend": False,
            }
        )  # fmt: skip
    return traces


# The outlines of the chosen authority and its neighbours: a white halo under a black line, seen
# on every fill; solid and thick for the chosen one, dotted for the neighbours.
OUTLINES = {
    "chosen": {"color": "#0b0c0c", "width": 3.5, "dash": "solid"},
    "neighbour": {"color": "#0b0c0c", "width": 2, "dash": "dot"},
}


def _outline_traces(rows):
    traces = []
    for role, line in OUTLINES.items():
        xs, ys = _outline([r for r in rows if r.role == role])
        if not xs:
            continue
        for look in ({"color": "#fff", "width": line["width"] + 2.5, "dash": "solid"}, line):
            traces.append(
                {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "line": look,
                 "hoverinfo": "skip", "showlegend": False, "name": role}
            )  # fmt: skip
    return traces


def _chosen_label(rows):
    """The chosen authority's label, white on black and larger: it stands out on any fill and
    in print."""
    chosen = next((r for r in rows if r.role == "chosen"), None)
    if chosen is None or not chosen.authority.short_code:
        return []
    x, y = hex_centre(chosen.authority.hex_q, chosen.authority.hex_r)
    return [
        {
            "x": round(x, 4), "y": round(y + _label_dy(chosen.band), 4), "xref": "x", "yref": "y",
            "text": f"<b>{text(chosen.authority.short_code)}</b>", "showarrow": False,
            "font": {"size": CHOSEN_LABEL_PX, "color": "#fff"},
            "bgcolor": "#0b0c0c", "borderpad": 1,
        }
    ]  # fmt: skip


def map_figure(rows, title, subtitle):
    """The hex map: fills, outlines, then the marks on top (the hover and click targets)."""
    if not rows:
        return {"data": [], "layout": {}}
    xs = [x for r in rows for x, _ in hex_corners(r.authority.hex_q, r.authority.hex_r)]
    ys = [y for r in rows for _, y in hex_corners(r.authority.hex_q, r.authority.hex_r)]
    pad = 0.3
    axis = {"visible": False, "fixedrange": True}
    source = {
        **source_annotation(f"{SOURCE_LINES},<br>via Ofsted Compare. Hex layout: ODI Leeds.", 0, 1),
        "y": 0,
        "yshift": -6,
    }
    chosen_label = _chosen_label(rows)
    layout = base_layout(
        title,
        [subtitle],
        margin={"l": 4, "r": 4, "t": 64, "b": 56},
        xaxis={**axis, "range": [min(xs) - pad, max(xs) + pad]},
        yaxis={**axis, "range": [min(ys) - pad, max(ys) + pad], "scaleanchor": "x"},
        hoverdistance=30,
        dragmode=False,
        showlegend=False,
        annotations=[*chosen_label, source],
    )
    # A phone: the subtitle wrapped (plotly.js cuts it at the edge), the labels smaller.
    subtitle_lines = textwrap.wrap(subtitle, COMPACT_CHARACTERS)
    compact = {
        "title.subtitle.text": "<br>".join(text(line) for line in subtitle_lines),
        "margin.t": 64 + COMPACT_LINE_PX * (len(subtitle_lines) - 1),
    }
    if chosen_label:
        compact["annotations[0].font.size"] = COMPACT_CHOSEN_LABEL_PX
    layout["meta"] = {"compact": compact, "restyle": {"textfont.size": COMPACT_LABEL_PX}}
    return {
        "data": _fill_traces(rows) + _outline_traces(rows) + _mark_traces(rows),
        "layout": layout,
    }
