"""A chart point opens its inspection: what a person clicking the compare chart sees."""

import re

import pytest

from inspections.models import Judgement
from tests.browser.drawing import wait_for_charts, wait_until
from tests.browser.hovering import hover_onto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_a_chart_point_opens_its_inspection(page, live_server, demo_data):
    page.goto(live_server.url + "/?authority=southampton&theme=overall")
    wait_for_charts(page)
    latest = (
        Judgement.objects.filter(inspection__authority__slug="southampton")
        .for_theme("overall")
        .latest("inspection__start_date")
    )
    point = page.locator("#chart-overall .scatterlayer .trace").first.locator(".point").last
    # The chart may sit below the fold: bring it into view, then measure where the point is.
    point.scroll_into_view_if_needed()
    wait_until(
        page,
        "el => { const a = el.getBoundingClientRect(); return new Promise(r =>"
        " requestAnimationFrame(() => { const b = el.getBoundingClientRect();"
        " r(a.x === b.x && a.y === b.y); })); }",
        point.element_handle(),
    )  # the point has stopped moving (a late relayout would move it)
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hover_onto(page, page.locator("#chart-overall .hoverlayer .hovertext"), lambda: (x, y))
    assert (
        "Click to open the inspection" in page.locator("#chart-overall .hovertext").text_content()
    )

    page.mouse.click(x, y)

    page.wait_for_url(re.compile(rf"/inspections/{latest.inspection_id}/$"))
    assert page.locator("h1").inner_text().startswith("Southampton: ILACS")
    row = page.locator(f"#judgement-{latest.pk}")
    assert latest.grade_in_framework_words in row.inner_text()
    assert page.errors == []
