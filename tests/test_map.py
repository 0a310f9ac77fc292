"""England map: hexagon geometry, one hexagon per current authority, the latest grade drawn (its
own inspections, staff corrections, flags, a retired judgement) and the page around it."""

import json
import math
from datetime import date

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from authorities.models import LocalAuthority
from dashboards.catalogue import Catalogue, NotLoaded
from dashboards.figures import BAND_LOOK, SOURCE_LINES
from dashboards.hexmap import (
    MapRow,
    grade_groups,
    key_entries,
    map_page,
    map_rows,
    not_loaded_count,
    retired_notes,
)
from dashboards.map_figure import NEUTRAL, hex_centre, hex_corners, map_figure
from dashboards.peers import Graded
from inspections.models import SourceDocument
from tests.factories import make_document, make_inspection, make_judgement, make_publication
from tests.test_peers import _tables, graded

MAP = reverse("dashboards:map")


def test_a_hexagon_has_six_corners_at_its_radius_and_is_closed():
    corners = hex_corners(3, 4)
    cx, cy = hex_centre(3, 4)
    assert len(corners) == 7
    assert corners[0] == corners[-1]
    assert len(set(corners)) == 6
    assert all(math.isclose(math.dist((x, y), (cx, cy)), 1, abs_tol=1e-3) for x, y in corners)


def test_a_hexagons_corners_run_anticlockwise_from_the_lower_right_to_four_places():
    half = round(math.sqrt(3) / 2, 4)
    assert hex_corners(0, 0) == [
        (half, -0.5), (half, 0.5), (0, 1), (-half, 0.5), (-half, -0.5), (0, -1), (half, -0.5)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "here, there",
    [
        ((3, 4), (4, 4)),  # east, same row
        ((3, 4), (3, 5)),  # north-east: odd rows sit half a hexagon to the right
        ((3, 4), (2, 5)),  # north-west
        ((3, 5), (4, 6)),  # north-east of an odd row
        ((3, 5), (3, 6)),  # north-west of an odd row
    ],
)
def test_neighbouring_cells_share_an_edge(here, there):
    shared = set(hex_corners(*here)) & set(hex_corners(*there))
    assert len(shared) == 2
    assert math.isclose(math.dist(hex_centre(*here), hex_centre(*there)), math.sqrt(3))


def test_cells_two_apart_do_not_touch():
    assert not set(hex_corners(3, 4)) & set(hex_corners(5, 4))
    assert not set(hex_corners(3, 4)) & set(hex_corners(3, 6))


def _figure(response):
    return response.context["chart_data"][0]["figure"]


def _hovers(response):
    """{authority page path: hover text} from the hexagons' marks."""
    out = {}
    for trace in _figure(response)["data"]:
        for hover, url in trace.get("customdata", []):
            assert url not in out
            out[url] = hover
    return out


def _hexagon_band(response, authority):
    """The name of the mark trace (its band's label) that holds the authority's hexagon."""
    url = authority.get_absolute_url()
    names = [
        t["name"]
        for t in _figure(response)["data"]
        if any(c[1] == url for c in t.get("customdata", []))
    ]
    assert len(names) == 1
    return names[0]


def _row(response, authority):
    rows = [r for r in _tables(response)["map-table"] if r[0].startswith(authority.name)]
    assert len(rows) == 1
    return rows[0]


def test_each_current_authority_is_drawn_once_and_no_predecessor(client, authorities):
    response = client.get(MAP)
    hovers = _hovers(response)
    current = LocalAuthority.objects.current()
    assert set(hovers) == {a.get_absolute_url() for a in current}
    former = LocalAuthority.objects.exclude(existed_until=None)
    assert not {a.get_absolute_url() for a in former} & set(hovers)
    # and each once in the table, under "no graded inspection" when none is in the data
    table = _tables(response)["map-table"]
    assert sum(len(r) > 1 for r in table[1:]) == current.count()


def test_colour_follows_the_latest_inspection_that_graded_the_theme(client, hampshire):
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)), grade="good")
    newer = make_inspection(hampshire, start_date=date(2024, 6, 10))
    make_judgement(newer, area="help_and_protection", label="Help", grade="inadequate")
    make_inspection(hampshire, framework="FOCUSED_VISIT", start_date=date(2025, 1, 6))

    overall = client.get(MAP, {"theme": "overall"})
    assert _hexagon_band(overall, hampshire) == "Good"
    assert _row(overall, hampshire)[1:4] == ["Good", "29 Apr 2019", "ILACS"]
    assert "Inspection of 29 Apr 2019" in _hovers(overall)[hampshire.get_absolute_url()]

    help_ = client.get(MAP, {"theme": "help_and_protection"})
    assert _hexagon_band(help_, hampshire) == "Inadequate"
    assert _row(help_, hampshire)[1:4] == ["Inadequate", "10 Jun 2024", "ILACS"]


def test_the_grade_is_said_in_its_frameworks_words_and_links_its_inspection(client, southampton):
    inspection = make_inspection(southampton, start_date=date(2022, 3, 7))
    make_judgement(inspection, grade="requires_improvement")
    response = client.get(MAP, {"authority": "southampton"})
    hover = _hovers(response)[southampton.get_absolute_url()]
    assert "Requires improvement to be good" in hover
    assert inspection.get_absolute_url() in response.content.decode()
    assert _hexagon_band(response, southampton) == "Requires improvement or adequate"


def test_a_predecessors_grade_is_not_drawn_on_its_successor(client, poole, bcp):
    make_judgement(make_inspection(poole, start_date=date(2018, 3, 5)), grade="inadequate")
    response = client.get(MAP)
    assert _hexagon_band(response, bcp) == "No graded inspection in this theme"
    assert "No graded inspection in this theme" in _hovers(response)[bcp.get_absolute_url()]


def test_a_staff_correction_wins_and_is_said(client, hampshire, staff_user):
    judgement = make_judgement(make_inspection(hampshire), grade="good")
    judgement.correct(grade="inadequate", reason="Misread table", user=staff_user)
    response = client.get(MAP)
    assert _hexagon_band(response, hampshire) == "Inadequate"
    assert _row(response, hampshire)[1].startswith("Inadequate corrected by staff")
    assert "Corrected by staff" in _hovers(response)[hampshire.get_absolute_url()]


def test_a_grade_flagged_for_review_is_marked(client, hampshire):
    make_judgement(make_inspection(hampshire), grade="good", needs_review=True)
    response = client.get(MAP)
    assert "needs review" in _row(response, hampshire)[1]
    assert "Needs review" in _hovers(response)[hampshire.get_absolute_url()]


def test_a_theme_no_longer_judged_keeps_the_last_grade_and_says_why(client, hampshire):
    make_judgement(make_inspection(hampshire, start_date=date(2021, 5, 10)), grade="good")
    later = make_inspection(hampshire, start_date=date(2026, 5, 11))
    make_judgement(later, area="help_and_protection", label="Help", grade="good")
    response = client.get(MAP)
    note = "Not judged under this framework from April 2026 (inspection of 11 May 2026)"
    grade = _row(response, hampshire)[1]
    assert grade.startswith("Good")
    assert note in grade
    assert note in _hovers(response)[hampshire.get_absolute_url()]


def test_the_chosen_authority_and_its_neighbours_are_outlined(client, hampshire):
    response = client.get(MAP, {"authority": "southampton"})
    outlines = {t["name"]: t for t in _figure(response)["data"] if t["name"] in ("chosen",)}
    assert len([t for t in _figure(response)["data"] if t["name"] == "neighbour"]) == 2
    southampton = LocalAuthority.objects.get(slug="southampton")
    xs = outlines["chosen"]["x"]
    assert xs[:7] == [x for x, _ in hex_corners(southampton.hex_q, southampton.hex_r)]
    table = _tables(response)["map-table"]
    assert sum("neighbour" in r[0] for r in table[1:] if len(r) > 1) == 10
    assert [r[0] for r in table if "chosen" in r[0]] == ["Southampton chosen"]


def test_the_inadequate_group_lists_exactly_the_inadequate(client, hampshire, southampton):
    make_judgement(
        make_inspection(southampton), area="help_and_protection", label="H", grade="inadequate"
    )
    make_judgement(make_inspection(hampshire), area="help_and_protection", label="H", grade="good")
    response = client.get(MAP, {"theme": "help_and_protection"})
    table = _tables(response)["map-table"]
    start = table.index(["Inadequate: 1 authority"])
    assert table[start + 1][0] == "Southampton"
    assert table[start + 2] == ["Requires improvement or adequate: 0 authorities"]


def test_a_region_narrows_the_table_not_the_map(client, hampshire):
    response = client.get(MAP, {"region": "London"})
    rows = [r for r in _tables(response)["map-table"] if len(r) > 1][1:]
    london = LocalAuthority.objects.current().filter(region="London")
    assert sorted(r[0] for r in rows) == sorted(a.name for a in london)
    assert len(_hovers(response)) == LocalAuthority.objects.current().count()


def test_the_page_names_the_theme(client, authorities):
    response = client.get(MAP, {"theme": "help_and_protection"})
    html = response.content.decode()
    assert "<h1>England at a glance: Help and protection</h1>" in html
    assert "<title>England map: Help and protection" in html
    assert _figure(response)["layout"]["title"]["text"] == "Help and protection"


def test_unknown_parameters_are_ignored_and_bad_ones_reported(client, hampshire):
    make_judgement(make_inspection(hampshire), grade="good")
    plain = client.get(MAP)
    tagged = client.get(MAP, {"utm_source": "email"})
    assert _tables(plain) == _tables(tagged)
    assert tagged["X-Page-Cache"] == "hit"
    wrong = client.get(MAP, {"theme": "everything"})
    assert wrong.status_code == 200
    assert "Select a valid choice" in wrong.content.decode()
    assert "map-table" not in _tables(wrong)


def test_query_count_does_not_grow_with_the_data(
    client, hampshire, django_assert_num_queries, django_assert_max_num_queries
):
    client.get(MAP)  # warm what is read once per process
    with django_assert_max_num_queries(12) as before:
        client.get(MAP, {"theme": "leadership", "region": "London"})
    for authority in LocalAuthority.objects.current()[:40]:
        inspection = make_inspection(authority, start_date=date(2023, 1, 9))
        make_judgement(inspection, grade="good")
        make_judgement(inspection, area="impact_of_leaders", label="L", grade="inadequate")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(MAP, {"theme": "leadership", "region": "London"})
    assert response.status_code == 200


def test_names_are_escaped_in_the_figure(client, hampshire):
    LocalAuthority.objects.filter(pk=hampshire.pk).update(name="Hamp<b>shire</b>")
    response = client.get(MAP)
    figure = json.dumps(_figure(response))
    assert "Hamp<b>" not in figure
    assert "Hamp&lt;b&gt;shire&lt;/b&gt;" in figure


def test_the_figure_is_valid_plotly(client, hampshire):
    make_judgement(make_inspection(hampshire), grade="outstanding")
    go.Figure(_figure(client.get(MAP)))  # raises on any property plotly.js does not know


# The figure and the table's rows, called directly on a few authorities of the South East.


def _place(pk, name, code, q, r, region="South East"):
    slug = name.lower().replace(" ", "-")
    return LocalAuthority(pk=pk, name=name, slug=slug, short_code=code, hex_q=q, hex_r=r,
                          region=region)  # fmt: skip


HAMPSHIRE = _place(1, "Hampshire", "HAM", 2, 4)
SOUTHAMPTON = _place(2, "Southampton", "STH", 3, 4)
WIGHT = _place(3, "Isle of Wight", "IOW", 2, 3)
RUTLAND = _place(4, "Rutland", "RUT", 4, 9, region="East Midlands")
URL = "https://files.ofsted.gov.uk/v1/file/"
RETIRED = "Not judged under this framework from April 2026 (inspection of 11 May 2026)"


def _map_rows():
    """Hampshire chosen, good, corrected and flagged; Southampton a neighbour, inadequate, with a
    newer report not loaded; the Isle of Wight a neighbour without a grade, its report refused;
    Rutland outstanding, outside the region, its theme no longer judged."""
    return [
        MapRow(HAMPSHIRE, graded(1, "good", date(2019, 4, 29)), "chosen", True, True),
        MapRow(SOUTHAMPTON, graded(2, "inadequate", date(2022, 3, 7)), "neighbour",
               missing=NotLoaded(date(2024, 5, 1), f"{URL}1", "Not fetched")),
        MapRow(WIGHT, None, "neighbour",
               missing=NotLoaded(date(2023, 2, 6), f"{URL}2", "Refused", "x.pdf: not a PDF")),
        MapRow(RUTLAND, graded(4, "outstanding", date(2019, 6, 10)), retired=RETIRED,
               in_region=False),
    ]  # fmt: skip


def _centre(authority):
    x, y = hex_centre(authority.hex_q, authority.hex_r)
    return round(x, 4), round(y, 4)


def _outline_of(*authorities):
    xs, ys = [], []
    for a in authorities:
        corners = hex_corners(a.hex_q, a.hex_r)
        xs += [x for x, _ in corners] + [None]
        ys += [y for _, y in corners] + [None]
    return xs, ys


def _traces(figure, name):
    return [t for t in figure["data"] if t["name"] == name]


def test_each_band_is_filled_in_its_colour_and_the_rest_of_england_paler():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    fills = [t for t in figure["data"] if t.get("fill") == "toself"]
    assert [(t["name"], t["fillcolor"], t["opacity"]) for t in fills] == [
        ("Inadequate", BAND_LOOK["inadequate"][0], 1),
        ("Good", BAND_LOOK["good"][0], 1),
        ("Outstanding", BAND_LOOK["outstanding"][0], 0.3),  # outside the chosen region
        ("No graded inspection in this theme", NEUTRAL[0], 1),
    ]
    xs, ys = _outline_of(SOUTHAMPTON)
    assert fills[0] == {
        "type": "scatter", "mode": "lines", "x": xs, "y": ys, "fill": "toself",
        "fillcolor": BAND_LOOK["inadequate"][0], "line": {"color": "#fff", "width": 1},
        "opacity": 1, "hoverinfo": "skip", "showlegend": False, "name": "Inadequate",
    }  # fmt: skip
    # A hexagon without a grade is edged in grey, to be told from the white paper.
    assert fills[3]["line"] == {"color": NEUTRAL[2], "width": 1}
    assert (fills[3]["x"], fills[3]["y"]) == _outline_of(WIGHT)


def test_the_chosen_authority_and_its_neighbours_are_outlined_over_a_white_halo():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    xs, ys = _outline_of(HAMPSHIRE)
    halo, line = _traces(figure, "chosen")
    assert halo == {"type": "scatter", "mode": "lines", "x": xs, "y": ys,
                    "line": {"color": "#fff", "width": 6.0, "dash": "solid"},
                    "hoverinfo": "skip", "showlegend": False, "name": "chosen"}  # fmt: skip
    assert line["line"] == {"color": "#0b0c0c", "width": 3.5, "dash": "solid"}
    halo, line = _traces(figure, "neighbour")
    assert (halo["x"], halo["y"]) == (line["x"], line["y"]) == _outline_of(SOUTHAMPTON, WIGHT)
    assert halo["line"] == {"color": "#fff", "width": 4.5, "dash": "solid"}
    assert line["line"] == {"color": "#0b0c0c", "width": 2, "dash": "dot"}
    # the outlines over the fills, the marks over both
    names = [t["name"] for t in figure["data"]]
    assert names.index("chosen") > names.index("No graded inspection in this theme")
    assert names.index("neighbour") < names.index("Inadequate", names.index("neighbour"))


def test_no_outline_is_drawn_without_a_chosen_authority_or_neighbours():
    rows = [MapRow(RUTLAND, None)]
    figure = map_figure(rows, "Adoption", "Latest grades in England.")
    name = "No graded inspection in this theme"
    assert [t["name"] for t in figure["data"]] == [name, name, f"{name}: labels"]
    assert figure["layout"]["annotations"][0]["text"].startswith("Source:")


def test_each_hexagon_carries_its_bands_mark_and_its_label_under_it():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    x, y = _centre(SOUTHAMPTON)
    mark, labels = _traces(figure, "Inadequate")[1], _traces(figure, "Inadequate: labels")[0]
    hover = (
        "<b>Southampton</b><br><b>Inadequate</b> (ILACS)<br>Inspection of 7 Mar 2022<br>"
        "<b>▲ A newer report (published 1 May 2024) is not loaded</b><br>(not fetched)<br>"
        "Statistical neighbour"
    )
    assert mark == {
        "type": "scatter", "mode": "markers", "name": "Inadequate",
        "x": [x], "y": [round(y + 0.42, 4)],
        "marker": {"symbol": "x-thin-open", "size": 7, "color": "#fff",
                   "line": {"color": "#fff", "width": 1.5}},
        "customdata": [[hover, "/authorities/southampton/"]],
        "hovertemplate": "%{customdata[0]}<extra></extra>",
        "showlegend": False,
    }  # fmt: skip
    assert labels == {
        "type": "scatter", "mode": "text", "name": "Inadequate: labels",
        "x": [x], "y": [round(y - 0.3, 4)], "text": ["STH"], "textposition": "middle center",
        "textfont": {"size": 9, "color": "#fff"}, "hoverinfo": "skip", "showlegend": False,
    }  # fmt: skip
    marks = {t["name"]: t["marker"]["symbol"] for t in figure["data"] if t["mode"] == "markers"}
    assert marks == {
        "Inadequate": "x-thin-open",
        "Good": "circle",
        "Outstanding": "star",
        "No graded inspection in this theme": "circle",
        "A newer report is not loaded: the grade may be out of date": "triangle-up",
    }
    assert _traces(figure, "Good")[1]["marker"]["color"] == BAND_LOOK["good"][2]


def test_a_hexagon_without_a_grade_has_an_invisible_mark_to_hover_and_its_label_in_the_middle():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    name = "No graded inspection in this theme"
    mark = [t for t in _traces(figure, name) if t["mode"] == "markers"][0]
    labels = _traces(figure, f"{name}: labels")[0]
    x, y = _centre(WIGHT)
    assert mark["marker"] == {"symbol": "circle", "size": 8, "color": "rgba(0,0,0,0)",
                              "line": {"width": 0}}  # fmt: skip
    assert mark["customdata"] == [[
        "<b>Isle of Wight</b><br>No graded inspection in this theme<br>"
        "<b>▲ Its newest report (published 6 Feb 2023) is not loaded</b><br>"
        "(refused: x.pdf: not a PDF)<br>Statistical neighbour",
        "/authorities/isle-of-wight/",
    ]]  # fmt: skip
    assert (labels["x"], labels["y"], labels["text"]) == ([x], [y], ["IOW"])
    assert labels["textfont"] == {"size": 9, "color": NEUTRAL[2]}


def test_the_hover_says_a_correction_a_flag_and_a_theme_no_longer_judged():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    hovers = {url: hover for t in figure["data"] for hover, url in t.get("customdata", [])}
    assert hovers["/authorities/hampshire/"] == (
        "<b>Hampshire</b><br><b>Good</b> (ILACS)<br>Inspection of 29 Apr 2019<br>"
        "Corrected by staff<br>Needs review"
    )
    assert hovers["/authorities/rutland/"] == (
        f"<b>Rutland</b><br><b>Outstanding</b> (ILACS)<br>Inspection of 10 Jun 2019<br>{RETIRED}"
    )


def test_a_grade_of_an_area_no_longer_judged_says_when_it_was_last():
    adoption = Graded(4, 1, "SIF", "adoption", "outstanding", date(2014, 6, 2))
    rows = [MapRow(RUTLAND, adoption)]
    figure = map_figure(rows, "Adoption", "Latest grades in England.")
    ((hover, _),) = _traces(figure, "Outstanding")[1]["customdata"]
    assert hover == (
        "<b>Rutland</b><br><b>Outstanding</b> (SIF)<br>Inspection of 2 Jun 2014<br>"
        "Last judged under SIF, to 2018"
    )


def test_the_chosen_authoritys_label_is_white_on_black_and_not_in_the_labels():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    x, y = _centre(HAMPSHIRE)
    chosen, source = figure["layout"]["annotations"]
    assert chosen == {
        "x": x, "y": round(y - 0.3, 4), "xref": "x", "yref": "y", "text": "<b>HAM</b>",
        "showarrow": False, "font": {"size": 11, "color": "#fff"}, "bgcolor": "#0b0c0c",
        "borderpad": 1,
    }  # fmt: skip
    labels = _traces(figure, "Good: labels")[0]
    assert (labels["x"], labels["y"], labels["text"]) == ([], [], [])
    assert source["text"] == f"{SOURCE_LINES},<br>via Ofsted Compare. Hex layout: ODI Leeds."
    assert (source["y"], source["yshift"]) == (0, -6)


def test_a_chosen_authority_without_a_grade_has_its_label_in_the_middle():
    rows = [MapRow(WIGHT, None, "chosen")]
    (chosen, _) = map_figure(rows, "Overall effectiveness", "Latest")["layout"]["annotations"]
    assert (chosen["x"], chosen["y"]) == _centre(WIGHT)


def test_a_newer_report_is_marked_at_the_top_right_of_a_graded_hexagon_only():
    figure = map_figure(_map_rows(), "Overall effectiveness", "Latest grades in England.")
    (mark,) = _traces(figure, "A newer report is not loaded: the grade may be out of date")
    x, y = hex_centre(SOUTHAMPTON.hex_q, SOUTHAMPTON.hex_r)
    assert (mark["x"], mark["y"]) == ([round(x + 0.55, 4)], [round(y + 0.42, 4)])
    assert mark == {
        "type": "scatter", "mode": "markers",
        "name": "A newer report is not loaded: the grade may be out of date",
        "x": [round(x + 0.55, 4)], "y": [round(y + 0.42, 4)],
        "marker": {"symbol": "triangle-up", "size": 8, "color": "#0b0c0c",
                   "line": {"color": "#fff", "width": 1.5}},
        "customdata": [[_traces(figure, "Inadequate")[1]["customdata"][0][0],
                        "/authorities/southampton/"]],
        "hovertemplate": "%{customdata[0]}<extra></extra>",
        "showlegend": False,
    }  # fmt: skip


def test_neighbours_are_outlined_without_a_chosen_authority():
    figure = map_figure([MapRow(WIGHT, None, "neighbour")], "Adoption", "Latest grades")
    assert [t["line"]["dash"] for t in _traces(figure, "neighbour")] == ["solid", "dot"]


def test_the_map_fits_its_hexagons_with_a_margin_and_keeps_them_regular():
    subtitle = "Latest grades in England. Reports published to 1 December 2026, as Ofsted lists"
    layout = map_figure(_map_rows(), "Overall effectiveness", subtitle)["layout"]
    half = math.sqrt(3) / 2
    left = round(math.sqrt(3) * 2 - half, 4)  # Hampshire's west edge
    right = round(math.sqrt(3) * 4.5 + half, 4)  # Rutland's east edge
    assert layout["xaxis"] == {
        "visible": False,
        "fixedrange": True,
        "range": [pytest.approx(left - 0.3), pytest.approx(right + 0.3)],
    }
    assert layout["yaxis"] == {"visible": False, "fixedrange": True,
                               "range": [pytest.approx(3.2), pytest.approx(14.8)],
                               "scaleanchor": "x"}  # fmt: skip
    assert layout["margin"] == {"l": 4, "r": 4, "t": 64, "b": 56}
    assert (layout["hoverdistance"], layout["dragmode"], layout["showlegend"]) == (30, False, False)
    assert layout["title"]["text"] == "Overall effectiveness"
    assert layout["title"]["subtitle"]["text"] == subtitle
    # On a phone the subtitle is wrapped and the labels shrink.
    assert layout["meta"] == {
        "compact": {
            "title.subtitle.text": "Latest grades in England. Reports published to<br>"
            "1 December 2026, as Ofsted lists",
            "margin.t": 64 + 15,
            "annotations[0].font.size": 7.5,
        },
        "restyle": {"textfont.size": 6.5},
    }


def test_on_a_phone_a_map_without_a_chosen_label_changes_no_annotation():
    layout = map_figure([MapRow(RUTLAND, None)], "Adoption", "Latest grades")["layout"]
    assert layout["meta"]["compact"] == {"title.subtitle.text": "Latest grades", "margin.t": 64}


def test_an_empty_map_has_no_figure():
    assert map_figure([], "Adoption", "Latest grades") == {"data": [], "layout": {}}


def test_retired_notes_name_the_newest_inspection_since_the_latest_grade():
    latest = {1: graded(1, "good", date(2021, 5, 10)), 5: graded(5, "good", date(2026, 6, 1))}
    inspections = [
        (1, "ILACS", date(2026, 9, 7)),
        (1, "ILACS", date(2026, 5, 11)),
        (2, "ILACS", date(2026, 5, 11)),  # never graded on the theme
        (3, "ILACS", date(2026, 3, 30)),  # before April 2026: still judged
        (4, "FOCUSED_VISIT", date(2026, 6, 1)),  # judges no theme
        (5, "ILACS", date(2026, 6, 1)),  # the grade's own inspection
    ]
    note = "Not judged under this framework from April 2026"
    assert retired_notes("overall", inspections, latest) == {
        1: f"{note} (inspection of 7 Sep 2026)",
        2: f"{note} (inspection of 11 May 2026)",
    }
    assert retired_notes("help_and_protection", inspections, latest) == {}


def test_map_rows_are_by_name_with_their_role_flags_region_and_newer_report():
    latest = {1: graded(1, "good", date(2019, 4, 29)), 2: graded(2, "inadequate", date(2022, 3, 7))}
    flags = {
        (latest[1].inspection_id, "overall"): (True, False),
        (latest[2].inspection_id, "overall"): (False, True),
    }
    newer = NotLoaded(date(2024, 5, 1), f"{URL}1", "Not fetched")
    older = NotLoaded(date(2018, 5, 1), f"{URL}2", "Not fetched")
    found = Catalogue(not_loaded={2: newer, 1: older})
    rows = map_rows([SOUTHAMPTON, RUTLAND, HAMPSHIRE], latest, flags, {4: RETIRED}, SOUTHAMPTON,
                    {1}, "South East", found)  # fmt: skip
    assert [
        (r.authority.name, r.role, r.flagged, r.corrected, r.retired, r.in_region, r.missing)
        for r in rows
    ] == [
        ("Hampshire", "neighbour", True, False, "", True, None),
        ("Rutland", "", False, False, RETIRED, False, None),
        ("Southampton", "chosen", False, True, "", True, newer),
    ]
    assert [r.band for r in rows] == ["good", "none", "inadequate"]
    everywhere = map_rows([RUTLAND], {}, {}, {}, SOUTHAMPTON, set())
    assert (everywhere[0].in_region, everywhere[0].missing) == (True, None)


def test_groups_list_worst_first_and_only_the_region_while_the_key_counts_all():
    rows = _map_rows()
    groups = grade_groups(rows)
    assert [(band, label, [r.authority.name for r in mine]) for band, label, mine in groups] == [
        ("inadequate", "Inadequate", ["Southampton"]),
        ("requires_improvement", "Requires improvement or adequate", []),
        ("good", "Good", ["Hampshire"]),
        ("outstanding", "Outstanding", []),  # Rutland: outside the region
        ("none", "No graded inspection in this theme", ["Isle of Wight"]),
    ]
    assert key_entries(rows) == [
        ("inadequate", "Inadequate", *BAND_LOOK["inadequate"][::2], "✕", 1),
        ("requires_improvement", "Requires improvement or adequate",
         *BAND_LOOK["requires_improvement"][::2], "◆", 0),
        ("good", "Good", *BAND_LOOK["good"][::2], "●", 1),
        ("outstanding", "Outstanding", *BAND_LOOK["outstanding"][::2], "★", 1),
        ("none", "No graded inspection in this theme", *NEUTRAL[::2], "", 1),
    ]  # fmt: skip
    # Southampton's grade may be out of date; the Isle of Wight has none to be.
    assert not_loaded_count(rows) == 1
    assert not_loaded_count(rows[1:2]) == 1
    assert not_loaded_count(rows[2:3]) == 0


def test_map_page_holds_the_themes_rows_key_and_notes(hampshire, southampton):
    demo = make_document(kind=SourceDocument.Kind.DEMO_DATA)
    make_judgement(make_inspection(southampton, start_date=date(2022, 3, 7)), grade="inadequate",
                   source_document=demo)  # fmt: skip
    make_inspection(hampshire, start_date=None)  # a date not known: no note from it
    make_judgement(make_inspection(hampshire, start_date=date(2021, 5, 10)), grade="good")
    make_inspection(hampshire, start_date=date(2026, 5, 11))
    make_publication(southampton, date(2024, 5, 1))
    page = map_page(southampton, "overall", "South East", date(2026, 12, 2))
    rows = {r.authority: r for r in page["rows"]}
    assert len(rows) == LocalAuthority.objects.current().exclude(hex_q=None).count()
    assert rows[hampshire].retired == RETIRED
    assert rows[southampton].missing.published == date(2024, 5, 1)
    assert page["chosen_row"] is rows[southampton]
    assert (page["not_loaded_count"], page["not_loaded_mark"]) == (1, "▲")
    assert page["key"][0] == ("inadequate", "Inadequate", *BAND_LOOK["inadequate"][::2], "✕", 1)
    assert page["last_judged"] == "last judged under ILACS, to March 2026"
    assert page["shows_demo"] is True
    (chart,) = page["chart_data"]
    assert (chart["id"], chart["filename"]) == (
        "hexmap",
        "ofsted-map-overall-southampton-2026-12-02",
    )
    assert chart["figure"]["layout"]["title"]["text"] == "Overall effectiveness"
