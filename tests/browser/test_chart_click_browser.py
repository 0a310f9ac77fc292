"""A chart point opens its inspection: what a person clicking the compare chart sees."""

import re

import pytest

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
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#chart-overall .hoverlayer .hovertext")
    assert (
        "Click to open the inspection" in page.locator("#chart-overall .hovertext").text_content()
    )

    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.wait_for_url(re.compile(rf"/inspections/{latest.inspection_id}/$"))
    assert page.locator("h1").inner_text().startswith("Southampton: ILACS")
    row = page.locator(f"#judgement-{latest.pk}")
    assert latest.grade_in_framework_words in row.inner_text()
    assert page.errors == []
