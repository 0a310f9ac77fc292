"""The compare page leads with its charts: the first chart is on the first screen at 1400×900,
nothing is drawn over a chart's title or its markers on a 390 px phone, and the default page
prints on at most four A4 pages."""

import re

import pytest

from tests.browser.drawing import wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(page, live_server, path, width, height=900):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + path)
    page.wait_for_selector("#chart-overall[data-drawn]", timeout=15000)


def _overlap(a, b):
    """The area two boxes share, in square pixels."""
    dx = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    dy = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(dx, 0) * max(dy, 0)


def test_the_first_chart_is_on_the_first_screen_at_1400_by_900(
    page, live_server, demo_data, screenshot
):
    _open(page, live_server, "/", 1400)
    plot = page.locator("#chart-overall .nsewdrag").first.bounding_box()
    title = page.locator("#chart-overall .g-gtitle").bounding_box()
    assert title["y"] > 0 and plot["y"] + plot["height"] <= 900
    # The explanation is one click away.
    about = page.locator("details.about")
    assert not about.locator(".data-source").is_visible()
    about.locator("summary").click()
    assert about.locator(".data-source").is_visible()
    page.locator("details.about summary").click()
    page.screenshot(path=str(screenshot.folder / "compare-first-screen-1400.png"))


def test_on_a_phone_nothing_covers_the_title_or_the_not_judged_markers(
    page, live_server, demo_data, screenshot
):
    _open(page, live_server, "/", 390)
    chart = page.locator("#chart-overall")
    chart.scroll_into_view_if_needed()
    chart.hover()  # the toolbar shows when the chart is pointed at
    page.wait_for_timeout(300)
    title = chart.locator(".g-gtitle").bounding_box()
    for bar in chart.locator(".modebar").all():
        box = bar.bounding_box()
        assert box is None or _overlap(box, title) == 0
    # The "Poole → BCP" note and the open markers of the "Not judged" row.
    notes = [
        a.bounding_box()
        for a in chart.locator(".annotation").all()
        if "→" in (a.text_content() or "")
    ]
    assert notes
    gaps = chart.locator(".scatterlayer .point").all()
    not_judged_y = page.evaluate(
        """() => { const gd = document.getElementById("chart-overall");
        const l = gd._fullLayout; const r = gd.getBoundingClientRect();
        return r.top + l.yaxis._offset + l.yaxis.l2p(5); }"""
    )
    markers = [
        b
        for b in (g.bounding_box() for g in gaps)
        if b and abs(b["y"] + b["height"] / 2 - not_judged_y) < 3
    ]
    assert markers
    assert all(_overlap(n, m) == 0 for n in notes for m in markers)
    # Nor the grade scale's labels ("Not judged" among them).
    ticks = [t.bounding_box() for t in chart.locator(".ytick text").all()]
    assert all(_overlap(n, t) == 0 for n in notes for t in ticks)
    chart.screenshot(path=str(screenshot.folder / "compare-chart-390.png"))


def test_the_default_page_prints_on_at_most_four_a4_pages(page, live_server, demo_data, screenshot):
    _open(page, live_server, "/", 1400)
    wait_for_charts(page)
    page.set_viewport_size({"width": 718, "height": 1000})  # A4's width inside its margins
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot.folder / "compare-default-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (screenshot.folder / "compare-default-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 4, f"{pages} pages"
