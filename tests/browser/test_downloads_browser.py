"""What an analyst downloads, opened as they would open it: a chart's PNG and SVG show every
line of the source note, and the latest-grades CSV of the map holds what the map shows."""

import base64
import csv
import io
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_LAST_LINE = "Grades in each framework's own words; 1-4 scale for drawing only."


def _ink_rows(browser, png):
    """The rows of a PNG, top to bottom, True where a row holds a dark pixel (text, lines)."""
    blank = browser.new_page()
    try:
        return blank.evaluate(
            """async (data) => {
              const img = new Image();
              img.src = "data:image/png;base64," + data;
              await img.decode();
              const c = document.createElement("canvas");
              c.width = img.width; c.height = img.height;
              const g = c.getContext("2d");
              g.drawImage(img, 0, 0);
              const px = g.getImageData(0, 0, c.width, c.height).data;
              const rows = [];
              for (let y = 0; y < c.height; y++) {
                let dark = false;
                for (let x = 0; x < c.width && !dark; x++) {
                  const i = (y * c.width + x) * 4;
                  dark = px[i + 3] > 0 && px[i] < 140 && px[i + 1] < 140 && px[i + 2] < 140;
                }
                rows.push(dark);
              }
              return rows;
            }""",
            base64.b64encode(png).decode(),
        )
    finally:
        blank.close()


def _text_lines(rows):
    """[(first row, last row)] of each run of rows holding ink."""
    runs, start = [], None
    for y, dark in enumerate([*rows, False]):
        if dark and start is None:
            start = y
        elif not dark and start is not None:
            runs.append((start, y - 1))
            start = None
    return runs


def _download(page, chart, kind):
    with page.expect_download() as download:
        page.locator(f"button[data-chart='{chart}'][data-download='{kind}']").click()
    return Path(download.value.path()).read_bytes()


def test_chart_png_and_svg_show_every_line_of_the_source(page, browser, live_server, demo_data):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#chart-overall[data-drawn]", timeout=15000)
    svg = _download(page, "chart-overall", "svg").decode()
    height = float(re.search(r'<svg[^>]*height="([\d.]+)"', svg).group(1))
    texts = re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(?:(?!</text>).)*?' + "Grades in each", svg)
    assert texts, "the source's last line is in the SVG"
    assert all(float(y) < height - 4 for y in texts)
    png = _download(page, "chart-overall", "png")
    (Path(__file__).resolve().parents[2] / "test-artifacts").mkdir(exist_ok=True)
    (Path(__file__).resolve().parents[2] / "test-artifacts" / "chart-overall.png").write_bytes(png)
    rows = _ink_rows(browser, png)
    lines = _text_lines(rows)
    # The last line of ink ends clear of the image's bottom edge (not cut through), and the three
    # lines of the source are the last three runs of ink.
    assert lines[-1][1] < len(rows) - 8
    assert len(lines) >= 3


def test_map_downloads_the_latest_grades_it_shows(page, live_server, demo_data):
    page.goto(live_server.url + "/map/?theme=help_and_protection&region=South+West")
    page.wait_for_selector("#hexmap[data-drawn]", timeout=15000)
    named = page.locator("#map-table tbody tr:not(.group-head) th a").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these latest grades (South West) (CSV)").click()
    assert download.value.suggested_filename.startswith("ofsted-latest-grades_")
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert sorted(r["authority"] for r in rows) == sorted(named)
    assert {(r["theme"], r["region"]) for r in rows} == {("help_and_protection", "South West")}
    bcp = next(r for r in rows if r["la_code"] == "839")
    assert bcp["grade_words"] and bcp["inspection_url"].startswith(live_server.url)
