"""The reading of one document (inspections/reading.py), called in this process.

The ingest calls `read_document` in its worker processes, where a mutation tester does not see
which test reached it; these tests call it directly."""

import hashlib

from inspections import reading


def test_find_documents_lists_reports_under_a_folder_once_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ["b/two.PDF", "one.txt", "notes.docx", "b/three.pdf"]:
        (tmp_path / name).write_text("x")
    named = tmp_path / "notes.docx"

    found = reading.find_documents([tmp_path, tmp_path / "one.txt", named])

    assert found == sorted(
        [tmp_path / "one.txt", tmp_path / "b/two.PDF", tmp_path / "b/three.pdf", named]
    )


def test_sha256_of_a_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"Ofsted report")

    assert reading.sha256_of(path) == hashlib.sha256(b"Ofsted report").hexdigest()
