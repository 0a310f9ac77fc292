"""The text of a PDF's pages, via pdfminer.six: the only module that imports it.

`extract_pages(path)` returns the text of each page in order (page 1 first), one printed row per
line: pdfminer's layout gives every text line its position, and lines that share a row on the
page are joined left to right, a tab between cells. So a judgement table's label and the grade
printed beside it arrive on one line ("Adoption performance\\tGood") whatever order the PDF
stores them in, and the parser pairs cells by the row they share, not by text order.

A file that cannot be read as a text PDF raises `PdfError` with a reason a person can act on:
not a PDF at all (a web page saved as .pdf), empty, truncated or corrupt, encrypted, or without
a text layer (a scan). `PdfError` is a `ParseError`, so the ingest catches one error type for
"cannot read this document".
"""

from pathlib import Path

from pdfminer.high_level import extract_pages as _pdfminer_pages
from pdfminer.layout import LAParams, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFTextExtractionNotAllowed
from pdfminer.psexceptions import PSException

from inspections.parsing import NotAReport, ParseError


class PdfError(ParseError):
    """The file cannot be read as a PDF with text; the message says why."""


class NotAPdf(PdfError, NotAReport):
    """The file is empty or no PDF at all (a saved web page): not a report, unlike a PDF that is
    encrypted, damaged or a scan, which may well be one."""


# Boxes are not grouped into reading order (boxes_flow=None): rows are rebuilt from positions.
LAPARAMS = LAParams(boxes_flow=None)
_SNIFF_BYTES = 1024
# Boxes share a row when they overlap vertically by this share of the shorter one's height:
# a grade centred beside a label wrapped over two lines (two boxes) overlaps each by ~40%, and
# some tables print each grade a little above its label (~15%); two rows never overlap.
ROW_OVERLAP = 0.1
# A row with a box of more lines than this is prose beside something, not a table row.
MAX_CELL_LINES = 4

Box = tuple[tuple[float, float, float, float], list[tuple[tuple[float, float, float, float], str]]]


def page_text(boxes: list[Box]) -> str:
    """One page's text from its text boxes, each (bbox, [(line bbox, line text), ...]).

    Boxes are read top to bottom and grouped into rows by vertical overlap. A row whose boxes
    stand side by side is a table row: each column's boxes become one cell, their lines joined
    by spaces, and the cells are joined left to right with tabs. Any other box keeps its lines.
    """
    rows: list[list[Box]] = []
    span = (0.0, 0.0)
    for box in sorted(boxes, key=lambda b: (-b[0][3], b[0][0])):
        (_x0, y0, _x1, y1), _lines = box
        if rows:
            overlap = min(y1, span[1]) - max(y0, span[0])
            shorter = min(y1 - y0, min(b[0][3] - b[0][1] for b in rows[-1]))
            if overlap > 0 and overlap >= ROW_OVERLAP * shorter:
                rows[-1].append(box)
                span = (min(span[0], y0), max(span[1], y1))
                continue
        rows.append([box])
        span = (y0, y1)
    out: list[str] = []
    for row in rows:
        columns = _columns(row)
        if len(columns) > 1 and all(len(b[1]) <= MAX_CELL_LINES for b in row):
            cells = [" ".join(_line_texts(sorted(col, key=lambda b: -b[0][3]))) for col in columns]
            out.append("\t".join(cells))
        else:
            out.extend(_line_texts(sorted(row, key=lambda b: (-b[0][3], b[0][0]))))
    return "\n".join(out) + "\n"


def _columns(row: list[Box]) -> list[list[Box]]:
    """Boxes grouped by overlapping horizontal extent, left to right."""
    columns: list[list[Box]] = []
    for box in sorted(row, key=lambda b: b[0][0]):
        if columns and box[0][0] < max(b[0][2] for b in columns[-1]):
            columns[-1].append(box)
        else:
            columns.append([box])
    return columns


def _line_texts(boxes: list[Box]) -> list[str]:
    return [" ".join(text.split()) for _bbox, lines in boxes for _lb, text in lines if text.strip()]


def _boxes(layout) -> list[Box]:
    return [
        (box.bbox, [(line.bbox, line.get_text()) for line in box if isinstance(line, LTTextLine)])
        for box in layout
        if isinstance(box, LTTextBox) and box.get_text().strip()
    ]


def extract_pages(path: str | Path) -> list[str]:
    """The text of each page, 1-based order; raises PdfError when the file cannot be read."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as e:
        raise PdfError(f"{path}: cannot open the file ({e.strerror})") from e
    if not head:
        raise NotAPdf(f"{path}: empty file")
    if b"%PDF-" not in head:
        what = "an HTML page" if b"<html" in head.lower() else "something else"
        raise NotAPdf(f"{path}: not a PDF (the file is {what})")
    try:
        pages = [page_text(_boxes(layout)) for layout in _pdfminer_pages(path, laparams=LAPARAMS)]
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
