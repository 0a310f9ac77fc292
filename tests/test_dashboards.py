import json
import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from authorities.models import LocalAuthority
from dashboards import chart_figure, charts
from inspections import frameworks as fw
from inspections.models import Inspection
from tests.factories import make_document, make_inspection, make_judgement


@pytest.fixture
def peer_record(hampshire, poole, bcp, southampton):
    """A small record of the Hampshire peer group across two frameworks and Poole's merger."""
    h_slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    make_judgement(h_slac, area="safeguarding.overall_effectiveness", grade="good")
    make_judgement(h_slac, area="looked_after_children.overall_effectiveness", grade="adequate")
    h_ilacs = make_inspection(hampshire, framework="ILACS", start_date=date(2019, 4, 29))
    make_judgement(h_ilacs, grade="outstanding")
    make_judgement(h_ilacs, area="help_and_protection", label="Help and protection")
    p_slac = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    make_judgement(p_slac, area="safeguarding.overall_effectiveness", grade="adequate")
    b_ilacs = make_inspection(bcp, framework="ILACS", start_date=date(2021, 12, 6))
    make_judgement(b_ilacs, grade="inadequate")
    s_ilacs = make_inspection(southampton, framework="ILACS", start_date=date(2019, 11, 18))
    make_judgement(s_ilacs, grade="requires_improvement")
    return {"h_slac": h_slac, "h_ilacs": h_ilacs, "p_slac": p_slac, "b_ilacs": b_ilacs}


def _figures(response):
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">')
    start = html.index(">", start) + 1
    charts = json.loads(html[start : html.index("</script>", start)])
    return {c["id"].removeprefix("chart-"): c["figure"] for c in charts}


def _lines(figure):
    return {t["name"]: t for t in figure["data"] if t.get("showlegend") is not False}


def test_home_page_draws_hampshire_and_peers_one_chart_per_theme(client, peer_record):
    response = client.get(reverse("dashboards:compare"))
    assert response.status_code == 200
    figures = _figures(response)
    assert list(figures) == list(fw.THEMES)
    names = list(_lines(figures["overall"]))
    assert names == [
        "Hampshire",
        "Poole → Bournemouth, Christchurch and Poole",
        "Southampton",
    ]
    assert 'value="hampshire-and-peers" selected' in response.content.decode()


def test_poole_line_continues_as_bcp_marked_at_the_join(client, peer_record):
    figure = _figures(client.get("/"))["help_and_protection"]
    line = _lines(figure)["Poole → Bournemouth, Christchurch and Poole"]
    assert [c[0] for c in line["customdata"]] == ["Poole", "Bournemouth, Christchurch and Poole"]
    assert line["x"] == ["2011-10-31", "2021-12-06"]
    joins = [s for s in figure["layout"]["shapes"] if s["type"] == "line" and s["x0"] == s["x1"]]
    assert [s["x0"] for s in joins] == ["2019-04-01"]
    assert any("Poole →" in a["text"] and "1 Apr 2019" in a["text"].replace("<br>", " ")
               for a in figure["layout"]["annotations"])  # fmt: skip


def test_hover_gives_framework_label_and_grade_in_the_frameworks_words(client, peer_record):
    figures = _figures(client.get("/"))
    southampton = _lines(figures["overall"])["Southampton"]
    inspection = Inspection.objects.get(authority__slug="southampton")
    assert southampton["customdata"] == [
        ["Southampton", "ILACS", "18 Nov 2019", "Overall effectiveness",
         "Requires improvement to be good", f"/inspections/{inspection.pk}/"]
    ]  # fmt: skip
    poole = _lines(figures["help_and_protection"])["Poole → Bournemouth, Christchurch and Poole"]
    assert poole["customdata"][0][1] == "SLAC"
    assert poole["customdata"][0][3] == "Safeguarding: Overall effectiveness"
    assert poole["customdata"][0][4] == "Adequate"


def test_theme_a_framework_did_not_judge_is_a_gap_with_its_note(client, peer_record):
    response = client.get("/")
    figure = _figures(response)["overall"]
    hampshire = _lines(figure)["Hampshire"]
    # The SLAC inspection breaks the line instead of drawing a zero ...
    assert hampshire["x"] == ["2011-06-27", "2019-04-29"]
    assert hampshire["y"] == [None, 1]
    # ... and shows as an open marker on the "Not judged" row, with the reason.
    gaps = [t for t in figure["data"] if t["name"] == "Hampshire: not judged"]
    assert gaps[0]["y"] == [5]
    assert gaps[0]["customdata"][0][4] == fw.THEME_GAP_NOTES[(fw.SLAC, "overall")]
    assert fw.THEME_GAP_NOTES[(fw.SLAC, "overall")] in response.content.decode()


def test_lines_differ_by_marker_and_dash_not_colour_alone(client, peer_record):
    lines = list(_lines(_figures(client.get("/"))["overall"]).values())
    assert len({t["marker"]["symbol"] for t in lines}) == len(lines)
    assert len({t["line"]["dash"] for t in lines}) == len(lines)


def test_framework_eras_are_marked_on_the_date_axis(client, peer_record):
    layout = _figures(client.get("/"))["overall"]["layout"]
    labels = {a["text"] for a in layout["annotations"] if a.get("yref") == "paper"}
    assert {"<b>SLAC</b>", "<b>SIF</b>", "<b>ILACS</b>"} <= labels
    assert "Source:" in " ".join(a["text"] for a in layout["annotations"])


def test_framework_filter_narrows_chart_and_table(client, peer_record):
    response = client.get("/", {"group": "hampshire-and-peers", "framework": "ILACS"})
    html = response.content.decode()
    assert response.context["judgement_count"] == 4
    overall = _lines(_figures(response)["overall"])
    assert overall["Hampshire"]["x"] == ["2019-04-29"]
    assert "27 Jun 2011" not in html


def test_theme_filter_draws_only_that_theme(client, peer_record):
    response = client.get("/", {"group": "hampshire-and-peers", "theme": "children_in_care"})
    assert list(_figures(response)) == ["children_in_care"]
    assert response.context["judgement_count"] == 1


def test_invalid_filter_is_reported_and_shows_nothing(client, peer_record):
    response = client.get("/", {"group": "hampshire-and-peers", "start": "last tuesday"})
    assert response.status_code == 200
    assert response.context["judgement_count"] == 0
    assert "Enter a valid date." in response.content.decode()


def test_neighbours_need_a_model_version_and_name_it(client, peer_record, hampshire):
    missing = client.get("/", {"neighbours_of": "hampshire"})
    assert "Choose which DfE statistical neighbour model" in missing.content.decode()
    response = client.get("/", {"neighbours_of": "hampshire", "neighbour_model": "current"})
    count = hampshire.neighbour_links.filter(model_version="current").count()
    assert (
        f"Hampshire and its {count} statistical neighbours (Current DfE model)"
        in response.content.decode()
    )
    drawn = set(_lines(_figures(response)["overall"]))
    assert "Hampshire" in drawn
    assert "Southampton" not in drawn  # not one of Hampshire's current neighbours in the data
    neighbours = {
        link.neighbour for link in hampshire.neighbour_links.filter(model_version="current")
    }
    assert set(response.context["without_inspections"]) == neighbours


def test_authorities_chosen_by_name(client, peer_record):
    response = client.get("/", {"authority": ["southampton", "poole"]})
    lines = _lines(_figures(response)["help_and_protection"])
    # Poole alone: its successor is not chosen, so the line stops at Poole.
    assert lines["Poole"]["x"] == ["2011-10-31"]
    # Southampton's ILACS inspection has no help-and-protection grade: a gap, not a point.
    assert lines["Southampton"]["y"] == [None]
    gaps = [t for t in _figures(response)["help_and_protection"]["data"]
            if t["name"] == "Southampton: not judged"]  # fmt: skip
    assert "No grade for this area was found" in gaps[0]["customdata"][0][4]


def test_region_alone_picks_its_authorities(client, peer_record):
    response = client.get("/", {"region": "South West"})
    assert set(_lines(_figures(response)["overall"])) == {
        "Poole → Bournemouth, Christchurch and Poole"
    }


def test_grid_shows_every_area_of_each_framework_as_words(client, peer_record):
    response = client.get(reverse("dashboards:grid"), {"group": "hampshire-and-peers"})
    html = response.content.decode()
    frameworks = [t["framework"] for t in response.context["tables"]]
    assert frameworks == ["ILACS", "SLAC"]  # the newest framework first
    assert html.index('id="grid-ILACS"') < html.index('id="grid-SLAC"')
    assert "Requires improvement to be good" in html
    assert "Not found in the documents" in html
    slac = response.context["tables"][1]["columns"]
    assert ("Safeguarding", "Overall effectiveness") in [(s, a.label) for a, s in slac]
    assert ("Looked after children", "Overall effectiveness") in [(s, a.label) for a, s in slac]


def _row_authority(row):
    """The authority named at the start of a grid row."""
    return row["inspection"].authority.name


def test_grid_with_no_query_shows_the_home_pages_group_and_all_authorities_a_click_away(
    client, peer_record
):
    kent = LocalAuthority.objects.get(name="Kent")
    make_judgement(make_inspection(kent, start_date=date(2019, 2, 4)))
    response = client.get(reverse("dashboards:grid"))
    assert response.context["query"] == "group=hampshire-and-peers"
    names = {_row_authority(r) for t in response.context["tables"] for r in t["rows"]}
    assert names == {"Hampshire", "Poole", "Bournemouth, Christchurch and Poole", "Southampton"}
    assert '<a href="?group=">Show all authorities</a>' in response.content.decode()
    everyone = client.get(reverse("dashboards:grid"), {"group": ""})
    names = {_row_authority(r) for t in everyone.context["tables"] for r in t["rows"]}
    assert "Kent" in names
    assert "Show all authorities" not in everyone.content.decode()


def test_grid_tells_ilacs_combined_from_split_children_in_care(client, hampshire):
    combined = make_inspection(hampshire, start_date=date(2019, 4, 29))
    make_judgement(combined, area="children_in_care_and_care_leavers", label="CiC and CL")
    split = make_inspection(hampshire, start_date=date(2024, 6, 10))
    make_judgement(split, area="children_in_care", label="CiC")
    response = client.get(reverse("dashboards:grid"), {"authority": "hampshire"})
    (table,) = response.context["tables"]
    keys = [a.key for a, _section in table["columns"]]
    by_area = [
        dict(zip(keys, [re.sub(r"<[^>]+>", "", c) for c in row["cells"]], strict=True))
        for row in table["rows"]
    ]
    # The newest inspection first, as the compare page's tables.
    assert [row["inspection"] for row in table["rows"]] == [split, combined]
    assert by_area[1]["care_leavers"] == "Judged together (to 2022)"
    assert by_area[0]["children_in_care_and_care_leavers"] == "Judged separately (from 2023)"
    assert by_area[0]["care_leavers"] == "Not found in the documents"
    page = response.content.decode()
    assert '<td class="status">Judged together (to 2022)</td>' in page
    assert '<td class="status">Judged separately (from 2023)</td>' in page


def test_authority_page_shows_evidence_corrections_history_and_ungraded_events(
    client, hampshire, staff_user
):
    document = make_document(file_name="hampshire-2019.pdf", pages=30)
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    judgement = make_judgement(
        inspection,
        grade="good",
        source_document=document,
        page=3,
        line=14,
        evidence_text="Overall effectiveness: Good",
        needs_review=True,
        review_reason="Two grades on the page",
    )
    judgement.correct(grade="outstanding", reason="The table says outstanding", user=staff_user)
    make_inspection(hampshire, framework="FOCUSED_VISIT", start_date=date(2021, 3, 1))
    html = client.get(hampshire.get_absolute_url()).content.decode()
    assert "hampshire-2019.pdf, page 3, line 14" in html
    assert "Overall effectiveness: Good" in html
    assert "Two grades on the page" in html
    assert "Parsed as: Good" in html
    assert "corrected" in html
    assert "The table says outstanding" in html
    assert "by staff" in html
    assert "Focused visit" in html and "Ungraded" in html


def test_successor_page_includes_predecessor_inspections_as_theirs(client, peer_record, bcp):
    response = client.get(bcp.get_absolute_url())
    authorities = [i.authority.name for i in response.context["inspections"]]
    assert authorities == ["Bournemouth, Christchurch and Poole", "Poole"]  # newest first
    assert "(Poole)" in response.content.decode()


def test_authority_page_lists_inspections_newest_first(client, hampshire):
    for year in (2014, 2023, 2009, 2019):
        make_inspection(hampshire, start_date=date(year, 5, 1))
    response = client.get(hampshire.get_absolute_url())
    years = [i.start_date.year for i in response.context["inspections"]]
    assert years == [2023, 2019, 2014, 2009]
    html = response.content.decode()
    assert html.index("1 May 2023") < html.index("1 May 2009")


def test_inspection_page_lists_judgements_documents_and_missing_areas(client, peer_record):
    inspection = peer_record["h_ilacs"]
    make_document(inspection=inspection, file_name="50012345.pdf")
    html = client.get(inspection.get_absolute_url()).content.decode()
    assert "50012345.pdf" in html
    assert "Outstanding" in html
    assert "The impact of leaders" in html  # graded by ILACS, absent here


@pytest.mark.parametrize("url", ["/", "/grid/", "/export.csv", "/authorities/hampshire/"])
def test_login_required_setting_puts_dashboards_behind_login(client, settings, hampshire, url,
                                                             staff_user):  # fmt: skip
    settings.LOGIN_REQUIRED = True
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_the_sign_in_page_stays_open_behind_login(client, settings):
    settings.LOGIN_REQUIRED = True
    assert client.get(reverse("admin:login")).status_code == 200
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_dashboards_are_open_by_default(client, hampshire):
    assert client.get("/").status_code == 200


def test_post_is_refused(client, hampshire):
    assert client.post("/").status_code == 405


def _many(count):
    """One ILACS inspection with two judgements for each of `count` authorities, and `count`
    inspections of Hampshire."""
    chosen = list(LocalAuthority.objects.order_by("la_code")[:count])
    hampshire = LocalAuthority.objects.get(la_code="850")
    for authority in chosen:
        inspection = make_inspection(authority, start_date=date(2019, 1, 7))
        make_judgement(inspection)
        make_judgement(inspection, area="help_and_protection", label="Help and protection")
    for n in range(count):
        make_judgement(
            make_inspection(
                hampshire,
                framework="SIF",
                start_date=date(2014, 1, 1 + n % 28).replace(year=2014 + n // 28),
            )
        )  # noqa: E501
    return chosen


@pytest.mark.parametrize("count", [1, 150])
def test_queries_per_page_do_not_grow_with_authorities_or_inspections(
    client, authorities, count, django_assert_max_num_queries
):
    chosen = _many(count)
    slugs = [a.slug for a in chosen]
    inspection = chosen[0].inspections.first()
    pages = [
        ("/", {"authority": slugs}),
        ("/", {}),
        ("/", {"region": "South East"}),
        ("/grid/", {"authority": slugs}),
        ("/grid/", {}),
        ("/export.csv", {"authority": slugs}),
        ("/authorities/hampshire/", {}),
        (inspection.get_absolute_url(), {}),
    ]
    for url, params in pages:
        with django_assert_max_num_queries(12):
            assert client.get(url, params).status_code == 200


@pytest.mark.parametrize(
    "universe, expected",
    [
        (None, {1: 3, 2: 3, 3: 3, 4: 4}),  # every authority in view: lines run to the last
        ({1, 2, 3}, {1: 3, 2: 3, 3: 3}),
        ({1, 2}, {1: 2, 2: 2}),  # the successor is not in view: the line stops
        ({1}, {1: 1}),
    ],
)
def test_predecessors_continue_the_line_of_their_successor_in_view(universe, expected):
    edges = {1: [2], 2: [3]}  # 1 became 2, which became 3
    present = universe or {1, 2, 3, 4}
    owner_of, continues = charts.lineage_lines(present, edges, universe)
    assert owner_of == expected
    assert continues == {}


# 1 Bournemouth and 2 Poole merged into 3 BCP; 4 Northamptonshire split into 5 North and 6 West.
MERGE_AND_SPLIT = {1: [3], 2: [3], 4: [5, 6]}


@pytest.mark.parametrize(
    "present, universe, owner_of, continues",
    [
        # Both predecessors have inspections: each keeps its own line, which runs into BCP's.
        ({1, 2, 3}, None, {1: 1, 2: 2, 3: 3}, {1: [3], 2: [3]}),
        # Only Poole has: its record continues BCP's line, as in the demo data.
        ({2, 3}, None, {2: 3, 3: 3}, {}),
        ({1, 2}, None, {1: 1, 2: 2}, {1: [3], 2: [3]}),
        # A split: the predecessor's line runs into each successor's.
        ({4, 5, 6}, None, {4: 4, 5: 5, 6: 6}, {4: [5, 6]}),
        # Only one of the successors in view: the record continues its line.
        ({4, 5}, {4, 5}, {4: 5, 5: 5}, {}),
    ],
)
def test_merged_and_split_authorities_keep_their_own_lines(present, universe, owner_of, continues):
    assert charts.lineage_lines(present, MERGE_AND_SPLIT, universe) == (owner_of, continues)


def _entry(authority, day, score=None):
    """A theme-table entry without a database: a grade on `day`, or a gap when score is None."""
    inspection = SimpleNamespace(
        start_date=day,
        authority=authority,
        get_framework_display=lambda: "ILACS",
        get_absolute_url=lambda: f"/inspections/{authority.pk}{day:%Y%m%d}/",
    )
    judgement = None
    if score is not None:
        judgement = SimpleNamespace(
            score=score, label="Overall", grade_in_framework_words="Good", is_corrected=False,
            area="overall_effectiveness",
        )  # fmt: skip
    return charts.Entry(inspection, authority, judgement=judgement)


def test_two_predecessors_each_draw_a_line_that_joins_the_successor_at_its_first_grade():
    bournemouth, poole, bcp = (
        SimpleNamespace(pk=pk, name=name)
        for pk, name in [(1, "Bournemouth"), (2, "Poole"), (3, "BCP")]
    )
    entries = [
        _entry(bournemouth, date(2011, 3, 1), 2),
        _entry(poole, date(2011, 10, 31), 3),
        _entry(poole, date(2016, 5, 9), 4),
        _entry(bcp, date(2019, 9, 2)),  # a gap: the join runs to the first grade
        _entry(bcp, date(2021, 12, 6), 4),
    ]
    lines = [(a, a.name, chart_figure.style(i)) for i, a in enumerate([bcp, bournemouth, poole])]
    joins = [(date(2019, 4, 1), "Bournemouth and Poole → BCP, 1 Apr 2019")]
    figure = chart_figure.theme_figure(
        "overall", entries, lines, joins, "", date(2025, 1, 1), {1: [3], 2: [3]}
    )
    by_name = _lines(figure)
    assert list(by_name) == ["BCP", "Bournemouth", "Poole"]
    looks = {
        (t["line"]["dash"], t["marker"]["symbol"], t["line"]["color"]) for t in by_name.values()
    }
    assert len(looks) == 3
    bournemouth_line, poole_line = by_name["Bournemouth"], by_name["Poole"]
    # Each predecessor's own grades, then a break and a stroke from its last grade to BCP's first.
    assert bournemouth_line["x"] == ["2011-03-01", "2011-03-01", "2011-03-01", "2021-12-06"]
    assert bournemouth_line["y"] == [2, None, 2, 4]
    assert poole_line["x"][-2:] == ["2016-05-09", "2021-12-06"]
    assert poole_line["y"] == [3, 4, None, 4, 4]
    assert poole_line["marker"]["size"] == [11, 11, 0, 0, 0]  # joining points are not re-marked
    assert [c[0] for c in poole_line["customdata"][:2]] == ["Poole", "Poole"]
    assert by_name["BCP"]["x"] == ["2019-09-02", "2021-12-06"]
    marks = [s for s in figure["layout"]["shapes"] if s["type"] == "line" and s["x0"] == s["x1"]]
    assert [s["x0"] for s in marks] == ["2019-04-01"]


def test_a_split_draws_the_predecessors_line_into_each_successor():
    northants, north, west = (
        SimpleNamespace(pk=pk, name=name)
        for pk, name in [(4, "Northamptonshire"), (5, "North"), (6, "West")]
    )
    entries = [
        _entry(northants, date(2019, 11, 4), 4),
        _entry(north, date(2022, 3, 7), 3),
        _entry(west, date(2023, 1, 9), 2),
    ]
    lines = [(a, a.name, chart_figure.style(i)) for i, a in enumerate([north, west, northants])]
    figure = chart_figure.theme_figure(
        "overall", entries, lines, [], "", date(2025, 1, 1), {4: [5, 6]}
    )
    line = _lines(figure)["Northamptonshire"]
    assert line["y"] == [4, None, 4, 3, None, 4, 2]
    assert line["x"][3] == "2022-03-07"
    assert line["x"][6] == "2023-01-09"


def test_join_labels_name_every_predecessor_and_successor_once_per_date():
    texts = charts.join_texts(
        [
            (date(2019, 4, 1), "Poole", ["BCP"]),
            (date(2019, 4, 1), "Bournemouth", ["BCP"]),
            (date(2021, 4, 1), "Northamptonshire", ["North", "West"]),
        ]
    )
    assert texts == [
        (date(2019, 4, 1), "Bournemouth and Poole → BCP, 1 Apr 2019"),
        (date(2021, 4, 1), "Northamptonshire → North and West, 1 Apr 2021"),
    ]


def test_compare_page_draws_bournemouth_and_poole_as_lines_that_join_bcp(client, peer_record, bcp):
    bournemouth = LocalAuthority.objects.get(name="Bournemouth")
    b_sif = make_inspection(bournemouth, framework="SIF", start_date=date(2015, 3, 2))
    make_judgement(b_sif, area="help_and_protection", label="Help and protection", grade="good")
    make_judgement(
        make_inspection(bcp, start_date=date(2024, 2, 5)),
        area="help_and_protection",
        label="Help and protection",
        grade="good",
    )
    figure = _figures(client.get("/", {"authority": ["bournemouth-christchurch-and-poole"]}))
    lines = _lines(figure["overall"])
    assert set(lines) == {"Bournemouth", "Poole", "Bournemouth, Christchurch and Poole"}
    help_lines = _lines(figure["help_and_protection"])
    assert help_lines["Bournemouth"]["x"] == [
        "2015-03-02",
        "2015-03-02",
        "2015-03-02",
        "2024-02-05",
    ]
    annotations = [
        a["text"].replace("<br>", " ") for a in figure["overall"]["layout"]["annotations"]
    ]
    assert "Bournemouth and Poole → Bournemouth, Christchurch and Poole, 1 Apr 2019" in annotations
