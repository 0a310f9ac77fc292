"""What real reports do that our first corpus did not: council names as councils print them, the
framework from the report's own title, later SIF wording, the body as a second reading, dates
and inspectors in every printed form, and ILACS from April 2026."""

import csv
from datetime import date
from pathlib import Path

import pytest

from inspections.parsing import authority_aliases, parse_document
from inspections.parsing.authorities import lookup
from inspections.parsing.title import inspector
from inspections.pdf import page_text
from tests.fixtures.parsing import grades, parse_pages, parse_text

PROJECT_CSV = Path(__file__).resolve().parent.parent / "authorities/data/local_authorities.csv"


@pytest.fixture(scope="module")
def england():
    """Every authority with the aliases of the project's own reference file."""
    with PROJECT_CSV.open(encoding="utf-8") as f:
        return authority_aliases(csv.DictReader(f))


@pytest.mark.parametrize(
    "printed, code",
    [
        ("London Borough of Hammersmith & Fulham", "205"),
        ("Royal Borough of Greenwich", "203"),
        ("Royal Borough of Kingston upon Thames Council", "314"),
        ("Kingston upon Thames Council", "314"),
        ("London Borough of Redbridge Council", "317"),
        ("Wakefield District Metropolitan Council", "384"),
        ("City of Bradford Metropolitan District Council", "380"),
        ("Council of the Isles of Scilly", "420"),
        ("Bedford Borough", "822"),
        ("the Borough of Redcar and Cleveland", "807"),
        ("Newcastle", "391"),  # an alias in the CSV, not in code
        ("County Durham", "840"),
        ("Birmingham Children's Trust", "330"),  # a trust that delivers a council's services
        ("City of London", "201"),
        ("Christchurch", None),  # part of BCP: exact, never a substring
        ("London Borough of Westshire", None),
    ],
)
def test_council_names_as_councils_print_them(england, printed, code):
    assert lookup(printed, england) == code


def _sif_page(council: str, overall: str, rows: str = "") -> str:
    return (
        f"{council}\n"
        "Inspection of services for children in need of help and\n"
        "protection, children looked after and care leavers\n"
        "and\n"
        "Review of the effectiveness of the Local Safeguarding Children\n"
        "Board1\n"
        "Inspection date: 1/06/2015 – 25/06/2015\n"
        "Report published: 10/08/2015\n"
        f"{overall}\n"
        + (
            rows
            or "1. Children who need help and protection\tGood\n"
            "2. Children looked after and achieving permanence\tGood\n"
            "2.1 Adoption performance\tOutstanding\n"
            "2.2 Experiences and progress of care leavers\tGood\n"
            "3. Leadership, management and governance\tGood\n"
        )
    )


def _parse(pages, england):
    return parse_document(pages, source="snippet.pdf", paged=True, authorities=england)


def test_a_council_name_over_two_lines(england):
    page = _sif_page(
        "Royal Borough of Kingston upon\nThames Council",
        "Children’s services in the Royal Borough of Kingston upon\nThames are good",
    )
    doc = _parse([page], england)
    assert (doc.authority_code, doc.framework) == ("314", "SIF")
    overall = next(j for j in doc.judgements if j.area == "overall_effectiveness")
    assert (
        overall.label == "Children’s services in the Royal Borough of Kingston upon Thames are good"
    )
    assert overall.grade == "good"


RI = "requires_improvement"


@pytest.mark.parametrize(
    "sentence, grade",
    [
        ("Children’s services in Bedford Borough require improvement to\nbe good", RI),
        ("Children’s services in Bedford Borough Council\nrequire improvement to be good.", RI),
        ("The overall judgement is that children’s services require\nimprovement.2", RI),
        ("The overall judgement is Inadequate", "inadequate"),
        ("Children’s services in Bedford Borough are outstanding", "outstanding"),
    ],
)
def test_sif_overall_sentences(england, sentence, grade):
    doc = _parse([_sif_page("Bedford Borough", sentence)], england)
    assert grades(doc)["overall_effectiveness"] == grade
    assert (doc.inspection_start, doc.inspection_end) == (date(2015, 6, 1), date(2015, 6, 25))
    assert doc.published == date(2015, 8, 10)


@pytest.mark.parametrize(
    "body, grade",
    [
        ("The LSCB is inadequate because:\n• it does not", "inadequate"),
        ("The effectiveness of the Local Safeguarding Children Board (LSCB) Requires improvement",
         RI),
        ("The Local Safeguarding Children Board requires improvement\nbecause:", RI),
        ("An LSCB requires improvement if it does not yet demonstrate", None),
    ],
)  # fmt: skip
def test_lscb_sentences_and_the_grade_descriptions(england, body, grade):
    page = _sif_page("Bedford Borough", "The overall judgement is good")
    doc = _parse([page, f"Summary\n{body}\n"], england)
    assert grades(doc).get("lscb") == grade


def test_a_re_inspection_is_a_report_of_its_framework_and_has_no_lscb_to_find(england):
    page = _sif_page("Norfolk Council", "Children’s services in Norfolk are good").replace(
        "Inspection of services", "Re-inspection of services"
    )
    page = page.replace("and\nReview of the effectiveness of the Local Safeguarding Children\n", "")
    doc = _parse([page], england)
    assert doc.framework == "SIF"
    assert doc.review_reasons == ()


ILACS_PAGE = (
    "Inspection of York local authority\n"
    "children’s services\n"
    "Inspection dates: 7 March to 18 March 2022\n"
    "Lead inspector: Matt Reed, Her Majesty’s Inspector\n"
    "Judgement\tGrade\n"
    "The impact of leaders on social work practice with children and families\tGood\n"
    "The experiences and progress of children who need help and protection\tGood\n"
    "The experiences and progress of children in care and care leavers\tGood\n"
    "Overall effectiveness\tGood\n"
    "Areas for improvement, identified in a 2018 joint targeted area inspection and\n"
    "a 2019 Ofsted focused visit to York local authority children’s services, remain.\n"
)


def test_the_framework_is_the_titles_not_one_mentioned_in_the_text(england):
    doc = _parse([ILACS_PAGE], england)
    assert (doc.framework, doc.authority_code) == ("ILACS", "816")
    assert doc.lead_inspector == "Matt Reed"
    assert len(doc.judgements) == 4
    assert doc.review_reasons == ()


@pytest.mark.parametrize(
    "title, framework",
    [
        ("Joint targeted area inspection of the multi-agency response to abuse and neglect in "
         "York", "JTAI"),
        ("Focused visit to York local authority children’s services", "FOCUSED_VISIT"),
        ("Monitoring visit to York local authority children’s services", "MONITORING_VISIT"),
        ("Inspection of children’s social care services", "ILACS"),
    ],
)  # fmt: skip
def test_visits_and_joint_inspections_by_their_own_titles(england, title, framework):
    doc = _parse([f"City of York Council\n{title}\nInspection dates: 1 to 3 May 2019\n"], england)
    assert doc.framework == framework


def test_the_body_restating_another_grade_flags_the_tables(england):
    body = (
        "The experiences and progress of children who need help and\n"
        "protection: inadequate\n"
        "1. When children are in need of help and protection, the MASH responds.\n"
    )
    doc = _parse([ILACS_PAGE, body], england)
    found = next(j for j in doc.judgements if j.area == "help_and_protection")
    assert found.grade == "good"
    assert found.needs_review
    assert "inadequate" in found.review_reason and "Good" in found.review_reason


def test_the_body_agreeing_with_the_table_is_not_a_flag(england):
    body = "The experiences and progress of children in care and care leavers: good\n"
    doc = _parse([ILACS_PAGE, body], england)
    assert not any(j.needs_review for j in doc.judgements)


def test_a_grade_only_the_body_states_is_stored_flagged(england):
    page = ILACS_PAGE.replace("Overall effectiveness\tGood\n", "")
    body = "Overall effectiveness: requires improvement to be good\n"
    doc = _parse([page, body], england)
    overall = next(j for j in doc.judgements if j.area == "overall_effectiveness")
    assert overall.grade == "requires_improvement"
    assert overall.grade_as_printed == "requires improvement to be good"  # the grade's words only
    assert overall.evidence.text == body.strip()
    assert overall.needs_review


def test_ilacs_from_april_2026_has_four_judgements_and_no_overall_to_find(england):
    page = (
        "Inspection of York local authority children’s services\n"
        "Inspection dates: 11 May to 22 May 2026\n"
        "Judgement\tGrade\n"
        "The impact of leaders on social work practice with children and families\tGood\n"
        "The experiences and progress of children who need help and protection\tGood\n"
        "The experiences and progress of children in care\tGood\n"
        "The experiences and progress of care leavers\tOutstanding\n"
    )
    doc = _parse([page], england)
    assert len(doc.judgements) == 4
    assert "overall_effectiveness" not in grades(doc)
    assert doc.review_reasons == ()
    earlier = _parse([page.replace("2026", "2025")], england)
    assert earlier.review_reasons == ("no ILACS judgement found for overall_effectiveness",)


@pytest.mark.parametrize(
    "printed, start, end",
    [
        ("Inspection date: 18 Feb 2014 – 12 March 2014", date(2014, 2, 18), date(2014, 3, 12)),
        ("Inspection dates: 8 July 2019 to 12 July 2019 and 7 August 2019 to\n8 August 2019",
         date(2019, 7, 8), date(2019, 8, 8)),
        ("Inspection dates: 19 November-11 December 2013 and 28 – 30\nJanuary 2014",
         date(2013, 11, 19), date(2014, 1, 30)),
    ],
)  # fmt: skip
def test_dates_in_every_printed_form(england, printed, start, end):
    title = "City of York Council\nInspection of children’s social care services\n"
    doc = _parse([f"{title}{printed}\n"], england)
    assert (doc.inspection_start, doc.inspection_end) == (start, end)


@pytest.mark.parametrize(
    "printed, name",
    [
        ("Marie McGuinness Senior HMI", "Marie McGuinness"),
        ("Karen Wareing (HMI)", "Karen Wareing"),
        ("Karen Wareing (", "Karen Wareing"),
        ("Rebecca Quested, His Majesty’s Inspector, and Matthew Reed, His Majesty’s Inspector",
         "Rebecca Quested and Matthew Reed"),
        ("Mrs Fay Example, Social Care Regulatory Inspector", "Fay Example"),
        ("to be confirmed once the inspection of the service has started", None),
    ],
)  # fmt: skip
def test_an_inspector_without_titles_roles_or_punctuation(printed, name):
    assert inspector(printed) == name


def test_a_published_date_sharing_its_line_with_another_field():
    text = (
        "Inspection of looked after children\nservices\nWestshire County Council\n"
        "Inspection dates:\t8 – 12 July 2013\nReporting inspector Fay Example HMI\n"
        "Age group: Published:\tAll 16 August 2013\n"
    )
    assert parse_text(text).published == date(2013, 8, 16)


def _box(x0, y0, x1, text):
    lines = text.split("\n")
    top = y0 + 12 * len(lines)
    return (
        (x0, y0, x1, top),
        [((x0, top - 12 * (i + 1), x1, top - 12 * i), line) for i, line in enumerate(lines)],
    )


# Grades stored before their labels, one printed 2 points above its label, one centred beside a
# label wrapped over two boxes.
AWKWARD_ROWS = [
    _box(390, 466.8, 510, "Requires improvement"),
    _box(118, 456.6, 260, "2.1 Adoption performance"),
    _box(390, 498.6, 520, "Good"),
    _box(76, 505.8, 312, "2. Children looked after and achieving"),
    _box(94, 491.4, 172, "permanence"),
]


def test_pdf_rows_pair_cells_by_position_not_by_stored_order():
    prose = _box(76, 600, 520, "A paragraph of prose that runs over\ntwo lines of the page.")
    assert page_text([*AWKWARD_ROWS, prose]).splitlines() == [
        "A paragraph of prose that runs over",
        "two lines of the page.",
        "2. Children looked after and achieving permanence\tGood",
        "2.1 Adoption performance\tRequires improvement",
    ]


def test_a_table_read_from_rebuilt_rows(england):
    rows = page_text(
        [
            *AWKWARD_ROWS,
            _box(390, 530, 520, "Good"),
            _box(76, 530, 312, "1. Children who need help and protection"),
            _box(390, 420, 520, "Inadequate"),
            _box(118, 418, 360, "2.2 Experiences and progress of care leavers"),
            _box(390, 380, 520, "Good"),
            _box(76, 380, 345, "3. Leadership, management and governance"),
        ]
    )
    page = _sif_page("Bedford Borough", "Children’s services in Bedford Borough are good", rows)
    assert grades(_parse([page], england)) == {
        "overall_effectiveness": "good",
        "help_and_protection": "good",
        "looked_after_and_permanence": "good",
        "adoption": "requires_improvement",
        "care_leavers": "inadequate",
        "leadership_management_governance": "good",
    }


def test_parse_pages_fixture_still_reads_westshire():
    # The made-up county of the other parsing tests is named by the title's council line.
    doc = parse_pages([ILACS_PAGE.replace("York", "Westshire")])
    assert doc.authority_code == "999"


def test_a_visit_letter_is_recognised_by_its_heading_below_the_address(england):
    letter = (
        "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\n"
        "T 0300 123 1231\nwww.gov.uk/ofsted\n12 March 2020\nJane Example\n"
        "Director of Children’s Services\nCity of York Council\nWest Offices\nYork\n"
        "Dear Jane\n"
        "Focused visit to York local authority children’s services\n"
        "This letter summarises the findings of the focused visit. A joint targeted area\n"
        "inspection of York took place in 2018.\n"
    )
    doc = _parse([letter], england)
    assert (doc.framework, doc.authority_code, doc.judgements) == ("FOCUSED_VISIT", "816", ())


def test_a_sif_heading_is_checked_against_the_overall_sentence(england):
    page = _sif_page("Bedford Borough", "The overall judgement is good")
    doc = _parse([page, "Overall effectiveness: inadequate\n"], england)
    overall = next(j for j in doc.judgements if j.area == "overall_effectiveness")
    assert (overall.label, overall.grade) == ("The overall judgement is good", "good")
    assert overall.needs_review and "inadequate" in overall.review_reason


def test_a_row_the_framework_does_not_have_is_said_not_read(england):
    page = ILACS_PAGE.replace(
        "Overall effectiveness\tGood\n",
        "The experiences and progress of children with a plan for permanence\tGood\n",
    )
    doc = _parse([page], england)
    assert len(doc.judgements) == 3
    assert any("children with a plan for permanence" in r for r in doc.review_reasons)
