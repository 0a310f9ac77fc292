"""The compare page as an analyst meets it, at a desktop's width and a phone's (390 px): many
authorities in grey behind the one the page is for, the authority picker typed into, the
filters stated and cleared, tables newest first and in full, and print."""

import re
from datetime import date, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from authorities.models import LocalAuthority
from tests.browser.drawing import wait_for_charts
from tests.factories import make_inspection, make_judgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [pytest.param(1400, id="desktop"), pytest.param(390, id="phone")]
NEIGHBOURS = "/?neighbours_of=hampshire&neighbour_model=current"


def _open(page, live_server, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + path)
    wait_for_charts(page)
    return page


def _no_axe_violations(page, where):
    results = Axe().run(page)
    assert results.violations_count == 0, f"{where}: {results.generate_report()}"


@pytest.fixture
def neighbours_inspected(demo_data):
    """An ILACS inspection of each of Hampshire's current statistical neighbours."""
    hampshire = LocalAuthority.objects.get(slug="hampshire")
    neighbours = [
        link.neighbour for link in hampshire.neighbour_links.filter(model_version="current")
    ]
    for n, authority in enumerate(neighbours):
        inspection = make_inspection(authority, start_date=date(2018 + n % 6, 3, 5 + n))
        make_judgement(inspection, grade=["good", "requires_improvement", "outstanding"][n % 3])
    return neighbours


def _hover_text(page, chart, point):
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(f"#{chart} .hoverlayer .hovertext", timeout=5000)
    return page.locator(f"#{chart} .hoverlayer .hovertext").text_content()


@pytest.mark.parametrize("width", WIDTHS)
def test_neighbours_are_grey_behind_hampshire_in_colour(
    page, live_server, neighbours_inspected, screenshot, width
):
    _open(page, live_server, NEIGHBOURS, width)
    legend = page.locator("#chart-overall .legendtext").all_text_contents()
    others = len(neighbours_inspected)
    assert legend == ["Hampshire", f"{others} other authorities (grey; hover to name)"]
    # No list of names before the first chart: the lines are listed, folded, after the charts.
    lede = page.locator(".lede").inner_text()
    assert f"Hampshire and its {others} statistical neighbours" in lede
    assert "drawn in colour" in lede
    key = page.locator("section.key")
    assert key.evaluate("k => k.compareDocumentPosition(document.querySelector('.theme')) & 2")
    assert not key.locator("li").first.is_visible()
    # A grey point still names its authority on hover.
    grey = page.locator("#chart-overall .scatterlayer .trace").first.locator(".point").first
    hover = _hover_text(page, "chart-overall", grey)
    assert any(a.name in hover for a in neighbours_inspected)
    assert page.errors == []
    _no_axe_violations(page, f"{NEIGHBOURS} at {width}px")
    screenshot(page, f"compare-neighbours-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_authority_picker_is_typed_into(page, live_server, demo_data, width):
    _open(page, live_server, "/?authority=hampshire", width)
    page.locator("details.filters > summary").click()
    picker = page.get_by_role("combobox", name="Authorities")
    picker.fill("southamp")
    page.get_by_role("listbox", name="Authorities").get_by_role(
        "option", name="Southampton"
    ).click()
    assert page.locator("#id_authority").evaluate(
        "s => [...s.selectedOptions].map(o => o.value)"
    ) == ["hampshire", "southampton"]
    _no_axe_violations(page, f"picker at {width}px")
    picker.press("Escape")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"authority=hampshire&authority=southampton"))
    wait_for_charts(page)
    assert page.locator("#chart-overall .legendtext").all_text_contents() == [
        "Hampshire",
        "Southampton",
    ]
    assert page.errors == []


def test_authority_picker_without_javascript_is_the_native_select(browser, live_server, demo_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?authority=hampshire")
    page.locator("details.filters > summary").click()
    page.select_option("#id_authority", ["hampshire", "southampton"])
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"authority=hampshire&authority=southampton"))
    assert "Hold Ctrl" in page.locator("#authority-hint").text_content()
    context.close()


def test_filters_are_stated_and_clear_clears_them(page, live_server, demo_data):
    query = "/?group=hampshire-and-peers&framework=ILACS&theme=overall&start=2018-01-01"
    _open(page, live_server, query, 1400)
    words = "the peer group Hampshire and peers; ILACS inspections; Overall effectiveness"
    assert words in page.locator(".lede").inner_text()
    # A long subtitle wraps: plotly.js draws each line as a tspan of its own.
    subtitle = page.locator("#chart-overall .gtitle-subtitle, #chart-overall .g-gtitle").first
    assert words in subtitle.evaluate(
        "el => { const lines = [...el.querySelectorAll('tspan.line')];"
        " return lines.length ? lines.map(t => t.textContent).join(' ') : el.textContent; }"
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download chart (PNG)").click()
    name = download.value.suggested_filename
    assert name.startswith("ofsted-chart_hampshire-and-peers_ilacs_overall_from-2018-01-01_")
    assert name.endswith(".png")
    page.locator("details.filters > summary").click()
    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(live_server.url + "/?")
    wait_for_charts(page)
    assert page.locator("#id_framework").evaluate("s => s.selectedOptions.length") == 0
    assert page.locator("#id_theme").input_value() == ""
    assert page.locator("#id_start").input_value() == ""
    assert page.locator(".plot[data-drawn]").count() == 7


def test_unknown_query_parameters_give_the_default_page(page, live_server, demo_data):
    _open(page, live_server, "/?utm_source=email", 1400)
    assert "the peer group Hampshire and peers" in page.locator(".lede").inner_text()
    assert page.locator(".default-view").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_are_newest_first_in_full_and_readable(
    page, live_server, demo_data, screenshot, width
):
    _open(page, live_server, "/", width)
    wrap = page.locator("#chart-overall-table").locator("xpath=..")
    # In full: no box that scrolls the latest rows, or the grade column, out of sight.
    overflow = wrap.evaluate(
        "w => [w.scrollHeight - w.clientHeight, w.scrollWidth - w.clientWidth]"
    )
    assert overflow == [0, 0]
    texts = page.evaluate(
        "() => [...document.querySelectorAll('#chart-overall-table tbody tr td:first-child a')]"
        ".map(a => a.textContent.trim())"
    )
    dates = [datetime.strptime(t, "%d %b %Y").date() for t in texts]
    assert dates == sorted(dates, reverse=True) and len(dates) > 3
    # Each grade badge sits inside the window.
    for badge in page.locator("#chart-overall-table .grade").all():
        box = badge.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if width < 600:
        # The phone layout: wrapped subtitle, shorter grade names, era labels apart.
        labels = page.locator("#chart-overall .annotation-text").all()
        eras = [
            label.bounding_box()
            for label in labels
            if label.text_content() in ("SLAC", "LAC", "SIF", "ILACS")
        ]
        for a, b in zip(eras, eras[1:], strict=False):
            apart = (
                a["x"] + a["width"] <= b["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart
        ticks = page.locator("#chart-overall .ytick text").all_text_contents()
        assert "RI oradequate" in ticks
        svg = page.locator("#chart-overall .main-svg").first.bounding_box()
        title = page.locator("#chart-overall .g-gtitle").bounding_box()
        assert title["x"] + title["width"] <= svg["x"] + svg["width"]
    _no_axe_violations(page, f"/ at {width}px")
    screenshot(page, f"compare-tables-{width}")


def test_print_keeps_grades_legible_and_notes_below_their_table(page, live_server, demo_data):
    _open(page, live_server, "/?group=hampshire-and-peers&theme=overall", 1400)
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    badge = page.locator("#chart-overall-table .grade").first
    style = badge.evaluate(
        "b => { const s = getComputedStyle(b);"
        " return [s.printColorAdjust, s.borderTopStyle, s.borderTopWidth] }"
    )
    assert style == ["exact", "solid", "1px"]
    table = page.locator("#chart-overall-table").bounding_box()
    notes = page.locator(".gap-notes").first.bounding_box()
    assert notes["y"] >= table["y"] + table["height"]
