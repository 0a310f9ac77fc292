"""Read one Ofsted children's services document into its framework, authority, dates and grades.

Contract
--------
In: the text of each page of a PDF (`paged=True`; evidence is the 1-based page) or a one-element
list with the whole text of a text file (`paged=False`; evidence is the 1-based line where the
label starts), the document's `source` (named in errors) and `authorities`, a mapping from a
printed name or alias to its DfE LA code (see `authority_aliases`).

Out: a `ParsedDocument`. Its judgements come only from the places where Ofsted prints a grade
against a label: the judgement table (ILACS, SIF, SLAC and LAC's "record of main findings"), the
SIF overall sentence ("The overall judgement is good") and the LSCB sentence ("The Local
Safeguarding Children Board is good"). Grade words in prose, the grade legend, the grade
descriptions at the end of SIF reports and earlier inspections' grades are never read. What the
parser cannot place with certainty is left out or marked `needs_review` with a reason; it never
guesses a grade. Dates, the publication date and the lead inspector come from the title block
(a council paper's from its opening paragraph) and are None when not printed.

The rule for `kind`:
- "council_paper" when the opening lines carry a committee report header ("Committee/Panel:",
  "Report From:", "Decision Maker:"); its grades are the Ofsted grades it restates.
- "not_a_report" when the text is a web page (it starts with an HTML tag): a saved "not found"
  page in a download folder. Nothing is read from it.
- "inspection_report" otherwise, when a framework is recognised from the title block, the
  running headers or the judgement table; when none is, `ParseError` is raised.

`ParseError` is also raised when the authority printed in the title block or running headers is
not in `authorities`.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from inspections import frameworks as fw

from .authorities import lookup
from .dates import date_range, parse_date
from .grades import GRADE_CELLS, NOT_JUDGED, TRAILING_GRADE_RE, grade_of, normalise


class ParseError(ValueError):
    """The document does not look as expected; the message names the source and the reason."""


@dataclass(frozen=True)
class Evidence:
    page: int | None  # 1-based PDF page, None for text
    line: int | None  # 1-based line for text documents, None for PDF
    text: str  # every line from the first to the last of the label's and the grade's lines


@dataclass(frozen=True)
class FoundJudgement:
    area: str
    label: str
    grade: str
    grade_as_printed: str
    evidence: Evidence
    needs_review: bool = False
    review_reason: str = ""


@dataclass(frozen=True)
class ParsedDocument:
    kind: str
    framework: str | None
    authority_code: str | None
    authority_as_printed: str | None
    inspection_start: date | None
    inspection_end: date | None
    published: date | None
    lead_inspector: str | None
    judgements: tuple[FoundJudgement, ...]
    not_judged: tuple[str, ...] = ()
    review_reasons: tuple[str, ...] = ()


INSPECTION_REPORT = "inspection_report"
COUNCIL_PAPER = "council_paper"
NOT_A_REPORT = "not_a_report"

# --- Patterns -------------------------------------------------------------------------------

HTML_RE = re.compile(r"^\s*<(?:!doctype\s+html|html|head)\b", re.I)
MARKUP_RE = re.compile(r"</?b>|\*\*|^\s*#+\s*|^\s*-\s+(?=\d)", re.I)
COUNCIL_PAPER_RE = re.compile(
    r"^\s*(?:committee/panel|report from|decision maker|report to)\s*:", re.I | re.M
)

# Titles, most specific first: a focused visit letter also says "local authority children's
# services", and the SIF title also names the LSCB review.
FRAMEWORK_TITLES = (
    (fw.FOCUSED_VISIT, re.compile(r"\bfocused visit to\b", re.I)),
    (fw.MONITORING_VISIT, re.compile(r"\bmonitoring visit to\b", re.I)),
    (fw.JTAI, re.compile(r"\bjoint targeted area inspection\b", re.I)),
    (fw.SIF, re.compile(r"\binspection of services for children in need of help\s+and\s+protection",
                        re.I)),
    (fw.ILACS, re.compile(
        r"\binspection of\s+(?:[\w\s,&'’-]{1,80}?\s)?local\s+authority\s+children", re.I)),
    (fw.SLAC, re.compile(r"\binspection of safeguarding and looked\s+after children", re.I)),
    (fw.LAC, re.compile(r"\binspection of looked\s+after children\s+services", re.I)),
    (fw.LSCB_REVIEW, re.compile(
        r"^\s*review of the effectiveness of the local\s+safeguarding children", re.I | re.M)),
)  # fmt: skip

TITLE_AUTHORITY_RE = re.compile(
    r"\b(?:[Ii]nspection of\s+(?:the\s+)?(?P<name>[A-Z][\w ,&'’-]{1,60}?)\s+local\s+authority"
    r"|[Vv]isit to\s+(?:the\s+)?(?P<visited>[A-Z][\w ,&'’-]{1,60}?)\s+(?:local\s+authority\s+)?)"
    r"\s*children[’']s\s+services"
)
# A joint targeted area inspection names the area at the end of its title: "... in Westshire".
JTAI_TITLE_RE = re.compile(r"\bjoint targeted area inspection\b(?P<title>[^.:]{0,240})", re.I)
_IN_RE = re.compile(r"\bin\s+")
COUNCIL_LINE_RE = re.compile(
    r"^(?!.*\b[Ii]nspection\b)(?P<name>[A-Z][\w ,&'’-]{1,60}?)\s+"
    r"(?:County\s+|City\s+|Borough\s+)?Council\s*$"
)
RUNNING_HEADER_AUTHORITY_RE = re.compile(
    r"^(?P<name>[A-Z][\w ,&'’-]{1,60}?)\s+(?:County\s+Council\s+|Council\s+)?inspection of\b", re.I
)
# The first sentence under an ILACS judgement table names the authority.
SERVICES_IN_RE = re.compile(
    r"^Children[’']s services in (?P<name>[A-Z][\w ,&'’-]{1,60}?)\s+"
    r"(?:are|is|have|has|remain|continue|require|requires)\b"
)

INSPECTION_DATES_RE = re.compile(r"^\s*inspection dates?\s*:?\s*(?P<rest>.*)$", re.I)
PUBLISHED_RE = re.compile(r"^\s*(?:report )?published\s*:?\s*(?P<rest>.*)$", re.I)
LEAD_INSPECTOR_RE = re.compile(r"^\s*(?:lead|reporting) inspector\s*:?\s*(?P<rest>.*)$", re.I)
# SIF reports name the lead inspector under "The inspection team" near the end.
TEAM_LEAD_INSPECTOR_RE = re.compile(r"^\s*lead inspector\s*:\s*(?P<rest>.*)$", re.I)
INSPECTOR_TITLE_RE = re.compile(
    r"\s*(?:,.*|\bHMI\b.*|\b(?:Her|His) Majesty[’']s Inspector.*)$", re.I
)
PAPER_DATES_RE = re.compile(
    r"\bcarried out\b[^.]{0,120}?\bbetween\s+(?P<span>[^.]{3,60}?\d{4})\b", re.I
)
PAPER_PUBLISHED_RE = re.compile(r"\bpublished by Ofsted on\s+(?P<date>[^.]{6,30}?\d{4})", re.I)

_RI = r"requires?\s+improvement(?:\s+to\s+be\s+good)?"
# A sentence judgement ends with its line: the grade descriptions at the end of SIF reports go on
# in lower case ("... is outstanding" / "if it leads the way").
_ENDS = r"(?!\n[ \t]*(?-i:[a-z]))"
# SIF: "The overall judgement is good" / "... is that children's services require improvement".
SIF_OVERALL_RE = re.compile(
    rf"^[ \t]*(?P<label>The overall judgement is\b[^\n.]{{0,60}}?(?:\n[^\n.]{{0,60}}?)?"
    rf"\b(?P<grade>outstanding|good|inadequate|{_RI}))[ \t]*\.?[ \t]*${_ENDS}",
    re.I | re.M,
)
# The LSCB sentence as a heading or summary line; "An LSCB requires improvement if" (the grade
# descriptions) and "... is good because:" do not match.
LSCB_RE = re.compile(
    rf"^[ \t]*(?P<label>(?:The effectiveness of the|The) Local Safeguarding Children\s+Board"
    rf"(?:\s+\(LSCB\))?\s+(?:(?:is|are)\s+(?P<grade>outstanding|good|inadequate)|"
    rf"(?P<ri>{_RI})))[ \t]*\.?[ \t]*${_ENDS}",
    re.I | re.M,
)

# Lines inside a judgement table that are neither a label nor a grade.
TABLE_HEADERS = frozenset(
    {
        "judgement",
        "judgements",
        "grade",
        "record of main findings",
        "record of main findings:",
        "safeguarding services",
        "safeguarding outcomes for children and young people",
        "services for looked after children",
        "how good are outcomes for looked after children and care leavers?",
    }
)
TABLE_START_HEADERS = frozenset(
    {"judgement", "record of main findings", "record of main findings:", "safeguarding services"}
)
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
_DIGITS_RE = re.compile(r"\d+")
MIN_TABLE_ROWS = 3
# Tables print the bare grade word; "Grade 3 (adequate)" is the form of SLAC and LAC headings.
TABLE_GRADE_CELLS = frozenset(g for g in GRADE_CELLS if not g.startswith("grade "))
HEADING_LOOKBACK = 4  # fragments (and lines) between a heading's label and its grade
TITLE_BLOCK_LINES = 60
TITLE_NAME_LINES = 6  # non-blank lines at the top of the title block that may name the council

# SLAC's record of main findings lists its safeguarding rows first; they end with equality and
# diversity, then the looked after children rows follow.
SLAC_SECTIONS = ("safeguarding.", "looked_after_children.")


# --- Lines and fragments ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    page: int | None
    number: int  # 1-based line in the document (text) or in its page (PDF)
    text: str  # markup removed


@dataclass(frozen=True)
class _Fragment:
    line: int  # index into the document's lines
    text: str


@dataclass(frozen=True)
class _Row:
    label: str
    grade: str
    grade_as_printed: str
    evidence: Evidence


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return MARKUP_RE.sub(" ", text).rstrip()


def _lines(pages: list[str], paged: bool) -> list[_Line]:
    lines = []
    for page_no, page in enumerate(pages, 1):
        for number, text in enumerate(page.split("\n"), 1):
            lines.append(_Line(page_no if paged else None, number, _clean(text)))
    return lines


def _fragments(lines: list[_Line], skip: frozenset[str]) -> list[_Fragment]:
    """Table cells: tab-separated cells, with a trailing grade split off its label."""
    fragments = []
    for i, line in enumerate(lines):
        for cell in line.text.split("\t"):
            cell = cell.strip()
            if not cell or PAGE_NUMBER_RE.match(cell):
                continue
            if _running_key(cell) in skip:
                continue
            m = TRAILING_GRADE_RE.match(cell)
            if m and normalise(m["label"]) not in GRADE_CELLS:
                fragments.append(_Fragment(i, m["label"]))
                fragments.append(_Fragment(i, m["grade"]))
            else:
                fragments.append(_Fragment(i, cell))
    return fragments


# Cells a table may repeat (labels, grades) are never running headers.
_ALL_CELLS = frozenset(GRADE_CELLS) | frozenset(
    normalise(a.label) for areas in fw.AREAS.values() for a in areas
)


def _running_key(text: str) -> str:
    return _DIGITS_RE.sub("", normalise(text))


def _running_headers(lines: list[_Line]) -> frozenset[str]:
    """Lines repeated through the document (running headers and footers), digits ignored."""
    counts = Counter(_running_key(line.text) for line in lines if len(line.text.strip()) >= 25)
    return frozenset(k for k, n in counts.items() if n >= 3 and k not in _ALL_CELLS)


def _evidence(lines: list[_Line], at: int, shown: list[int], paged: bool) -> Evidence:
    """Evidence placed at line index `at` (where the label starts), its text every line from the
    first to the last of `shown`: the label's and the grade's lines, whichever comes first."""
    first, last = min(at, *shown), max(at, *shown)
    text = "\n".join(lines[i].text.strip() for i in range(first, last + 1)).strip()
    if paged:
        return Evidence(page=lines[at].page, line=None, text=text)
    return Evidence(page=None, line=lines[at].number, text=text)


# --- Tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "label" or "grade"
    parts: tuple[int, ...]  # indices of its fragments
    key: str  # normalised text


def _longest(fragments, i: int, vocabulary, limit: int = 6) -> tuple[int, str] | None:
    """The longest run of fragments from i that spells an entry of `vocabulary`."""
    best, buf = None, ""
    for j in range(i, min(i + limit, len(fragments))):
        buf = f"{buf} {normalise(fragments[j].text)}".strip()
        if buf in vocabulary:
            best = (j, buf)
        if not any(v.startswith(buf) for v in vocabulary):
            break
    return best


def _read_table(fragments: list[_Fragment], start: int, labels: frozenset[str]) -> list[_Token]:
    """Tokens from `start` until a fragment that is neither header, label nor grade.

    A label or grade may run over several fragments; the longest match wins, so "...children in
    care" followed by "and care leavers" is the combined ILACS label. A grade printed beside the
    middle of a wrapped label ("2. Children looked after and achieving" / "Good" /
    "permanence") is held back and follows the label.
    """
    tokens = []
    i, n = start, len(fragments)
    while i < n:
        text = normalise(fragments[i].text)
        if text in TABLE_HEADERS:
            i += 1
            continue
        grade = _longest(fragments, i, TABLE_GRADE_CELLS)
        if grade:
            tokens.append(_Token("grade", tuple(range(i, grade[0] + 1)), grade[1]))
            i = grade[0] + 1
            continue
        label = _label(fragments, i, labels)
        if label is None:
            break
        tokens.extend(label)
        i = max(p for token in label for p in token.parts) + 1
    return tokens


def _label(fragments, i: int, labels: frozenset[str]) -> list[_Token] | None:
    best, buf, parts, held = None, "", [], []
    j, n = i, len(fragments)
    while j < n and len(parts) < 6:
        grade = _longest(fragments, j, TABLE_GRADE_CELLS) if buf and buf not in labels else None
        if grade and any(label.startswith(f"{buf} ") for label in labels):
            held.append(_Token("grade", tuple(range(j, grade[0] + 1)), grade[1]))
            j = grade[0] + 1
            continue
        buf = f"{buf} {normalise(fragments[j].text)}".strip()
        parts.append(j)
        if buf in labels:
            best = [_Token("label", tuple(parts), buf), *held]
        if not any(label.startswith(buf) for label in labels):
            break
        j += 1
    return best


def _text(fragments, parts) -> str:
    return " ".join(" ".join(fragments[p].text for p in parts).split())


def _wrapped(token: _Token, fragments) -> bool:
    return len({fragments[p].line for p in token.parts}) > 1


def _rows(tokens: list[_Token], fragments) -> list[tuple[_Token, _Token]] | None:
    """The tokens split into rows of a label and its grade side by side, or None.

    A grade normally follows its label. It may come first only beside a label wrapped over
    lines: a PDF reads a grade cell centred beside a two-line label before the label.
    """
    pairs = []
    for a, b in zip(tokens[::2], tokens[1::2], strict=False):
        if a.kind == "label" and b.kind == "grade":
            pairs.append((a, b))
        elif a.kind == "grade" and b.kind == "label" and _wrapped(b, fragments):
            pairs.append((b, a))
        else:
            return None
    return pairs


def _columns(tokens: list[_Token]) -> list[tuple[_Token, _Token]] | None:
    """The label column then the grade column, as a PDF may read a table, or None.

    Only when nothing else proves a row: all the labels first, then exactly as many grades, and
    no label printed twice (a repeated label could belong to either of two grades).
    """
    n = len(tokens) // 2
    labels, grades = tokens[:n], tokens[n:]
    if len(tokens) % 2 or any(t.kind != "label" for t in labels):
        return None
    if any(t.kind != "grade" for t in grades) or len({t.key for t in labels}) != n:
        return None
    return list(zip(labels, grades, strict=True))


def _pair(tokens: list[_Token], fragments, lines, paged) -> _Table:
    """Pair labels with grades row by row, or column by column when a PDF reads columns.

    A table whose structure proves neither is left unread, with a reason: pairing its cells
    some other way could give a grade to the wrong label.
    """
    table = _Table()
    if len(tokens) % 2 == 0:
        pairs = _rows(tokens, fragments)
    elif tokens[-1].kind == "label" and _rows(tokens[1:], fragments) is None:
        # A label without a grade at the end. Kept only when the rows cannot be read the other
        # way, the first label without a grade and each grade before the next label.
        pairs = _rows(tokens[:-1], fragments)
        if pairs is not None:
            label = _text(fragments, tokens[-1].parts)
            table.reasons.append(f"the judgement table looks truncated: {label!r} has no grade")
    else:
        pairs = None
    if pairs is None:
        pairs = _columns(tokens)
    if pairs is None:
        kinds = Counter(t.kind for t in tokens)
        table.reasons.append(
            f"the judgement table's {kinds['label']} labels and {kinds['grade']} grades are "
            "neither in rows nor in two columns; its rows could not be paired"
        )
        return table
    for label, grade in pairs:
        label_lines = [fragments[p].line for p in label.parts]
        grade_lines = [fragments[p].line for p in grade.parts]
        table.rows.append(
            _Row(
                label=_text(fragments, label.parts),
                grade=GRADE_CELLS[grade.key],
                grade_as_printed=_text(fragments, grade.parts),
                evidence=_evidence(lines, label_lines[0], label_lines + grade_lines, paged),
            )
        )
    return table


def _find_table(fragments, lines, paged, labels: frozenset[str]) -> _Table | None:
    """The first judgement table with at least MIN_TABLE_ROWS labels of the framework."""
    for i, frag in enumerate(fragments):
        text = normalise(frag.text)
        if text not in TABLE_START_HEADERS and not any(label.startswith(text) for label in labels):
            continue
        tokens = _read_table(fragments, i, labels)
        kinds = Counter(t.kind for t in tokens)
        # A contents list also names the labels, but prints page numbers, not grades.
        if min(kinds["label"], kinds["grade"]) >= MIN_TABLE_ROWS:
            return _pair(tokens, fragments, lines, paged)
    return None


def _labels(framework: str) -> frozenset[str]:
    return frozenset(normalise(a.label) for a in fw.areas_for(framework))


# --- Judgements per framework -----------------------------------------------------------------


def _by_label(framework: str, table: _Table) -> tuple[list[FoundJudgement], list[str], list[str]]:
    """Rows whose labels are unique within the framework (ILACS, SIF, LAC)."""
    areas = {normalise(a.label): a.key for a in fw.areas_for(framework)}
    found, not_judged, reasons = [], [], list(table.reasons)
    printed = Counter(areas[normalise(row.label)] for row in table.rows)
    seen = set()
    for row in table.rows:
        key = areas[normalise(row.label)]
        if printed[key] > 1:
            # Which of its grades is the judgement is a guess: none is taken.
            if key not in seen:
                reasons.append(
                    f"the judgement table prints {row.label!r} {printed[key]} times; "
                    "none of its grades is read"
                )
            seen.add(key)
            continue
        if row.grade == NOT_JUDGED:
            not_judged.append(key)
            continue
        found.append(_judgement(framework, key, row))
    return found, not_judged, reasons


def _judgement(framework: str, key: str, row: _Row, reason: str = "") -> FoundJudgement:
    if not reason and not fw.grade_allowed(framework, row.grade):
        reason = f"{row.grade_as_printed!r} is not on the {framework} grade scale"
    return FoundJudgement(
        area=key,
        label=row.label,
        grade=row.grade,
        grade_as_printed=row.grade_as_printed,
        evidence=row.evidence,
        needs_review=bool(reason),
        review_reason=reason,
    )


def _headings(fragments, labels: frozenset[str]) -> list[tuple[str, str, int]]:
    """SLAC and LAC grade each area again under its heading: "Staying safe  Grade 2 (good)".

    Returns (normalised label, grade, fragment index) in document order. Only the "Grade N
    (word)" form counts: the grade legend prints "Good (Grade 2)" and prose never uses it.
    """
    found = []
    for k, frag in enumerate(fragments):
        key = normalise(frag.text)
        if not key.startswith("grade ") or key not in GRADE_CELLS:
            continue
        best = None
        for m in range(1, HEADING_LOOKBACK + 1):
            if k - m < 0 or frag.line - fragments[k - m].line > HEADING_LOOKBACK:
                break
            label = normalise(" ".join(f.text for f in fragments[k - m : k]))
            if label in labels:
                best = label
        if best:
            found.append((best, GRADE_CELLS[key], k))
    return found


def _by_order(sections: list[list[fw.Area]], labels: list[str]) -> list[str | None]:
    """Area keys for labels printed in order through consecutive sections (None: out of order)."""
    keys: list[str | None] = []
    section, position = 0, 0
    for label in labels:
        order = [normalise(a.label) for a in sections[section]]
        if label in order[position:]:
            index = order.index(label, position)
        elif section + 1 < len(sections) and label in [
            normalise(a.label) for a in sections[section + 1]
        ]:
            section += 1
            index = [normalise(a.label) for a in sections[section]].index(label)
        else:
            keys.append(None)
            continue
        keys.append(sections[section][index].key)
        position = index + 1
    return keys


def _check_headings(framework, judgements, fragments, lines, paged) -> list[FoundJudgement]:
    """Flag table grades that their in-text heading contradicts; add graded headings that the
    table lacks, flagged, since their area comes from the order of headings alone."""
    areas = fw.areas_for(framework)
    if framework == fw.SLAC:
        sections = [[a for a in areas if a.key.startswith(prefix)] for prefix in SLAC_SECTIONS]
    else:
        sections = [list(areas)]
    headings = _headings(fragments, _labels(framework))
    keys = _by_order(sections, [label for label, _grade, _k in headings])
    by_area = {j.area: j for j in judgements}
    result = list(judgements)
    for (_label, grade, k), key in zip(headings, keys, strict=True):
        if key is None:
            continue
        found = by_area.get(key)
        if found is None:
            frag = fragments[k]
            row = _Row(
                fw.area(framework, key).label,
                grade,
                " ".join(frag.text.split()),
                _evidence(lines, frag.line, [frag.line], paged),
            )
            result.append(
                _judgement(framework, key, row, "graded only under its heading; the record "
                           "table has no row for it")
            )  # fmt: skip
        elif found.grade != grade and not found.needs_review:
            reason = (
                f"the record table says {found.grade_as_printed!r}, the heading says "
                f"{fragments[k].text.strip()!r}"
            )
            result[result.index(found)] = replace(found, needs_review=True, review_reason=reason)
    return result


def _slac(table: _Table) -> tuple[list[FoundJudgement], list[str], list[str]]:
    """Assign SLAC rows to sections by row order, not by the section headers printed.

    Some record tables print their section headers in the wrong rows; the safeguarding rows come
    first and end with equality and diversity. A row out of the printed order is kept but
    flagged.
    """
    areas = fw.areas_for(fw.SLAC)
    sections = [[a for a in areas if a.key.startswith(prefix)] for prefix in SLAC_SECTIONS]
    found, not_judged, reasons = [], [], list(table.reasons)
    section, position = 0, 0
    for row in table.rows:
        label = normalise(row.label)
        order = [normalise(a.label) for a in sections[section]]
        if label not in order[position:] and section == 0 and label in order[:position]:
            section, position = 1, 0  # the looked after children rows begin
            order = [normalise(a.label) for a in sections[section]]
        if label in order[position:]:
            index = order.index(label, position)
            reason = ""
        elif label in order:
            index = order.index(label)
            reason = f"{row.label!r} is out of the expected row order"
        else:
            reasons.append(f"{row.label!r} is not a row of the {SLAC_SECTIONS[section]} section")
            continue
        key = sections[section][index].key
        position = index + 1
        if row.grade == NOT_JUDGED:
            not_judged.append(key)
        else:
            found.append(_judgement(fw.SLAC, key, row, reason))
        if key == "safeguarding.equality_and_diversity":
            section, position = 1, 0
    return found, not_judged, reasons


def _printed_grade(m: re.Match) -> str:
    return m["grade"] or m.groupdict().get("ri") or ""


def _sentence(regex, pages, paged, key, framework, lines_offset):
    """The first full-line sentence judgement (SIF overall, LSCB); later ones must agree."""
    matches = []
    for page_no, page in enumerate(pages, 1):
        for m in regex.finditer(page):
            grade = grade_of(_printed_grade(m))
            if grade is None:
                continue
            line = page.count("\n", 0, m.start("label")) + 1
            evidence = Evidence(
                page=page_no if paged else None,
                line=None if paged else line + lines_offset[page_no - 1],
                text=m["label"].strip(),
            )
            matches.append((grade, m, evidence))
    if not matches:
        return None
    grade, m, evidence = matches[0]
    printed = _printed_grade(m)
    reason = ""
    if any(g != grade for g, _m, _e in matches[1:]):
        reason = f"the report states more than one grade for {key}"
    return _judgement(
        framework,
        key,
        _Row(" ".join(m["label"].split()), grade, " ".join(printed.split()), evidence),
        reason,
    )


# --- Title block ------------------------------------------------------------------------------


def _title_block(lines: list[_Line], paged: bool) -> list[_Line]:
    if paged:
        return [line for line in lines if line.page == 1]
    return lines[:TITLE_BLOCK_LINES]


def _framework_from_title(text: str) -> str | None:
    for framework, regex in FRAMEWORK_TITLES:
        if regex.search(text):
            return framework
    return None


def _value_after(block: list[_Line], regex, accept) -> str | None:
    """The value printed after a title-block field, on its line or the next few."""
    for i, line in enumerate(block):
        m = regex.match(line.text)
        if not m or line.text.strip().lower().startswith("deputy"):
            continue
        candidates = [m["rest"]] + [b.text for b in block[i + 1 : i + 4] if b.text.strip()]
        for candidate in candidates:
            value = accept(candidate)
            if value:
                return value
        return None
    return None


def _inspector(text: str) -> str | None:
    name = INSPECTOR_TITLE_RE.sub("", text).strip(" :*")
    return name or None


def _known_name(text: str, authorities) -> str | None:
    """The longest run of opening words that is an authority's name."""
    words = text.split()[:8]
    for k in range(len(words), 0, -1):
        name = " ".join(words[:k])
        if lookup(name, authorities):
            return name
    return None


def _authority(lines, block, authorities, source):
    """The authority named by the title block, running headers or ILACS summary sentence."""
    block_text = " ".join(line.text.strip() for line in block[:12])
    names = []
    m = TITLE_AUTHORITY_RE.search(block_text)
    if m:
        names.append((m["name"] or m["visited"], True))
    m = JTAI_TITLE_RE.search(block_text)
    if m:
        for place in _IN_RE.finditer(m["title"]):
            name = _known_name(m["title"][place.end() :], authorities)
            if name:
                names.append((name, False))
    # The authority's own line ("Hampshire County Council", "Poole") opens the title block.
    for line in [line for line in block if line.text.strip()][:TITLE_NAME_LINES]:
        text = line.text.strip()
        if lookup(text, authorities):
            names.append((text, False))
            break
        m = COUNCIL_LINE_RE.match(text)
        if m:
            names.append((text, True))
            break
    for name, strict in names:
        code = lookup(name, authorities)
        if code:
            return code, " ".join(name.split())
        if strict:
            raise ParseError(f"{source}: authority {name!r} is not in the reference")
    # Running headers: "Hampshire inspection of safeguarding and looked after children services".
    counts = Counter()
    for line in lines:
        m = RUNNING_HEADER_AUTHORITY_RE.match(line.text.strip())
        if m and lookup(m["name"], authorities):
            counts[m["name"]] += 1
    if counts:
        name = counts.most_common(1)[0][0]
        return lookup(name, authorities), name
    for line in block:
        m = SERVICES_IN_RE.match(line.text.strip())
        if m and lookup(m["name"], authorities):
            return lookup(m["name"], authorities), m["name"]
    return None, None


# --- The document -----------------------------------------------------------------------------


def parse_document(
    pages: list[str], *, source: str, paged: bool, authorities: Mapping[str, str]
) -> ParsedDocument:
    """Parse one document; see the module docstring for the contract."""
    whole = pages[0] if pages else ""
    if HTML_RE.match(whole):
        return ParsedDocument(NOT_A_REPORT, None, None, None, None, None, None, None, ())
    lines = _lines(pages, paged)
    block = _title_block(lines, paged)
    block_text = "\n".join(line.text for line in block)
    kind = COUNCIL_PAPER if COUNCIL_PAPER_RE.search(block_text) else INSPECTION_REPORT

    running = _running_headers(lines)
    framework = _framework_from_title(block_text)
    if framework is None:
        header_text = "\n".join(sorted(running))
        framework = _framework_from_title(header_text)
    fragments = _fragments(lines, running)
    table = None
    if framework is None:
        # A conversion without its title block: recognise the framework by its judgement table.
        for candidate in (fw.ILACS, fw.SIF, fw.SLAC, fw.LAC):
            table = _find_table(fragments, lines, paged, _labels(candidate))
            if table is not None and table.rows:
                framework = candidate
                break
    if framework is None:
        raise ParseError(f"{source}: no known inspection framework recognised")

    code, as_printed = _authority(lines, block, authorities, source)
    reasons: list[str] = []
    if code is None:
        reasons.append("the authority is not named in the title block or running headers")

    start = end = published = None
    lead = None
    if kind == COUNCIL_PAPER:
        text = "\n".join(line.text for line in lines)
        m = PAPER_DATES_RE.search(text)
        if m:
            span = date_range(m["span"].replace(" and ", " to "))
            if span:
                start, end = span
        m = PAPER_PUBLISHED_RE.search(text)
        if m:
            published = parse_date(m["date"])
    else:
        span = _value_after(block, INSPECTION_DATES_RE, date_range)
        if span:
            start, end = span
        published = _value_after(block, PUBLISHED_RE, parse_date)
        lead = _value_after(block, LEAD_INSPECTOR_RE, _inspector) or _value_after(
            lines, TEAM_LEAD_INSPECTOR_RE, _inspector
        )

    judgements: list[FoundJudgement] = []
    not_judged: list[str] = []
    if framework in fw.UNGRADED_FRAMEWORKS:
        pass
    elif framework == fw.LSCB_REVIEW:
        found = _sentence(LSCB_RE, pages, paged, "lscb", framework, _offsets(pages))
        if found:
            judgements.append(found)
        else:
            reasons.append("no LSCB judgement found")
    else:
        labels = _labels(framework)
        if table is None:
            table = _find_table(fragments, lines, paged, labels)
        if table is None:
            reasons.append(f"no {framework} judgement table found")
            table = _Table()
        if framework == fw.SLAC:
            found, not_judged, table_reasons = _slac(table)
        else:
            found, not_judged, table_reasons = _by_label(framework, table)
        if framework in (fw.SLAC, fw.LAC):
            found = _check_headings(framework, found, fragments, lines, paged)
        judgements.extend(found)
        reasons.extend(table_reasons)
        if framework == fw.SIF:
            offsets = _offsets(pages)
            for key, regex in (("overall_effectiveness", SIF_OVERALL_RE), ("lscb", LSCB_RE)):
                found = _sentence(regex, pages, paged, key, framework, offsets)
                if found and key == "overall_effectiveness":
                    judgements.insert(0, found)
                elif found:
                    judgements.append(found)
                else:
                    reasons.append(f"no SIF {key} sentence found")
        reasons.extend(_missing(framework, judgements, not_judged))

    return ParsedDocument(
        kind=kind,
        framework=framework,
        authority_code=code,
        authority_as_printed=as_printed,
        inspection_start=start,
        inspection_end=end,
        published=published,
        lead_inspector=lead,
        judgements=tuple(judgements),
        not_judged=tuple(not_judged),
        review_reasons=tuple(reasons),
    )


def _offsets(pages: list[str]) -> list[int]:
    offsets, total = [], 0
    for page in pages:
        offsets.append(total)
        total += page.count("\n") + 1
    return offsets


# Judgements every report of a framework prints. ILACS reports from April 2026 have no overall
# effectiveness row, so overall is not required; the care judgements are either the combined
# one (to 2022) or the two split ones (2023 on).
REQUIRED = {
    fw.ILACS: (("impact_of_leaders",), ("help_and_protection",)),
    fw.LAC: tuple((a.key,) for a in fw.areas_for(fw.LAC)),
    fw.SIF: tuple((a.key,) for a in fw.areas_for(fw.SIF) if a.key != "lscb"),
    fw.SLAC: tuple((a.key,) for a in fw.areas_for(fw.SLAC)),
}


def _missing(framework: str, judgements, not_judged) -> list[str]:
    present = {j.area for j in judgements} | set(not_judged)
    reasons = [
        f"no {framework} judgement found for {keys[0]}"
        for keys in REQUIRED.get(framework, ())
        if not present.intersection(keys)
    ]
    if framework == fw.ILACS:
        combined = "children_in_care_and_care_leavers" in present
        split = {"children_in_care", "care_leavers"} & present
        if combined and split:
            reasons.append("the ILACS table prints both the combined and the split care rows")
        elif not combined and len(split) < 2:
            reasons.append("no ILACS judgement found for children in care and care leavers")
    return reasons
