"""Peer position: latest grade per authority (with predecessors, ties, absent grades), the
distribution of a group's latest grades, England by year, and the page that shows them."""

import json
import re
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from authorities.models import LocalAuthority, StatisticalNeighbour
from dashboards.catalogue import Catalogue, NotLoaded
from dashboards.figures import BAND_LOOK, SOURCE_LINES
from dashboards.peer_figures import over_time_figure, position_figure
from dashboards.peers import (
    Distribution,
    Graded,
    distribution,
    england_by_year,
    existed_on,
    latest_per_authority,
    missing_at,
    peer_page,
    ranked_neighbours,
)
from inspections.models import SourceDocument
from tests.factories import make_document, make_inspection, make_judgement, make_publication


def graded(authority_id, grade, day, inspection_id=None, framework="ILACS"):
    # An id of its own per authority and day, the same under any hash seed.
    inspection_id = inspection_id or int(f"{authority_id}{day:%Y%m%d}")
    return Graded(authority_id, inspection_id, framework, "overall", grade, day)


# Authority ids: 1 and 2 merged into 3 (as Poole and Bournemouth into BCP); 4 stands alone.
LINEAGES = {1: {1}, 2: {2}, 3: {1, 2, 3}, 4: {4}}


def test_latest_grade_is_the_newest_of_the_authority_and_its_predecessors():
    rows = [
        graded(1, "good", date(2014, 5, 1)),
        graded(1, "inadequate", date(2017, 5, 1)),
        graded(2, "outstanding", date(2016, 5, 1)),
        graded(4, "requires_improvement", date(2019, 5, 1)),
    ]
    latest = latest_per_authority(rows, LINEAGES)
    assert {pk: g.grade for pk, g in latest.items()} == {
        1: "inadequate",
        2: "outstanding",
        3: "inadequate",  # the predecessor inspected last
        4: "requires_improvement",
    }
    assert latest[3].authority_id == 1


def test_latest_grade_as_at_a_date_leaves_later_inspections_out():
    rows = [graded(4, "good", date(2014, 5, 1)), graded(4, "inadequate", date(2019, 5, 1))]
    assert latest_per_authority(rows, LINEAGES, date(2018, 12, 31))[4].grade == "good"
    assert latest_per_authority(rows, LINEAGES, date(2013, 12, 31)) == {}
    assert latest_per_authority(rows, LINEAGES, date(2019, 5, 1))[4].grade == "inadequate"


def test_a_tie_goes_to_the_authoritys_own_inspection_then_to_the_worse_grade():
    day = date(2020, 1, 6)
    own = [graded(1, "inadequate", day), graded(3, "good", day)]
    assert latest_per_authority(own, LINEAGES)[3].grade == "good"
    predecessors = [graded(1, "good", day), graded(2, "inadequate", day)]
    assert latest_per_authority(predecessors, LINEAGES)[3].grade == "inadequate"
    assert latest_per_authority(list(reversed(predecessors)), LINEAGES)[3].grade == "inadequate"


def test_distribution_counts_each_band_and_shares_only_the_graded():
    latest = latest_per_authority(
        [
            graded(1, "good", date(2014, 5, 1)),
            graded(2, "adequate", date(2011, 5, 1), framework="SLAC"),
            graded(4, "requires_improvement", date(2019, 5, 1)),
        ],
        {1: {1}, 2: {2}, 4: {4}, 5: {5}},
    )
    d = distribution("Group", [1, 2, 4, 5, 5], latest)
    assert (d.members, d.graded, d.ungraded) == (4, 3, 1)
    # Adequate and requires improvement are one band.
    assert d.counts == {"outstanding": 0, "good": 1, "requires_improvement": 2, "inadequate": 0}
    assert d.share("requires_improvement") == pytest.approx(2 / 3)
    assert d.share("outstanding") == 0
    nobody = distribution("Nobody graded", [5], latest)
    assert (nobody.graded, nobody.share("good")) == (0, None)


def test_england_by_year_counts_the_authorities_that_existed_at_each_years_end():
    def authority(pk, since=None, until=None):
        return SimpleNamespace(pk=pk, existed_from=since, existed_until=until)

    authorities = [
        authority(1, until=date(2019, 3, 31)),
        authority(2, until=date(2019, 3, 31)),
        authority(3, since=date(2019, 4, 1)),
        authority(4),
    ]
    rows = [graded(1, "good", date(2017, 5, 1)), graded(3, "inadequate", date(2020, 2, 3))]
    years = england_by_year(rows, authorities, LINEAGES, today=date(2020, 6, 30))
    assert [(y, day) for y, day, _ in years] == [
        (2017, date(2017, 12, 31)),
        (2018, date(2018, 12, 31)),
        (2019, date(2019, 12, 31)),
        (2020, date(2020, 6, 30)),  # this year: as at today
    ]
    by_year = {y: d for y, _, d in years}
    assert (by_year[2018].members, by_year[2018].counts["good"]) == (3, 1)
    # After the merger the successor carries its predecessor's grade, then its own.
    assert (by_year[2019].members, by_year[2019].counts["good"]) == (2, 1)
    assert by_year[2020].counts == {
        "outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 1
    }  # fmt: skip


def test_neighbours_are_ranked_worst_grade_first_then_newest_then_ungraded():
    names = {pk: SimpleNamespace(pk=pk, name=name) for pk, name in enumerate("ABCDE", start=1)}
    latest = {
        1: graded(1, "good", date(2019, 1, 1)),
        2: graded(2, "inadequate", date(2018, 1, 1)),
        3: graded(3, "good", date(2022, 1, 1)),
    }
    rows = ranked_neighbours([(names[pk], pk) for pk in (5, 4, 3, 2, 1)], latest, names)
    assert [r.authority.name for r in rows] == ["B", "C", "A", "D", "E"]


def test_authorities_with_a_newer_report_not_loaded_are_counted_apart_grade_or_not():
    latest = {1: graded(1, "good", date(2019, 1, 1))}
    d = distribution("Group", [1, 2, 4], latest, missing={1, 2})
    assert (d.members, d.graded, d.not_loaded, d.ungraded) == (3, 0, 2, 1)


@pytest.mark.parametrize(
    "published, expected",
    [
        (date(2020, 12, 31), {1, 4}),  # out on the day: counts
        (date(2021, 1, 1), set()),  # not out yet
        (date(2019, 1, 1), {4}),  # published the day 1 was inspected: not newer than its grade
    ],
)
def test_a_report_not_loaded_counts_once_out_and_newer_than_the_latest_grade(published, expected):
    latest = {1: graded(1, "good", date(2019, 1, 1))}
    assert missing_at(latest, {1: published, 4: published}, date(2020, 12, 31)) == expected


@pytest.mark.parametrize(
    "day, existed",
    [
        (date(2019, 3, 31), False),
        (date(2019, 4, 1), True),  # its first day
        (date(2024, 3, 31), True),  # its last day
        (date(2024, 4, 1), False),
    ],
)
def test_an_authority_exists_from_its_first_day_to_its_last(day, existed):
    authority = SimpleNamespace(existed_from=date(2019, 4, 1), existed_until=date(2024, 3, 31))
    assert existed_on(authority, day) is existed


def test_england_by_year_counts_apart_those_with_a_report_not_loaded_out_by_then():
    authorities = [SimpleNamespace(pk=4, existed_from=None, existed_until=None)]
    rows = [graded(4, "good", date(2019, 5, 1))]
    years = england_by_year(
        rows, authorities, LINEAGES, today=date(2021, 6, 30), published={4: date(2020, 8, 3)}
    )
    assert [(y, d.label, d.graded, d.not_loaded) for y, _, d in years] == [
        (2019, "England", 1, 0),
        (2020, "England", 0, 1),
        (2021, "England", 0, 1),
    ]


def test_a_neighbour_row_names_the_predecessor_graded_its_rank_and_a_newer_report():
    names = {pk: SimpleNamespace(pk=pk, name=name) for pk, name in [(1, "Poole"), (3, "BCP")]}
    names[4] = SimpleNamespace(pk=4, name="Dorset")
    latest = {3: graded(1, "good", date(2011, 10, 31)), 4: graded(4, "good", date(2022, 1, 10))}
    url = "https://files.ofsted.gov.uk/v1/file/"
    found = Catalogue(
        not_loaded={
            3: NotLoaded(date(2022, 5, 9), f"{url}1", "Not fetched"),
            4: NotLoaded(date(2021, 5, 9), f"{url}2", "Not fetched"),  # older than its grade
        }
    )
    dorset, bcp = ranked_neighbours([(names[3], 2), (names[4], 7)], latest, names, found)
    assert (bcp.authority.name, bcp.dfe_rank, bcp.source.name) == ("BCP", 2, "Poole")
    assert bcp.missing.published == date(2022, 5, 9)
    assert (dorset.dfe_rank, dorset.source, dorset.missing) == (7, None, None)


class _Tables(HTMLParser):
    """{table id: [[cell text, ...], ...]} of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.row = []
            self.current.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _tables(response):
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


@pytest.fixture
def peer_data(hampshire, southampton):
    """Hampshire good; two of its current neighbours outside its region inadequate and good,
    the others ungraded; a neighbour's older grade that a newer one replaces; Southampton (South
    East) requires improvement under SIF."""
    neighbours = [
        link.neighbour
        for link in StatisticalNeighbour.objects.filter(
            authority=hampshire, model_version="current"
        ).select_related("neighbour")
    ]
    first, second = [a for a in neighbours if a.region != hampshire.region][:2]
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)), grade="good")
    make_judgement(make_inspection(first, start_date=date(2016, 1, 11)), grade="good")
    make_judgement(make_inspection(first, start_date=date(2022, 3, 7)), grade="inadequate")
    make_judgement(make_inspection(second, start_date=date(2023, 9, 18)), grade="good")
    make_judgement(
        make_inspection(southampton, framework="SIF", start_date=date(2014, 6, 2)),
        grade="requires_improvement",
    )
    return SimpleNamespace(neighbours=neighbours, first=first, second=second)


def test_peer_page_tables_hold_the_counts_of_each_group(client, hampshire, peer_data):
    response = client.get(reverse("dashboards:peers"), {"theme": "overall"})
    assert response.status_code == 200
    table = _tables(response)["peers-overall-groups"]
    # One column a group, one row a band, then those without a grade and the group's size.
    columns = {head: [row[i] for row in table[1:]] for i, head in enumerate(table[0]) if i}
    england = LocalAuthority.objects.current().count()
    region = LocalAuthority.objects.current().filter(region=hampshire.region).count()
    n = len(peer_data.neighbours)
    assert table[0] == ["Latest grade", "Hampshire", "Statistical neighbours", hampshire.region,
                        "England"]  # fmt: skip
    assert [row[0] for row in table[1:]] == [
        "Outstanding", "Good", "Requires improvement or adequate", "Inadequate",
        "No grade in the data", "Authorities",
    ]  # fmt: skip
    assert columns["Hampshire"] == ["0 (0%)", "1 (100%)", "0 (0%)", "0 (0%)", "0", "1"]
    assert columns["Statistical neighbours"] == [
        "0 (0%)", "1 (50%)", "0 (0%)", "1 (50%)", str(n - 2), str(n)
    ]  # fmt: skip
    assert columns[hampshire.region] == [
        "0 (0%)", "1 (50%)", "1 (50%)", "0 (0%)", str(region - 2), str(region)
    ]  # fmt: skip
    assert columns["England"] == [
        "0 (0%)", "2 (50%)", "1 (25%)", "1 (25%)", str(england - 4), str(england)
    ]  # fmt: skip


def test_peer_page_ranks_neighbours_worst_first_with_dates(client, peer_data):
    response = client.get(reverse("dashboards:peers"), {"authority": "hampshire"})
    table = _tables(response)["peers-overall-neighbours"][1:]
    assert table[0][:4] == [peer_data.first.name, table[0][1], "Inadequate", "7 Mar 2022 ILACS"]
    assert table[1][2:4] == ["Good", "18 Sep 2023 ILACS"]
    assert all(row[2] == "No grade in the data" for row in table[2:])


def test_peer_page_england_by_year_marks_the_authoritys_grade(client, peer_data):
    response = client.get(reverse("dashboards:peers"), {"theme": "overall"})
    table = _tables(response)["peers-overall-years-table"]
    assert table[0][:5] == ["Year", "Outstanding", "Good", "Requires improvement or adequate",
                            "Inadequate"]  # fmt: skip
    years = {row[0]: row for row in table[1:]}
    assert years["2018"][1:5] == ["0 (0%)", "1 (50%)", "1 (50%)", "0 (0%)"]
    assert years["2018"][-1] == "–"
    assert years["2019"][-1] == "Good"


def test_peer_page_ignores_unknown_parameters_and_reports_an_unknown_authority(client, peer_data):
    plain = client.get(reverse("dashboards:peers"), {"authority": "hampshire"})
    tagged = client.get(
        reverse("dashboards:peers"), {"authority": "hampshire", "utm_source": "email"}
    )
    assert _tables(plain) == _tables(tagged)
    wrong = client.get(reverse("dashboards:peers"), {"authority": "nowhere"})
    assert wrong.status_code == 200
    assert "Select a valid choice" in wrong.content.decode()
    assert "peers-overall-groups" not in _tables(wrong)


def test_peer_page_query_count_does_not_grow_with_the_data(
    client, peer_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(reverse("dashboards:peers"))
    for neighbour in peer_data.neighbours[2:]:
        make_judgement(make_inspection(neighbour, start_date=date(2024, 1, 8)), grade="good")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboards:peers"), {"theme": "leadership"})
    assert response.status_code == 200


def test_names_typed_in_the_admin_are_escaped_in_the_figures(client, hampshire, peer_data):
    LocalAuthority.objects.filter(pk=hampshire.pk).update(name="Hamp<b>shire</b>")
    response = client.get(reverse("dashboards:peers"), {"theme": "overall"})
    figures = json.dumps(response.context["chart_data"])
    assert "Hamp<b>" not in figures
    assert "Hamp&lt;b&gt;shire&lt;/b&gt;" in figures


def test_peer_page_figures_are_valid_plotly(client, peer_data):
    response = client.get(reverse("dashboards:peers"))
    figures = response.context["chart_data"]
    assert len(figures) == 2 * 7
    for chart in figures:
        go.Figure(chart["figure"])  # raises on any property plotly.js does not know


def test_peer_page_is_served_from_the_page_cache_until_the_data_changes(client, peer_data):
    first = client.get(reverse("dashboards:peers"), {"authority": "hampshire"})
    again = client.get(reverse("dashboards:peers"), {"authority": "hampshire", "utm": "x"})
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    make_judgement(
        make_inspection(peer_data.second, start_date=date(2025, 2, 3)), grade="inadequate"
    )
    after = client.get(reverse("dashboards:peers"), {"authority": "hampshire"})
    assert after["X-Page-Cache"] == "miss"
    rows = _tables(after)["peers-overall-neighbours"][1:]
    assert [r[2] for r in rows[:2]] == ["Inadequate", "Inadequate"]


def test_region_and_england_count_only_todays_authorities(client, db):
    """Poole (South West, abolished in 2019) is inspected: its grade is Bournemouth,
    Christchurch and Poole's, never an authority of its own in the region's or England's counts."""
    poole = LocalAuthority.objects.get(la_code="836")
    bcp = LocalAuthority.objects.get(la_code="839")
    make_judgement(make_inspection(poole, framework="SIF", start_date=date(2015, 3, 2)),
                   grade="good")  # fmt: skip
    assert not poole.is_current and poole.region == bcp.region

    response = client.get(reverse("dashboards:peers"), {"authority": bcp.slug, "theme": "overall"})

    table = _tables(response)["peers-overall-groups"]
    columns = {head: [row[i] for row in table[1:]] for i, head in enumerate(table[0]) if i}
    region = LocalAuthority.objects.current().filter(region=bcp.region).count()
    england = LocalAuthority.objects.current().count()
    assert columns[bcp.region] == [
        "0 (0%)", "1 (100%)", "0 (0%)", "0 (0%)", str(region - 1), str(region)
    ]  # fmt: skip
    assert columns["England"][1::4] == ["1 (100%)", str(england)]


@pytest.mark.parametrize("path", ["/peers/", "/map/"])
def test_the_pickers_offer_current_authorities_and_a_former_one_opens_its_successor(
    client, poole, bcp, path
):
    page = client.get(path, {"authority": "hampshire"}).content.decode()
    assert 'value="bournemouth-christchurch-and-poole"' in page
    assert 'value="poole"' not in page and 'value="dorset-county-council"' not in page
    response = client.get(path, {"authority": "poole", "theme": "overall"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"{path}?authority=bournemouth-christchurch-and-poole&theme=overall&replaced=poole"
    )
    page = client.get(response["Location"])
    assert page.context["authority"] == bcp
    note = re.sub(r"\s+", " ", page.content.decode())
    assert "Poole no longer exists (to 31 Mar 2019): showing its successor, Bournemouth" in note
    # A former authority split between two successors is not picked for the reader.
    split = client.get(path, {"authority": "northamptonshire"})
    assert split.status_code == 200
    assert "an authority that exists today" in split.content.decode()


# The figures, called directly: Hampshire good; its ten neighbours 3 good, 2 requiring
# improvement, 1 inadequate, 3 without a grade and 1 whose newer report is not loaded; a region
# none of whose five authorities has a grade.

TODAY = date(2026, 12, 2)
HOVER = (
    "<b>%{customdata[0]}</b><br>{band}: %{customdata[1]} of %{customdata[2]} with a grade "
    "(%{customdata[3]})<br>No grade: %{customdata[4]}<br>Newer report not loaded: "
    "%{customdata[5]}<extra></extra>"
)


def _groups():
    def counts(outstanding, good, ri, inadequate):
        return dict(zip(BANDS, (outstanding, good, ri, inadequate), strict=True))

    return [
        Distribution("Hampshire", 1, counts(0, 1, 0, 0)),
        Distribution("Statistical neighbours", 10, counts(0, 3, 2, 1), not_loaded=1),
        Distribution("Isles <of> Nowhere", 5, counts(0, 0, 0, 0)),
    ]


BANDS = ["outstanding", "good", "requires_improvement", "inadequate"]


def test_position_bars_show_each_groups_shares_with_counts_written_in():
    figure = position_figure("overall", _groups(), "Latest grades.", TODAY)
    labels = [
        "Hampshire",
        "Statistical neighbours: 6 of 10 graded",
        "Isles &lt;of&gt; Nowhere: 0 of 5 graded",
    ]
    assert [t["name"] for t in figure["data"]] == [
        "Outstanding", "Good", "Requires improvement or adequate", "Inadequate"
    ]  # fmt: skip
    colour, pattern, ink = BAND_LOOK["good"]
    assert figure["data"][1] == {
        "type": "bar", "orientation": "h", "x": [100.0, 50.0, None], "y": labels, "name": "Good",
        "marker": {
            "color": colour,
            "line": {"color": "#505a5f", "width": 0.5},
            "pattern": {"shape": pattern, "fgcolor": ink, "fillmode": "overlay", "size": 7,
                        "solidity": 0.2},
        },
        # the authority's own bar names its grade; a group's says how many
        "text": ["Good", "3", ""],
        "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": ink},
        "customdata": [
            ["Hampshire", 1, 1, "100%", 0, 0],
            ["Statistical neighbours", 3, 6, "50%", 3, 1],
            ["Isles &lt;of&gt; Nowhere", 0, 0, "–", 5, 0],
        ],
        "hovertemplate": HOVER.replace("{band}", "Good"),
    }  # fmt: skip
    assert [t["x"] for t in figure["data"]] == [
        [0.0, 0.0, None], [100.0, 50.0, None], [0.0, 33.3, None], [0.0, 16.7, None]
    ]  # fmt: skip
    assert [t["text"] for t in figure["data"][2:]] == [["", "2", ""], ["", "1", ""]]
    assert [c[3] for c in figure["data"][3]["customdata"]] == ["0%", "17%", "–"]


def test_position_figure_names_each_group_above_its_bar_and_places_legend_and_source_in_pixels():
    layout = position_figure("overall", _groups(), "Latest grades.", TODAY)["layout"]
    # three groups of 60 px; the legend 30 px below the plot, four rows of 21 px, 10 px to the
    # source, three lines of source (52 px)
    assert (layout["height"], layout["margin"]) == (
        80 + 180 + 176, {"l": 10, "r": 10, "t": 80, "b": 176}
    )  # fmt: skip
    assert layout["legend"] == {"orientation": "v", "x": 0, "y": -30 / 180, "yanchor": "top",
                                "tracegroupgap": 0, "traceorder": "normal"}  # fmt: skip
    source, *names = layout["annotations"]
    assert source["text"] == f"{SOURCE_LINES},<br>via Ofsted Compare. Drawn 2 December 2026."
    assert source["y"] == -124 / 180
    assert names[1] == {
        "x": 0, "y": "Statistical neighbours: 6 of 10 graded", "xref": "paper", "yref": "y",
        "xanchor": "left", "yanchor": "bottom", "yshift": 15.0, "showarrow": False,
        "text": "Statistical neighbours: 6 of 10 graded", "font": {"size": 12},
    }  # fmt: skip
    assert [(n["y"], n["text"]) for n in names] == [
        ("Hampshire", "Hampshire"),
        ("Statistical neighbours: 6 of 10 graded",) * 2,
        ("Isles &lt;of&gt; Nowhere: 0 of 5 graded",) * 2,
    ]
    assert layout["xaxis"] == {"range": [0, 100], "ticksuffix": "%", "fixedrange": True,
                               "gridcolor": "#d0d0d0"}  # fmt: skip
    assert layout["yaxis"] == {"autorange": "reversed", "showticklabels": False,
                               "fixedrange": True}  # fmt: skip
    assert (layout["barmode"], layout["bargap"]) == ("stack", 0.5)
    assert layout["title"]["text"] == "Overall effectiveness"
    assert layout["title"]["subtitle"]["text"] == "Latest grades."


def _years():
    def england(outstanding, good, ri, inadequate, not_loaded=0):
        counts = dict(zip(BANDS, (outstanding, good, ri, inadequate), strict=True))
        return Distribution("England", 4, counts, not_loaded)

    return [
        (2019, date(2019, 12, 31), england(1, 1, 1, 1)),
        (2020, date(2020, 12, 31), england(0, 2, 0, 2)),
        (2021, date(2021, 12, 31), england(0, 0, 0, 0, not_loaded=4)),
        (2022, date(2022, 6, 30), england(0, 3, 0, 1)),
    ]


def test_over_time_marks_the_authoritys_grade_in_the_middle_of_its_band():
    own = [
        graded(1, "requires_improvement", date(2019, 5, 1)),
        None,  # no grade yet
        graded(1, "requires_improvement", date(2019, 5, 1)),  # England: none graded that year
        graded(1, "inadequate", date(2022, 3, 7)),
    ]
    figure = over_time_figure("overall", _years(), own, "Hamp<b>", "England by year", TODAY)
    bars, mine = figure["data"][:4], figure["data"][4]
    assert [t["x"] for t in bars] == [[2019, 2020, 2021, 2022]] * 4
    assert [t["y"] for t in bars] == [
        [25.0, 0.0, None, 0.0], [25.0, 50.0, None, 75.0], [25.0, 0.0, None, 0.0],
        [25.0, 50.0, None, 25.0],
    ]  # fmt: skip
    assert bars[0]["orientation"] == "v"
    assert bars[1]["customdata"][2] == ["England", 0, 0, "–", 0, 4]
    assert mine == {
        "type": "scatter", "mode": "lines+markers",
        # requires improvement: above outstanding and good (50%), half its own 25%
        "x": [2019, 2022], "y": [62.5, 87.5],
        "name": "Hamp&lt;b&gt;'s latest grade",
        "line": {"color": "#0b0c0c", "dash": "dot", "width": 2},
        "marker": {"symbol": "diamond", "size": 13, "color": "#0b0c0c",
                   "line": {"color": "#fff", "width": 2}},
        "customdata": [
            ["Hamp&lt;b&gt;", "31 Dec 2019", "Requires improvement to be good", "ILACS",
             "1 May 2019"],
            ["Hamp&lt;b&gt;", "30 Jun 2022", "Inadequate", "ILACS", "7 Mar 2022"],
        ],
        "hovertemplate": "<b>%{customdata[0]}</b>, as at %{customdata[1]}<br>"
        "<b>%{customdata[2]}</b> (%{customdata[3]}, %{customdata[4]})<extra></extra>",
    }  # fmt: skip


def test_over_time_layout_leaves_room_for_five_legend_rows_and_the_source():
    layout = over_time_figure("leadership", _years(), [None] * 4, "Hampshire", "By year",
                              TODAY)["layout"]  # fmt: skip
    # a 300 px plot; the legend 34 px below it, five rows of 21 px, 10 px, 52 px of source
    assert (layout["height"], layout["margin"]["b"]) == (80 + 300 + 201, 201)
    assert layout["legend"]["y"] == -34 / 300
    assert layout["annotations"][0]["y"] == -149 / 300
    assert layout["xaxis"] == {"tickformat": "d", "fixedrange": True, "automargin": True}
    assert layout["yaxis"] == {"range": [0, 100], "ticksuffix": "%", "fixedrange": True,
                               "gridcolor": "#d0d0d0", "automargin": True,
                               "title": {"text": "Share graded"}}  # fmt: skip
    assert (layout["title"]["text"], layout["title"]["subtitle"]["text"]) == (
        "Leadership",
        "By year",
    )
    assert layout["barmode"] == "stack"


# The page's contents, called directly.


def test_a_newer_report_not_loaded_is_counted_apart_in_each_group_and_year(hampshire, peer_data):
    make_publication(hampshire, date(2024, 6, 3))
    page = peer_page(hampshire, ["overall"], TODAY)
    (section,) = page["sections"]
    assert section["mine"].grade == "good"
    assert section["mine_missing"].published == date(2024, 6, 3)
    assert [(d.label, d.graded, d.not_loaded) for d in section["groups"]] == [
        ("Hampshire", 0, 1),
        ("Statistical neighbours", 2, 0),
        (hampshire.region, 1, 1),  # Southampton graded, Hampshire apart
        ("England", 3, 1),
    ]
    assert [(year, d.not_loaded) for year, _, d, _ in section["years"]][-4:] == [
        (2023, 0), (2024, 1), (2025, 1), (2026, 1)
    ]  # fmt: skip
    # Its own grade is still marked each year, the report not loaded notwithstanding.
    assert [o.grade if o else None for _, _, _, o in section["years"]][-2:] == ["good", "good"]


def test_a_report_older_than_the_authoritys_grade_is_not_newer(hampshire, peer_data):
    make_publication(hampshire, date(2019, 3, 4))
    (section,) = peer_page(hampshire, ["overall"], TODAY)["sections"]
    assert section["mine_missing"] is None
    assert section["groups"][0].not_loaded == 0


def test_the_page_names_the_predecessor_whose_grade_its_successor_holds(poole, bcp):
    make_judgement(make_inspection(poole, framework="SIF", start_date=date(2015, 3, 2)),
                   grade="good")  # fmt: skip
    (section,) = peer_page(bcp, ["overall"], TODAY)["sections"]
    assert (section["mine"].grade, section["mine_source"]) == ("good", poole)
    (section,) = peer_page(poole, ["overall"], TODAY)["sections"]
    assert section["mine_source"] is None
    # and where BCP is a neighbour, its row names Poole
    link = StatisticalNeighbour.objects.filter(neighbour=bcp, model_version="current").first()
    (section,) = peer_page(link.authority, ["overall"], TODAY)["sections"]
    (row,) = [r for r in section["neighbours"] if r.authority == bcp]
    assert (row.latest.grade, row.source) == ("good", poole)


def test_each_theme_has_its_two_figures_named_for_download(hampshire, peer_data):
    page = peer_page(hampshire, ["overall", "adoption"], TODAY)
    assert [(f["id"], f["filename"]) for f in page["chart_data"]] == [
        ("peers-overall-position", "ofsted-peers-hampshire-overall-2026-12-02"),
        ("peers-overall-years", "ofsted-england-overall-2026-12-02"),
        ("peers-adoption-position", "ofsted-peers-hampshire-adoption-2026-12-02"),
        ("peers-adoption-years", "ofsted-england-adoption-2026-12-02"),
    ]
    position, years = (f["figure"]["layout"]["title"]["subtitle"]["text"] for f in
                       page["chart_data"][:2])  # fmt: skip
    assert position == f"Latest grades. {page['currency'].short}"
    assert years == "England: latest grades at each year's end"
    assert page["chart_data"][1]["figure"]["data"][4]["name"] == "Hampshire's latest grade"
    assert [s["last_judged"] for s in page["sections"]] == [
        "last judged under ILACS, to March 2026",
        "last judged under SIF, to 2018",
    ]
    assert page["shows_demo"] is False


def test_over_time_mark_is_placed_to_a_tenth_of_a_percent():
    thirds = Distribution("England", 3, dict(zip(BANDS, (1, 1, 1, 0), strict=True)))
    own = [graded(1, "outstanding", date(2023, 9, 18))]
    figure = over_time_figure("overall", [(2023, TODAY, thirds)], own, "Hampshire", "", TODAY)
    assert figure["data"][4]["y"] == [16.7]  # half of a third


def test_the_page_says_when_a_latest_grade_shown_is_demo_data(hampshire):
    demo = make_document(kind=SourceDocument.Kind.DEMO_DATA)
    make_judgement(make_inspection(hampshire), grade="good", source_document=demo)
    page = peer_page(hampshire, ["overall"], TODAY)
    assert page["shows_demo"] is True
    assert page["sections"][0]["mine"].demo is True
