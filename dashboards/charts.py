"""From judgements to what a page draws: one table and one Plotly figure per harmonised theme.

`theme_entries()` makes the rows of a theme's table (in date order; the table lists them
`newest_first()`): one per judgement on the theme, and one per graded inspection that has none,
carrying the reason (a framework that did not judge the theme, a judgement printed as not
judged, or one not found). `theme_figure()` draws exactly those rows, so the chart and the table
beside it cannot disagree.
"""

import html
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from authorities.models import LocalAuthority
from inspections import frameworks as fw
from inspections.models import AreaStatus, Framework, SourceDocument

from . import export

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
SOURCE = "Source: Ofsted inspection reports on local authority children's services"
# The figure's geometry in pixels (see theme_figure: legend and source are placed from these).
TOP_MARGIN_PX = 90
PLOT_HEIGHT_PX = 260
LEGEND_TOP_PX = 34  # below the date axis labels
LEGEND_ROW_PX = 21


@dataclass
class Entry:
    """One row of a theme's table: a judgement, or a graded inspection with none on the theme."""

    inspection: object
    owner: object
    judgement: object = None
    note: str = ""
    note_number: int = 0

    @property
    def date(self):
        return self.inspection.start_date

    @property
    def authority(self):
        return self.inspection.authority

    @property
    def is_gap(self):
        return self.judgement is None

    @property
    def section(self):
        return area_section(self.judgement.area) if self.judgement else ""

    @property
    def grade_words(self):
        return self.judgement.grade_in_framework_words if self.judgement else "Not judged"


SECTIONS = {"safeguarding": "Safeguarding", "looked_after_children": "Looked after children"}


def area_section(area_key):
    """The part of a SLAC or LAC report an area sits in ('Safeguarding'), or ''. SLAC printed
    'Overall effectiveness' twice, once per part."""
    section, _, rest = area_key.partition(".")
    return SECTIONS.get(section, "") if rest else ""


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


def lineage_lines(present_ids, edges, universe=None):
    """Who draws whom: ({authority id: line owner id}, {line owner id: [line owner ids]}).

    The first maps each authority with inspections in view to the authority whose line draws
    them; the second, each line that runs on into other lines at a join.

    A predecessor's inspections continue its successor's line when it is that successor's only
    predecessor with inspections in view and the successor is its only one in view (Poole on the
    line of Bournemouth, Christchurch and Poole), however many steps that takes. Where two
    predecessors with inspections merged (Bournemouth and Poole), or one split in two
    (Northamptonshire), no one line can hold them: each predecessor keeps a line of its own that
    runs into the line of each successor. `edges` maps an authority id to its successors' ids;
    `universe` is the set of ids in view, None when every authority is.
    """
    present = set(present_ids)
    behind = {}
    for old, news in edges.items():
        for new in news:
            behind.setdefault(new, []).append(old)

    def ahead(pk):
        return [s for s in edges.get(pk, []) if universe is None or s in universe]

    def has_inspections(pk, seen=frozenset()):
        if pk in present:
            return True
        seen = seen | {pk}
        return any(has_inspections(p, seen) for p in behind.get(pk, []) if p not in seen)

    def folds(pk):
        successors = ahead(pk)
        if len(successors) != 1:
            return False
        return [p for p in behind[successors[0]] if has_inspections(p)] == [pk]

    def owner(pk):
        seen = {pk}
        while folds(pk) and ahead(pk)[0] not in seen:
            pk = ahead(pk)[0]
            seen.add(pk)
        return pk

    owner_of = {pk: owner(pk) for pk in present}
    continues = {}
    for pk in set(owner_of.values()):
        into = list(dict.fromkeys(owner(s) for s in ahead(pk)))
        if into:
            continues[pk] = into
    return owner_of, continues


def drawn_lines(filterset, rows, inspections):
    """Who is drawn, for a valid filterset, its judgements `rows` and graded `inspections`:
    (owner_of, continues, authorities, lines, joins, without). `owner_of` and `continues` are
    `lineage_lines()`'s; `authorities` maps every id drawn to its LocalAuthority; `lines` is
    [(owner, name, look)] in drawing order (the authorities chosen first, then by name), `joins`
    [(date, text)] where a line passes to its successors, and `without` the authorities chosen
    that have no inspection in view."""
    edges = filterset.edges()
    authorities = {j.inspection.authority_id: j.inspection.authority for j in rows}
    authorities.update({i.authority_id: i.authority for i in inspections})
    chosen = filterset.chosen()
    universe = None
    if chosen is not None:
        authorities.update({a.pk: a for a in chosen})
        universe = filterset.authority_ids()
    present = {j.inspection.authority_id for j in rows} | {i.authority_id for i in inspections}
    owner_of, continues = lineage_lines(present, edges, universe)
    missing = {*owner_of.values(), *(pk for into in continues.values() for pk in into)}
    missing -= set(authorities)
    authorities.update(LocalAuthority.objects.in_bulk(missing))
    members = defaultdict(list)
    for authority_id in sorted(present, key=lambda pk: authorities[pk].name):
        members[owner_of[authority_id]].append(authorities[authority_id])
    order = [a.pk for a in chosen if a.pk in members] if chosen else []
    order += sorted((pk for pk in members if pk not in order), key=lambda pk: authorities[pk].name)
    focus = filterset.focus()
    focus_ids = {owner_of.get(focus.pk, focus.pk)} if focus else set()
    lines, joins = [], []
    for pk, look in zip(order, looks(order, focus_ids), strict=True):
        owner = authorities[pk]
        lines.append((owner, line_name(owner, members[pk]), look))
        if look.get("background"):
            continue  # a grey line's joins would crowd the chart's foot with labels
        for earlier in members[pk]:
            if earlier.pk != pk and earlier.existed_until:
                day = earlier.existed_until + timedelta(days=1)
                joins.append((day, earlier.name, [owner.name]))
        if pk in continues and owner.existed_until:
            day = owner.existed_until + timedelta(days=1)
            joins.append((day, owner.name, [authorities[s].name for s in continues[pk]]))
    drawn = {a.pk for pk in members for a in members[pk]} | set(members)
    without = [a for a in chosen or [] if a.pk not in drawn]
    return owner_of, continues, authorities, lines, join_texts(joins), without


def compare_page(filterset, found, csv_query):
    """Everything the compare page draws for a valid filterset: one chart and table per theme
    in view. `found` is the catalogue (`catalogue.read()`); `csv_query(theme)` the query string
    of a theme's CSV link."""
    today = timezone.localdate()
    rows = list(filterset.qs)
    inspections = list(filterset.inspections())
    owner_of, continues, authorities, lines, joins, without = drawn_lines(
        filterset, rows, inspections
    )
    shown = sorted(authorities.values(), key=lambda a: a.name)
    description = filterset.describe()
    subtitle = "Ofsted grades by inspection date: " + description
    chart_list, figures = [], []
    for theme in filterset.themes():
        entries = theme_entries(theme, rows, inspections, owner_of, authorities)
        chart_id = f"chart-{theme}"
        figures.append(
            {
                "id": chart_id,
                "figure": theme_figure(theme, entries, lines, joins, subtitle, today, continues),
                "filename": export.file_name(
                    filterset, today, kind="ofsted-chart", suffix="", theme=theme
                ),
            }
        )
        newest = newest_first(entries)
        not_loaded = found.for_theme(theme).not_loaded
        chart_list.append(
            {
                "id": chart_id,
                "theme": theme,
                "title": fw.THEMES[theme],
                "entries": newest,
                "judged": sum(not e.is_gap for e in entries),
                "notes": gap_notes(newest),
                "not_loaded": [(a, not_loaded[a.pk]) for a in shown if a.pk in not_loaded],
                "csv_query": csv_query(theme),
            }
        )
    return {
        "description": description,
        # Many lines: their list moves below the charts, folded, out of the reader's way.
        "many_lines": len(lines) > MANY_LINES,
        "focus": filterset.focus(),
        "charts": chart_list,
        "chart_data": figures,
        "lines": lines,
        "without_inspections": without,
        "judgement_count": len(rows),
        # The demo note only when demo grades are what the page shows.
        "shows_demo": any(
            j.source_document and j.source_document.kind == SourceDocument.Kind.DEMO_DATA
            for j in rows
        ),
    }


def join_texts(joins):
    """One label per join date from [(date, predecessor name, [successor names])]:
    'Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019'."""
    by_day = {}
    for day, old, new in joins:
        by_day.setdefault(day, {}).setdefault(tuple(new), []).append(old)
    texts = []
    for day in sorted(by_day):
        parts = [
            f"{' and '.join(sorted(olds))} → {' and '.join(news)}"
            for news, olds in by_day[day].items()
        ]
        texts.append((day, f"{'; '.join(parts)}, {day:%-d %b %Y}"))
    return texts


def source_annotation(source, top_px, plot_px):
    """The source of a figure (plotly text), `top_px` pixels below its plot of `plot_px`: under
    the legend, placed in pixels so that a legend of many rows never runs over it."""
    return {
        "x": 0,
        "y": -top_px / plot_px,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "text": source,
        "font": {"size": 10, "color": "#444"},
    }


def _gap_note(inspection, theme, themed_areas):
    area = fw.theme_area(inspection.framework, theme)
    note = fw.THEME_GAP_NOTES.get((inspection.framework, theme))
    if area is None or note:
        return note or f"{inspection.get_framework_display()} did not judge this theme."
    gap = inspection.gap_reason(area.key, judged_areas=themed_areas)
    if gap.status == AreaStatus.MISSING:  # the chart's rows are filtered: it may be left out
        return gap.sentence.removesuffix(".") + " (or it is filtered out)."
    return gap.sentence


def theme_entries(theme, judgements, inspections, owner_of, authorities):
    """The rows of a theme's table, in date order. `owner_of` maps authority id → line owner id;
    `authorities` maps id → LocalAuthority."""
    entries, judged = [], set()
    for j in judgements:
        if fw.area(j.framework, j.area).theme == theme:
            owner = authorities[owner_of[j.inspection.authority_id]]
            entries.append(Entry(j.inspection, owner, judgement=j))
            judged.add(j.inspection_id)
    for inspection in inspections:
        if inspection.pk in judged or inspection.authority_id not in owner_of:
            continue
        note = _gap_note(inspection, theme, set())
        owner = authorities[owner_of[inspection.authority_id]]
        entries.append(Entry(inspection, owner, note=note))
    entries.sort(key=lambda e: (e.date or date.min, e.authority.name, e.is_gap))
    # The notes are numbered in the order the table reads (newest first).
    notes = gap_notes(newest_first(entries))
    for e in entries:
        if e.is_gap:
            e.note_number = notes.index(e.note) + 1
    return entries


def newest_first(entries):
    """A theme's table rows: the latest inspection first, undated ones last."""
    return sorted(
        entries, key=lambda e: (-(e.date or date.min).toordinal(), e.authority.name, e.is_gap)
    )


def gap_notes(entries):
    """The distinct reasons for gaps among entries, in the order the entries give them."""
    return list(dict.fromkeys(e.note for e in entries if e.is_gap))


def text(value):
    """Text for a figure: plotly.js draws a subset of HTML (links, bold, line breaks) in hover
    text, legends, titles and annotations, so names and labels typed by people are escaped."""
    return html.escape(str(value), quote=False)


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


def line_name(owner, members):
    """'Poole → Bournemouth, Christchurch and Poole' when a line carries a predecessor."""
    earlier = [a.name for a in members if a.pk != owner.pk]
    return " → ".join([*earlier, owner.name]) if earlier else owner.name


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


def theme_figure(theme, entries, lines, joins, subtitle, today, continues=None):
    """A Plotly figure (as a dict for json_script) of one theme.

    `lines` is [(owner, name, style)] in drawing order; `joins` is [(date, text)] where a line
    passes from a predecessor to its successor; `continues` maps a line owner's id to the ids of
    the owners of the lines it runs into (see lineage_lines). The figure is plain dicts and lists in
    plotly.js's own schema: plotly's Python figure classes would validate every property on each
    request, which cost most of a page's time, and plotly.js needs no validated copy.
    """
    by_owner = {}
    for e in entries:
        if e.date:
            by_owner.setdefault(e.owner.pk, []).append(e)
    traces = []
    continues = continues or {}
    # Grey lines first, so that the coloured ones are drawn over them.
    for owner, name, look in sorted(lines, key=lambda line: not line[2].get("background")):
        into = [by_owner.get(pk, []) for pk in continues.get(owner.pk, [])]
        traces += _line_traces(name, owner, look, by_owner.get(owner.pk, []), into)
    greys = sum(1 for *_, look in lines if look.get("background"))
    if greys:
        traces.append(_background_key(greys, others=greys < len(lines)))
    dates = [e.date for e in entries if e.date]
    first = min(dates, default=date(2009, 6, 1)) - timedelta(days=240)
    last = max([*dates, today]) + timedelta(days=120)
    shapes, annotations = _era_marks(first, last)
    # The rule between the grade scale and the "Not judged" row.
    shapes.append(
        {
            "type": "line",
            "xref": "x domain",
            "x0": 0,
            "x1": 1,
            "y0": GAP_SCORE - 0.5,
            "y1": GAP_SCORE - 0.5,
            "line": {"color": "#999", "width": 1},
        }
    )
    # Room below the "Not judged" row for the longest join label (two lines fit).
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
        # Below the "Not judged" row, so that it hides no marker.
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
    # The legend lists one line per row under the plot and the source sits under the legend, both
    # placed in pixels from the count of lines: a wrapped legend can never run over the source.
    legend_rows = sum(1 for t in traces if t.get("showlegend", True))
    legend_top = LEGEND_TOP_PX
    source_top = legend_top + legend_rows * LEGEND_ROW_PX + 10
    bottom_margin = source_top + 52  # three lines of source
    eras = len([a for a in annotations if a.get("yref") == "paper"])
    annotations.append(
        source_annotation("<br>".join(_source_lines(today)), source_top, PLOT_HEIGHT_PX)
    )
    # A long statement of the filters wraps: plotly.js cuts a subtitle at the chart's edge.
    subtitle_lines = textwrap.wrap(subtitle, DESKTOP_CHARACTERS) or [""]
    top = TOP_MARGIN_PX + COMPACT_LINE_PX * (len(subtitle_lines) - 1)
    title = {
        "text": text(fw.THEMES[theme]),
        "subtitle": {"text": "<br>".join(text(line) for line in subtitle_lines)},
        "x": 0.01,
    }
    if len(subtitle_lines) > 1:  # hang the taller title block from the top, clear of the eras
        height = top + PLOT_HEIGHT_PX + bottom_margin
        title.update({"yref": "container", "yanchor": "top", "y": 1 - 10 / height})
    layout = {
        "title": title,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1b1b"},
        "margin": {"l": 20, "r": 20, "t": top, "b": bottom_margin},
        "height": top + PLOT_HEIGHT_PX + bottom_margin,
        "hovermode": "closest",
        "legend": {
            "orientation": "v",
            "x": 0,
            "y": -legend_top / PLOT_HEIGHT_PX,
            "yanchor": "top",
            "tracegroupgap": 0,
        },
        "xaxis": {
            "type": "date",
            "range": [first.isoformat(), last.isoformat()],
            "showgrid": False,
        },
        "yaxis": {
            "range": [bottom, 0.5],
            "tickvals": list(SCALE),
            "ticktext": list(SCALE.values()),
            "gridcolor": "#d0d0d0",
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        "shapes": shapes,
        "annotations": annotations,
    }
    layout["meta"] = {"compact": compact_layout(layout, subtitle, eras, today)}
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


def compact_layout(layout, subtitle, eras, today):
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
    return changes
