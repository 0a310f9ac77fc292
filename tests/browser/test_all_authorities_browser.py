"""The compare page of every authority ("Show all authorities") in Chromium: its charts draw, each
from a few traces however many authorities there are, and the page stays light. How fast it
draws is measured by bench/pages.py, not asserted here."""

from datetime import date

import pytest

from authorities.models import LocalAuthority
from tests.browser.drawing import wait_for_charts
from tests.factories import make_inspection, make_judgement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Generous: the page draws its first chart in well under a second (bench/pages.py); this only
# stops a test that would otherwise hang.
DRAWN_WITHIN_MS = 30_000
# The grey lines, their "Not judged" markers, the legend's entry of them.
MAX_TRACES = 3
# With one inspection of each of 153 authorities the page is 0.63 MB, most of it the
# tables; one trace per authority made it 1.82 MB.
MAX_BYTES = 1_000_000


@pytest.fixture
def every_authority_inspected(demo_data):
    current = list(LocalAuthority.objects.filter(existed_until=None))
    for n, authority in enumerate(current):
        inspection = make_inspection(authority, start_date=date(2018 + n % 7, 1 + n % 12, 9))
        make_judgement(inspection, grade=["good", "requires_improvement", "inadequate"][n % 3])
        make_judgement(inspection, area="help_and_protection", label="Help and protection")
    return current


def test_every_authority_draws_few_traces_and_a_light_page(
    page, live_server, every_authority_inspected
):
    response = page.goto(live_server.url + "/?group=")
    wait_for_charts(page, timeout=DRAWN_WITHIN_MS)
    assert len(response.body()) < MAX_BYTES
    traces = page.eval_on_selector_all(
        ".plot", "plots => plots.map(p => p.querySelectorAll('.scatterlayer .trace').length)"
    )
    assert len(traces) >= 2 and max(traces) <= MAX_TRACES
    # No authority is named before the first chart; a grey point names its own on hover.
    lede = page.locator(".lede").inner_text()
    assert "lines are drawn in grey" in lede
    assert not any(a.name in lede for a in every_authority_inspected if len(a.name) > 4)
    point = page.locator("#chart-overall .scatterlayer .trace").first.locator(".point").first
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#chart-overall .hoverlayer .hovertext", timeout=5000)
    hover = page.locator("#chart-overall .hoverlayer .hovertext").text_content()
    assert any(a.name in hover for a in every_authority_inspected)
    assert page.errors == []
