"""The stale-latest case in a real browser: with the seed list of Ofsted's reports and the demo
data loaded, an authority whose newest report Ofsted lists was refused reads "not loaded" on the
map's hover and table, on the peer page and on its own page."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from authorities.models import LocalAuthority
from inspections.publications import Publication
from tests.browser.test_map_browser import _open_map, _point_at_hexagon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_LOADED = "newer report (published 1 Jul 2026) is not loaded"


@pytest.fixture
def stale_southampton(demo_data):
    """The seed list, and a newer report of Southampton that was refused here."""
    call_command("load_publications", stdout=io.StringIO())
    southampton = LocalAuthority.objects.get(slug="southampton")
    Publication.objects.create(
        authority=southampton,
        url="https://files.ofsted.gov.uk/v1/file/99999999",
        title="Children's services inspection - 1 July 2026",
        kind=Publication.Kind.GRADED_INSPECTION,
        published=date(2026, 7, 1),
        state=Publication.State.REFUSED,
        reason="/srv/ofsted/downloads/80558_southampton/99999999.pdf: not a PDF",
    )
    return southampton


def test_a_refused_newer_report_reads_not_loaded_on_map_and_peer_page(
    page, live_server, stale_southampton, screenshot
):
    _open_map(page, live_server, "?theme=overall&authority=southampton")
    _, _, hover = _point_at_hexagon(page, stale_southampton)
    assert "Southampton" in hover and f"A {NOT_LOADED}" in hover
    assert "refused: 99999999.pdf: not a PDF" in hover
    row = page.locator("#map-table tr", has_text="Southampton")
    assert NOT_LOADED in row.inner_text()
    assert "/srv/" not in page.content()
    screenshot(page, "catalogue-map-1400")

    page.goto(f"{live_server.url}/peers/?authority=southampton&theme=overall")
    latest = page.locator(".peer-latest").first.inner_text()
    assert NOT_LOADED in latest and "refused: 99999999.pdf" in latest
    assert (
        "Ofsted's list last checked: 22 Aug 2026 (seed list)"
        in page.locator("#currency").inner_text()
    )
    screenshot(page, "catalogue-peers-1400")

    page.goto(f"{live_server.url}/authorities/southampton/")
    text = page.locator("main").inner_text()
    assert NOT_LOADED in text
    assert "Refused: 99999999.pdf: not a PDF" in text
    screenshot(page, "catalogue-authority-1400")
    assert page.errors == []
