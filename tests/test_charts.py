"""The compare page's charts and tables, called directly: rows read for drawing
(dashboards/charts.py), the figures (chart_figure.py, chart_layout.py, figures.py)."""

from datetime import date
from itertools import count
from types import SimpleNamespace

import pytest
from django.http import QueryDict

from authorities.models import LocalAuthority
from dashboards import catalogue, chart_figure, chart_layout, charts, figures
from dashboards.filters import JudgementFilter
from inspections import frameworks as fw
from inspections.models import Judgement, SourceDocument
from tests.factories import make_document, make_inspection, make_judgement

# --- What every figure shares (figures.py) ----------------------------------------------------


@pytest.mark.parametrize(
    "value, shown",
    [
        (
            'Children\'s services <Team> & "partners"',
            'Children\'s services &lt;Team&gt; &amp; "partners"',
        ),
        (3, "3"),
    ],
)
def test_text_typed_by_people_is_escaped_but_quotes_are_kept(value, shown):
    assert figures.text(value) == shown


def test_the_source_sits_at_the_left_under_its_plot_in_small_grey_type():
    assert figures.source_annotation("Source: Ofsted", 130, 260) == {
        "x": 0,
        "y": -0.5,  # 130 px under a 260 px plot: half the plot's height below it
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "showarrow": False,
        "text": "Source: Ofsted",
        "font": {"size": 10, "color": "#444"},
    }


@pytest.mark.parametrize("rows, source_top", [(0, 44), (1, 65), (3, 107)])
def test_the_source_starts_a_gap_under_the_legends_last_row(rows, source_top):
    # 34 px to the legend, 21 px a row, a 10 px gap; the source takes 52 px more.
    assert figures.below_plot(34, rows) == (source_top, source_top + 52)


def test_the_legend_lists_one_entry_a_row_under_the_plot():
    assert figures.legend_below(52, 260, font={"size": 11}) == {
        "orientation": "v",
        "x": 0,
        "y": -0.2,
        "yanchor": "top",
        "tracegroupgap": 0,
        "font": {"size": 11},
    }


def test_the_base_layout_escapes_its_title_and_subtitle_and_takes_its_height():
    layout = figures.base_layout(
        "Children & families",
        ["Hampshire <and> peers", "ILACS inspections"],
        margin={"t": 90},
        height=400,
        hovermode="x",
    )
    assert layout == {
        "title": {
            "text": "Children &amp; families",
            "subtitle": {"text": "Hampshire &lt;and&gt; peers<br>ILACS inspections"},
            "x": 0.01,
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": figures.FONT,
        "margin": {"t": 90},
        "hovermode": "x",  # `extra` replaces a part
        "height": 400,
    }


def test_without_a_height_the_figure_takes_its_containers():
    layout = figures.base_layout("Map", [], margin={})
    assert "height" not in layout
    assert layout["hovermode"] == "closest"
    assert layout["title"]["subtitle"]["text"] == ""


# --- The frame round the lines (chart_layout.py) ----------------------------------------------


def _era_band(start, end, fill):
    return {
        "type": "rect",
        "xref": "x",
        "yref": "y domain",
        "x0": start,
        "x1": end,
        "y0": 0,
        "y1": 1,
        "fillcolor": fill,
        "layer": "below",
        "line": {"width": 0},
    }


def _era_label(middle, framework):
    return {
        "x": middle,
        "y": 1.0,
        "yref": "paper",
        "yanchor": "bottom",
        "text": f"<b>{framework}</b>",
        "showarrow": False,
        "font": {"size": 12, "color": "#333"},
    }


def test_each_framework_era_is_shaded_in_turn_and_labelled_over_its_middle():
    shapes, labels = chart_layout.era_marks(date(2012, 1, 1), date(2020, 1, 1))
    # SLAC's era is cut to the chart's first day, ILACS's (still running) ends at its last.
    assert shapes == [
        _era_band("2012-01-01", "2012-05-31", "#e8e8e8"),
        _era_band("2012-06-01", "2013-11-10", "#f7f7f7"),
        _era_band("2013-11-11", "2017-12-31", "#e8e8e8"),
        _era_band("2018-01-01", "2020-01-01", "#f7f7f7"),
    ]
    assert labels == [
        _era_label("2012-03-16", "SLAC"),  # 75 of the 151 days in view
        _era_label("2013-02-19", "LAC"),
        _era_label("2015-12-06", "SIF"),
        _era_label("2019-01-01", "ILACS"),
    ]


def test_an_era_outside_the_range_is_not_drawn_and_the_others_keep_their_shade():
    shapes, labels = chart_layout.era_marks(date(2014, 1, 1), date(2016, 1, 1))
    assert shapes == [_era_band("2014-01-01", "2016-01-01", "#e8e8e8")]  # SIF's, the third
    assert labels == [_era_label("2015-01-01", "SIF")]


def _join_line(day):
    return {
        "type": "line",
        "yref": "y domain",
        "x0": day,
        "x1": day,
        "y0": 0,
        "y1": 1,
        "line": {"color": "#555", "dash": "dot", "width": 1.5},
    }


def test_a_join_is_a_dotted_line_labelled_under_the_not_judged_row_reading_into_the_plot():
    joins = [
        (
            date(2019, 4, 1),
            "Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019",
        ),
        (date(2012, 4, 1), "Telford & Wrekin → Shropshire, 1 Apr 2012"),
    ]
    shapes, labels, foot = chart_layout.join_marks(joins, date(2010, 1, 1), date(2022, 1, 1))
    assert shapes == [_join_line("2019-04-01"), _join_line("2012-04-01")]
    label = {"y": 5.25, "yanchor": "top", "showarrow": False, "font": {"size": 10, "color": "#333"}}
    assert labels == [
        # Right of the middle (2016): the label reads leftwards from its line.
        {
            **label,
            "x": "2019-04-01",
            "xanchor": "right",
            "align": "right",
            "text": "Bournemouth and Poole →<br>Bournemouth, Christchurch and<br>Poole, 1 Apr 2019",
        },
        {
            **label,
            "x": "2012-04-01",
            "xanchor": "left",
            "align": "left",
            "text": "Telford &amp; Wrekin → Shropshire, 1<br>Apr 2012",
        },
    ]
    # Two lines fit under the "Not judged" row (5) down to 5.95; the third needs 0.3 more.
    assert foot == pytest.approx(6.25)


def test_without_joins_the_axis_ends_under_the_not_judged_row():
    assert chart_layout.join_marks([], date(2010, 1, 1), date(2022, 1, 1)) == ([], [], 5.95)


def test_the_desktop_source_note_is_three_lines():
    assert chart_layout.source_note_lines(date(2026, 12, 2)) == [
        "Source: Ofsted inspection reports on local authority children's services,",
        "via Ofsted Compare. Drawn 2 December 2026.",
        "Grades in each framework's own words; 1-4 scale for drawing only.",
    ]


def test_the_phones_source_note_wraps_each_sentence_at_its_width():
    assert chart_layout.source_note_lines(date(2026, 12, 2), 46) == [
        "Source: Ofsted inspection reports on local",
        "authority children's services, via Ofsted",
        "Compare.",
        "Drawn 2 December 2026.",
        "Grades in each framework's own words; 1-4",
        "scale for drawing only.",
    ]


PHONE_SOURCE = (
    "Source: Ofsted inspection reports on local<br>authority children's services, via Ofsted"
    "<br>Compare.<br>Drawn 2 December 2026.<br>Grades in each framework's own words; 1-4"
    "<br>scale for drawing only."
)
MERGER = (
    date(2019, 4, 1),
    "Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019",
)


def _desktop(top, joins):
    """A desktop layout's parts that the phone's and print's changes read: four era labels, the
    joins' labels, then the source; a plot 260 px high under a `top` px margin."""
    return {
        "margin": {"t": top, "b": 138},
        "height": top + 260 + 138,
        "annotations": [{}] * (4 + len(joins) + 1),
    }


def test_the_phones_layout_wraps_the_subtitle_source_and_join_labels_and_staggers_the_eras():
    joins = [MERGER, (date(2021, 4, 1), "Northants → North and West, 1 Apr 2021")]
    subtitle = "Ofsted grades by inspection date: Telford & Wrekin and its statistical neighbours"
    # The desktop wrapped the subtitle in two lines (15 px more), the axis ends at 6.25.
    changes = chart_layout.compact_layout(
        _desktop(105, joins), subtitle, 4, date(2026, 12, 2), joins, 6.25
    )
    # Two subtitle lines on the phone (15 px and 14 px more than one line on the desktop), six of
    # source (three more, 45 px), and the four lines of the longest join's label.
    assert changes == {
        "title.yref": "container",
        "title.yanchor": "top",
        "title.y": pytest.approx(1 - 6 / 562),
        "title.font.size": 16,
        "title.subtitle.text": "Ofsted grades by inspection date: Telford &amp;"
        "<br>Wrekin and its statistical neighbours",
        "title.subtitle.font.size": 12,
        "margin.t": 90 + 29,
        "margin.b": 138 + 45,
        "height": 503 - 15 + 29 + 45,
        "yaxis.ticktext": [
            "Outstanding",
            "Good",
            "RI or<br>adequate",
            "Inadequate",
            "Not<br>judged",
        ],
        "legend.font.size": 11,
        "annotations[6].text": PHONE_SOURCE,
        # The second and fourth era labels one step higher.
        "annotations[1].yshift": 14,
        "annotations[3].yshift": 14,
        "annotations[4].text": "Bournemouth and<br>Poole → Bournemouth,"
        "<br>Christchurch and<br>Poole, 1 Apr 2019",
        "annotations[4].font.size": 9,
        "annotations[4].y": 5.45,
        "annotations[5].text": "Northants → North<br>and West, 1 Apr 2021",
        "annotations[5].font.size": 9,
        "annotations[5].y": 5.45,
        "yaxis.range": [pytest.approx(5.45 + 0.28 * 4 + 0.1), 0.5],
    }


def test_the_phone_keeps_the_desktops_deeper_axis_for_a_short_join_label():
    joins = [(date(2021, 4, 1), "Northants → West")]
    changes = chart_layout.compact_layout(
        _desktop(90, joins), "Hampshire", 4, date(2026, 12, 2), joins, 6.25
    )
    assert changes["yaxis.range"] == [6.25, 0.5]
    assert changes["annotations[4].text"] == "Northants → West"
    assert changes["height"] == 488 + 14 + 45  # one subtitle line: only the title's 14 px


def test_without_joins_the_phone_leaves_the_axis_alone():
    changes = chart_layout.compact_layout(_desktop(90, []), "Hampshire", 2, date(2026, 12, 2))
    assert "yaxis.range" not in changes
    assert [k for k in changes if k.startswith("annotations")] == [
        "annotations[4].text",
        "annotations[1].yshift",
    ]


@pytest.mark.parametrize("source, bottom", [(True, 107 + 6 * 15), (False, 107)])
def test_print_lays_the_phones_chart_beside_its_table_with_or_without_the_source(source, bottom):
    joins = [MERGER, (date(2021, 4, 1), "Northants → North and West, 1 Apr 2021")]
    layout = _desktop(105, joins)
    compact = chart_layout.compact_layout(layout, "Hampshire", 4, date(2026, 12, 2), joins, 6.25)
    changes = chart_layout.print_layout(layout, compact, 3, source=source)
    # Three legend rows: the source starts 34 + 3 x 21 + 10 = 107 px under the plot.
    foot, top = changes.pop("yaxis.range")
    assert top == 0.5
    assert changes == {
        **{k: v for k, v in compact.items() if k != "yaxis.range"},
        "width": 390,
        "height": compact["margin.t"] + 170 + bottom,
        "margin.b": bottom,
        "legend.y": -0.2,
        "annotations[6].y": pytest.approx(-107 / 170),
        "annotations[6].visible": source,
    }
    # Under the 170 px plot, the longest join label (four 11 px lines) has its 48 px.
    assert (foot - 5.45) / (foot - 0.5) * 170 == pytest.approx(4 * 11 + 4)


def test_print_keeps_the_phones_axis_when_it_leaves_room_enough():
    joins = [(date(2021, 4, 1), "Northants → West")]
    layout = _desktop(90, joins)
    compact = chart_layout.compact_layout(layout, "Hampshire", 4, date(2026, 12, 2), joins, 6.25)
    changes = chart_layout.print_layout(layout, compact, 1, source=True)
    assert changes["yaxis.range"] == [6.25, 0.5]
    assert changes["margin.b"] == 65 + 6 * 15


def test_print_without_joins_leaves_the_axis_alone():
    layout = _desktop(90, [])
    compact = chart_layout.compact_layout(layout, "Hampshire", 4, date(2026, 12, 2))
    assert "yaxis.range" not in chart_layout.print_layout(layout, compact, 1, source=True)


# --- A theme's lines (chart_figure.py) ---------------------------------------------------------

_ids = count(100)


def _authority(name):
    return SimpleNamespace(pk=next(_ids), name=name)


def _inspection(authority, day, framework="ILACS"):
    pk = next(_ids)
    return SimpleNamespace(
        pk=pk,
        start_date=day,
        authority=authority,
        get_framework_display=lambda: framework,
        get_absolute_url=lambda: f"/inspections/{pk}/",
    )


def _graded(inspection, score, words, owner=None, **judgement):
    judgement.setdefault("label", "Overall effectiveness")
    judgement.setdefault("area", "overall_effectiveness")
    judgement.setdefault("is_corrected", False)
    found = SimpleNamespace(score=score, grade_in_framework_words=words, **judgement)
    return charts.Entry(inspection, owner or inspection.authority, judgement=found)


def _gap(inspection, note, owner=None):
    return charts.Entry(inspection, owner or inspection.authority, note=note)


def test_the_hover_names_the_authority_framework_date_area_and_grade_and_links_the_inspection():
    telford = _authority("Telford & Wrekin")
    slac = _inspection(telford, date(2011, 6, 7), "SLAC")
    judged = _graded(
        slac,
        3,
        "Adequate",
        label="Overall <effectiveness>",
        area="safeguarding.overall_effectiveness",
    )
    assert chart_figure._hover(judged) == [
        "Telford &amp; Wrekin",
        "SLAC",
        "7 Jun 2011",
        "Safeguarding: Overall &lt;effectiveness&gt;",
        "Adequate",
        f"/inspections/{slac.pk}/",
    ]
    corrected = _graded(_inspection(telford, None), 4, "Inadequate", is_corrected=True)
    assert chart_figure._hover(corrected)[2:5] == [
        "undated",
        "Overall effectiveness",
        "Inadequate (corrected)",
    ]
    gap = _gap(slac, "SLAC did not grade adoption & more.")
    assert chart_figure._hover(gap)[3:5] == [
        "Not judged",
        "SLAC did not grade adoption &amp; more.",
    ]


def test_each_of_few_lines_has_its_own_colour_marker_and_dash_in_turn():
    assert chart_figure.looks([7, 8, 9]) == [
        {"colour": "#0072B2", "symbol": "circle", "dash": "solid"},
        {"colour": "#D55E00", "symbol": "square", "dash": "dash"},
        {"colour": "#009E73", "symbol": "diamond", "dash": "dot"},
    ]
    # Past the end of each list, each starts again on its own.
    assert chart_figure.style(7) == {"colour": "#0072B2", "symbol": "x", "dash": "dot"}


def test_with_many_lines_each_focus_line_takes_the_next_style():
    owners = list(range(10))
    looks = chart_figure.looks(owners, focus_ids=[8, 3])
    assert looks[3] == chart_figure.style(0)  # in drawing order, not the focus's order
    assert looks[8] == chart_figure.style(1)
    assert [i for i, look in enumerate(looks) if look == chart_figure.BACKGROUND] == [
        0, 1, 2, 4, 5, 6, 7, 9
    ]  # fmt: skip


def test_a_coloured_line_draws_its_grades_and_its_gaps_as_open_markers_on_the_not_judged_row():
    telford = _authority("Telford & Wrekin")
    slac = _gap(_inspection(telford, date(2011, 6, 27), "SLAC"), "SLAC judged no overall.")
    ilacs = _graded(_inspection(telford, date(2019, 4, 29)), 1, "Outstanding")
    lines = [(telford, "Telford & Wrekin", chart_figure.style(1))]
    traces = chart_figure.theme_figure("overall", [slac, ilacs], lines, [], "", date(2026, 12, 2))[
        "data"
    ]
    look = {"symbol": "square", "size": 11, "color": "#D55E00"}
    assert traces == [
        {
            "type": "scatter",
            "x": ["2011-06-27", "2019-04-29"],
            "y": [None, 1],  # the gap breaks the line
            "customdata": [chart_figure._hover(slac), chart_figure._hover(ilacs)],
            "hovertemplate": chart_figure.HOVER,
            "name": "Telford &amp; Wrekin",
            "legendgroup": str(telford.pk),
            "showlegend": True,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"color": "#D55E00", "dash": "dash", "width": 2},
            "marker": look,
        },
        {
            "type": "scatter",
            "x": ["2011-06-27"],
            "y": [5],
            "customdata": [chart_figure._hover(slac)],
            "hovertemplate": chart_figure.HOVER,
            "name": "Telford &amp; Wrekin: not judged",
            "legendgroup": str(telford.pk),  # hidden and shown with its line
            "showlegend": False,
            "mode": "markers",
            "marker": {**look, "symbol": "square-open"},
        },
    ]


def test_an_undated_inspection_is_listed_but_not_drawn():
    hampshire = _authority("Hampshire")
    dated = _graded(_inspection(hampshire, date(2019, 4, 29)), 2, "Good")
    undated = _graded(_inspection(hampshire, None), 4, "Inadequate")
    lines = [(hampshire, "Hampshire", chart_figure.style(0))]
    figure = chart_figure.theme_figure(
        "overall", [undated, dated], lines, [], "", date(2026, 12, 2)
    )
    (line,) = figure["data"]
    assert (line["x"], line["y"]) == (["2019-04-29"], [2])
    # 240 days before the first date drawn, 120 after today.
    assert figure["layout"]["xaxis"]["range"] == ["2018-09-01", "2027-04-01"]


def test_a_line_that_joins_another_runs_from_its_last_grade_to_their_first_after_it():
    poole, bcp = _authority("Poole"), _authority("BCP")
    poole_sif = _graded(_inspection(poole, date(2016, 5, 9), "SIF"), 3, "Requires improvement")
    poole_gap = _gap(_inspection(poole, date(2018, 3, 5)), "Not found.")
    bcp_before = _graded(_inspection(bcp, date(2015, 1, 5)), 2, "Good")
    bcp_first = _graded(_inspection(bcp, date(2021, 12, 6)), 4, "Inadequate")
    assert chart_figure._joining([poole_sif, poole_gap], [[bcp_before, bcp_first]]) == [
        (poole_sif, None),
        (poole_sif, 3),
        (bcp_first, 4),
    ]
    # Nothing to join from a line of gaps only, nor to a line with no grade after it.
    assert chart_figure._joining([poole_gap], [[bcp_first]]) == []
    assert chart_figure._joining([poole_sif], [[bcp_before]]) == []
    lines = [(poole, "Poole", chart_figure.style(0)), (bcp, "BCP", chart_figure.style(1))]
    entries = [bcp_before, poole_sif, poole_gap, bcp_first]
    figure = chart_figure.theme_figure(
        "overall", entries, lines, [], "", date(2026, 12, 2), {poole.pk: [bcp.pk]}
    )
    poole_line = figure["data"][0]
    assert poole_line["y"] == [3, None, None, 3, 4]
    assert poole_line["marker"]["size"] == [11, 11, 0, 0, 0]
    assert figure["data"][2]["marker"]["size"] == 11  # BCP joins nothing: one size for all


def _grey_lines():
    """Two grey lines, one with a gap, the other running into a coloured line."""
    a, b, c = _authority("Ashford & District"), _authority("Bexley"), _authority("Croydon")
    entries = [
        _graded(_inspection(a, date(2015, 3, 2), "SIF"), 2, "Good"),
        _gap(_inspection(a, date(2017, 5, 8), "SIF"), "Not found."),
        _graded(_inspection(a, date(2019, 6, 3)), 3, "Requires improvement to be good"),
        _graded(_inspection(b, date(2016, 1, 11), "SIF"), 4, "Inadequate"),
        _graded(_inspection(c, date(2020, 2, 3)), 1, "Outstanding"),
    ]
    back = chart_figure.BACKGROUND
    lines = [(a, "A", back), (b, "B", back), (c, "Croydon", chart_figure.style(0))]
    return entries, lines, {b.pk: [c.pk]}


def test_grey_lines_are_one_trace_broken_between_lines_and_at_gaps():
    entries, lines, continues = _grey_lines()
    a1, a2, a3, b1, c1 = entries
    traces = chart_figure.theme_figure(
        "overall", entries, lines, [], "", date(2026, 12, 2), continues
    )["data"]
    grey, gaps, croydon, key = traces

    def named(e):
        return [e.authority.name.replace("&", "&amp;"), e.inspection.get_absolute_url()]

    hover = "<b>%{customdata[0]}</b><br>%{text}<extra></extra>"
    common = {"type": "scatter", "legendgroup": "background", "showlegend": False}
    assert grey == {
        **common,
        # A's grade, its gap, its grade; B's grade, then B's last grade joined to Croydon's.
        "x": [
            "2015-03-02", None, "2019-06-03", None,
            "2016-01-11", None, "2016-01-11", "2020-02-03", None,
        ],
        "y": [2, None, 3, None, 4, None, 4, 1, None],
        "customdata": [
            named(a1), None, named(a3), None, named(b1), None, named(b1), named(c1), None
        ],
        "text": [
            "SIF · 2 Mar 2015 · Good", None,
            "ILACS · 3 Jun 2019 · Requires improvement to be good", None,
            "SIF · 11 Jan 2016 · Inadequate", None,
            "SIF · 11 Jan 2016 · Inadequate", "ILACS · 3 Feb 2020 · Outstanding", None,
        ],
        "hovertemplate": hover,
        "name": "grey lines",
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": "#a6a6a6", "width": 1},
        # The joining points are marked by the lines they join.
        "marker": {"color": "#a6a6a6", "size": [6, 0, 6, 0, 6, 0, 0, 0, 0]},
    }  # fmt: skip
    assert gaps == {
        **common,
        "x": ["2017-05-08"],
        "y": [5],
        "customdata": [named(a2)],
        "text": ["SIF · 8 May 2017 · Not judged"],
        "hovertemplate": hover,
        "name": "grey lines: not judged",
        "mode": "markers",
        "marker": {"color": "#a6a6a6", "symbol": "circle-open", "size": 6},
    }
    assert croydon["name"] == "Croydon"
    assert key == {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "name": "2 other authorities (grey; hover to name)",
        "legendgroup": "background",
        "mode": "lines+markers",
        "line": {"color": "#a6a6a6", "width": 1},
        "marker": {"size": 6, "color": "#a6a6a6"},
        "hoverinfo": "skip",
    }


def test_a_grey_line_running_into_an_authority_with_no_grades_in_view_ends_at_its_own():
    entries, lines, continues = _grey_lines()
    b = lines[1][0]
    nobody = max(owner.pk for owner, _, _ in lines) + 1  # a successor with nothing in view

    def grey(continues):
        return chart_figure.theme_figure(
            "overall", entries, lines, [], "", date(2026, 12, 2), continues
        )["data"][0]

    assert grey({b.pk: [nobody]}) == grey({})
    assert grey({b.pk: [*continues[b.pk], nobody]}) == grey(continues)


def test_a_coloured_line_running_into_an_authority_with_no_grades_in_view_ends_at_its_own():
    entries, lines, continues = _grey_lines()
    croydon = lines[2][0]
    nobody = max(owner.pk for owner, _, _ in lines) + 1

    def traces(continues):
        return chart_figure.theme_figure(
            "overall", entries, lines, [], "", date(2026, 12, 2), continues
        )["data"]

    assert traces({**continues, croydon.pk: [nobody]}) == traces(continues)


def test_the_grey_lines_key_takes_a_row_of_the_legend_as_a_coloured_line_does():
    entries, lines, continues = _grey_lines()
    a, b, croydon = lines

    def height(lines):
        figure = chart_figure.theme_figure("overall", entries, lines, [], "", date(2026, 12, 2))
        return figure["layout"]["height"]

    two_coloured = [(a[0], "A", chart_figure.style(1)), croydon]
    # Croydon and the grey key, or Croydon and A: two rows of the legend either way.
    assert height([a, b, croydon]) == height(two_coloured) > height([croydon])


def test_when_every_line_is_grey_the_key_counts_authorities_not_others():
    entries, lines, _ = _grey_lines()
    greys = [(owner, name, chart_figure.BACKGROUND) for owner, name, _ in lines]
    traces = chart_figure.theme_figure("overall", entries, greys, [], "", date(2026, 12, 2))["data"]
    assert [t["name"] for t in traces] == [
        "grey lines",
        "grey lines: not judged",
        "3 authorities (grey; hover to name)",
    ]
    # Without a gap among them, no trace of "Not judged" markers.
    judged = [e for e in entries if not e.is_gap]
    traces = chart_figure.theme_figure("overall", judged, greys, [], "", date(2026, 12, 2))["data"]
    assert [t["name"] for t in traces] == ["grey lines", "3 authorities (grey; hover to name)"]


def test_a_theme_figure_frames_its_lines_with_scale_eras_joins_source_and_layouts():
    hampshire, poole = _authority("Hampshire"), _authority("Poole")
    entries = [
        _gap(_inspection(hampshire, date(2011, 6, 27), "SLAC"), "SLAC judged no overall."),
        _graded(_inspection(poole, date(2016, 5, 9), "SIF"), 3, "Requires improvement"),
        _graded(_inspection(hampshire, date(2019, 4, 29)), 1, "Outstanding"),
    ]
    lines = [
        (hampshire, "Hampshire", chart_figure.style(0)),
        (poole, "Poole", chart_figure.style(1)),
    ]
    joins = [MERGER]
    subtitle = "Ofsted grades by inspection date: " + ", ".join(["Hampshire"] * 8)
    today = date(2026, 12, 2)
    figure = chart_figure.theme_figure("children_in_care", entries, lines, joins, subtitle, today)
    layout = figure["layout"]
    assert [t["name"] for t in figure["data"]] == ["Hampshire", "Hampshire: not judged", "Poole"]
    # From 240 days before the first inspection to 120 days after today.
    first, last = date(2010, 10, 30), date(2027, 4, 1)
    eras, era_labels = chart_layout.era_marks(first, last)
    join_lines, join_labels, foot = chart_layout.join_marks(joins, first, last)
    assert foot == pytest.approx(6.25)
    # Two legend rows: the source starts 34 + 2 x 21 + 10 = 86 px under the plot, and takes 52.
    source = figures.source_annotation("<br>".join(chart_layout.source_note_lines(today)), 86, 260)
    # The subtitle wraps in two lines: the plot starts 15 px lower.
    height = 105 + 260 + 138
    meta = layout.pop("meta")
    assert layout == {
        "title": {
            "text": "Children in care",
            "subtitle": {
                "text": "Ofsted grades by inspection date: Hampshire, Hampshire, Hampshire, "
                "Hampshire,<br>Hampshire, Hampshire, Hampshire, Hampshire"
            },
            "x": 0.01,
            # Hung from the top, clear of the era labels.
            "yref": "container",
            "yanchor": "top",
            "y": pytest.approx(1 - 10 / height),
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": figures.FONT,
        "margin": {"l": 20, "r": 20, "t": 105, "b": 138},
        "hovermode": "closest",
        "height": height,
        "legend": figures.legend_below(34, 260),
        "xaxis": {"type": "date", "range": ["2010-10-30", "2027-04-01"], "showgrid": False},
        "yaxis": {
            "range": [foot, 0.5],  # Outstanding at the top, room for the join's label below
            "tickvals": [1, 2, 3, 4, 5],
            "ticktext": [
                "Outstanding",
                "Good",
                "Requires improvement<br>or adequate",
                "Inadequate",
                "Not judged",
            ],
            "gridcolor": "#d0d0d0",
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        "shapes": [*eras, chart_layout.GAP_RULE, *join_lines],
        "annotations": [*era_labels, *join_labels, source],
    }
    compact = chart_layout.compact_layout(layout, subtitle, 4, today, joins, foot)
    assert meta == {
        "compact": compact,
        "print": chart_layout.print_layout(layout, compact, 2, source=True),
        "print_rest": chart_layout.print_layout(layout, compact, 2, source=False),
    }


def test_a_chart_with_nothing_to_draw_shows_the_eras_from_slacs_start_to_today():
    figure = chart_figure.theme_figure("overall", [], [], [], "Hampshire", date(2026, 12, 2))
    layout = figure["layout"]
    assert figure["data"] == []
    # 240 days before 1 June 2009, when SLAC began.
    assert layout["xaxis"]["range"] == ["2008-10-04", "2027-04-01"]
    assert "y" not in layout["title"]  # one subtitle line: the title keeps plotly's place
    assert layout["margin"] == {"l": 20, "r": 20, "t": 90, "b": 44 + 52}
    assert layout["yaxis"]["range"] == [5.95, 0.5]


# --- The rows of a theme's table (charts.py) ---------------------------------------------------


@pytest.mark.parametrize(
    "area, section",
    [
        ("safeguarding.overall_effectiveness", "Safeguarding"),
        ("looked_after_children.leadership_and_management", "Looked after children"),
        ("overall_effectiveness", ""),
        ("safeguarding", ""),  # a part's name alone is no area of it
        ("adoption.overall_effectiveness", ""),
    ],
)
def test_a_slac_area_is_placed_in_its_part_of_the_report(area, section):
    assert charts.area_section(area) == section


@pytest.mark.django_db
@pytest.mark.parametrize(
    "framework, start, theme, not_judged, note",
    [
        ("SLAC", date(2011, 6, 27), "overall", [], fw.THEME_GAP_NOTES[(fw.SLAC, "overall")]),
        # ILACS has a care leavers area, but judged it with children in care before 2023.
        (
            "ILACS",
            date(2019, 4, 29),
            "care_leavers",
            [],
            fw.THEME_GAP_NOTES[(fw.ILACS, "care_leavers")],
        ),
        (
            "FOCUSED_VISIT",
            date(2021, 3, 1),
            "overall",
            [],
            "Focused visit did not judge this theme.",
        ),
        (
            "SIF",
            date(2014, 7, 8),
            "adoption",
            ["adoption"],
            "The report printed this area as not judged.",
        ),
        (
            "SIF",
            date(2014, 7, 8),
            "adoption",
            [],
            "No grade for this area was found in the documents (or it is filtered out).",
        ),
        (
            "ILACS",
            date(2026, 5, 11),
            "overall",
            [],
            "Not judged under this framework from April 2026.",
        ),
    ],
)
def test_a_gap_says_why_the_inspection_has_no_grade_on_the_theme(
    hampshire, framework, start, theme, not_judged, note
):
    inspection = make_inspection(
        hampshire, framework=framework, start_date=start, not_judged=not_judged
    )
    assert charts._gap_note(inspection, theme, set()) == note


@pytest.mark.django_db
def test_a_judgement_filtered_out_of_the_rows_leaves_a_gap_that_may_be_filtered(hampshire):
    """The rows are the filterset's: filtered to the split children-in-care area (2023 on), an
    inspection's combined judgement of 2019 is left out, and its row says it may be."""
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    make_judgement(inspection, area="children_in_care_and_care_leavers", label="CiC and CL")
    owner_of, authorities = {hampshire.pk: hampshire.pk}, {hampshire.pk: hampshire}
    (entry,) = charts.theme_entries("children_in_care", [], [inspection], owner_of, authorities)
    assert entry.is_gap
    assert entry.note == (
        "No grade for this area was found in the documents (or it is filtered out)."
    )
    assert entry.note_number == 1


def _drawn(judgement):
    """A judgement as the page reads it, with its inspection."""
    values = [getattr(judgement, name, None) for name in charts.DrawnJudgement.fields()]
    drawn = charts.DrawnJudgement(*values)
    drawn.inspection = judgement.inspection
    return drawn


@pytest.mark.django_db
def test_a_themes_rows_run_in_date_order_and_number_their_notes_newest_first(
    hampshire, southampton, poole, bcp
):
    slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    sif = make_inspection(southampton, framework="SIF", start_date=date(2014, 7, 8),
                          not_judged=["overall_effectiveness"])  # fmt: skip
    poole_sif = make_inspection(poole, framework="SIF", start_date=date(2016, 5, 9))
    later = make_inspection(southampton, start_date=date(2019, 4, 29))
    same_day = make_inspection(hampshire, start_date=date(2019, 4, 29))
    missing = make_inspection(hampshire, start_date=date(2023, 6, 5))
    elsewhere = make_inspection(bcp, start_date=date(2022, 1, 10))
    judgements = [
        make_judgement(later, grade="requires_improvement"),
        make_judgement(same_day, grade="outstanding"),
        make_judgement(poole_sif, grade="inadequate"),
    ]
    inspections = [slac, sif, poole_sif, later, same_day, missing, elsewhere]
    # Poole is drawn on Hampshire's line here; BCP is not in view.
    owner_of = {hampshire.pk: hampshire.pk, southampton.pk: southampton.pk, poole.pk: hampshire.pk}
    authorities = {a.pk: a for a in (hampshire, southampton, poole)}
    entries = charts.theme_entries(
        "overall", [_drawn(j) for j in judgements], inspections, owner_of, authorities
    )
    assert [(e.inspection, e.owner, e.grade_words) for e in entries] == [
        (slac, hampshire, "Not judged"),
        (sif, southampton, "Not judged"),
        (poole_sif, hampshire, "Inadequate"),
        (same_day, hampshire, "Outstanding"),  # the same day: by the authority's name
        (later, southampton, "Requires improvement to be good"),
        (missing, hampshire, "Not judged"),
    ]
    # Newest first, the 2023 gap's reason is the table's first note.
    assert [(e.note_number, e.note) for e in entries if e.is_gap] == [
        (3, fw.THEME_GAP_NOTES[(fw.SLAC, "overall")]),
        (2, "The report printed this area as not judged."),
        (1, "No grade for this area was found in the documents (or it is filtered out)."),
    ]
    assert [e.section for e in entries] == [""] * 6


def test_the_table_lists_the_newest_first_then_by_authority_and_undated_last():
    a, b = _authority("Ashford"), _authority("Bexley")
    undated = _graded(_inspection(a, None), 2, "Good")
    b_2019 = _gap(_inspection(b, date(2019, 4, 29)), "Not found.")
    a_2019_gap = _gap(_inspection(a, date(2019, 4, 29)), "Not found.")
    a_2019 = _graded(_inspection(a, date(2019, 4, 29)), 2, "Good")
    a_2023 = _graded(_inspection(a, date(2023, 6, 5)), 1, "Outstanding")
    entries = [undated, b_2019, a_2019_gap, a_2019, a_2023]
    assert charts.newest_first(entries) == [a_2023, a_2019, a_2019_gap, b_2019, undated]


def test_with_many_lines_the_table_keeps_each_lines_latest_grade_the_focus_first():
    a, b, c = _authority("Ashford"), _authority("Bexley"), _authority("Croydon")
    a_2019 = _inspection(a, date(2019, 4, 29))
    a_gap = _gap(_inspection(a, date(2023, 6, 5)), "Not found.")
    a_rows = [_graded(a_2019, 2, "Good"), _graded(a_2019, 3, "Requires improvement to be good")]
    b_latest = _gap(_inspection(b, date(2021, 3, 1)), "Printed as not judged.")
    b_older = _gap(_inspection(b, date(2015, 2, 2), "SIF"), "Not found.")
    c_2018 = _graded(_inspection(c, date(2018, 9, 3)), 4, "Inadequate")
    c_2012 = _graded(_inspection(c, date(2012, 1, 9), "SLAC"), 3, "Adequate")
    entries = [c_2012, b_older, c_2018, b_latest, a_rows[0], a_rows[1], a_gap]
    rows = charts.latest_rows(entries, focus_owner=c.pk)
    # Ashford's latest graded inspection (both its rows), not its later gap; Bexley, graded on
    # none, its latest gap.
    assert [(e.inspection, e.judgement) for e in rows] == [
        (e.inspection, e.judgement) for e in (c_2018, b_latest, *a_rows)
    ]
    # The notes are numbered as this table reads, not as the full table did.
    assert rows[1].note_number == 1
    assert b_latest.note_number == 0  # the full table's row is left as it was
    assert [e.inspection for e in charts.latest_rows(entries)] == [
        e.inspection for e in (b_latest, *a_rows, c_2018)
    ]


@pytest.mark.parametrize(
    "members, name",
    [
        (["BCP"], "BCP"),
        (["Bournemouth", "BCP", "Poole"], "Bournemouth → Poole → BCP"),
    ],
)
def test_a_line_is_named_by_its_predecessors_then_its_owner(members, name):
    authorities = {n: _authority(n) for n in members}
    assert charts.line_name(authorities["BCP"], list(authorities.values())) == name


def test_joins_on_one_day_share_a_label_one_part_per_successor():
    day = date(2021, 4, 1)
    texts = charts.join_texts(
        [(day, "Poole", ["BCP"]), (day, "Northamptonshire", ["North", "West"])]
    )
    assert texts == [(day, "Poole → BCP; Northamptonshire → North and West, 1 Apr 2021")]


# --- Who is drawn, and the page (charts.py, through the page's filterset) ----------------------


def _filterset(**query):
    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    filterset = JudgementFilter(data, queryset=Judgement.objects.for_dashboard())
    assert filterset.is_valid(), filterset.errors
    return filterset


def _drawn_lines(filterset):
    inspections = list(filterset.inspections())
    rows = charts.read_judgements(filterset, inspections)
    return charts.drawn_lines(filterset, rows, inspections)


@pytest.fixture
def merger(poole, bcp, southampton):
    """Bournemouth and Poole, which became BCP on 1 April 2019, each inspected before; BCP and
    Southampton after."""
    bournemouth = LocalAuthority.objects.get(name="Bournemouth")
    for authority, framework, day, area in [
        (poole, "SLAC", date(2011, 10, 31), "safeguarding.overall_effectiveness"),
        (bournemouth, "SIF", date(2015, 3, 2), "help_and_protection"),
        (bcp, "ILACS", date(2021, 12, 6), "help_and_protection"),
        (southampton, "ILACS", date(2019, 11, 18), "help_and_protection"),
    ]:
        inspection = make_inspection(authority, framework=framework, start_date=day)
        make_judgement(inspection, area=area)
    return bournemouth


def test_chosen_authorities_are_drawn_first_then_the_others_by_name(
    merger, poole, bcp, southampton
):
    portsmouth = LocalAuthority.objects.get(name="Portsmouth")
    filterset = _filterset(authority=[bcp.slug, portsmouth.slug, southampton.slug])
    owner_of, continues, authorities, lines, joins, without = _drawn_lines(filterset)
    # Two predecessors with inspections: each keeps a line of its own, which runs into BCP's.
    assert owner_of == {merger.pk: merger.pk, poole.pk: poole.pk, bcp.pk: bcp.pk,
                        southampton.pk: southampton.pk}  # fmt: skip
    assert continues == {merger.pk: [bcp.pk], poole.pk: [bcp.pk]}
    assert [(owner, name) for owner, name, _ in lines] == [
        (bcp, "Bournemouth, Christchurch and Poole"),
        (southampton, "Southampton"),
        (merger, "Bournemouth"),
        (poole, "Poole"),
    ]
    assert [look for _, _, look in lines] == [chart_figure.style(i) for i in range(4)]
    assert joins == [
        (
            date(2019, 4, 1),
            "Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019",
        )
    ]
    assert without == [portsmouth]
    assert set(authorities) == {merger.pk, poole.pk, bcp.pk, southampton.pk, portsmouth.pk}


def test_a_predecessors_line_is_named_for_a_successor_with_no_inspection_in_view(poole, bcp):
    slac = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    make_judgement(slac, area="safeguarding.overall_effectiveness")
    owner_of, continues, authorities, lines, joins, without = _drawn_lines(_filterset(group=""))
    assert owner_of == {poole.pk: bcp.pk}
    assert continues == {}
    assert authorities[bcp.pk] == bcp
    assert [(owner, name) for owner, name, _ in lines] == [
        (bcp, "Poole → Bournemouth, Christchurch and Poole")
    ]
    assert joins == [(date(2019, 4, 1), "Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019")]
    assert without == []


def test_grey_lines_label_no_joins_and_the_focus_keeps_its_colour(merger, hampshire, poole, bcp):
    others = LocalAuthority.objects.filter(existed_until=None, region="South East")
    others = others.exclude(pk=hampshire.pk)[:8]
    for authority in [hampshire, *others]:
        make_judgement(make_inspection(authority, start_date=date(2022, 5, 9)))
    filterset = _filterset(authority=[hampshire.slug, bcp.slug, *(a.slug for a in others)])
    _, _, _, lines, joins, _ = _drawn_lines(filterset)
    coloured = [owner for owner, _, look in lines if not look.get("background")]
    assert coloured == [hampshire]
    assert joins == []  # BCP's and its predecessors' lines are grey


@pytest.mark.django_db
def test_judgements_of_an_inspection_not_in_view_are_read_with_it(hampshire):
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    judged = make_judgement(inspection, grade="requires_improvement")
    demo = make_document(kind=SourceDocument.Kind.DEMO_DATA)
    from_demo = make_judgement(inspection, area="help_and_protection", source_document=demo)
    rows = charts.read_judgements(_filterset(authority=hampshire.slug), [])
    by_pk = {j.pk: j for j in rows}
    assert set(by_pk) == {judged.pk, from_demo.pk}
    assert by_pk[judged.pk].inspection == inspection
    assert by_pk[judged.pk].inspection.authority.name == "Hampshire"
    assert by_pk[judged.pk].grade == "requires_improvement"
    assert not by_pk[judged.pk].from_demo  # no document at all: None, which says no as well
    assert by_pk[from_demo.pk].from_demo is True


@pytest.mark.django_db
def test_a_themes_table_counts_its_judgements_and_notes_the_inspections_that_did_not_judge_it(
    hampshire,
):
    for framework, day in [("ILACS", date(2019, 4, 29)), ("ILACS", date(2023, 5, 8))]:
        make_judgement(make_inspection(hampshire, framework=framework, start_date=day))
    slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    make_judgement(slac, area="safeguarding.overall_effectiveness")

    page = charts.compare_page(_filterset(authority=hampshire.slug), catalogue.read())

    [overall] = [chart for chart in page["charts"] if chart["theme"] == "overall"]
    assert overall["judged"] == 2
    assert overall["notes"] == [fw.THEME_GAP_NOTES[(fw.SLAC, "overall")]]
