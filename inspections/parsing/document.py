"""Read one Ofsted children's services document into its framework, authority, dates and grades.

Contract
--------
In: the text of each page of a PDF (`paged=True`; evidence is the 1-based page; a table's row is
one line with a tab between its cells, as `inspections.pdf` rebuilds it from the layout) or a
one-element list with the whole text of a text file (`paged=False`; evidence is the 1-based
line where the label starts), the document's `source` (named in errors) and `authorities`, a
mapping from a printed name or alias to its DfE LA code (see `authority_aliases`).

Out: a `ParsedDocument`. Its judgements come only from the places where Ofsted prints a grade
against a label: the judgement table (ILACS, SIF, SLAC and LAC's "record of main findings"), the
SIF overall sentence and the LSCB sentence. The body's restatements of a grade (headings such as
"The experiences and progress of children in care: good") are a second reading: a disagreement
is flagged with both values, never resolved. Grade words in prose, the grade legend, the grade
descriptions at the end of SIF reports and earlier inspections' grades are never read. What the
parser cannot place with certainty is left out or marked `needs_review` with a reason; it never
guesses a grade. Dates, the publication date and the lead inspector come from the title block
(a council paper's from its opening paragraph) and are None when not printed.

The rule for `kind`:
- "council_paper" when the opening lines carry a committee report header ("Committee/Panel:",
  "Report From:", "Decision Maker:"); its grades are the Ofsted grades it restates.
- "not_a_report" when the file is not a report at all: a web page (the text starts with an HTML
  tag: a saved "not found" page in a download folder) that prints no report's title. Nothing is
  read from it. A web page that does print a report's title is refused (`ParseError`), never
  labelled "not_a_report": a real report is never that. Callers raise `NotAReport` for files
  that hold no text to read (an empty file, binary data, a ".pdf" that is no PDF).
- "inspection_report" otherwise, when a framework is recognised from the report's title, its
  running headers or its judgement table; when none is, `ParseError` is raised.

`ParseError` is also raised when the title block names an authority that is not in
`authorities`.

Each job has its module: `text` (lines, running headers, cells), `title` (the title block),
`tables` (judgement tables), `judgements` (what the frameworks share) and one module of rules per
framework (`ilacs`, `sif`, `slac`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from inspections import frameworks as fw

from . import ilacs, sif, slac, title
from .judgements import FoundJudgement, by_label, missing, reconcile, restatements
from .tables import Table, find_table, labels_of, unknown_rows
from .text import Evidence, read_text

__all__ = [
    "Evidence",
    "FoundJudgement",
    "NotAReport",
    "ParseError",
    "ParsedDocument",
    "parse_document",
]

INSPECTION_REPORT = "inspection_report"
COUNCIL_PAPER = "council_paper"
NOT_A_REPORT = "not_a_report"
# Why a document has no authority: reasons a person placing it answers.
NO_AUTHORITY = "the authority is not named in the title block or running headers"
SHARED_NAME = "the title block names"


def authority_reason(reason: str) -> bool:
    """Whether a review reason is that the document's authority could not be named."""
    return reason == NO_AUTHORITY or reason.startswith(SHARED_NAME)


class ParseError(ValueError):
    """The document does not look as expected; the message names the source and the reason."""


class NotAReport(ParseError):
    """The file is not a report at all (empty, binary, a web page): there is nothing to ingest."""


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
    authority_candidates: tuple[str, ...] = ()  # LA codes a shared name may be

    def as_json(self, authority: Mapping | None = None) -> dict:
        """The corpus README's "Expected format": what `ingest --json`, `bench/accuracy.py` and
        the tests print and compare. `authority` is the authority's {name, la_code, gss_code}
        where the caller knows it."""
        return {
            "kind": self.kind,
            "authority": authority
            or ({"la_code": self.authority_code} if self.authority_code else None),
            "framework": self.framework,
            "inspection_start": _iso(self.inspection_start),
            "inspection_end": _iso(self.inspection_end),
            "published": _iso(self.published),
            "lead_inspector": self.lead_inspector,
            "judgements": [
                {
                    "area": j.area,
                    "label": j.label,
                    "grade": j.grade,
                    "grade_as_printed": j.grade_as_printed,
                    "evidence": {"page": j.evidence.page, "text": j.evidence.text}
                    if j.evidence.page is not None
                    else {"line": j.evidence.line, "text": j.evidence.text},
                    "needs_review": j.needs_review,
                    "review_reason": j.review_reason or None,
                }
                for j in self.judgements
            ],
            "not_judged": list(self.not_judged),
            "review_reasons": list(self.review_reasons),
            "authority_as_printed": self.authority_as_printed,
            "authority_candidates": list(self.authority_candidates),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "ParsedDocument":
        """The reading `as_json` wrote (an unplaced document keeps it until it is placed)."""
        return cls(
            kind=data["kind"],
            framework=data["framework"],
            authority_code=(data.get("authority") or {}).get("la_code"),
            authority_as_printed=data.get("authority_as_printed"),
            inspection_start=_date(data["inspection_start"]),
            inspection_end=_date(data["inspection_end"]),
            published=_date(data["published"]),
            lead_inspector=data["lead_inspector"],
            judgements=tuple(
                FoundJudgement(
                    area=j["area"],
                    label=j["label"],
                    grade=j["grade"],
                    grade_as_printed=j["grade_as_printed"],
                    evidence=Evidence(
                        j["evidence"].get("page"), j["evidence"].get("line"), j["evidence"]["text"]
                    ),
                    needs_review=j["needs_review"],
                    review_reason=j["review_reason"] or "",
                )
                for j in data["judgements"]
            ),
            not_judged=tuple(data["not_judged"]),
            review_reasons=tuple(data["review_reasons"]),
            authority_candidates=tuple(data.get("authority_candidates", ())),
        )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def parse_document(
    pages: list[str], *, source: str, paged: bool, authorities: Mapping[str, str]
) -> ParsedDocument:
    """Parse one document; see the module docstring for the contract."""
    if title.HTML_RE.match(pages[0] if pages else ""):
        framework = title.framework_of(" ".join(pages))
        if framework:
            raise ParseError(
                f"{source}: a web page that holds a {framework} report; ingest the report's PDF"
            )
        return ParsedDocument(NOT_A_REPORT, None, None, None, None, None, None, None, ())
    text = read_text(pages, paged)
    block = title.block(text.lines, paged)
    block_text = "\n".join(line.text for line in block)
    kind = COUNCIL_PAPER if title.COUNCIL_PAPER_RE.search(block_text) else INSPECTION_REPORT
    heading = title.title_lines(block)
    heading_text = "\n".join(heading)

    # A council paper restates a report: its framework is named anywhere near its top.
    framework = title.framework_of(heading_text)
    if framework is None and kind == COUNCIL_PAPER:
        framework = title.framework_of(block_text)
    # A letter's title may sit among its address lines: its heading names the authority.
    visit = [] if framework not in (None, *fw.UNGRADED_FRAMEWORKS) else title.visit_heading(block)
    if visit:
        heading, heading_text = visit, "\n".join(visit)
        framework = title.framework_of(heading_text)
    if framework is None:
        framework = title.framework_of("\n".join(sorted(text.running)))
    table = None
    if framework is None:
        # A conversion without its title block: recognise the framework by its judgement table.
        for candidate in (fw.ILACS, fw.SIF, fw.SLAC, fw.LAC):
            table = find_table(text.fragments, text.lines, paged, labels_of(candidate))
            if table is not None and table.rows:
                framework = candidate
                break
    if framework is None:
        raise ParseError(f"{source}: no known inspection framework recognised in its title")

    try:
        code, as_printed, shared = title.authority(heading, text.lines, authorities)
    except title.UnknownAuthority as e:
        raise ParseError(f"{source}: authority {e.args[0]!r} is not in the reference") from e
    reasons: list[str] = []
    if shared:
        reasons.append(
            f"{SHARED_NAME} {as_printed!r}, which the reference gives to more than one "
            f"authority (LA codes {', '.join(shared)}): a person must choose"
        )
    elif code is None:
        reasons.append(NO_AUTHORITY)

    if kind == COUNCIL_PAPER:
        start, end, published = title.paper_dates("\n".join(line.text for line in text.lines))
        lead = None
    else:
        start, end = title.dates(block) or (None, None)
        published = title.published(block)
        lead = title.lead_inspector(block, text.lines)

    judgements, not_judged, found_reasons = _judgements(framework, text, table, heading_text)
    reasons.extend(found_reasons)
    if framework == fw.ILACS:
        reasons.extend(ilacs.overall(judgements, not_judged, start))
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
        authority_candidates=shared,
    )


def _judgements(framework: str, text, table: Table | None, heading: str):
    """(judgements, areas printed "not judged", reasons to review) under the framework's rules."""
    if framework in fw.UNGRADED_FRAMEWORKS:
        return [], [], []
    if framework == fw.LSCB_REVIEW:
        found = sif.sentence(sif.LSCB_RE, text, fw.LSCB_REVIEW, "lscb")
        return ([found], [], []) if found else ([], [], ["no LSCB judgement found"])

    labels = labels_of(framework)
    if table is None:
        table = find_table(text.fragments, text.lines, text.paged, labels)
    reasons = []
    if table is None:
        reasons.append(f"no {framework} judgement table found")
        table = Table()
    restated = [] if framework in (fw.SLAC, fw.LAC) else restatements(framework, text)
    if framework == fw.SLAC:
        found, not_judged, table_reasons = slac.by_row_order(table)
    else:
        body = [r for r in restated if r.line not in table.lines]
        found, not_judged, table_reasons = by_label(framework, table, body)
    reasons.extend(table_reasons)
    reasons.extend(
        f"the judgement table prints {row!r}, which is not a {framework} judgement: its grade "
        "is not read"
        for row in unknown_rows(text.lines, labels)
    )
    if framework == fw.SIF:
        # The overall and LSCB sentences first, so the body's headings are checked against them.
        found, sentence_reasons = sif.sentences(text, found, heading)
        reasons.extend(sentence_reasons)
    if framework in (fw.SLAC, fw.LAC):
        found = slac.check_headings(framework, found, text)
    else:
        found, body_reasons = reconcile(framework, found, restated, table)
        reasons.extend(body_reasons)
    reasons.extend(missing(framework, found, not_judged))
    if framework == fw.ILACS:
        reasons.extend(ilacs.care_rows(found, not_judged))
    return found, not_judged, reasons
