"""The text of a PDF's pages, via pdfminer.six: the only module that imports it.

`extract_pages(path)` returns the text of each page in order (page 1 first). A file that cannot
be read as a text PDF raises `PdfError` with a reason a person can act on: not a PDF at all (a
web page saved as .pdf), empty, truncated or corrupt, encrypted, or without a text layer (a
scan). `PdfError` is a `ParseError`, so the ingest catches one error type for "cannot read this
document".
"""

from pathlib import Path

from pdfminer.high_level import extract_pages as _pdfminer_pages
from pdfminer.layout import LAParams, LTTextContainer
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFTextExtractionNotAllowed
from pdfminer.psexceptions import PSException

from inspections.parsing import ParseError


class PdfError(ParseError):
    """The file cannot be read as a PDF with text; the message says why."""


# Boxes sorted top-down, not grouped: ~5% less CPU on the corpus, 100% accuracy either way.
LAPARAMS = LAParams(boxes_flow=None)
_SNIFF_BYTES = 1024


def extract_pages(path: str | Path) -> list[str]:
    """The text of each page, 1-based order; raises PdfError when the file cannot be read."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as e:
        raise PdfError(f"{path}: cannot open the file ({e.strerror})") from e
    if not head:
        raise PdfError(f"{path}: empty file")
    if b"%PDF-" not in head:
        what = "an HTML page" if b"<html" in head.lower() else "something else"
        raise PdfError(f"{path}: not a PDF (the file is {what})")
    try:
        pages = [
            "".join(el.get_text() for el in layout if isinstance(el, LTTextContainer))
            for layout in _pdfminer_pages(path, laparams=LAPARAMS)
        ]
    except (PDFPasswordIncorrect, PDFEncryptionError, PDFTextExtractionNotAllowed) as e:
        raise PdfError(f"{path}: encrypted PDF ({e.__class__.__name__})") from e
    except (PSException, ValueError, KeyError, TypeError, AttributeError, OSError) as e:
        # pdfminer reports damage in many ways; a truncated file usually ends in PSEOF.
        raise PdfError(f"{path}: corrupt or truncated PDF ({e.__class__.__name__}: {e})") from e
    if not pages:
        raise PdfError(f"{path}: the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise PdfError(f"{path}: no text layer (an image-only PDF, such as a scan)")
    return pages
