"""A chart point opens its inspection: what a person clicking the compare chart sees."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from inspections.models import Judgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_a_chart_point_opens_its_inspection(page, live_server, demo_data):
    page.goto(live_server.url + "/?authority=southampton&theme=overall")
    page.wait_for_selector(".plot[data-drawn]", timeout=15000)
    latest = (
        Judgement.objects.filter(inspection__authority__slug="southampton")
        .for_theme("overall")
        .latest("inspection__start_date")
    )
    point = page.locator("#chart-overall .scatterlayer .trace").first.locator(".point").last
    # The chart may sit below the fold: bring it into view, then measure where the point is.
    point.scroll_into_view_if_needed()
    page.wait_for_function(
        "el => { const a = el.getBoundingClientRect(); return new Promise(r =>"
        " requestAnimationFrame(() => { const b = el.getBoundingClientRect();"
        " r(a.x === b.x && a.y === b.y); })); }",
        arg=point.element_handle(),
    )  # the point has stopped moving (a late relayout would move it)
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hover = page.locator("#chart-overall .hoverlayer .hovertext")
    for _ in range(3):  # plotly shows a hover on a mouse move onto the point: move off and on
        page.mouse.move(x - 40, y)
        page.mouse.move(x, y, steps=5)
        try:
            hover.wait_for(timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    hover.wait_for(timeout=5000)
    assert (
        "Click to open the inspection" in page.locator("#chart-overall .hovertext").text_content()
    )

    page.mouse.click(x, y)

    page.wait_for_url(re.compile(rf"/inspections/{latest.inspection_id}/$"))
    assert page.locator("h1").inner_text().startswith("Southampton: ILACS")
    row = page.locator(f"#judgement-{latest.pk}")
    assert latest.grade_in_framework_words in row.inner_text()
    assert page.errors == []
