"""Properties of the text parser over generated documents (hypothesis), with no database.

Whatever text it is given, `parse_document` either returns a document or raises `ParseError`,
and every grade it returns is a grade word printed in that text. HYPOTHESIS_EXAMPLES=5000 runs
them deeper than the 200 examples each that keep `make test` fast.
"""

import csv
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections import frameworks as fw
from inspections.parsing import ParsedDocument, ParseError, authority_aliases, parse_document
from inspections.parsing.grades import GRADE_CELLS

REFERENCE = Path(__file__).resolve().parent.parent / "authorities/data/local_authorities.csv"
with REFERENCE.open(encoding="utf-8") as f:
    AUTHORITIES = authority_aliases(csv.DictReader(f))

# Words may be split by a line break, a tab or markup ("Requires<b> improvement").
GRADE_WORDS = {
    fw.OUTSTANDING: re.compile(r"\boutstanding\b", re.I),
    fw.GOOD: re.compile(r"\bgood\b", re.I),
    fw.ADEQUATE: re.compile(r"\badequate\b", re.I),  # not the "adequate" inside "inadequate"
    fw.REQUIRES_IMPROVEMENT: re.compile(r"\brequires?\W+(?:\w+\W+)?improvement\b", re.I),
    fw.INADEQUATE: re.compile(r"\binadequate\b", re.I),
}

NAMES = ["Hampshire", "Southampton", "Poole", "Bournemouth, Christchurch and Poole", "Atlantis"]
TITLES = [
    "Inspection of {name} local authority children's services",
    "Inspection of services for children in need of help and protection, children looked after "
    "and care leavers",
    "{name} County Council",
    "Inspection of safeguarding and looked after children services",
    "Inspection of looked after children services",
    "Review of the effectiveness of the Local Safeguarding Children Board",
    "Focused visit to {name} children's services",
    "Children's services in {name} are good.",
    "<!DOCTYPE html>",
    "Report to: Cabinet",
]
SENTENCES = [
    "The overall judgement is {grade}",
    "The Local Safeguarding Children Board is {grade}.",
    "The Local Safeguarding Children Board requires improvement",
    "Inspection dates: 13 May 2019 to 24 May 2019",
    "Inspection dates: 31 February 2019",
    "Published: 1 July 2019",
    "Lead inspector: Jane Example, HMI",
    "Judgement",
    "Grade",
    "Record of main findings",
    "Safeguarding services",
    "Services for looked after children",
    "Partnership working is {grade}.",
    "Outstanding (Grade 1) A service that significantly exceeds minimum requirements",
    "7",
    "Not judged",
]
LABELS = sorted({a.label for areas in fw.AREAS.values() for a in areas})
CELLS = sorted(GRADE_CELLS)


def _case(text):
    return st.sampled_from([text, text.lower(), text.upper(), text.capitalize()])


def _split(label):
    """A label as a PDF may break it over lines."""
    words = label.split()
    return st.integers(0, len(words)).map(
        lambda k: " ".join(words[:k]) + ("\n" if 0 < k < len(words) else " ") + " ".join(words[k:])
    )


grade_cells = st.sampled_from(CELLS).flatmap(_case)
lines = st.one_of(
    st.sampled_from(TITLES).flatmap(
        lambda t: st.sampled_from(NAMES).map(lambda name: t.format(name=name))
    ),
    st.tuples(st.sampled_from(SENTENCES), grade_cells).map(lambda p: p[0].format(grade=p[1])),
    st.sampled_from(LABELS).flatmap(_split),
    grade_cells,
    st.tuples(st.sampled_from(LABELS), grade_cells).map(lambda p: f"{p[0]}\t{p[1]}"),
    st.text(max_size=40),
)
documents = st.lists(lines, max_size=50).map("\n".join)

FRAMEWORK_TITLES = {
    fw.ILACS: TITLES[0].format(name="Hampshire"),
    fw.SIF: TITLES[1] + "\nHampshire County Council",
    fw.SLAC: TITLES[3] + "\nHampshire County Council",
    fw.LAC: TITLES[4] + "\nHampshire County Council",
}


LAYOUTS = [
    lambda rows: [cell for row in rows for cell in row],
    # A PDF that reads the label column, then the grade column.
    lambda rows: [label for label, _ in rows] + [grade for _, grade in rows],
    # A PDF that reads a grade box centred beside a wrapped label before the label (a grade
    # before a one-line label could be the previous label's: the parser refuses that).
    lambda rows: [
        cell
        for label, grade in rows
        for cell in ((grade, label) if "\n" in label else (label, grade))
    ],
]


@st.composite
def judgement_tables(draw):
    """A title and a judgement table of one framework, its rows in or out of order, with
    generated lines spliced in: most of these yield judgements, so the property bites."""
    framework = draw(st.sampled_from(sorted(FRAMEWORK_TITLES)))
    areas = draw(st.lists(st.sampled_from(fw.AREAS[framework]), min_size=3, max_size=8))
    rows = [[draw(_split(a.label)), draw(grade_cells)] for a in areas]
    body = draw(st.sampled_from(LAYOUTS))(rows)
    for _ in range(draw(st.integers(0, 3))):
        body.insert(draw(st.integers(0, len(body))), draw(lines))
    head = [
        FRAMEWORK_TITLES[framework],
        draw(st.sampled_from(["Judgement\nGrade", "Record of main findings", ""])),
    ]
    return "\n".join(head + body)


def _pages(text, cuts):
    """The text cut into pages at the given line numbers."""
    rows = text.split("\n")
    bounds = sorted({0, len(rows), *(c % (len(rows) + 1) for c in cuts)})
    return ["\n".join(rows[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)] or [""]


def _parse(pages, paged):
    """The parsed document, or None for a ParseError; any other exception fails the test."""
    try:
        return parse_document(pages, source="generated.txt", paged=paged, authorities=AUTHORITIES)
    except ParseError:
        return None


def _assert_grades_are_printed(parsed, text):
    if parsed is None:
        return
    assert isinstance(parsed, ParsedDocument)
    for judgement in parsed.judgements:
        words = GRADE_WORDS[judgement.grade]
        assert words.search(text), judgement
        assert words.search(judgement.grade_as_printed), judgement


def _assert_evidence_shows_grades(parsed):
    """Every judgement's evidence holds its grade as printed (a cell may wrap over lines)."""
    if parsed is None:
        return
    for judgement in parsed.judgements:
        assert " ".join(judgement.grade_as_printed.split()) in " ".join(
            judgement.evidence.text.split()
        ), judgement


@st.composite
def unique_tables(draw):
    """A title and a judgement table whose labels are each printed once, in any layout, with
    the grade each area was given."""
    framework = draw(st.sampled_from([fw.ILACS, fw.SIF, fw.LAC]))
    areas = draw(st.lists(st.sampled_from(fw.AREAS[framework]), min_size=3, max_size=6,
                          unique_by=lambda a: a.label))  # fmt: skip
    rows = [[draw(_split(a.label)), draw(grade_cells)] for a in areas]
    body = draw(st.sampled_from(LAYOUTS))(rows)
    text = "\n".join([FRAMEWORK_TITLES[framework], "Judgement\nGrade", *body])
    return text, {
        a.key: GRADE_CELLS[grade.lower()] for a, (_label, grade) in zip(areas, rows, strict=True)
    }


PROPERTIES = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 200)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTIES
@given(text=st.text(max_size=2000))
def test_any_text_parses_or_raises_parse_error(text):
    _assert_grades_are_printed(_parse([text], paged=False), text)


@PROPERTIES
@given(text=documents)
def test_report_like_text_only_yields_printed_grades(text):
    _assert_grades_are_printed(_parse([text], paged=False), text)


@PROPERTIES
@given(text=judgement_tables())
def test_judgement_tables_only_yield_printed_grades(text):
    _assert_grades_are_printed(_parse([text], paged=False), text)


@PROPERTIES
@given(text=st.one_of(documents, judgement_tables()), cuts=st.lists(st.integers(0, 60), max_size=4))
def test_report_like_pages_only_yield_printed_grades(text, cuts):
    pages = _pages(text, cuts)
    _assert_grades_are_printed(_parse(pages, paged=True), "\n".join(pages))


@PROPERTIES
@given(text=st.one_of(documents, judgement_tables()), cuts=st.lists(st.integers(0, 60), max_size=4))
def test_evidence_holds_each_grade_as_printed(text, cuts):
    _assert_evidence_shows_grades(_parse([text], paged=False))
    _assert_evidence_shows_grades(_parse(_pages(text, cuts), paged=True))


@PROPERTIES
@given(table=unique_tables(), paged=st.booleans())
def test_a_table_grade_is_never_given_to_another_label(table, paged):
    text, expected = table
    parsed = _parse([text], paged=paged)
    assert parsed is not None
    # A grade the parser is unsure of may be flagged for review; an unflagged one must be right.
    for judgement in parsed.judgements:
        if judgement.area in expected and not judgement.needs_review:
            assert judgement.grade == expected[judgement.area], (judgement, expected)
