"""ILACS: the judgement table on page 1, before and after the 2023 care leavers split."""

from datetime import date

import pytest

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
    assert any("truncated" in r for r in doc.review_reasons)


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
    assert any("could not be paired" in r for r in doc.review_reasons)


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
