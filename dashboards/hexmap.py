"""England at a glance: one hexagon per current authority, coloured by its latest grade on a theme,
with a chosen authority and its statistical neighbours outlined, and a table of the same grades.

The layout is reference data (`LocalAuthority.hex_q`, `hex_r`: the ODI Leeds hexmaps' "odd-r"
offset coordinates, odd rows half a hexagon to the right, r growing northwards). An authority's
latest grade on a theme is `peers.latest_per_authority()` over its own inspections: the map shows
each authority as it stands today, so a predecessor's grade is not drawn on its successor's
hexagon. Staff corrections are in the judgements' grades already; flags are read beside them.

`map_page()` reads the database a fixed number of times, whatever the number of authorities or
inspections; the rest is pure functions over what it read.
"""

import math
from dataclasses import dataclass

import django_filters
from django.urls import reverse

from authorities.models import LocalAuthority, StatisticalNeighbour
from inspections import frameworks as fw
from inspections.models import Inspection, Judgement, Theme

from . import catalogue, peers
from .charts import text
from .filters import QuickSelect, regions, unfiltered

DEFAULT_THEME = "overall"
UNGRADED = "none"
NO_GRADE = "No graded inspection in this theme"
# Worst first: the first question an analyst brings to the map is which authorities are
# inadequate (or requires improvement) today.
GROUP_ORDER = [*reversed(peers.BANDS), UNGRADED]
GROUP_LABELS = {**peers.BANDS, UNGRADED: NO_GRADE}
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


@dataclass
class MapRow:
    """One authority on the map and in the table."""

    authority: LocalAuthority
    latest: peers.Graded | None
    role: str = ""  # "chosen", "neighbour" or ""
    flagged: bool = False
    corrected: bool = False
    retired: str = ""  # why a newer inspection of it did not judge the theme
    in_region: bool = True
    missing: object = None  # catalogue.NotLoaded: a newer report, not loaded here

    @property
    def band(self):
        return self.latest.band if self.latest else UNGRADED

    @property
    def inspection_url(self):
        return reverse("dashboards:inspection", args=[self.latest.inspection_id])


def retired_notes(theme, inspections, latest):
    """{authority id: why the theme is missing from its inspections since its latest grade}, for
    the authorities whose newest inspection no longer judges the theme (ILACS from April 2026 has
    no overall effectiveness). `inspections` is [(authority id, framework, start date)]."""
    notes = {}
    for authority_id, framework, start in sorted(inspections, key=lambda i: i[2]):
        area = fw.theme_area(framework, theme)
        note = area and fw.retired(framework, area.key, start)
        mine = latest.get(authority_id)
        if note and (mine is None or start > mine.date):
            notes[authority_id] = f"{note} (inspection of {start:%-d %b %Y})"
    return notes


def map_rows(authorities, latest, flags, notes, chosen, neighbour_ids, region="", found=None):
    """A MapRow per authority, by name. `flags` is {(inspection id, theme): (needs review,
    corrected)} of the theme's flagged or corrected judgements; `found` the theme's
    catalogue.Catalogue (who has a newer report not loaded here)."""
    rows = []
    for a in sorted(authorities, key=lambda a: a.name):
        g = latest.get(a.pk)
        flagged, corrected = flags.get(g and (g.inspection_id, g.theme), (False, False))
        role = "chosen" if a.pk == chosen.pk else "neighbour" if a.pk in neighbour_ids else ""
        missing = found.after(a.pk, g and g.date) if found else None
        rows.append(
            MapRow(a, g, role, bool(flagged), bool(corrected), notes.get(a.pk, ""),
                   in_region=not region or a.region == region, missing=missing)
        )  # fmt: skip
    return rows


def grade_groups(rows):
    """[(band, label, rows)] worst grade first, then those without a grade; by name within."""
    return [
        (band, GROUP_LABELS[band], [r for r in rows if r.band == band and r.in_region])
        for band in GROUP_ORDER
    ]


def key_entries(rows):
    """The key: [(band, label, fill, ink, mark, count on the map)]."""
    out = []
    for band in GROUP_ORDER:
        fill, _, ink = peers.BAND_LOOK.get(band, NEUTRAL)
        mark = MARKS[band][1] if band in MARKS else ""
        count = sum(r.band == band for r in rows)
        out.append((band, GROUP_LABELS[band], fill, ink, mark, count))
    return out


def not_loaded_count(rows):
    """The hexagons marked: a grade drawn, and a newer report not loaded."""
    return sum(r.missing is not None and r.latest is not None for r in rows)


# The figure: plain dicts in plotly.js's schema, as in charts.py; every name is escaped.


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
        fill, _, _ = peers.BAND_LOOK.get(band, NEUTRAL)
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


def _mark_traces(rows):
    """A point in the middle of each hexagon: its band's mark, the hover text and the link
    (customdata's last item, which charts.js opens on a click)."""
    traces = []
    for band in GROUP_ORDER:
        mine = [r for r in rows if r.band == band]
        if not mine:
            continue
        _, _, ink = peers.BAND_LOOK.get(band, NEUTRAL)
        marker = (
            {
                "symbol": MARKS[band][0],
                "size": 8,
                "color": ink,
                "line": {"color": ink, "width": 1.5},
            }
            if band in MARKS
            else {"symbol": "circle", "size": 8, "color": "rgba(0,0,0,0)", "line": {"width": 0}}
        )
        centres = [hex_centre(r.authority.hex_q, r.authority.hex_r) for r in mine]
        traces.append(
            {
                "type": "scatter", "mode": "markers", "name": GROUP_LABELS[band],
                "x": [round(x, 4) for x, _ in centres], "y": [y for _, y in centres],
                "marker": marker,
                "customdata": [[_hover(r), r.authority.get_absolute_url()] for r in mine],
                "hovertemplate": "%{customdata[0]}<extra></extra>",
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
                "x": [round(x, 4) for x, _ in centres], "y": [y + 0.6 for _, y in centres],
                "marker": {"symbol": NOT_LOADED_MARK[0], "size": 9, "color": "#0b0c0c",
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


def map_figure(rows, title, subtitle):
    """The hex map: fills, outlines, then the marks on top (the hover and click targets)."""
    xs = [x for r in rows for x, _ in hex_corners(r.authority.hex_q, r.authority.hex_r)]
    ys = [y for r in rows for _, y in hex_corners(r.authority.hex_q, r.authority.hex_r)]
    pad = 0.3
    axis = {"visible": False, "fixedrange": True}
    return {
        "data": _fill_traces(rows) + _outline_traces(rows) + _mark_traces(rows),
        "layout": {
            "title": {
                "text": text(title),
                "subtitle": {"text": text(subtitle)},
                "x": 0.01,
            },
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1b1b"},
            "margin": {"l": 4, "r": 4, "t": 64, "b": 56},
            "xaxis": {**axis, "range": [min(xs) - pad, max(xs) + pad]},
            "yaxis": {**axis, "range": [min(ys) - pad, max(ys) + pad], "scaleanchor": "x"},
            "hovermode": "closest",
            "hoverdistance": 30,
            "dragmode": False,
            "showlegend": False,
            "annotations": [
                {
                    "x": 0, "y": 0, "xref": "paper", "yref": "paper", "xanchor": "left",
                    "yanchor": "top", "yshift": -6, "align": "left", "showarrow": False,
                    "text": f"{peers.SOURCE_LINES},<br>via Ofsted Compare. Hex layout: ODI Leeds.",
                    "font": {"size": 10, "color": "#444"},
                }
            ],
        } if rows else {},
    }  # fmt: skip


# The page: its filters, then one read of the database and the functions above.


class MapFilter(peers.PeerFilter):
    """The peer page's authority (default Hampshire), one theme (default overall) and, if asked,
    a region whose authorities the table lists. Parameters it does not name are ignored."""

    theme = django_filters.ChoiceFilter(
        choices=Theme.choices, label="Theme", empty_label=None, method=unfiltered,
        widget=QuickSelect,
    )  # fmt: skip
    region = django_filters.ChoiceFilter(
        choices=regions, label="Region", empty_label="All of England", method=unfiltered,
        widget=QuickSelect,
    )  # fmt: skip

    def page_key(self):
        """The authority, theme and region chosen, for the page cache; None with errors."""
        if not self.is_valid():
            return None
        data = self.form.cleaned_data
        return f"{data['authority'].pk}:{data['theme']}:{data.get('region') or ''}"


def map_filter(request):
    """The page's filterset."""
    data = {name: request.GET.get(name, "") for name in MapFilter.base_filters}
    data["authority"] = data["authority"] or peers.DEFAULT_AUTHORITY
    data["theme"] = data["theme"] or DEFAULT_THEME
    return MapFilter(data, queryset=LocalAuthority.objects.none())


def _flags(theme):
    """{(inspection id, theme): (needs review, corrected)} of the flagged or corrected grades."""
    rows = Judgement.objects.filter(needs_review=True) | Judgement.objects.filter(is_corrected=True)
    flags = {}
    for inspection_id, framework, area, review, corrected in rows.values_list(
        "inspection_id", "framework", "area", "needs_review", "is_corrected"
    ):
        if peers.THEME_OF_AREA.get((framework, area)) == theme:
            flags[inspection_id, theme] = (review, corrected)
    return flags


def map_page(authority, theme, region, today):
    """Everything the page shows for `authority` on `theme` (`region`: "" for all of England)."""
    current = list(LocalAuthority.objects.current().exclude(hex_q=None))
    neighbour_ids = set(
        StatisticalNeighbour.objects.filter(
            authority=authority, model_version=peers.NEIGHBOUR_MODEL
        ).values_list("neighbour", flat=True)
    )
    graded = [g for g in peers.graded_rows() if g.theme == theme]
    latest = peers.latest_per_authority(graded, {a.pk: {a.pk} for a in current})
    inspections = Inspection.objects.filter(
        authority__existed_until=None, start_date__isnull=False
    ).values_list("authority_id", "framework", "start_date")
    notes = retired_notes(theme, inspections, latest)
    read = catalogue.read()
    found = read.for_theme(theme)
    rows = map_rows(current, latest, _flags(theme), notes, authority, neighbour_ids, region, found)
    title = fw.THEMES[theme]
    subtitle = f"Latest grades in England. {read.currency.short}"
    return {
        "currency": read.currency,
        "last_judged": fw.theme_last_judged(theme, today),
        "not_loaded_count": not_loaded_count(rows),
        "not_loaded_mark": NOT_LOADED_MARK[1],
        "rows": rows,
        "groups": grade_groups(rows),
        "key": key_entries(rows),
        "chosen_row": next((r for r in rows if r.role == "chosen"), None),
        "neighbour_count": len(neighbour_ids),
        "shows_demo": any(g.demo for g in latest.values()),
        "chart_data": [
            {
                "id": "hexmap",
                "figure": map_figure(rows, title, subtitle),
                "filename": f"ofsted-map-{theme}-{authority.slug}-{today.isoformat()}",
            }
        ],
    }
