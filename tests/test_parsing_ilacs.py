"""ILACS: the judgement table on page 1, before and after the 2023 care leavers split."""

from datetime import date

import pytest

from inspections import frameworks as fw
from inspections.parsing import judgements
from inspections.parsing.text import read_text
from tests.fixtures.parsing import fixture_text, grades, parse_pages, parse_text

TITLE = """Inspection of Westshire local authority
children’s services
Inspection dates: 2 to 13 December 2024
Lead inspector: Eve Example, His Majesty’s Inspector
"""
# ILACS inspections from April 2026 judge four areas and no overall effectiveness.
TITLE_2026 = TITLE.replace("2 to 13 December 2024", "11 to 22 May 2026")
PROSE = "Children’s services in Westshire are good. Leaders know their services well.\n"


def test_reads_the_2019_table_and_title_block():
    doc = parse_text(fixture_text("ilacs_2019.txt"))
    assert doc.framework == "ILACS"
    assert doc.authority_code == "999"
    assert (doc.inspection_start, doc.inspection_end) == (date(2019, 4, 1), date(2019, 4, 12))
    assert doc.lead_inspector == "Ann Example"
    assert doc.published is None  # ILACS reports print no publication date
    assert grades(doc) == {
        "impact_of_leaders": "good",
        "help_and_protection": "requires_improvement",
        "children_in_care_and_care_leavers": "good",
        "overall_effectiveness": "good",
    }
    assert doc.review_reasons == ()


def test_labels_grades_and_evidence_lines_are_as_printed():
    doc = parse_text(fixture_text("ilacs_2019.txt"))
    help_ = next(j for j in doc.judgements if j.area == "help_and_protection")
    assert help_.label == "The experiences and progress of children who need help and protection"
    assert help_.grade_as_printed == "Requires improvement to be good"
    assert (help_.evidence.page, help_.evidence.line) == (None, 12)
    assert help_.evidence.text.splitlines()[0] == (
        "The experiences and progress of children who need help"
    )


def test_earlier_grades_and_prose_grades_are_not_judgements():
    doc = parse_text(fixture_text("ilacs_2019.txt"))
    # The prose says "overall effectiveness was judged as inadequate" in 2015, and help and
    # protection "is outstanding in parts": the table's grades stand.
    assert grades(doc)["overall_effectiveness"] == "good"
    assert grades(doc)["help_and_protection"] == "requires_improvement"


ROWS_2023 = [
    ("The impact of leaders on social work\npractice with children and families", "Good"),
    ("The experiences and progress of\nchildren who need help and protection",
     "Requires improvement to be good"),
    ("The experiences and progress of\nchildren in care", "Good"),
    ("The experiences and progress of care\nleavers", "Outstanding"),
    ("Overall effectiveness", "Good"),
]  # fmt: skip
EXPECTED_2023 = {
    "impact_of_leaders": "good",
    "help_and_protection": "requires_improvement",
    "children_in_care": "good",
    "care_leavers": "outstanding",
    "overall_effectiveness": "good",
}


def _rows(rows):
    return "\n".join(f"{label}\n{grade}" for label, grade in rows) + "\n"


def _columns(rows):
    # pdfminer may read a table's label column, then its grade column.
    labels = "\n".join(label for label, _grade in rows)
    return labels + "\n" + "\n".join(grade for _label, grade in rows) + "\n"


def _grades_first(rows):
    # ... or a grade box centred beside a wrapped label before that label (a one-line label
    # still comes first, as in the corpus PDFs).
    return (
        "\n".join(
            f"{grade}\n{label}" if "\n" in label else f"{label}\n{grade}" for label, grade in rows
        )
        + "\n"
    )


@pytest.mark.parametrize("layout", [_rows, _columns, _grades_first])
def test_reads_the_2023_split_table_in_any_reading_order(layout):
    page = TITLE + "Judgement\nGrade\n" + layout(ROWS_2023) + PROSE
    doc = parse_pages([page, "What needs to improve?\n"])
    assert grades(doc) == EXPECTED_2023
    assert all(j.evidence.page == 1 for j in doc.judgements)
    assert doc.review_reasons == ()
    assert doc.authority_code == "999"
    assert (doc.inspection_start, doc.inspection_end) == (date(2024, 12, 2), date(2024, 12, 13))
    assert doc.lead_inspector == "Eve Example"


def test_children_in_care_is_not_read_as_the_combined_label():
    page = TITLE + "Judgement\nGrade\n" + _columns(ROWS_2023) + PROSE
    doc = parse_pages([page])
    assert "children_in_care_and_care_leavers" not in grades(doc)


def test_a_2026_table_without_overall_effectiveness_is_not_flagged():
    page = TITLE_2026 + "Judgement\nGrade\n" + _rows(ROWS_2023[:4]) + PROSE
    doc = parse_pages([page])
    assert "overall_effectiveness" not in grades(doc)
    assert doc.review_reasons == ()
    # Before April 2026 the same table lacks a judgement it should have.
    earlier = parse_pages([TITLE + "Judgement\nGrade\n" + _rows(ROWS_2023[:4]) + PROSE])
    assert earlier.review_reasons == ("no ILACS judgement found for overall_effectiveness",)
    assert not any(j.needs_review for j in doc.judgements)


def test_a_truncated_table_is_flagged_and_keeps_the_certain_rows():
    # One-line labels: a grade cannot be read before them, so each grade follows its label.
    one_line = [(" ".join(label.split()), grade) for label, grade in ROWS_2023]
    rows = _rows(one_line[:3]) + "The experiences and progress of care leavers\n"
    doc = parse_pages([TITLE + "Judgement\nGrade\n" + rows + PROSE])
    assert grades(doc) == {
        "impact_of_leaders": "good",
        "help_and_protection": "requires_improvement",
        "children_in_care": "good",
    }
    # The reason names the row that lost its grade, for a person to read it in the report.
    assert (
        "the judgement table looks truncated: 'The experiences and progress of care leavers' "
        "has no grade"
    ) in doc.review_reasons


def test_a_truncated_table_that_reads_either_way_gives_no_grades():
    # Beside wrapped labels a grade may come first: the first label may be the one without a
    # grade just as well as the last.
    rows = _rows(ROWS_2023[:3]) + "The experiences and progress of care\nleavers\n"
    doc = parse_pages([TITLE + "Judgement\nGrade\n" + rows + PROSE])
    assert doc.judgements == ()
    assert any("could not be paired" in r for r in doc.review_reasons)


def test_unpairable_table_gives_no_grades_and_a_reason():
    # Four labels, then only three grades: which row lost its grade is unknown.
    labels = "\n".join(label for label, _grade in ROWS_2023[:4])
    page = TITLE + "Judgement\nGrade\n" + labels + "\nGood\nGood\nGood\n" + PROSE
    doc = parse_pages([page])
    assert doc.judgements == ()
    assert (
        "the judgement table's 4 labels and 3 grades are neither in rows nor in two columns; its "
        "rows could not be paired"
    ) in doc.review_reasons


def test_a_not_judged_row_is_recorded_as_not_judged():
    rows = [*ROWS_2023[:3], ("The experiences and progress of care\nleavers", "Not judged")]
    doc = parse_pages([TITLE_2026 + "Judgement\nGrade\n" + _rows(rows) + PROSE])
    assert "care_leavers" not in grades(doc)
    assert doc.not_judged == ("care_leavers",)
    assert doc.review_reasons == ()


def test_a_grade_off_the_ilacs_scale_is_flagged():
    rows = [*ROWS_2023[:4], ("Overall effectiveness", "Adequate")]
    doc = parse_pages([TITLE + "Judgement\nGrade\n" + _rows(rows) + PROSE])
    overall = next(j for j in doc.judgements if j.area == "overall_effectiveness")
    assert overall.needs_review
    assert "grade scale" in overall.review_reason


def test_without_its_title_block_the_table_names_the_framework():
    text = fixture_text("ilacs_2019.txt").split("\n", 5)[5]  # drop the title block
    doc = parse_text(text)
    assert doc.framework == "ILACS"
    # The summary's first sentence ("Children's services in Westshire are good") names it.
    assert doc.authority_code == "999"
    assert doc.inspection_start is None
    assert doc.lead_inspector is None


@pytest.fixture
def fresh_patterns(monkeypatch):
    # The restatement patterns are compiled once per process: compile them afresh, so that this
    # test reads the rules as they are written whatever ran before it.
    monkeypatch.setattr(judgements, "_RESTATEMENT_RES", {})


@pytest.mark.parametrize(
    "line, found",
    [
        ("Overall effectiveness: good", [("overall_effectiveness", "good")]),
        ("3.1 Overall effectiveness – Requires improvement to be good.",
         [("overall_effectiveness", "requires_improvement")]),
        ("The experiences and progress of children\nin care\tInadequate",
         [("children_in_care", "inadequate")]),
        ("OVERALL EFFECTIVENESS: judgement is: outstanding", [("overall_effectiveness",
                                                                "outstanding")]),
        # Prose that goes on after the grade, or a grade in a sentence, restates nothing.
        ("Overall effectiveness: good, as at the last inspection", []),
        ("Overall effectiveness was good at the last inspection", []),
    ],
)  # fmt: skip
def test_the_body_restates_a_grade_under_the_judgements_label(fresh_patterns, line, found):
    text = read_text([f"Some prose.\n{line}\n"], paged=False)
    restated = judgements.restatements(fw.ILACS, text)
    assert [(r.area, r.grade) for r in restated] == found
    assert all(r.evidence.line == 2 for r in restated)


LEADERS = "The impact of leaders on social work practice with children and families"
HELP = "The experiences and progress of children who need help and protection"
CARE = "The experiences and progress of children in care and care leavers"
ROWS_2019 = f"Judgement\tGrade\n{LEADERS}\tGood\n{HELP}\tGood\nOverall effectiveness\tGood\n"
BODY_ONLY = "read only from the report's body; its judgement table gave no grade for it"


def test_a_judgement_only_the_body_grades_is_added_flagged():
    doc = parse_text(f"{TITLE}{ROWS_2019}{PROSE}{CARE}: inadequate\n")
    care = next(j for j in doc.judgements if j.area == "children_in_care_and_care_leavers")
    assert (care.grade, care.needs_review, care.review_reason) == ("inadequate", True, BODY_ONLY)
    assert care.label == CARE  # the framework's wording: no table row printed one
    assert care.evidence.line == TITLE.count("\n") + ROWS_2019.count("\n") + 2


def test_a_body_that_grades_a_judgement_two_ways_gives_it_no_grade():
    body = f"{CARE}: inadequate\n{PROSE}{CARE}: good\n"
    doc = parse_text(f"{TITLE}{ROWS_2019}{PROSE}{body}")
    assert "children_in_care_and_care_leavers" not in grades(doc)
    assert (
        "the report's body grades children_in_care_and_care_leavers in more than one way: "
        f"{CARE}: good; {CARE}: inadequate"
    ) in doc.review_reasons


def test_a_body_heading_right_after_the_table_is_compared_with_it():
    doc = parse_text(f"{TITLE}{ROWS_2019}{CARE}\tGood\nOverall effectiveness: inadequate\n")
    overall = next(j for j in doc.judgements if j.area == "overall_effectiveness")
    assert (overall.grade, overall.needs_review) == ("good", True)


def test_the_rows_of_a_table_are_not_the_bodys_readings():
    # A label printed twice in the table gives no grade; its rows are not read as the body.
    rows = f"{ROWS_2019}{CARE}\tGood\nOverall effectiveness\tInadequate\n"
    doc = parse_text(f"{TITLE}{rows}{PROSE}")
    assert "overall_effectiveness" not in grades(doc)
    assert not any("report's body" in r for r in doc.review_reasons)


def test_rows_the_framework_does_not_have_are_named_not_read():
    rows = (
        "Judgement\tGrade\nThe quality of early help\tInadequate\n"
        f"{LEADERS}\tGood\n{HELP}\tGood\n{CARE}\tGood\nOverall effectiveness\tGood\n"
        "A note under the table.\nFamily help\tOutstanding\n"
    )
    doc = parse_text(f"{TITLE}{rows}{PROSE}")
    assert set(grades(doc).values()) == {"good"}
    assert [r for r in doc.review_reasons if "is not a ILACS judgement" in r] == [
        f"the judgement table prints {row!r}, which is not a ILACS judgement: its grade is not read"
        for row in ("The quality of early help", "Family help")
    ]
