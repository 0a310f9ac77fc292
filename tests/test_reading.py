"""The reading of one document (inspections/reading.py) and the keeping of its file
(inspections/kept_files.py), called in this process.

The ingest calls `read_document` in its worker processes, where a mutation tester does not see
which test reached it; these tests call both modules directly."""

import errno
import hashlib
import os
import signal
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage

from inspections import kept_files, reading
from inspections.parsing import NOT_A_REPORT, NotAReport, ParseError
from inspections.pdf import PdfError
from tests.factories import make_document
from tests.pdfs import text_pdf
from tests.reports import AUTHORITIES, ilacs_report

WEB_PAGE = "<!DOCTYPE html>\n<html><head><title>Ofsted</title></head><body>Cookies</body></html>"
REPORT_BYTES = text_pdf([ilacs_report()])
# A kept file's bytes: binary after the header, as a real PDF's are.
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4


@pytest.fixture
def fails_rather_than_waits():
    """Turn a read that waits for ever (a FIFO opened blocking) into a failed test."""

    def waited(signum, frame):
        pytest.fail("the read waited for a writer")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# find_documents


def test_find_documents_lists_reports_under_a_folder_once_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ["b/two.PDF", "one.txt", "notes.docx", "b/three.pdf"]:
        (tmp_path / name).write_text("x")
    named = tmp_path / "notes.docx"

    found = reading.find_documents([tmp_path, tmp_path / "one.txt", named])

    assert found == sorted(
        [tmp_path / "one.txt", tmp_path / "b/two.PDF", tmp_path / "b/three.pdf", named]
    )


def test_find_documents_passes_over_all_but_report_files_in_a_folder(tmp_path):
    reports, other = tmp_path / "reports", tmp_path / "other"
    (reports / "annex.pdf").mkdir(parents=True)  # a folder, named like a report
    other.mkdir()
    for path in [reports / "minutes.docx", reports / "a.Txt", other / "b.pdf"]:
        path.write_text("x")
    os.mkfifo(reports / "pipe.pdf")
    first = tmp_path / "first.pdf"  # named before the folders: kept as they are added
    first.write_text("x")

    found = reading.find_documents([first, reports, str(other), reports / "a.Txt"])

    assert found == [tmp_path / "first.pdf", other / "b.pdf", reports / "a.Txt"]


def test_find_documents_keeps_a_fifo_named_on_its_own(tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")

    assert reading.find_documents([tmp_path / "pipe.pdf"]) == [tmp_path / "pipe.pdf"]


# sha256_of


def test_sha256_of_a_file(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"Ofsted report")

    assert reading.sha256_of(path) == hashlib.sha256(b"Ofsted report").hexdigest()


def test_sha256_of_a_fifo_refuses_it_without_waiting(tmp_path, fails_rather_than_waits):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)

    with pytest.raises(reading.NotARegularFile) as raised:
        reading.sha256_of(fifo)

    assert str(raised.value) == f"{fifo}: not a regular file (a FIFO)"


def test_read_document_refuses_a_fifo_it_is_asked_to_hash(tmp_path, fails_rather_than_waits):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)

    result = reading.read_document(fifo, authorities=[])

    assert (result.status, result.reason) == ("refused", f"{fifo}: not a regular file (a FIFO)")


def test_read_document_refuses_a_missing_file(tmp_path):
    result = reading.read_document(tmp_path / "gone.pdf", authorities=[])

    assert (
        result.reason
        == f"{tmp_path / 'gone.pdf'}: cannot read the file (No such file or directory)"
    )


def test_sha256_of_a_device_refuses_it():
    with pytest.raises(reading.NotARegularFile) as raised:
        reading.sha256_of("/dev/null")

    assert str(raised.value) == "/dev/null: not a regular file (a device or socket)"


# text_fingerprint


def words(count, start=0):
    return [f"w{n}" for n in range(start, start + count)]


def kept_shingles(all_words):
    """The fingerprint computed here, apart from the module: CRC-32 of each 8-word run, kept
    when divisible by the sample, sorted."""
    runs = [" ".join(all_words[i : i + 8]) for i in range(len(all_words) - 7)]
    hashes = {zlib.crc32(run.encode()) for run in runs}
    return sorted(h for h in hashes if h % reading.FINGERPRINT_SAMPLE == 0)


def run_of(count, kept):
    """`count` consecutive generated words whose own CRC-32 is (or is not) a kept one."""
    for start in range(1000):
        run = words(count, start)
        if (zlib.crc32(" ".join(run).encode()) % reading.FINGERPRINT_SAMPLE == 0) == kept:
            return run
    raise AssertionError("no such run")


def test_fingerprint_is_the_same_for_the_same_words_in_any_layout():
    report = ilacs_report()
    relaid = report.upper().replace("\n", " -- ").replace("'", " ' ")

    fingerprint = reading.text_fingerprint(report.splitlines())

    assert fingerprint
    assert reading.text_fingerprint([relaid]) == fingerprint


def test_fingerprint_differs_for_different_reports():
    assert reading.text_fingerprint([" ".join(words(200))]) != reading.text_fingerprint(
        [" ".join(words(200, start=1000))]
    )


def test_fingerprint_samples_the_8_word_runs_across_pages():
    text = words(400)
    pages = [" ".join(text[i : i + 5]) for i in range(0, len(text), 5)]

    assert reading.text_fingerprint(pages) == kept_shingles(text)


def test_fingerprint_of_a_long_text_is_capped_sorted_and_sampled():
    text = words(20000)
    assert len(kept_shingles(text)) > reading.FINGERPRINT_MAX

    fingerprint = reading.text_fingerprint([" ".join(text)])

    assert fingerprint == kept_shingles(text)[: reading.FINGERPRINT_MAX]
    assert all(h % reading.FINGERPRINT_SAMPLE == 0 for h in fingerprint)


def test_eight_words_make_one_shingle_and_fewer_make_none():
    eight, seven = run_of(8, kept=True), run_of(7, kept=True)

    assert reading.text_fingerprint([" ".join(eight)]) == [zlib.crc32(" ".join(eight).encode())]
    assert reading.text_fingerprint([" ".join(seven)]) == []
    assert reading.text_fingerprint([""]) == []


# read_text


@pytest.mark.parametrize(
    "content, error, reason",
    [
        (b"", NotAReport, "the file is empty"),
        (b" \r\n\t\n", NotAReport, "the file is empty"),
        (b"\xef\xbb\xbf\n", NotAReport, "the file is empty"),  # a UTF-8 byte-order mark only
        (b"\xff\xfeO\x00f\x00", ParseError, "the text is UTF-16; convert it to UTF-8 and ingest "
         "it again"),
        (b"\xfe\xff\x00O\x00f", ParseError, "the text is UTF-16; convert it to UTF-8 and ingest "
         "it again"),
        (b"Ofsted\x00report", NotAReport, "not a text file (it holds binary data)"),
        (b"Caf\xe9 report", ParseError, "the text is not UTF-8 (undecodable byte 0xe9 at offset "
         "3); convert it to UTF-8 and ingest it again"),
    ],
)  # fmt: skip
def test_read_text_refuses_a_file_it_cannot_read_as_utf8(tmp_path, content, error, reason):
    path = tmp_path / "report.txt"
    path.write_bytes(content)

    with pytest.raises(ParseError) as raised:
        reading.read_text(path)

    assert type(raised.value) is error
    assert str(raised.value) == f"{path}: {reason}"


def test_read_text_drops_a_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("\ufeffSouthampton – children’s services".encode())

    assert reading.read_text(path) == "Southampton – children’s services"


# read_document


def test_a_text_report_is_read_hashed_and_placed(tmp_path):
    path = tmp_path / "southampton-2024.txt"
    path.write_text(ilacs_report(), encoding="utf-8")

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason, result.not_a_report) == ("ingested", "", False)
    assert (result.path, result.file_name) == (str(path), "southampton-2024.txt")
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (result.size, result.pages) == (path.stat().st_size, None)
    parsed = result.parsed
    assert (parsed.kind, parsed.framework, parsed.authority_code) == (
        "inspection_report", "ILACS", "852"
    )  # fmt: skip
    assert len(parsed.judgements) == 5
    assert (parsed.judgements[0].evidence.page, parsed.judgements[0].evidence.line) == (None, 6)
    assert result.fingerprint
    assert result.fingerprint == reading.text_fingerprint([ilacs_report()])


def test_a_hash_and_size_given_are_used_as_given(tmp_path):
    path = tmp_path / "southampton-2024.txt"
    path.write_text(ilacs_report(), encoding="utf-8")

    result = reading.read_document(path, AUTHORITIES, sha256="ab" * 32, size=7)

    assert (result.status, result.sha256, result.size) == ("ingested", "ab" * 32, 7)


def test_a_pdf_report_is_read_page_by_page(tmp_path):
    path = tmp_path / "SOUTHAMPTON-2024.PDF"
    path.write_bytes(text_pdf([ilacs_report(), "Annex: the inspection's method"]))

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.pages, result.size) == ("ingested", 2, path.stat().st_size)
    assert result.parsed.authority_code == "852"
    assert result.parsed.judgements[0].evidence.page == 1


def test_a_saved_web_page_is_refused_as_not_a_report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(WEB_PAGE, encoding="utf-8")

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason) == ("refused", f"{path}: not an inspection report")
    assert result.not_a_report is True
    assert result.parsed.kind == NOT_A_REPORT


@pytest.mark.parametrize(
    "authority, why",
    [
        ("", "no authority found in its title block or running headers"),
        ("Achieving for Children",
         "it names 'Achieving for Children', which more than one authority may be"),
    ],
)  # fmt: skip
def test_a_report_whose_authority_cannot_be_named_is_read_unplaced(tmp_path, authority, why):
    path = tmp_path / "report.txt"
    path.write_text(ilacs_report(authority=authority), encoding="utf-8")

    result = reading.read_document(path, AUTHORITIES)

    assert result.status == "unplaced"
    assert result.reason == f"{path}: {why}; stored unplaced for an editor to place"
    assert (result.not_a_report, len(result.parsed.judgements)) == (False, 5)


@pytest.mark.parametrize(
    "name, content, reason, not_a_report",
    [
        ("minutes.txt", "Minutes of the allotment society\nApologies were received.",
         "no known inspection framework recognised in its title", False),
        ("empty.txt", "", "the file is empty", True),
        ("report.pdf", WEB_PAGE, "not a PDF (the file is an HTML page)", True),
    ],
)  # fmt: skip
def test_a_document_the_parser_refuses_names_its_path_once(
    tmp_path, name, content, reason, not_a_report
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason) == ("refused", f"{path}: {reason}")
    assert result.not_a_report is not_a_report


def raises(error):
    def read(*args, **kwargs):
        raise error

    return read


@pytest.mark.parametrize(
    "error, status, reason",
    [
        (OSError(errno.EACCES, "Permission denied"), "refused",
         "cannot read the file (Permission denied)"),
        (RecursionError(), "refused", "corrupt PDF (objects nested too deep to read)"),
        (PdfError("the PDF has no pages"), "refused", "the PDF has no pages"),
        (RuntimeError("a parser bug"), "failed", "unexpected error RuntimeError: a parser bug"),
    ],
)  # fmt: skip
def test_a_failure_reading_a_pdf_is_that_document_s_reason(
    tmp_path, monkeypatch, error, status, reason
):
    path = tmp_path / "report.pdf"
    path.write_bytes(REPORT_BYTES)
    monkeypatch.setattr(reading, "extract_pages", raises(error))

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason, result.not_a_report) == (
        status,
        f"{path}: {reason}",
        False,
    )


def test_a_text_file_that_cannot_be_opened_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "report.txt"
    path.write_text(ilacs_report(), encoding="utf-8")
    monkeypatch.setattr(reading, "read_text", raises(OSError(errno.EIO, "Input/output error")))

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason) == (
        "refused", f"{path}: cannot read the file (Input/output error)"
    )  # fmt: skip


def test_a_document_past_the_worker_s_memory_is_refused_naming_the_cap(
    tmp_path, monkeypatch, settings
):
    settings.INGEST_WORKER_MEMORY_MB = 77
    path = tmp_path / "report.pdf"
    path.write_bytes(REPORT_BYTES)
    monkeypatch.setattr(reading, "parse_document", raises(MemoryError()))

    result = reading.read_document(path, AUTHORITIES)

    assert (result.status, result.reason) == (
        "refused",
        f"{path}: reading it needed more than 77 MB of memory (INGEST_WORKER_MEMORY_MB)",
    )


# kept_files


@pytest.fixture
def report_file(tmp_path):
    path = tmp_path / "downloads" / "Southampton.PDF"
    path.parent.mkdir()
    path.write_bytes(PDF_BYTES)
    return path


@pytest.fixture
def document(db):
    return make_document(file_name="Southampton.PDF", sha256=hashlib.sha256(PDF_BYTES).hexdigest())


@pytest.fixture
def media(settings, tmp_path):
    """A media folder not made yet: keeping the first file makes it."""
    settings.MEDIA_ROOT = tmp_path / "media" / "root"
    return settings.MEDIA_ROOT


class RemoteStorage(InMemoryStorage):
    """A storage with no local path, as S3's (InMemoryStorage finds its files by path)."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):
        return os.path.relpath(super().path(name), self.location)


@pytest.fixture
def remote_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_reading.RemoteStorage"},
    }
    return default_storage


def kept_bytes(name):
    with default_storage.open(name, "rb") as f:
        return f.read()


def test_a_document_s_file_is_named_by_its_content_with_a_lower_case_suffix():
    sha256 = "ab" * 32

    assert kept_files.document_file_name(sha256, "/in/Report.PDF") == f"documents/{sha256}.pdf"
    assert kept_files.document_file_name(sha256, "report.txt") == f"documents/{sha256}.txt"


def test_keep_file_stores_the_file_and_points_the_document_at_it(media, report_file, document):
    name = kept_files.document_file_name(document.sha256, report_file)
    document.file_name = "not saved.pdf"
    written = []

    kept_files.keep_file(document, report_file, written)

    assert written == [name]
    assert kept_bytes(name) == PDF_BYTES
    assert os.listdir(media / "documents") == [Path(name).name]  # no partial file left
    document.refresh_from_db()
    assert (document.file.name, document.file_name) == (name, "Southampton.PDF")


def test_a_file_kept_whole_already_is_left_alone(
    media, report_file, document, django_assert_num_queries
):
    kept_files.keep_file(document, report_file, [])
    kept = media / document.file.name
    inode = kept.stat().st_ino
    written = []

    with django_assert_num_queries(0):  # the row already points at it
        kept_files.keep_file(document, report_file, written)

    assert (written, kept.stat().st_ino) == ([], inode)


@pytest.mark.parametrize(
    "stored",
    [PDF_BYTES[:100], PDF_BYTES[:-1] + b"!"],
    ids=["cut short", "same size, other bytes"],
)
def test_a_kept_file_that_is_not_whole_is_written_again(media, report_file, document, stored):
    name = kept_files.document_file_name(document.sha256, report_file)
    default_storage.save(name, ContentFile(stored))
    written = []

    kept_files.keep_file(document, report_file, written)

    assert (written, kept_bytes(name)) == ([], PDF_BYTES)
    assert os.listdir(media / "documents") == [Path(name).name]


def test_a_kept_file_is_written_beside_its_name_then_renamed(media, report_file, monkeypatch):
    renamed, real_replace = [], os.replace
    monkeypatch.setattr(
        os, "replace", lambda src, dst: renamed.append((src, dst)) or real_replace(src, dst)
    )

    kept_files._write_whole("documents/report.pdf", report_file)

    ((partial, target),) = renamed
    assert Path(target) == media / "documents" / "report.pdf"
    assert Path(partial).parent == Path(target).parent
    assert Path(partial).name.startswith(".partial-") and partial.endswith(".pdf")


def test_a_kept_file_failing_to_land_leaves_no_partial_file(media, report_file, monkeypatch):
    monkeypatch.setattr(os, "replace", raises(OSError(errno.ENOSPC, "No space left on device")))

    with pytest.raises(OSError, match="No space left"):
        kept_files._write_whole("documents/report.pdf", report_file)

    assert os.listdir(media / "documents") == []


@pytest.mark.parametrize(
    "setting, mode", [(None, 0o644), (0o640, 0o640)], ids=["default", "FILE_UPLOAD_PERMISSIONS"]
)
def test_a_kept_file_has_the_upload_permissions(media, report_file, settings, setting, mode):
    settings.FILE_UPLOAD_PERMISSIONS = setting

    kept_files._write_whole("documents/report.pdf", report_file)

    assert (media / "documents" / "report.pdf").stat().st_mode & 0o777 == mode


def test_keep_file_stores_the_file_in_a_remote_storage(remote_storage, report_file, document):
    name = kept_files.document_file_name(document.sha256, report_file)
    written = []

    kept_files.keep_file(document, report_file, written)

    assert (written, kept_bytes(name)) == ([name], PDF_BYTES)
    document.refresh_from_db()
    assert document.file.name == name


def test_a_remote_file_cut_short_is_replaced_not_copied(remote_storage, report_file, document):
    name = kept_files.document_file_name(document.sha256, report_file)
    remote_storage.save(name, ContentFile(PDF_BYTES[:100]))
    written = []

    kept_files.keep_file(document, report_file, written)

    assert (written, kept_bytes(name)) == ([], PDF_BYTES)
    assert remote_storage.listdir("documents") == ([], [Path(name).name])


def test_a_remote_file_another_ingest_stored_meanwhile_is_kept_once(
    remote_storage, report_file, monkeypatch
):
    real_save = InMemoryStorage.save

    def another_ingest_first(storage, name, content, max_length=None):
        real_save(storage, name, ContentFile(PDF_BYTES))
        return real_save(storage, name, content, max_length)

    monkeypatch.setattr(RemoteStorage, "save", another_ingest_first)

    kept_files._write_whole("documents/report.pdf", report_file)

    assert remote_storage.listdir("documents") == ([], ["report.pdf"])
    assert kept_bytes("documents/report.pdf") == PDF_BYTES
