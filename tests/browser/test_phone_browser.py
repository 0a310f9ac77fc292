"""The pages without a test of their own at phone width, read on a 390 px phone: the grid, an
authority's history and an inspection. The page itself never scrolls sideways (a wide table
scrolls in its own labelled region), the heading and the first grade sit on the screen, and axe
finds nothing."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _latest_hampshire_inspection(page, live_server):
    page.goto(f"{live_server.url}/authorities/hampshire/")
    return page.locator(".inspection-block h3 a").first.get_attribute("href")


@pytest.mark.parametrize("path", ["/grid/", "/authorities/hampshire/", "inspection"])
def test_page_reads_on_a_390_px_phone(page, live_server, demo_data, screenshot, path):
    if path == "inspection":
        path = _latest_hampshire_inspection(page, live_server)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    heading = page.locator("h1").bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= PHONE["width"]
    grade = page.locator(".grade").first
    grade.scroll_into_view_if_needed()
    box = grade.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], grade.inner_text()
    results = Axe().run(page)
    assert results.violations_count == 0, f"{path}: {results.generate_report()}"
    assert page.errors == []
    screenshot(page, "phone" + path.strip("/").replace("/", "-"))


def test_authority_history_opens_on_its_latest_inspection(page, live_server, demo_data):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/authorities/hampshire/")
    dates = page.locator(".inspection-block h3 a").all_inner_texts()
    years = [int(text.split(":")[0].split()[-1]) for text in dates]
    assert len(years) > 1
    assert years == sorted(years, reverse=True)
