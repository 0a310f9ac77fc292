"""The Content-Security-Policy holds and costs nothing: each page runs under it (no inline script
allowed) and draws its charts, hovers, picker and sign-in form without a violation reported."""

import pytest

from tests.browser.drawing import wait_for_charts
from tests.browser.hovering import hover_onto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded in the page before any of its own scripts run; Playwright's init script is not the
# page's, so the policy does not apply to it.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    page.console = []
    page.on("console", lambda message: page.console.append(message.text))
    page.add_init_script(LISTEN)
    return page


def _violations(page):
    reported = page.evaluate("window.cspViolations")
    console = [m for m in page.console if "Content Security Policy" in m]
    return reported + console


def _center(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _policy(response):
    header = response.headers["content-security-policy"]
    return dict(d.strip().split(" ", 1) for d in header.split(";") if d.strip())


def test_compare_page_draws_hovers_and_picks_under_the_policy(watched, live_server, demo_data):
    page = watched
    response = page.goto(live_server.url + "/")
    wait_for_charts(page)
    point = page.locator("#chart-overall .scatterlayer .point").first
    point.scroll_into_view_if_needed()
    hover_onto(page, page.locator("#chart-overall .hoverlayer .hovertext"), lambda: _center(point))
    page.locator("details.filters summary").click()
    page.get_by_role("combobox", name="Authorities").fill("southamp")
    page.get_by_role("listbox", name="Authorities").get_by_role(
        "option", name="Southampton"
    ).click()
    with page.expect_download() as download:  # drawn as a blob: image first
        page.get_by_role("button", name="Download chart (PNG)").first.click()

    assert download.value.suggested_filename.endswith(".png")
    assert _policy(response)["script-src"] == "'self'"
    assert _violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize(
    "path, drawn",
    [
        ("/map/", "#hexmap[data-drawn]"),
        ("/peers/?authority=hampshire", ".peer-plot[data-drawn]"),
        ("/authorities/hampshire/", "h1"),
        ("/admin/login/", "#id_username"),
    ],
)
def test_pages_run_under_the_policy_without_a_violation(
    watched, live_server, demo_data, path, drawn
):
    response = watched.goto(live_server.url + path)
    watched.wait_for_selector(drawn, timeout=15000)
    if path == "/admin/login/":
        watched.fill("#id_username", "nobody")
        watched.fill("#id_password", "wrong")
        watched.click("input[type=submit]")
        watched.wait_for_selector(".errornote")

    assert _policy(response)["default-src"] == "'self'"
    assert _violations(watched) == []
    assert watched.errors == []
