"""Grade cells: the whole cell must be a grade word, in any of Ofsted's printed forms."""

import pytest

from inspections.frameworks import ADEQUATE, GOOD, INADEQUATE, OUTSTANDING, REQUIRES_IMPROVEMENT
from inspections.parsing.grades import NOT_JUDGED, TRAILING_GRADE_RE, grade_of


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Outstanding", OUTSTANDING),
        ("Good ", GOOD),
        ("adequate", ADEQUATE),
        ("inadequate", INADEQUATE),
        ("Inadequate", INADEQUATE),
        ("Requires improvement to be good", REQUIRES_IMPROVEMENT),
        ("Requires improvement\nto be good", REQUIRES_IMPROVEMENT),
        ("Requires\nImprovement", REQUIRES_IMPROVEMENT),
        ("Require improvement", REQUIRES_IMPROVEMENT),
        ("Grade 2 (good)", GOOD),
        ("Grade 4 (inadequate)", INADEQUATE),
        ("Not judged", NOT_JUDGED),
        # Prose and legends are not grade cells.
        ("partnership working is outstanding", None),
        ("Good (Grade 2) A service that exceeds minimum requirements", None),
        ("good help, care and protection", None),
        ("", None),
    ],
)
def test_grade_of_reads_whole_cells(cell, expected):
    assert grade_of(cell) == expected


@pytest.mark.parametrize(
    "cell, label, grade",
    [
        ("Staying safe Good", "Staying safe", "Good"),
        ("Quality of provision inadequate", "Quality of provision", "inadequate"),
        ("Economic well-being adequate", "Economic well-being", "adequate"),
        ("Being healthy  Grade 2 (good)", "Being healthy", "Grade 2 (good)"),
    ],
)
def test_trailing_grade_splits_label_from_grade(cell, label, grade):
    m = TRAILING_GRADE_RE.match(cell)
    assert (m["label"], m["grade"]) == (label, grade)


def test_adequate_is_not_read_inside_inadequate():
    m = TRAILING_GRADE_RE.match("Quality of provision inadequate")
    assert grade_of(m["grade"]) == INADEQUATE
