"""England map: hexagon geometry, one hexagon per current authority, the latest grade drawn (its
own inspections, staff corrections, flags, a retired judgement) and the page around it."""

import json
import math
from datetime import date

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from authorities.models import LocalAuthority
from dashboards.map_figure import hex_centre, hex_corners
from tests.factories import make_inspection, make_judgement
from tests.test_peers import _tables

MAP = reverse("dashboards:map")


def test_a_hexagon_has_six_corners_at_its_radius_and_is_closed():
    corners = hex_corners(3, 4)
    cx, cy = hex_centre(3, 4)
    assert len(corners) == 7
    assert corners[0] == corners[-1]
    assert len(set(corners)) == 6
    assert all(math.isclose(math.dist((x, y), (cx, cy)), 1, abs_tol=1e-3) for x, y in corners)


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
