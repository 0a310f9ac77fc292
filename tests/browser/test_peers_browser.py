"""The peer-position page in a real browser, at desktop width and on a 390 px phone: charts drawn,
counts in the hover and in the tables, links in from the compare and authority pages, axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from inspections import frameworks as fw
from tests.browser.drawing import wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_peers(page, live_server, query=""):
    page.goto(f"{live_server.url}/peers/{query}")
    wait_for_charts(page, ".peer-plot")


def test_peer_page_draws_every_theme_with_counts_in_hover_and_tables(
    page, live_server, demo_data, screenshot
):
    _open_peers(page, live_server)
    assert page.locator("h1").inner_text() == "Where Hampshire stands"
    # Two figures per theme: the groups' latest grades and England by year.
    assert page.locator(".peer-plot[data-drawn]").count() == 2 * len(fw.THEMES)
    table = page.locator("#peers-overall-groups")
    column = table.locator("thead th").all_inner_texts().index("England") - 1
    good = int(table.locator("tr[data-band=good] td").nth(column).inner_text().split()[0])
    assert good > 0
    # The England bar's "Good" segment says its count in the hover.
    segment = page.locator("#peers-overall-position .barlayer .trace").nth(1).locator(".point")
    segment.last.hover(force=True)
    page.wait_for_selector("#peers-overall-position .hoverlayer .hovertext")
    hover = page.locator("#peers-overall-position .hoverlayer .hovertext").text_content()
    assert "England" in hover and f"Good: {good} of" in hover
    # Hampshire's own grades are marked on England by year.
    assert page.locator("#peers-overall-years .scatterlayer .point").count() > 0
    assert all(url.startswith(live_server.url) for url in page.requests)
    assert page.errors == []
    screenshot(page, "peers")


def test_peer_page_reads_on_a_390_px_phone(page, live_server, demo_data, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    _open_peers(page, live_server, "?authority=southampton&theme=help_and_protection")
    assert page.locator("h1").inner_text() == "Where Southampton stands"
    # Nothing wider than the screen: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for chart in ("#peers-help_and_protection-position", "#peers-help_and_protection-years"):
        box = page.locator(chart).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    title = page.locator("#peers-help_and_protection-position .gtitle").bounding_box()
    assert title["x"] + title["width"] <= 390
    assert page.locator("#peers-help_and_protection-neighbours tbody tr").count() == 10
    assert page.errors == []
    screenshot(page, "peers-390")


def test_compare_and_authority_pages_link_to_the_peer_page(page, live_server, demo_data):
    page.goto(f"{live_server.url}/?authority=southampton")
    page.get_by_role("link", name="Peer position", exact=False).click()
    page.wait_for_url("**/peers/?authority=southampton")
    page.goto(f"{live_server.url}/authorities/poole/")
    page.get_by_role("link", name="Where it stands among its neighbours").click()
    # Poole no longer exists: its successor's page, which says so.
    page.wait_for_url("**/peers/?authority=bournemouth-christchurch-and-poole&replaced=poole")
    assert page.locator("h1").inner_text() == ("Where Bournemouth, Christchurch and Poole stands")
    assert "Poole no longer exists" in page.locator(".note.replaced").inner_text()


def test_axe_finds_no_accessibility_violations_on_the_peer_page(page, live_server, demo_data):
    for query in ("", "?authority=southampton&theme=overall", "?authority=nowhere"):
        page.goto(f"{live_server.url}/peers/{query}")
        if query != "?authority=nowhere":
            wait_for_charts(page, ".peer-plot")
        results = Axe().run(page)
        assert results.violations_count == 0, f"/peers/{query}: {results.generate_report()}"
