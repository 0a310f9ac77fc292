"""fetch_reports against a real HTTP server on 127.0.0.1 that serves provider pages in the
structure of Ofsted's (see inspections/fetch.py) and report PDFs from the shared corpus: no
mocked client. The server counts every request, so a re-run can be shown to ask for no file."""

import io
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from inspections.fetch import ProviderPageChanged, parse_provider_page
from inspections.models import ImportRun, Inspection
from inspections.publications import CatalogueCheck, Publication
from tests.pdfs import text_pdf
from tests.reports import ilacs_report

HAMPSHIRE_URN, SOUTHAMPTON_URN = "80472", "80558"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>{name} - Find an inspection report - Ofsted</title></head>
<body><main id="main-content">
<h1 class="heading--title">{name}</h1>
<p>URN: {urn}</p>
<div class="timeline"><ul class="timeline__list">
{items}
</ul></div>
</main></body></html>"""

ITEM = """<li class="timeline__day">
  <p class="timeline__date"><time>{day}</time></p>
  <div class="event">
    <a class="publication-link" href="{href}" target="_blank">{title}
      <span class="nonvisual">{title}, pdf - {day}</span></a>
  </div>
</li>"""

NOT_FOUND_PAGE = b"<!DOCTYPE html><html><body><h1>Report not found</h1></body></html>"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    sleep: float = 0


class OfstedSite:
    """Ofsted's reports and files sites, as one real HTTP server. `answer(path, *answers)`: the
    answers to give in turn (the last one repeats); anything else is a 404."""

    def __init__(self):
        self.routes, self.log = {}, []  # log: (path, User-Agent, time)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.log.append((self.path, self.headers.get("User-Agent"), time.monotonic()))
                answers = site.routes.get(self.path) or [Answer(404, b"Not found")]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                time.sleep(answer.sleep)
                try:
                    self.send_response(answer.status)
                    headers = {"Content-Type": "text/html; charset=utf-8", **answer.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path, *answers):
        self.routes[path] = list(answers)

    def provider_page(self, urn, name, items):
        """Serve the provider page of `urn` listing items (title, day, file id, answer)."""
        rows = []
        for title, day, file_id, answer in items:
            href = f"{self.base_url}/v1/file/{file_id}"
            rows.append(ITEM.format(day=day, href=href, title=title))
            self.answer(f"/v1/file/{file_id}", answer)
        page = PAGE.format(name=name, urn=urn, items="\n".join(rows))
        self.answer(f"/provider/44/{urn}", Answer(body=page.encode()))
        return f"{self.base_url}/provider/44/{urn}"

    def paths(self):
        return [path for path, _, _ in self.log]


@pytest.fixture
def site():
    site = OfstedSite()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture(autouse=True)
def fast_client(settings):
    """Few retries and no backoff, so a failing request fails in well under a second."""
    settings.OFSTED_FETCH_RETRIES = 1
    settings.OFSTED_FETCH_BACKOFF = 0
    settings.OFSTED_FETCH_TIMEOUT = (2, 5)
    settings.OFSTED_FETCH_CONTACT = "data-team@example.org"


def pdf(corpus_dir, folder, name):
    return Answer(
        body=(corpus_dir / "pdf" / folder / name).read_bytes(),
        headers={"Content-Type": "application/pdf"},
    )


def fetch(site, *slugs, **options):
    out, err = io.StringIO(), io.StringIO()
    args = [f"--authority={s}" for s in slugs]
    options = {"base_url": site.base_url, "delay": 0, **options}
    try:
        call_command("fetch_reports", *args, stdout=out, stderr=err, **options)
    except CommandError as e:
        return out.getvalue(), err.getvalue(), e
    return out.getvalue(), err.getvalue(), None


def hampshire_page(site, corpus_dir):
    return site.provider_page(
        HAMPSHIRE_URN,
        "Hampshire County Council",
        [
            ("Area SEND full inspection", "02 October 2024", "60000001", Answer(body=b"%PDF-")),
            ("Children's services inspection", "23 July 2024", "50250001",
             pdf(corpus_dir, "80472_hampshire",
                 "children's services inspection - 23 july 2024.pdf")),
            ("Children's services focused visit", "01 August 2022", "50190001",
             Answer(body=NOT_FOUND_PAGE)),
            ("Joint area child protection inspection", "14 May 2021", "50160001",
             Answer(body=NOT_FOUND_PAGE)),
            ("Children's services inspection", "11 June 2019", "50090001",
             pdf(corpus_dir, "80472_hampshire",
                 "children's services inspection - 11 june 2019.pdf")),
        ],
    )  # fmt: skip


@pytest.mark.django_db
def test_first_run_stores_every_graded_report_with_its_authority_from_the_urn(
    site, corpus_dir, hampshire, media_root
):
    page_url = hampshire_page(site, corpus_dir)

    out, err, error = fetch(site, "hampshire")

    assert error is None, err
    graded = Publication.objects.filter(authority=hampshire).graded().order_by("published")
    assert [(p.published, p.url, p.state) for p in graded] == [
        (date(2019, 6, 11), f"{site.base_url}/v1/file/50090001", "stored"),
        (date(2024, 7, 23), f"{site.base_url}/v1/file/50250001", "stored"),
    ]
    for entry in graded:
        assert entry.document.inspection.authority == hampshire
        assert entry.document.inspection.framework == "ILACS"
        assert entry.first_seen == entry.last_seen
    assert {i.start_date.year for i in Inspection.objects.filter(authority=hampshire)} == {
        2019,
        2024,
    }
    # Ungraded visits are catalogued with Ofsted's date and link; a letter that cannot be read
    # is refused with its reason, and does not fail the run.
    visits = Publication.objects.filter(authority=hampshire).exclude(kind="graded_inspection")
    assert sorted((p.kind, p.published, p.state) for p in visits) == [
        ("focused_visit", date(2022, 8, 1), "refused"),
        ("jtai", date(2021, 5, 14), "refused"),
    ]
    assert all("not a PDF: the server sent an HTML page" in p.reason for p in visits)
    # An area SEND inspection is not a children's services publication: neither kept nor asked.
    assert not Publication.objects.filter(url__endswith="/60000001").exists()
    assert "/v1/file/60000001" not in site.paths()
    # Downloads sit in a folder named by the URN, so the ingest knows their provenance.
    assert (media_root / "downloads" / "80472_hampshire" / "50250001.pdf").exists()
    check = CatalogueCheck.objects.get(authority=hampshire)
    assert check.source == page_url
    run = ImportRun.objects.get()
    assert run.started_by.startswith("manage.py fetch_reports")
    assert sorted(p.file_name for p in run.problems.all()) == ["50160001", "50190001"]
    # Every request says who is asking and how to reach them.
    assert {agent for _, agent, _ in site.log} == {
        "OfstedCompare/1.0 (Ofsted children's services reports; contact: data-team@example.org)"
    }
    assert "2 stored" in out


@pytest.mark.django_db
def test_a_second_run_makes_no_file_request(site, corpus_dir, southampton):
    site.provider_page(
        SOUTHAMPTON_URN,
        "Southampton City Council",
        [
            ("Children's services inspection", "28 July 2023", "50220001",
             pdf(corpus_dir, "80558_southampton",
                 "children's services inspection - 28 july 2023.pdf")),
            ("Children's services focused visit", "01 March 2021", "50150001",
             Answer(body=NOT_FOUND_PAGE)),
        ],
    )  # fmt: skip
    fetch(site, "southampton")
    first = Publication.objects.get(url__endswith="/50220001")
    assert first.state == "stored"
    site.log.clear()

    out, err, error = fetch(site, "southampton")

    assert error is None, err
    assert site.paths() == [f"/provider/44/{SOUTHAMPTON_URN}"]
    again = Publication.objects.get(pk=first.pk)
    assert again.last_seen > first.last_seen and again.first_seen == first.first_seen
    assert Publication.objects.count() == 2


@pytest.mark.django_db
def test_a_404_for_a_urn_fails_that_authority_and_the_run_goes_on(site, southampton, hampshire):
    site.provider_page(SOUTHAMPTON_URN, "Southampton City Council", [
        ("Children's services focused visit", "01 March 2021", "50150001",
         Answer(body=NOT_FOUND_PAGE)),
    ])  # fmt: skip

    out, err, error = fetch(site, "hampshire", "southampton")

    page_url = f"{site.base_url}/provider/44/{HAMPSHIRE_URN}"
    assert error is not None
    assert f"{page_url}: HTTP 404" in out
    assert not CatalogueCheck.objects.filter(authority=hampshire).exists()
    assert CatalogueCheck.objects.get(authority=southampton).source.endswith(SOUTHAMPTON_URN)
    problem = ImportRun.objects.get().problems.get(status="failed")
    assert (problem.path, problem.authority) == (page_url, hampshire)


@pytest.mark.django_db
def test_a_429_is_retried_after_the_time_it_asks(site, settings, southampton):
    settings.OFSTED_FETCH_RETRIES = 2
    site.provider_page(SOUTHAMPTON_URN, "Southampton City Council", [
        ("Children's services focused visit", "01 March 2021", "50150001",
         Answer(body=NOT_FOUND_PAGE)),
    ])  # fmt: skip
    path = f"/provider/44/{SOUTHAMPTON_URN}"
    site.routes[path].insert(0, Answer(429, b"Slow down", {"Retry-After": "1"}))

    out, err, error = fetch(site, "southampton")

    assert error is None, err
    asked = [t for p, _, t in site.log if p == path]
    assert len(asked) == 2
    assert asked[1] - asked[0] >= 0.9
    assert Publication.objects.filter(authority=southampton).count() == 1


@pytest.mark.django_db
def test_a_server_error_is_retried_after_a_backoff(site, settings, southampton):
    settings.OFSTED_FETCH_RETRIES, settings.OFSTED_FETCH_BACKOFF = 2, 0.4
    site.provider_page(SOUTHAMPTON_URN, "Southampton City Council", [
        ("Children's services focused visit", "01 March 2021", "50150001",
         Answer(body=NOT_FOUND_PAGE)),
    ])  # fmt: skip
    path = f"/provider/44/{SOUTHAMPTON_URN}"
    site.routes[path].insert(0, Answer(503, b"Service unavailable"))

    out, err, error = fetch(site, "southampton")

    assert error is None, err
    asked = [t for p, _, t in site.log if p == path]
    assert len(asked) == 2
    assert asked[1] - asked[0] >= 0.4


@pytest.mark.django_db
def test_a_timeout_fails_the_authority_with_its_url(site, settings, hampshire):
    settings.OFSTED_FETCH_TIMEOUT = (2, 0.3)
    settings.OFSTED_FETCH_RETRIES = 0
    site.answer(f"/provider/44/{HAMPSHIRE_URN}", Answer(body=b"<html></html>", sleep=1.5))

    started = time.monotonic()
    out, err, error = fetch(site, "hampshire")

    assert time.monotonic() - started < 1.4
    assert error is not None
    assert f"{site.base_url}/provider/44/{HAMPSHIRE_URN}: timed out" in out


@pytest.mark.django_db
def test_a_page_without_its_publication_list_is_an_error_naming_what_was_expected(site, hampshire):
    page = PAGE.format(name="Hampshire County Council", urn=HAMPSHIRE_URN, items="")
    site.answer(f"/provider/44/{HAMPSHIRE_URN}", Answer(body=page.encode()))

    out, err, error = fetch(site, "hampshire")

    assert error is not None
    assert f"{site.base_url}/provider/44/{HAMPSHIRE_URN}: the page does not look as expected" in out
    assert 'class="publication-link"' in out
    assert not CatalogueCheck.objects.filter(authority=hampshire).exists()


@pytest.mark.django_db
def test_a_graded_report_that_is_a_web_page_is_refused_and_fails_the_run(
    site, hampshire, media_root
):
    site.provider_page(HAMPSHIRE_URN, "Hampshire County Council", [
        ("Children's services inspection", "23 July 2024", "50250001",
         Answer(body=NOT_FOUND_PAGE)),
    ])  # fmt: skip

    out, err, error = fetch(site, "hampshire")

    assert error is not None
    entry = Publication.objects.get()
    assert entry.state == "refused"
    assert entry.reason == (
        f"{site.base_url}/v1/file/50250001: not a PDF: the server sent an HTML page"
    )
    folder = media_root / "downloads" / "80472_hampshire"
    assert not folder.exists() or not any(folder.iterdir())  # not kept, no partial file left
    problem = ImportRun.objects.get().problems.get()
    assert (problem.status, problem.authority) == ("refused", hampshire)


@pytest.mark.django_db
def test_a_report_naming_another_authority_is_flagged_not_moved(
    site, corpus_dir, hampshire, southampton
):
    site.provider_page(HAMPSHIRE_URN, "Hampshire County Council", [
        ("Children's services inspection", "28 July 2023", "50220001",
         pdf(corpus_dir, "80558_southampton",
             "children's services inspection - 28 july 2023.pdf")),
    ])  # fmt: skip

    out, err, error = fetch(site, "hampshire")

    entry = Publication.objects.get()
    assert entry.authority == hampshire
    inspection = entry.document.inspection
    assert inspection.authority == southampton
    assert inspection.needs_review
    assert "the folder names Ofsted URN 80472 (Hampshire)" in inspection.review_reason
    assert "flagged for review" in out


@pytest.mark.django_db
def test_a_report_whose_text_names_no_authority_is_the_urns_and_visits_are_ingested(
    site, hampshire
):
    unnamed = text_pdf([ilacs_report(authority="")])
    site.provider_page(HAMPSHIRE_URN, "Hampshire County Council", [
        ("Children's services inspection", "20 June 2024", "50240001",
         Answer(body=unnamed, headers={"Content-Type": "application/pdf"})),
        ("Children's services focused visit", "01 March 2023", "50210001",
         Answer(body=text_pdf(["Focused visit to Hampshire children's services\nLetter"]),
                headers={"Content-Type": "application/pdf"})),
    ])  # fmt: skip

    out, err, error = fetch(site, "hampshire")

    assert error is None, err
    report = Publication.objects.get(url__endswith="/50240001")
    assert (report.state, report.reason) == ("stored", "")
    assert report.document.inspection.authority == hampshire
    # An ungraded letter the parser reads is ingested like a report.
    visit = Publication.objects.get(url__endswith="/50210001")
    assert visit.state == "stored"
    assert visit.document.inspection.framework == "FOCUSED_VISIT"


@pytest.mark.django_db
def test_dry_run_reads_pages_and_stores_nothing(site, corpus_dir, hampshire):
    hampshire_page(site, corpus_dir)

    out, err, error = fetch(site, "hampshire", dry_run=True)

    assert error is None, err
    assert site.paths() == [f"/provider/44/{HAMPSHIRE_URN}"]
    assert out.count("would download:") == 4
    assert not Publication.objects.exists()
    assert not ImportRun.objects.exists()
    assert not CatalogueCheck.objects.exists()


@pytest.mark.django_db
def test_requests_wait_the_delay_between_them(site, southampton):
    site.provider_page(SOUTHAMPTON_URN, "Southampton City Council", [
        ("Children's services focused visit", "01 March 2021", "50150001",
         Answer(body=NOT_FOUND_PAGE)),
    ])  # fmt: skip

    fetch(site, "southampton", delay=0.5)

    (_, _, page_at), (_, _, file_at) = site.log
    assert file_at - page_at >= 0.5


@pytest.mark.parametrize(
    "described, title, published",
    [
        ("Children's services inspection, pdf - 09 May 2025",
         "Children's services inspection - 09 May 2025", date(2025, 5, 9)),
        ("Children's services inspection,  pdf - 16 August 2013",
         "Children's services inspection - 16 August 2013", date(2013, 8, 16)),
        ("single inspection of la children's services as pdf - 10 February 2015",
         "single inspection of la children's services - 10 February 2015", date(2015, 2, 10)),
        ("Children's services focused visit, PDF - 1 Aug 2024",
         "Children's services focused visit - 01 August 2024", date(2024, 8, 1)),
    ],
)  # fmt: skip
def test_title_and_date_are_read_from_the_links_hidden_description(described, title, published):
    html = f"""<ul><li class="timeline__day"><a class="publication-link"
        href="https://files.ofsted.gov.uk/v1/file/50204404">Report
        <span class="nonvisual">{described}</span></a></li></ul>"""

    [listed] = parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80418")

    assert (listed.title, listed.published) == (title, published)
    assert listed.url == "https://files.ofsted.gov.uk/v1/file/50204404"


def test_without_a_description_the_timeline_day_dates_the_link_and_relative_links_resolve():
    html = """<ul><li class="timeline__day"><p><time>3 March 2020</time></p>
        <a class="publication-link" href="/v1/file/123">Children's services focused visit</a>
        </li></ul>"""

    [listed] = parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80418")

    assert listed.title == "Children's services focused visit - 03 March 2020"
    assert listed.published == date(2020, 3, 3)
    assert listed.url == "https://reports.ofsted.gov.uk/v1/file/123"


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<html><body><h1>Hampshire</h1><p>No reports</p></body></html>", "publication-link"),
        ('<a class="publication-link" href="/f/1">Children\'s services inspection</a>',
         "a title and a publication date for the link to /f/1"),
    ],
)  # fmt: skip
def test_a_page_not_in_the_expected_structure_raises_naming_the_url(html, expected):
    with pytest.raises(ProviderPageChanged) as raised:
        parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80472")

    assert str(raised.value).startswith("https://reports.ofsted.gov.uk/provider/44/80472: ")
    assert expected in str(raised.value)
