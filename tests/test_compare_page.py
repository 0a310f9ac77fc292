"""The compare page with many authorities, its filters stated in words and file names, strangers'
query parameters, and tables newest first."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from authorities.models import LocalAuthority
from dashboards import chart_figure
from tests.factories import make_inspection, make_judgement

pytestmark = pytest.mark.django_db


def _figures(response):
    return {c["id"].removeprefix("chart-"): c for c in response.context["chart_data"]}


def _legend(figure):
    return [t["name"] for t in figure["data"] if t.get("showlegend", True)]


def _inspected(authorities, start=date(2019, 4, 29), grade="good"):
    for authority in authorities:
        inspection = make_inspection(authority, start_date=start)
        make_judgement(inspection, grade=grade)
        make_judgement(inspection, area="help_and_protection", label="Help and protection")


@pytest.fixture
def hampshire_and_neighbours(hampshire):
    neighbours = [
        link.neighbour for link in hampshire.neighbour_links.filter(model_version="current")
    ]
    _inspected([hampshire, *neighbours])
    return [hampshire, *neighbours]


# --- Many authorities: the page's authority in colour, the others grey -----------------------


def test_few_lines_each_have_a_style_of_their_own():
    looks = chart_figure.looks(list(range(chart_figure.MANY_LINES)), focus_ids={3})
    assert [look["colour"] for look in looks] == chart_figure.COLOURS[: chart_figure.MANY_LINES]
    assert not any(look.get("background") for look in looks)


def test_many_lines_are_grey_but_the_focus():
    owners = list(range(chart_figure.MANY_LINES + 1))
    looks = chart_figure.looks(owners, focus_ids={5})
    assert looks[5] == chart_figure.style(0)
    assert [
        owner for owner, look in zip(owners, looks, strict=True) if not look.get("background")
    ] == [5]
    assert all(look == chart_figure.BACKGROUND for look in looks[:5] + looks[6:])
    # No authority the page is for (a region, or every authority): every line is grey.
    assert chart_figure.looks(owners) == [chart_figure.BACKGROUND] * len(owners)


def test_neighbours_draw_the_centre_in_colour_and_the_neighbours_in_grey(
    client, hampshire, hampshire_and_neighbours
):
    response = client.get("/", {"neighbours_of": "hampshire", "neighbour_model": "current"})
    figure = _figures(response)["overall"]["figure"]
    others = len(hampshire_and_neighbours) - 1
    assert _legend(figure) == ["Hampshire", f"{others} other authorities (grey; hover to name)"]
    hampshire_trace = next(t for t in figure["data"] if t["name"] == "Hampshire")
    assert hampshire_trace["line"]["color"] == chart_figure.COLOURS[0]
    greys = [t for t in figure["data"] if t["line"]["color"] == chart_figure.BACKGROUND["colour"]]
    # Each grey line still names its authority when hovered.
    named = {point[0] for t in greys for point in t.get("customdata", []) if point}
    assert named == {a.name for a in hampshire_and_neighbours[1:]}
    # The coloured line is drawn last, over the grey ones.
    assert figure["data"][-2]["name"] == "Hampshire"


def test_a_region_draws_every_line_grey_and_names_none_before_the_charts(client, authorities):
    south_east = list(LocalAuthority.objects.filter(region="South East", existed_until=None))
    assert len(south_east) > chart_figure.MANY_LINES
    _inspected(south_east)
    response = client.get("/", {"region": "South East"})
    figure = _figures(response)["overall"]["figure"]
    assert _legend(figure) == [f"{len(south_east)} authorities (grey; hover to name)"]
    page = response.content.decode()
    first_chart = page.index('<section class="theme"')
    assert not any(a.get_absolute_url() in page[:first_chart] for a in south_east)
    # The full list of lines comes after the charts, folded.
    key = page.index('id="key-heading"')
    assert key > page.rindex('<section class="theme"')
    assert "<details>" in page[key:]
    assert all(a.get_absolute_url() in page[key:] for a in south_east)
    assert f"The {len(south_east)} lines are drawn in grey" in page


def _every_authority(client):
    cache.clear()  # the data version moves on commit, which a test's transaction never makes
    return _figures(client.get("/", {"group": ""}))


def test_every_authority_draws_a_few_traces_a_chart_however_many_authorities(client, authorities):
    """The grey lines are one trace (and their "Not judged" markers another), not one per
    authority: with every authority a chart has as many traces as with a handful."""
    current = list(authorities.filter(existed_until=None).order_by("name"))
    _inspected(current[: chart_figure.MANY_LINES + 1])
    make_inspection(current[0], framework="SIF", start_date=date(2016, 5, 9))  # a "Not judged"
    few = {theme: len(c["figure"]["data"]) for theme, c in _every_authority(client).items()}
    _inspected(current[chart_figure.MANY_LINES + 1 :])
    figures = _every_authority(client)
    assert {theme: len(c["figure"]["data"]) for theme, c in figures.items()} == few
    figure = figures["overall"]["figure"]
    assert max(few.values()) <= 3  # grey lines, their "Not judged" markers, the legend's entry
    # Every authority is still named on hover, on its own segment of the one grey line.
    grey = figure["data"][0]
    assert {point[0] for point in grey["customdata"] if point} == {a.name for a in current}
    assert grey["y"].count(None) >= len(current)


def test_the_charts_come_first_and_few_lines_are_listed_after_them(client, hampshire, southampton):
    """The first chart leads the page: the explanation is folded above it, the list of lines
    (the legend names them too) after the last chart."""
    _inspected([hampshire, southampton])
    page = client.get("/", {"authority": ["hampshire", "southampton"]}).content.decode()
    first_chart = page.index('<section class="theme"')
    assert page.index('id="key-heading"') > page.rindex('<section class="theme"')
    about = page.index('<details class="about">')
    assert about < first_chart
    assert "the 1 to 4 scale is only for drawing" in page[about : page.index("</details>", about)]


# --- The filters in words, in the heading, the charts and the file names ----------------------


def test_every_active_filter_is_stated_in_the_heading_subtitle_and_file_names(client, hampshire):
    _inspected([hampshire], start=date(2019, 4, 29))
    query = {
        "group": "hampshire-and-peers",
        "framework": "ILACS",
        "theme": "help_and_protection",
        "start": "2018-01-01",
        "end": "2024-12-31",
    }
    response = client.get("/", query)
    words = (
        "the peer group Hampshire and peers; ILACS inspections; Help and protection; "
        "inspected from 1 Jan 2018 to 31 Dec 2024"
    )
    assert f"Showing {words}:" in response.content.decode()
    (chart,) = response.context["chart_data"]
    subtitle = chart["figure"]["layout"]["title"]["subtitle"]["text"]
    assert subtitle.replace("<br>", " ") == f"Ofsted grades by inspection date: {words}"
    today = timezone.localdate().isoformat()
    stated = "hampshire-and-peers_ilacs_help-and-protection_from-2018-01-01_to-2024-12-31"
    assert chart["filename"] == f"ofsted-chart_{stated}_{today}"
    csv = client.get("/export.csv", query)
    assert f'filename="ofsted-judgements_{stated}_{today}.csv"' in csv["Content-Disposition"]


def test_a_chart_names_its_theme_in_its_file_name_when_the_page_shows_every_theme(
    client, hampshire
):
    _inspected([hampshire])
    figures = _figures(client.get("/", {"authority": "hampshire"}))
    assert figures["overall"]["filename"].startswith("ofsted-chart_hampshire_overall_")


def test_many_authorities_by_name_are_counted_not_listed(client, authorities):
    chosen = list(LocalAuthority.objects.filter(existed_until=None).order_by("name")[:12])
    _inspected(chosen)
    response = client.get("/", {"authority": [a.slug for a in chosen]})
    lede = response.content.decode().split('class="lede">')[1].split("</p>")[0]
    assert f"{chosen[0].name}, {chosen[1].name}, {chosen[2].name} and 9 more authorities" in lede
    assert chosen[5].name not in lede
    # The first authority named in the query is the one in colour.
    response = client.get("/", {"authority": [chosen[4].slug] + [a.slug for a in chosen]})
    assert _legend(_figures(response)["overall"]["figure"])[0] == chosen[4].name


# --- Query parameters the filters do not know -----------------------------------------------


@pytest.mark.parametrize("path", ["/", "/grid/", "/export.csv"])
def test_unknown_query_parameters_give_the_page_without_them(client, hampshire, southampton, path):
    _inspected([hampshire, southampton])
    plain = client.get(path)
    stranger = client.get(path, {"utm_source": "email", "utm_campaign": "autumn"})
    assert stranger.status_code == plain.status_code == 200
    assert stranger.content == plain.content
    if path == "/":
        assert plain.context["default_view"] is True
        assert b"utm_source" not in stranger.content


def test_a_filter_beside_an_unknown_parameter_still_applies(client, hampshire, southampton):
    _inspected([hampshire, southampton])
    response = client.get("/", {"authority": "southampton", "utm_source": "email"})
    assert _legend(_figures(response)["overall"]["figure"]) == ["Southampton"]


# --- Tables newest first -------------------------------------------------------------------


def test_tables_list_the_newest_inspection_first_and_number_notes_in_that_order(
    client, hampshire, southampton
):
    slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    make_judgement(slac, area="safeguarding.overall_effectiveness", grade="adequate")
    sif = make_inspection(southampton, framework="SIF", start_date=date(2014, 7, 8))
    make_judgement(sif, area="adoption", label="Adoption performance", grade="good")
    _inspected([hampshire], start=date(2019, 4, 29))
    _inspected([southampton], start=date(2023, 6, 5))
    response = client.get("/", {"authority": ["hampshire", "southampton"]})
    chart = next(c for c in response.context["charts"] if c["theme"] == "overall")
    dates = [e.date for e in chart["entries"]]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == date(2023, 6, 5)
    numbers = [e.note_number for e in chart["entries"] if e.is_gap]
    assert numbers == sorted(numbers) and numbers[0] == 1
    # The chart still draws each line in date order.
    figure = json.loads(json.dumps(_figures(response)["overall"]["figure"]))
    for trace in figure["data"]:
        xs = [x for x in trace["x"] if x]
        assert xs == sorted(xs)


def test_the_csv_lists_the_newest_inspection_first_as_the_table_does(client, hampshire):
    for year in (2012, 2019, 2024):
        make_judgement(make_inspection(hampshire, start_date=date(year, 3, 1)))
    body = client.get("/export.csv", {"authority": "hampshire"}).content.decode("utf-8-sig")
    starts = [row["inspection_start"] for row in csv.DictReader(io.StringIO(body))]
    assert starts == ["2024-03-01", "2019-03-01", "2012-03-01"]


def test_a_long_subtitle_wraps_on_the_desktop_chart_and_the_plot_moves_down():
    """plotly.js cuts a one-line subtitle at the chart's edge: a long statement of the filters
    is wrapped, and the top margin grows by a line for each extra line."""
    short = chart_figure.theme_figure("overall", [], [], [], "Hampshire", date(2026, 11, 30))
    subtitle = "Ofsted grades by inspection date: " + ", ".join(["Hampshire"] * 12)
    long = chart_figure.theme_figure("overall", [], [], [], subtitle, date(2026, 11, 30))
    lines = long["layout"]["title"]["subtitle"]["text"].split("<br>")
    assert len(lines) > 1
    assert all(len(line) <= chart_figure.DESKTOP_CHARACTERS for line in lines)
    assert " ".join(lines) == subtitle
    extra = long["layout"]["margin"]["t"] - short["layout"]["margin"]["t"]
    assert extra == chart_figure.COMPACT_LINE_PX * (len(lines) - 1)
    # The phone layout wraps from the desktop's one-line margin, not on top of the wrapped one.
    compact = long["layout"]["meta"]["compact"]
    phone_lines = compact["title.subtitle.text"].count("<br>") + 1
    assert (
        compact["margin.t"]
        == chart_figure.TOP_MARGIN_PX + chart_figure.COMPACT_LINE_PX * (phone_lines - 1) + 14
    )


def test_with_many_lines_each_table_lists_each_authoritys_latest_grade_and_says_so(
    client, authorities
):
    """Every authority: a theme's table lists each authority's latest inspection only, says so
    and links the page's CSV; the chart keeps every inspection. Few lines: every inspection."""
    current = list(authorities.filter(existed_until=None).order_by("name"))
    assert len(current) > chart_figure.MANY_LINES
    _inspected(current, start=date(2019, 4, 29), grade="good")
    _inspected(current[:3], start=date(2023, 6, 5), grade="outstanding")
    cache.clear()
    response = client.get("/", {"group": ""})
    page = response.content.decode()
    for chart in response.context["charts"]:
        names = [e.authority.name for e in chart["entries"]]
        assert len(names) == len(set(names)) == len(current)
        assert chart["latest_of"] == len(current)
    chart = next(c for c in response.context["charts"] if c["theme"] == "overall")
    assert [e.date for e in chart["entries"]][:3] == [date(2023, 6, 5)] * 3
    assert f"Latest grade of each of the {len(current)} authorities" in page
    assert 'every inspection is in the <a href="/export.csv?group=' in page
    # The chart still draws both inspections of the three inspected twice.
    grey = _figures(response)["overall"]["figure"]["data"][0]
    assert len([x for x in grey["x"] if x]) == len(current) + 3

    # An authority the page is for (the first named) leads each table, the rest newest first.
    named = [current[5], *current[:5], *current[6:]]
    response = client.get("/", {"authority": [a.slug for a in named]})
    chart = next(c for c in response.context["charts"] if c["theme"] == "overall")
    assert [e.authority for e in chart["entries"][:4]] == [current[5], *current[:3]]

    few = current[:2]
    response = client.get("/", {"authority": [a.slug for a in few]})
    chart = next(c for c in response.context["charts"] if c["theme"] == "overall")
    assert len(chart["entries"]) == 4 and chart["latest_of"] is None
    assert "Latest grade of each" not in response.content.decode()


# --- What a judgement shows: each field the page reads reaches the table and the hover ---------


def _table_row(page, judgement):
    start = page.index(f'data-judgement="{judgement.pk}"')
    return page[start : page.index("</tr>", start)]


def test_a_judgement_shows_its_label_grade_and_flags_in_the_table_and_the_hover(
    client, hampshire, staff_user
):
    """The page reads its judgements as plain rows (charts.DrawnJudgement): a field it shows but
    does not read would render as nothing in a template, so each one is checked here."""
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    flagged = make_judgement(
        inspection, grade="requires_improvement", needs_review=True, review_reason="Unsure."
    )
    corrected = make_judgement(
        inspection, area="help_and_protection", label="Help and protection", grade="good"
    )
    corrected.correct(grade="inadequate", reason="The report says so on page 3.", user=staff_user)

    response = client.get("/", {"authority": "hampshire"})
    page = response.content.decode()
    flagged_row, corrected_row = _table_row(page, flagged), _table_row(page, corrected)
    assert "Overall effectiveness" in flagged_row
    assert 'class="grade grade-requires_improvement"' in flagged_row
    assert "Requires improvement to be good" in flagged_row
    assert '<span class="flag review">' in flagged_row
    assert '<span class="flag corrected">' not in flagged_row
    assert "Help and protection" in corrected_row
    assert 'class="grade grade-inadequate"' in corrected_row
    assert '<span class="flag corrected">' in corrected_row
    assert '<span class="flag review">' not in corrected_row
    hovers = {
        tuple(point[:5])
        for figure in response.context["chart_data"]
        for trace in figure["figure"]["data"]
        for point in trace.get("customdata") or []
    }
    assert (
        "Hampshire",
        "ILACS",
        "29 Apr 2019",
        "Help and protection",
        "Inadequate (corrected)",
    ) in (hovers)
    assert (
        "Hampshire",
        "ILACS",
        "29 Apr 2019",
        "Overall effectiveness",
        "Requires improvement to be good",
    ) in hovers
