"""What the catalogue of Ofsted's publications says on the pages: how current the grades are
(never today's date), which authority's newest report is not loaded (map, peer page, compare
tables, authority page, CSV), when a theme was last judged, and no server path in public view."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from authorities.models import LocalAuthority, StatisticalNeighbour
from dashboards import catalogue
from dashboards.catalogue import Currency
from dashboards.evidence import without_paths
from dashboards.models import DataVersion
from inspections.models import ImportProblem, ImportRun
from inspections.publications import CatalogueCheck, Publication
from tests.factories import make_document, make_inspection, make_judgement, make_publication

pytestmark = pytest.mark.django_db

SEED = "seed list (ofsted_publications.csv) of 22 Aug 2026"
SERVER_PATH = "/srv/ofsted/downloads/80472_hampshire/"


def checked(authority, day=date(2026, 8, 22), source=SEED):
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    CatalogueCheck.objects.create(authority=authority, checked_at=at, source=source)


def stale(authority, grade="requires_improvement", state="refused"):
    """An authority graded from its 2019 report (stored, its entry matched), with a newer report
    listed by Ofsted (published 9 May 2025) that was refused here."""
    document = make_document(file_name=f"{authority.slug}-2019.pdf")
    inspection = make_inspection(authority, start_date=date(2019, 4, 29))
    document.inspection = inspection
    document.save()
    for area, label in [("overall_effectiveness", "Overall effectiveness"),
                        ("help_and_protection", "Help and protection")]:  # fmt: skip
        make_judgement(inspection, area=area, label=label, grade=grade, source_document=document)
    make_publication(authority, date(2019, 6, 20), state="stored", document=document)
    reason = f"{SERVER_PATH}50204404.pdf: not a PDF (an HTML page saved as .pdf)" if state else ""
    make_publication(authority, date(2025, 5, 9), state=state or "not_fetched", reason=reason)
    checked(authority)
    return inspection


def _figure(response):
    return response.context["chart_data"][0]["figure"]


def _hover_of(response, authority):
    for trace in _figure(response)["data"]:
        for hover, url in trace.get("customdata", []):
            if url == authority.get_absolute_url():
                return hover
    return None


def _html(response):
    return response.content.decode()


def _text(response_or_html):
    """The words as a reader sees them: no tags, entities read, spaces collapsed."""
    page = response_or_html
    page = page if isinstance(page, str) else _html(page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


# The map


def test_map_marks_an_authority_whose_newer_report_is_not_loaded(client, hampshire, southampton):
    stale(hampshire)
    stale(southampton, state="")  # its newer report listed, never fetched
    response = client.get(reverse("dashboards:map"))

    hover = _hover_of(response, hampshire)
    assert "A newer report (published 9 May 2025) is not loaded" in hover
    assert "refused: 50204404.pdf: not a PDF" in hover
    assert "not fetched" in _hover_of(response, southampton)
    marks = [
        t for t in _figure(response)["data"] if t.get("marker", {}).get("symbol") == "triangle-up"
    ]
    assert len(marks) == 1 and len(marks[0]["x"]) == 2
    row = next(r for r in response.context["rows"] if r.authority == hampshire)
    assert row.missing.published == date(2025, 5, 9)
    text = _text(response)
    assert "a newer report (published 9 May 2025) is not loaded" in text
    assert "A newer report Ofsted lists is not loaded: the grade may be out of date (2)" in text


def test_a_newer_report_that_is_loaded_marks_nothing(client, hampshire):
    stale(hampshire)
    Publication.objects.filter(published=date(2025, 5, 9)).update(
        state="stored", document=make_document(file_name="new.pdf"), reason=""
    )
    DataVersion.bump()
    response = client.get(reverse("dashboards:map"))
    assert "not loaded" not in _hover_of(response, hampshire)
    assert "is not loaded" not in _html(response)


def test_a_newer_report_covered_by_a_graded_inspection_here_is_not_missing(client, hampshire):
    stale(hampshire, state="")
    # Its inspection is here from another copy (demo data, a council paper): ended 20 Mar 2025.
    make_judgement(make_inspection(hampshire, start_date=date(2025, 3, 10)), grade="good")
    response = client.get(reverse("dashboards:map"))
    assert "not loaded" not in _hover_of(response, hampshire)


# The currency line: never today's date


def test_pages_state_how_current_the_grades_are_not_todays_date(client, hampshire, southampton):
    stale(hampshire)
    stale(southampton)
    CatalogueCheck.objects.filter(authority=southampton).update(
        checked_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        source="https://reports.ofsted.gov.uk/provider/44/80558",
    )
    today = timezone.localdate()
    expected = (
        "Reports loaded up to: published by Ofsted 20 Jun 2019. Ofsted's list last checked: "
        "between 22 Aug 2026 (seed list) and 30 Nov 2026, authority by authority."
    )
    pages = {url: client.get(url) for url in ["/", "/grid/", "/map/", "/peers/"]}
    for url, response in pages.items():
        text = _text(response)
        assert expected in text, url
        assert "Latest grades at" not in text
        assert f"at {today:%-d %b %Y}" not in text
    subtitle = _figure(pages["/map/"])["layout"]["title"]["subtitle"]["text"]
    assert f"{today:%-d %b %Y}" not in subtitle
    assert "Reports published to 20 Jun 2019; Ofsted's list checked 22 Aug 2026" in subtitle


def test_a_catalogue_never_loaded_is_said_plainly(client, hampshire):
    make_judgement(make_inspection(hampshire))
    text = _text(client.get(reverse("dashboards:map")))
    assert "Ofsted's list of published reports is not loaded here" in text
    assert str(Currency()).startswith("Ofsted's list of published reports is not loaded here")


# The peer page


def _neighbour(hampshire):
    link = StatisticalNeighbour.objects.filter(
        authority=hampshire, model_version=StatisticalNeighbour.ModelVersion.CURRENT
    ).order_by("rank")[0]
    return link.neighbour


def test_peer_page_marks_a_neighbour_whose_newer_report_is_not_loaded(client, hampshire):
    neighbour = _neighbour(hampshire)
    stale(neighbour, grade="inadequate")
    stale(hampshire, grade="good", state="")
    response = client.get(reverse("dashboards:peers"), {"theme": "help_and_protection"})
    html = " ".join(_html(response).split())

    table = html[html.index('id="peers-help_and_protection-neighbours"') :]
    row = table[table.index(neighbour.name) : table.index("</tr>", table.index(neighbour.name))]
    assert "a newer report (published 9 May 2025) is not loaded" in _text(row)
    assert "refused: 50204404.pdf" in row
    # Hampshire's own grade says so too.
    text = _text(response)
    latest = text[text.index("Hampshire's latest grade:") :]
    assert "a newer report (published 9 May 2025) is not loaded (not fetched)" in latest[:300]


def test_peer_shares_count_authorities_with_a_report_not_loaded_apart(client, hampshire):
    neighbour = _neighbour(hampshire)
    stale(neighbour, grade="inadequate")
    response = client.get(reverse("dashboards:peers"), {"theme": "help_and_protection"})
    section = response.context["sections"][0]
    groups = {d.label: d for d in section["groups"]}
    neighbours = groups["Statistical neighbours"]
    assert neighbours.not_loaded == 1
    assert neighbours.counts["inadequate"] == 0  # not counted as a grade
    assert neighbours.ungraded == neighbours.members - 1
    assert groups["England"].not_loaded == 1
    html = " ".join(_html(response).split())
    assert "Newer report not loaded" in html
    assert "as are those whose newest report Ofsted lists is not loaded here" in html


# The compare tables


def test_compare_tables_say_a_newer_report_is_not_loaded(client, hampshire):
    stale(hampshire)
    response = client.get("/", {"authority": "hampshire", "theme": "overall"})
    html = " ".join(_html(response).split())
    table = html[
        html.index('id="chart-overall-table"') : html.index(
            "</table>", html.index('id="chart-overall-table"')
        )
    ]
    assert "not-loaded-row" in table
    assert "Hampshire" in table
    assert "a newer report (published 9 May 2025) is not loaded" in _text(table)
    assert "refused: 50204404.pdf: not a PDF" in _text(table)


# Judgements no longer made


def test_a_theme_no_longer_judged_says_when_it_was_last(client, hampshire):
    inspection = make_inspection(hampshire, framework="SIF", start_date=date(2015, 3, 2))
    make_judgement(inspection, area="adoption", label="Adoption", grade="good")
    response = client.get(reverse("dashboards:map"), {"theme": "adoption"})
    assert "No longer judged: adoption was last judged under SIF, to 2018" in _text(response)
    assert "Last judged under SIF, to 2018" in _hover_of(response, hampshire)
    peers = " ".join(_html(client.get(reverse("dashboards:peers"), {"theme": "adoption"})).split())
    assert "No longer judged: adoption was last judged under SIF, to 2018" in peers
    assert "(SIF, inspection of 2 Mar 2015; last judged under SIF, to 2018)" in peers


def test_a_theme_still_judged_has_no_last_judged_note(client, hampshire):
    inspection = make_inspection(hampshire, framework="SIF", start_date=date(2015, 3, 2))
    make_judgement(inspection, area="help_and_protection", label="H", grade="good")
    html = _html(client.get(reverse("dashboards:peers"), {"theme": "help_and_protection"}))
    assert "last judged under" not in html


# The authority and inspection pages


def test_authority_page_lists_every_catalogue_entry_with_its_state(client, hampshire):
    inspection = stale(hampshire)
    make_publication(
        hampshire, date(2021, 3, 1), kind="focused_visit", title="Focused visit - 1 March 2021"
    )
    html = " ".join(_html(client.get(hampshire.get_absolute_url())).split())

    # Newest first on one timeline: the refused report, the focused visit, the 2019 inspection.
    order = [html.index(s) for s in ["9 May 2025: Graded inspection, as Ofsted lists it",
                                     "1 March 2021: Focused visit, as Ofsted lists it",
                                     f'id="inspection-{inspection.pk}"']]  # fmt: skip
    assert order == sorted(order)
    assert "a newer report (published 9 May 2025) is not loaded" in _text(html)
    assert "Refused: 50204404.pdf: not a PDF" in html
    assert "Not fetched" in html
    assert 'href="https://files.ofsted.gov.uk/v1/file/' in html
    # The stored report: Ofsted's date, apart from the date the report prints.
    assert "Published by Ofsted: 20 June 2019 (<a href=" in html


def test_inspection_page_shows_ofsteds_publication_date_and_link(client, hampshire):
    inspection = stale(hampshire)
    inspection.published = date(2019, 6, 1)
    inspection.save()
    html = " ".join(_html(client.get(inspection.get_absolute_url())).split())
    entry = Publication.objects.get(published=date(2019, 6, 20))
    assert f'Published by Ofsted: 20 June 2019 (<a href="{entry.url}">' in html
    assert "Published, as the report prints it</dt><dd>1 June 2019" in html


# No server path in public view


@pytest.mark.parametrize(
    "reason, path, shown",
    [
        (f"{SERVER_PATH}x.pdf: not a PDF", "", "x.pdf: not a PDF"),
        ("../shared/corpus/pdf/a b.pdf: no judgement table", "", "a b.pdf: no judgement table"),
        ("corpus/seeds/a.txt: bad text", "", "a.txt: bad text"),
        ("C:\\reports\\r.pdf: encrypted", "", "r.pdf: encrypted"),
        ("/a b/c d.pdf: refused", "/a b/c d.pdf", "c d.pdf: refused"),
        ("saved as text/html, see https://files.ofsted.gov.uk/v1/file/5",
         "", "saved as text/html, see https://files.ofsted.gov.uk/v1/file/5"),
    ],
)  # fmt: skip
def test_a_reason_names_files_without_their_folders(reason, path, shown):
    assert without_paths(reason, path) == shown


def test_authority_page_names_refused_files_without_server_paths(client, hampshire):
    stale(hampshire)
    run = ImportRun.objects.create()
    ImportProblem.objects.create(
        run=run, path=f"{SERVER_PATH}saved page.pdf", file_name="saved page.pdf",
        status="refused", reason=f"{SERVER_PATH}saved page.pdf: not a PDF", authority=hampshire,
    )  # fmt: skip
    html = _html(client.get(hampshire.get_absolute_url()))
    assert "saved page.pdf: not a PDF" in html
    assert "/srv/" not in html


# The CSV


def test_csv_gives_ofsteds_date_and_url_and_a_newer_report_not_loaded(client, hampshire):
    stale(hampshire)
    response = client.get("/export.csv", {"authority": "hampshire"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    entry = Publication.objects.get(published=date(2019, 6, 20))
    assert {r["ofsted_published"] for r in rows} == {"2019-06-20"}
    assert {r["ofsted_url"] for r in rows} == {entry.url}
    assert {r["newer_report_not_loaded"] for r in rows} == {"2025-05-09"}
    assert {r["ofsted_list_checked"] for r in rows} == {"2026-08-22"}


# The cache and the queries


def test_catalogue_writes_replace_the_data_version(hampshire):
    entry = make_publication(hampshire, date(2025, 5, 9))
    before = DataVersion.current()
    entry.record(state=Publication.State.REFUSED, reason="x.pdf: not a PDF")
    assert DataVersion.current() != before
    before = DataVersion.current()
    checked(hampshire)
    assert DataVersion.current() != before
    before = DataVersion.current()
    call_command("load_publications", stdout=io.StringIO())  # bulk_create: no signals
    assert DataVersion.current() != before


def test_the_catalogue_is_read_in_one_query(hampshire, southampton, django_assert_num_queries):
    stale(hampshire)
    stale(southampton, state="")
    with django_assert_num_queries(1):
        found = catalogue.read()
    assert {pk: m.published for pk, m in found.not_loaded.items()} == {
        hampshire.pk: date(2025, 5, 9),
        southampton.pk: date(2025, 5, 9),
    }


@pytest.mark.parametrize(
    "url, params",
    [("/map/", {}), ("/peers/", {}), ("/", {"group": ""}), ("/grid/", {"group": ""}),
     ("/export.csv", {"group": ""}), ("/authorities/hampshire/", {})],
)  # fmt: skip
def test_the_catalogue_adds_no_query_per_entry(
    client, authorities, url, params, django_assert_max_num_queries, django_assert_num_queries
):
    hampshire = LocalAuthority.objects.get(slug="hampshire")
    stale(hampshire)
    client.get(url, params)
    DataVersion.bump()
    with django_assert_max_num_queries(12) as before:
        client.get(url, params)
    for authority in LocalAuthority.objects.current().exclude(pk=hampshire.pk)[:30]:
        stale(authority)
    make_publication(hampshire, date(2021, 3, 1), kind="focused_visit")
    with django_assert_num_queries(len(before.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_an_entry_whose_inspection_is_here_from_another_source_is_shown_with_it(client, hampshire):
    inspection = make_inspection(hampshire, start_date=date(2025, 3, 10))  # demo data, say
    make_judgement(inspection)
    make_publication(hampshire, date(2025, 5, 9))
    html = " ".join(_html(client.get(hampshire.get_absolute_url())).split())
    block = html[html.index(f'id="inspection-{inspection.pk}"') :]
    assert "Published by Ofsted: 9 May 2025" in block[:1500]
    assert "as Ofsted lists it" not in html
    assert "a newer report" not in _text(html)
