"""What an analyst sees in a real browser: charts drawn, filters in the URL, CSV = table,
evidence on the authority page, downloads, keyboard and axe-core checks."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from inspections.models import Inspection, Judgement
from tests.browser.drawing import wait_for_charts, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A4 less the 12 mm margins of site.css's @page, in CSS pixels (96 to the inch): 703.
A4_PRINTABLE_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def _open(page, live_server, path):
    page.goto(live_server.url + path)
    return page


def test_compare_page_draws_hampshire_poole_bcp_and_southampton(
    page, live_server, demo_data, screenshot
):
    _open(page, live_server, "/")
    wait_for_charts(page)
    assert page.evaluate("typeof Plotly") == "object"
    legend = page.locator("#chart-overall .legendtext").all_text_contents()
    assert legend == [
        "Hampshire",
        "Poole → Bournemouth, Christchurch and Poole",
        "Southampton",
    ]
    assert page.locator(".plot[data-drawn]").count() == 7
    # Markers are drawn, one symbol per line.
    assert page.locator("#chart-overall .scatterlayer .point").count() >= 6
    # No request leaves the server: plotly.js comes from our static files.
    assert all(url.startswith(live_server.url) for url in page.requests)
    assert any(url.endswith("/static/vendor/plotly.min.js") for url in page.requests)
    assert page.errors == []
    screenshot(page, "compare")
    page.locator("section.theme").first.screenshot(path="test-artifacts/compare-overall.png")


def test_hover_gives_framework_label_and_grade_in_its_own_words(page, live_server, demo_data):
    _open(page, live_server, "/?authority=southampton&theme=overall")
    wait_for_charts(page)
    point = page.locator("#chart-overall .scatterlayer .trace").first.locator(".point").last
    point.hover(force=True)
    page.wait_for_selector("#chart-overall .hoverlayer .hovertext")
    hover = page.locator("#chart-overall .hoverlayer .hovertext").text_content()
    assert "Southampton" in hover and "ILACS" in hover
    assert "Overall effectiveness" in hover
    latest = (
        Judgement.objects.filter(inspection__authority__slug="southampton")
        .for_theme("overall")
        .latest("inspection__start_date")
    )
    assert latest.grade_in_framework_words in hover


def test_changing_a_filter_changes_the_url_and_the_table(page, live_server, demo_data):
    _open(page, live_server, "/")
    wait_for_charts(page)
    table = page.locator("#chart-help_and_protection-table")
    assert "SLAC" in table.inner_text()
    page.locator("details.filters > summary").click()
    page.select_option("#id_framework", ["ILACS"])
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"framework=ILACS"))
    wait_for_charts(page)
    assert "group=hampshire-and-peers" in page.url
    rows = table.locator("tbody tr").all_inner_texts()
    assert rows and all("ILACS" in row for row in rows)


def test_theme_csv_has_the_same_rows_as_the_table(page, live_server, demo_data):
    _open(page, live_server, "/")
    section = page.locator("section.theme", has=page.locator("#chart-children_in_care"))
    rows = section.locator("tbody tr[data-judgement]")
    table = [
        (row.locator("td").nth(1).inner_text(), row.locator("td").nth(0).locator("a").inner_text())
        for row in rows.all()
    ]
    with page.expect_download() as download:
        section.get_by_role("link", name="Download this table (CSV)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert len(records) == len(table) > 0
    assert [
        (r["authority"], date.fromisoformat(r["inspection_start"]).strftime("%-d %b %Y"))
        for r in records
    ] == table


def test_chart_downloads_as_svg_with_title_source_and_date(page, live_server, demo_data):
    _open(page, live_server, "/")
    wait_for_charts(page)
    with page.expect_download() as download:
        page.locator("#chart-overall").locator("xpath=..").get_by_role(
            "button", name="Download chart (SVG)"
        ).click()
    assert download.value.suggested_filename.endswith(".svg")
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Overall effectiveness" in svg
    assert "Source: Ofsted inspection reports" in svg
    assert re.search(r"Drawn \d{1,2} \w+ \d{4}", svg)
    with page.expect_download() as download:
        page.hover("#chart-overall .nsewdrag")
        page.locator("#chart-overall .modebar-btn[data-title*='png' i]").click()
    assert download.value.suggested_filename.endswith(".png")


def test_authority_page_shows_evidence(page, live_server, demo_data, screenshot, django_user_model):
    analyst = django_user_model.objects.create_user("analyst", password="pw-analyst-1")
    judgement = Judgement.objects.get(
        inspection__authority__la_code="839",
        inspection__start_date=date(2021, 12, 6),
        area="overall_effectiveness",
    )
    judgement.correct(grade="requires_improvement", reason="Checked the PDF", user=analyst)
    _open(page, live_server, "/authorities/bournemouth-christchurch-and-poole/")
    row = page.locator(f"#judgement-{judgement.pk}")
    row.get_by_text("History").click()
    assert "corrected by staff" in row.inner_text()
    assert "Parsed as: Inadequate" in row.inner_text()
    # The public sees that staff corrected it and why; the editor's name is for staff only.
    assert "by staff" in row.inner_text() and "Checked the PDF" in row.inner_text()
    assert "analyst" not in row.inner_text()
    row.screenshot(path="test-artifacts/authority-correction.png")
    text = page.locator("main").inner_text()
    assert "Poole" in text and "Includes the record of" in text
    evidence = page.locator("td.evidence").first.inner_text()
    assert "demo_judgements.csv" in evidence
    assert "Overall effectiveness: Good" in text
    screenshot(page, "authority")
    _open(page, live_server, "/grid/")
    assert page.locator("table.grid").count() >= 3
    screenshot(page, "grid")
    link = page.locator("table.grid tbody tr").first.locator("td a")
    pk = re.search(r"/inspections/(\d+)/", link.get_attribute("href")).group(1)
    inspection = Inspection.objects.select_related("authority").get(pk=pk)
    link.click()
    page.wait_for_url(re.compile(rf"/inspections/{pk}/"))
    heading = page.locator("h1").inner_text()
    assert inspection.authority.name in heading
    assert f"{inspection.start_date:%-d %B %Y}" in heading
    screenshot(page, "inspection")


def test_skip_link_is_the_first_thing_a_keyboard_reaches(page, live_server, demo_data):
    _open(page, live_server, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_axe_finds_no_accessibility_violations_on_any_page(page, live_server, demo_data):
    pages = ["/", "/grid/", "/authorities/hampshire/", "/?neighbours_of=hampshire"]
    _open(page, live_server, "/grid/")
    pages.append(page.locator("table.grid a[href*='/inspections/']").first.get_attribute("href"))
    for path in pages:
        _open(page, live_server, path)
        if path == "/":
            wait_for_charts(page)
        results = Axe().run(page)
        assert results.violations_count == 0, f"{path}: {results.generate_report()}"


def test_compare_page_prints_chart_and_table_on_a4(page, live_server, demo_data, screenshot):
    _open(page, live_server, "/?group=hampshire-and-peers&theme=overall")
    wait_for_charts(page)
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    # Plotly redraws the chart to fill the narrower window (wider than the printed page) ...
    wait_until(
        page,
        "() => [...document.querySelectorAll('.plot')]"
        ".every(p => Math.round(p.querySelector('.main-svg').getBoundingClientRect().width)"
        " === p.clientWidth)",
    )
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    # ... and charts.js, told the page is printing, redraws it to fit the page.
    wait_until(
        page,
        "width => [...document.querySelectorAll('.plot .main-svg')]"
        ".every(svg => svg.getBoundingClientRect().width <= width)",
        A4_PRINTABLE_WIDTH,
    )
    assert not page.locator("details.filters").is_visible()
    assert not page.get_by_role("button", name="Download chart (SVG)").is_visible()
    chart = page.locator("#chart-overall .main-svg").first.bounding_box()
    assert chart["width"] <= A4_PRINTABLE_WIDTH
    rows = page.locator("#chart-overall-table tbody tr[data-judgement]")
    last = rows.last.bounding_box()
    assert last["height"] > 0 and page.locator("#chart-overall-table").is_visible()
    screenshot(page, "compare-print")
    page.pdf(path="test-artifacts/compare-print.pdf", format="A4", print_background=True)
