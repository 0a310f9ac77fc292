"""Evidence one click away: the ingest keeps each source file, and a grade links to its page or
line in it, served only to readers allowed to see the dashboards."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dashboards.evidence import safe_file_name
from inspections import ingest, kept_files, reading
from inspections.models import Judgement, SourceDocument
from tests.factories import make_document, make_inspection, make_judgement
from tests.pdfs import text_pdf
from tests.reports import ilacs_report, run_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tmp_path, southampton):
    path = tmp_path / "reports" / "southampton-2024.txt"
    path.parent.mkdir()
    path.write_text(ilacs_report(), encoding="utf-8")
    return path


def stored_files(media_root):
    return sorted(p.relative_to(media_root).as_posix() for p in Path(media_root).rglob("*.*"))


def test_ingest_keeps_the_file_named_by_its_content_hash(report, media_root):
    run_ingest(report, "--jobs", "1")

    document = SourceDocument.objects.get()
    assert document.file.name == f"documents/{document.sha256}.txt"
    assert stored_files(media_root) == [document.file.name]
    with default_storage.open(document.file.name) as f:
        assert f.read() == report.read_bytes()


def test_the_same_bytes_under_two_names_and_an_unchanged_rerun_keep_one_file(report, media_root):
    copy = report.with_name("copy-of-southampton.txt")
    copy.write_bytes(report.read_bytes())

    run_ingest(report.parent, "--jobs", "1")
    out, _ = run_ingest(report.parent, "--jobs", "1")

    assert "2 unchanged" in out
    assert stored_files(media_root) == [SourceDocument.objects.get().file.name]


def test_reparse_gives_a_document_stored_before_files_were_kept_its_file(report, media_root):
    run_ingest(report, "--jobs", "1")
    document = SourceDocument.objects.get()
    default_storage.delete(document.file.name)
    SourceDocument.objects.update(file="")

    run_ingest(report, "--reparse", "--jobs", "1")

    document.refresh_from_db()
    assert document.file.name == f"documents/{document.sha256}.txt"
    assert stored_files(media_root) == [document.file.name]


def test_a_document_whose_store_fails_leaves_neither_row_nor_file(report, media_root, monkeypatch):
    keep_file = ingest.keep_file

    def keep_then_fail(*args):
        keep_file(*args)
        assert stored_files(media_root), "the file was written before the failure"
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ingest, "keep_file", keep_then_fail)  # where `store` looks it up
    result = reading.read_document(report, ingest.authority_names())

    with pytest.raises(RuntimeError):
        ingest.store(result)

    assert not SourceDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_left_by_an_earlier_rollback_is_used_not_copied(report, media_root):
    name = kept_files.document_file_name(reading.sha256_of(report), report)
    default_storage.save(name, ContentFile(report.read_bytes()))

    run_ingest(report, "--jobs", "1")

    assert SourceDocument.objects.get().file.name == name
    assert stored_files(media_root) == [name]


@pytest.fixture
def pdf_report(tmp_path, southampton):
    """An ILACS report as a PDF: its title block on page 1, its judgement table on page 2."""
    title, table = ilacs_report().split("Judgement Grade\n")
    path = tmp_path / "Southampton ILACS 2024 (final).pdf"
    path.write_bytes(text_pdf([title, "Judgement Grade\n" + table]))
    run_ingest(path, "--jobs", "1")
    return path


def test_a_pdf_grade_links_its_document_opened_at_its_page(client, pdf_report):
    judgement = Judgement.objects.get(area="overall_effectiveness")
    document = judgement.source_document
    link = f"/documents/{document.pk}/#page=2"
    assert judgement.page == 2

    for page in [judgement.inspection.get_absolute_url(), "/authorities/southampton/"]:
        assert f'href="{link}"' in client.get(page).content.decode(), page

    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="Southampton-ILACS-2024-final.pdf"'
    assert b"".join(response.streaming_content) == pdf_report.read_bytes()


def test_a_text_grade_links_its_line_shown_with_an_anchor_per_line(client, report):
    run_ingest(report, "--jobs", "1")
    judgement = Judgement.objects.get(area="care_leavers")
    document = judgement.source_document
    inspection_page = client.get(judgement.inspection.get_absolute_url()).content.decode()
    assert f'href="/documents/{document.pk}/#line-{judgement.line}"' in inspection_page

    response = client.get(f"/documents/{document.pk}/")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="southampton-2024.html"'
    line = report.read_text().split("\n")[judgement.line - 1]
    assert judgement.evidence_text.splitlines()[0] in line
    assert f'<li id="line-{judgement.line}">{line}</li>' in response.content.decode()


def test_demo_data_has_no_document_link_and_no_document(client, hampshire):
    document = make_document(kind=SourceDocument.Kind.DEMO_DATA, file_name="demo_judgements.csv")
    inspection = make_inspection(hampshire)
    make_judgement(inspection, source_document=document, line=4)

    page = client.get(inspection.get_absolute_url()).content.decode()

    assert "/documents/" not in page
    assert "demo_judgements.csv" in page
    assert client.get(f"/documents/{document.pk}/").status_code == 404


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Hampshire ILACS 2019.pdf", "Hampshire-ILACS-2019.pdf"),
        ('x"; filename=evil.html\r\n.pdf', "x-filename-evil.html.pdf"),
        (
            "Ofsted – Bournemouth, Christchurch & Poole.pdf",
            "Ofsted-Bournemouth-Christchurch-Poole.pdf",
        ),
        ("../../etc/passwd", "passwd.pdf"),
        ("«».pdf", "document.pdf"),
    ],
)
def test_safe_file_name_keeps_headers_plain(name, expected):
    assert safe_file_name(name, ".pdf") == expected


def test_documents_are_served_only_to_readers_of_the_dashboards(
    client, pdf_report, settings, staff_user
):
    url = f"/documents/{SourceDocument.objects.get().pk}/"
    settings.LOGIN_REQUIRED = True

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    client.force_login(staff_user)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


def test_authority_and_inspection_pages_link_the_ofsted_provider_page(client, hampshire):
    inspection = make_inspection(hampshire)
    link = f'href="https://reports.ofsted.gov.uk/provider/44/{hampshire.ofsted_urn}"'
    assert hampshire.ofsted_urn
    assert link in client.get(hampshire.get_absolute_url()).content.decode()
    assert link in client.get(inspection.get_absolute_url()).content.decode()
