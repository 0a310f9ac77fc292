"""Lines, running headers and table cells of a document's text.

A document arrives as the text of each page (a PDF, one printed row per line with a tab between
the cells of a table row: see `inspections.pdf`) or as one text (a text file). Everything else in
`inspections.parsing` reads the `Line`s and `Fragment`s built here, and places its evidence with
`evidence()`.
"""

import re
from collections import Counter
from dataclasses import dataclass

from inspections import frameworks as fw

from .grades import GRADE_CELLS, TRAILING_GRADE_RE, normalise

MARKUP_RE = re.compile(r"</?b>|\*\*|^\s*#+\s*|^\s*-\s+(?=\d)", re.I)
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
_DIGITS_RE = re.compile(r"\d+")
# A repeated line this long is a running header or footer, not a table cell.
RUNNING_MIN_CHARS = 25
RUNNING_MIN_REPEATS = 3


@dataclass(frozen=True)
class Evidence:
    page: int | None  # 1-based PDF page, None for text
    line: int | None  # 1-based line for text documents, None for PDF
    text: str  # every line from the first to the last of the label's and the grade's lines


@dataclass(frozen=True)
class Line:
    page: int | None
    number: int  # 1-based line in the document (text) or in its page (PDF)
    text: str  # markup removed


@dataclass(frozen=True)
class Fragment:
    line: int  # index into the document's lines
    text: str


def clean(text: str) -> str:
    return MARKUP_RE.sub(" ", text).rstrip()


def lines_of(pages: list[str], paged: bool) -> list[Line]:
    lines = []
    for page_no, page in enumerate(pages, 1):
        for number, text in enumerate(page.split("\n"), 1):
            lines.append(Line(page_no if paged else None, number, clean(text)))
    return lines


# Cells a table may repeat (labels, grades) are never running headers.
_ALL_CELLS = frozenset(GRADE_CELLS) | frozenset(
    normalise(a.label) for areas in fw.AREAS.values() for a in areas
)


def running_key(text: str) -> str:
    return _DIGITS_RE.sub("", normalise(text))


def running_headers(lines: list[Line]) -> frozenset[str]:
    """Lines repeated through the document (running headers and footers), digits ignored."""
    counts = Counter(
        running_key(line.text) for line in lines if len(line.text.strip()) >= RUNNING_MIN_CHARS
    )
    return frozenset(
        k for k, n in counts.items() if n >= RUNNING_MIN_REPEATS and k not in _ALL_CELLS
    )


def fragments_of(lines: list[Line], skip: frozenset[str]) -> list[Fragment]:
    """Table cells: tab-separated cells, with a trailing grade split off its label."""
    fragments = []
    for i, line in enumerate(lines):
        for cell in line.text.split("\t"):
            cell = cell.strip()
            if not cell or PAGE_NUMBER_RE.match(cell):
                continue
            if running_key(cell) in skip:
                continue
            m = TRAILING_GRADE_RE.match(cell)
            if m and normalise(m["label"]) not in GRADE_CELLS:
                fragments.append(Fragment(i, m["label"]))
                fragments.append(Fragment(i, m["grade"]))
            else:
                fragments.append(Fragment(i, cell))
    return fragments


def evidence(lines: list[Line], at: int, shown: list[int], paged: bool) -> Evidence:
    """Evidence placed at line index `at` (where the label starts), its text every line from the
    first to the last of `shown`: the label's and the grade's lines, whichever comes first."""
    first, last = min(at, *shown), max(at, *shown)
    text = "\n".join(lines[i].text.strip() for i in range(first, last + 1)).strip()
    if paged:
        return Evidence(page=lines[at].page, line=None, text=text)
    return Evidence(page=None, line=lines[at].number, text=text)


def page_offsets(pages: list[str]) -> list[int]:
    """The number of lines before each page, to turn a page's line into the document's."""
    offsets, total = [], 0
    for page in pages:
        offsets.append(total)
        total += page.count("\n") + 1
    return offsets


@dataclass(frozen=True)
class Text:
    """A document's text in the forms the readers need, built once by `read_text`."""

    pages: list[str]
    paged: bool
    lines: list[Line]
    fragments: list[Fragment]
    offsets: list[int]  # lines before each page
    running: frozenset[str]  # running headers and footers (`running_key` form)

    def evidence_at(self, page_no: int, line_in_page: int, text: str) -> Evidence:
        """Evidence for a match on 1-based `line_in_page` of page `page_no`."""
        if self.paged:
            return Evidence(page=page_no, line=None, text=text)
        return Evidence(page=None, line=line_in_page + self.offsets[page_no - 1], text=text)


def read_text(pages: list[str], paged: bool) -> Text:
    lines = lines_of(pages, paged)
    running = running_headers(lines)
    return Text(pages, paged, lines, fragments_of(lines, running), page_offsets(pages), running)
