"""The England map in a real browser, at desktop width and on a 390 px phone: a hexagon's hover
names its authority and grade, a click opens the authority, the inadequate are a few clicks away,
nothing is fetched from elsewhere, and axe finds nothing."""

import re
import time
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from authorities.models import LocalAuthority
from inspections.models import Judgement
from tests.browser.hovering import hover_onto
from tests.factories import make_inspection, make_judgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1400, 390]


def _open_map(page, live_server, query=""):
    page.goto(f"{live_server.url}/map/{query}")
    page.wait_for_selector("#hexmap[data-drawn]", timeout=15000)


# Where plotly drew a hexagon's mark, in the page's pixels: found from the figure's own data and
# axes, so the test does not depend on the order plotly puts its points in the page.
_MARK_POSITION = """([url]) => {
  const gd = document.getElementById("hexmap");
  const layout = gd._fullLayout;
  const rect = gd.getBoundingClientRect();
  for (const trace of gd.data) {
    const i = (trace.customdata || []).findIndex(c => c[c.length - 1] === url);
    if (i >= 0) return {
      x: rect.left + layout.xaxis._offset + layout.xaxis.l2p(trace.x[i]),
      y: rect.top + layout.yaxis._offset + layout.yaxis.l2p(trace.y[i]),
    };
  }
  return null;
}"""


def _still_position(page, authority):
    """The mark's position once it has stopped moving (a late resize of the plot moves it): two
    readings 100 ms apart agree."""
    spot = page.evaluate(_MARK_POSITION, [authority.get_absolute_url()])
    deadline = time.monotonic() + 5
    while True:
        assert spot is not None
        page.wait_for_timeout(100)
        again = page.evaluate(_MARK_POSITION, [authority.get_absolute_url()])
        if again == spot:
            return spot["x"], spot["y"]
        assert time.monotonic() < deadline, f"{authority}'s hexagon still moving after 5 s"
        spot = again


def _point_at_hexagon(page, authority):
    """Move the mouse onto the authority's hexagon until plotly shows its hover; (x, y, text)."""
    page.locator("#hexmap").scroll_into_view_if_needed()
    hover = page.locator("#hexmap .hoverlayer .hovertext")
    x, y = hover_onto(page, hover, lambda: _still_position(page, authority), away=(60, 60))
    # The hover may be of a hexagon the mouse passed over until plotly redraws it.
    expect(hover).to_contain_text(authority.name)
    return x, y, hover.text_content()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hexagon_names_its_authority_and_grade_and_a_click_opens_it(
    page, live_server, demo_data, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _open_map(page, live_server, "?theme=overall")
    southampton = LocalAuthority.objects.get(slug="southampton")
    latest = (
        Judgement.objects.filter(inspection__authority=southampton)
        .for_theme("overall")
        .latest("inspection__start_date")
    )
    x, y, text = _point_at_hexagon(page, southampton)
    assert "Southampton" in text
    assert latest.grade_in_framework_words in text
    assert f"{latest.inspection.start_date:%-d %b %Y}" in text
    screenshot(page, f"map-hover-{width}")

    page.mouse.click(x, y)

    page.wait_for_url(re.compile(r"/authorities/southampton/$"))
    assert "Southampton" in page.locator("h1").inner_text()
    assert page.errors == []
    assert all(url.startswith(live_server.url) for url in page.requests)


def test_a_hexagon_without_a_grade_says_why(page, live_server, demo_data):
    _open_map(page, live_server, "?theme=help_and_protection")
    barnet = LocalAuthority.objects.get(slug="barnet")
    _, _, text = _point_at_hexagon(page, barnet)
    assert "Barnet" in text and "No graded inspection in this theme" in text


def test_the_whole_of_england_fits_a_390_px_phone(page, live_server, demo_data, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    _open_map(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    plot = page.locator("#hexmap .cartesianlayer").bounding_box()
    assert plot["x"] >= 0 and plot["x"] + plot["width"] <= 390
    # every mark (one per authority) is inside the plot
    marks = page.locator("#hexmap .scatterlayer .point")
    assert marks.count() == LocalAuthority.objects.current().count()
    for box in (marks.nth(i).bounding_box() for i in range(0, marks.count(), 10)):
        assert plot["x"] <= box["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"]
    screenshot(page, "map-390")


def test_the_inadequate_in_help_and_protection_are_a_few_clicks_away(page, live_server, demo_data):
    southampton = LocalAuthority.objects.get(slug="southampton")
    inspection = make_inspection(southampton, start_date=date(2026, 1, 12))
    make_judgement(inspection, area="help_and_protection", label="Help", grade="inadequate")
    page.goto(f"{live_server.url}/peers/?authority=southampton")
    page.get_by_role("link", name="Southampton on the England map").click()
    page.wait_for_selector("#hexmap[data-drawn]", timeout=15000)
    assert page.locator("#id_authority").input_value() == "southampton"
    page.locator("#id_theme").select_option("help_and_protection")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#hexmap[data-drawn]", timeout=15000)
    assert page.locator("h1").inner_text() == "England at a glance: Help and protection"
    page.get_by_role("link", name=re.compile(r"^Inadequate \(\d+\)$")).click()
    group = page.locator("#map-table tbody[data-band=inadequate] th[scope=row]")
    assert group.all_inner_texts() == ["Southampton chosen"]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_accessibility_violations_on_the_map(page, live_server, demo_data, width):
    page.set_viewport_size({"width": width, "height": 900})
    for query in ("", "?theme=help_and_protection&authority=southampton&region=London",
                  "?theme=nothing"):  # fmt: skip
        page.goto(f"{live_server.url}/map/{query}")
        if query != "?theme=nothing":
            page.wait_for_selector("#hexmap[data-drawn]", timeout=15000)
        results = Axe().run(page)
        assert results.violations_count == 0, f"/map/{query}: {results.generate_report()}"


# Each label drawn: its text, its box in the page's pixels and its font size; the hexagons' width.
_LABELS = r"""() => {
  const gd = document.getElementById("hexmap");
  const labels = [...gd.querySelectorAll(".textpoint text")].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, width: b.width, height: b.height,
            size: parseFloat(getComputedStyle(t).fontSize), fill: getComputedStyle(t).fill};
  });
  const chosen = [...gd.querySelectorAll(".annotation-text")].filter(
    t => /^[A-Z]{3}$/.test(t.textContent)).map(t => ({
      text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
      weight: /font-weight:\s*bold/.test(t.innerHTML)}));
  const xa = gd._fullLayout.xaxis;
  return {labels, chosen, hexWidth: Math.abs(xa.l2p(Math.sqrt(3)) - xa.l2p(0))};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_each_hexagon_carries_its_three_letters_and_the_chosen_one_stands_out(
    page, live_server, demo_data, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    _open_map(page, live_server, "?authority=southampton")
    drawn = page.evaluate(_LABELS)
    current = dict(LocalAuthority.objects.current().values_list("short_code", "name"))
    texts = [label["text"] for label in drawn["labels"]]
    assert sorted([*texts, *(c["text"] for c in drawn["chosen"])]) == sorted(current)
    # Southampton's label is apart: larger, bold, white on black.
    assert [c["text"] for c in drawn["chosen"]] == ["STH"]
    assert "STH" not in texts
    (chosen,) = drawn["chosen"]
    assert chosen["weight"] and chosen["size"] > drawn["labels"][0]["size"]
    # Legible: at least 9 px at desktop width, and every label inside its hexagon's width.
    if width == 1400:
        assert min(label["size"] for label in drawn["labels"]) >= 9
    assert max(label["width"] for label in drawn["labels"]) < drawn["hexWidth"]
    assert page.errors == []
    screenshot(page, f"map-labels-{width}")
    page.locator("#hexmap").screenshot(path=str(screenshot.folder / f"map-only-{width}.png"))
