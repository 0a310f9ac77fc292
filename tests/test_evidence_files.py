"""Evidence one click away: the ingest keeps each source file, and a grade links to its page or
line in it, served only to readers allowed to see the dashboards."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from inspections import ingest
from inspections.models import SourceDocument
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

    monkeypatch.setattr(ingest, "keep_file", keep_then_fail)
    result = ingest.read_document(report, ingest.authority_names())

    with pytest.raises(RuntimeError):
        ingest.store(result)

    assert not SourceDocument.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_left_by_an_earlier_rollback_is_used_not_copied(report, media_root):
    name = ingest.document_file_name(ingest.sha256_of(report), report)
    default_storage.save(name, ContentFile(report.read_bytes()))

    run_ingest(report, "--jobs", "1")

    assert SourceDocument.objects.get().file.name == name
    assert stored_files(media_root) == [name]
