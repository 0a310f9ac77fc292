"""extract_pages: the text of each page, or one PdfError naming why the file cannot be read."""

import pytest

from inspections.parsing import ParseError
from inspections.pdf import PdfError, extract_pages
from tests.pdfs import encrypted_pdf, image_only_pdf, text_pdf


def test_extracts_each_page_in_order(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(text_pdf(["Inspection of Westshire\nJudgement Grade", "Second page"]))
    pages = extract_pages(path)
    assert len(pages) == 2
    assert pages[0].split() == ["Inspection", "of", "Westshire", "Judgement", "Grade"]
    assert pages[1].strip() == "Second page"


BAD_FILES = [
    (b"", "empty file"),
    (b"<!DOCTYPE html>\n<html lang='en'><head><title>Not found</title></head></html>",
     "not a PDF"),
    (text_pdf(["Some text"])[:200], "corrupt or truncated"),
    (encrypted_pdf("Some text"), "encrypted"),
    (image_only_pdf(), "no text layer"),
]  # fmt: skip


@pytest.mark.parametrize("content, reason", BAD_FILES)
def test_unreadable_files_raise_pdf_error_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(PdfError, match=reason) as excinfo:
        extract_pages(path)
    assert str(path) in str(excinfo.value)


def test_pdf_error_is_a_parse_error():
    # The ingest catches one error type for "cannot read this document".
    assert issubclass(PdfError, ParseError)


def test_a_missing_file_is_a_pdf_error(tmp_path):
    with pytest.raises(PdfError, match="cannot open"):
        extract_pages(tmp_path / "absent.pdf")
