"""LAC 2012-13: the five graded rows of the record of main findings."""

from datetime import date

import pytest

from tests.fixtures.parsing import grades, parse_pages

# The title block as pdfminer reads it: the "Published:" value comes after "All".
TITLE = """Inspection of looked after children
services
Westshire County Council
Inspection dates:
8 – 12 July 2013
Reporting inspector  Fay Example HMI
Age group:
Published:
All
16 August 2013
"""
LABELS = [
    "Overall effectiveness",
    "Capacity to improve",
    "Outcomes for looked after children\nand young people",
    "Quality of provision",
    "Leadership and management",
]
GRADES = ["Inadequate", "Adequate", "Adequate", "Good", "Adequate"]
EXPECTED = {
    "looked_after_children.overall_effectiveness": "inadequate",
    "looked_after_children.capacity_for_improvement": "adequate",
    "looked_after_children.outcomes": "adequate",
    "looked_after_children.quality_of_provision": "good",
    "looked_after_children.leadership_and_management": "adequate",
}
HEADINGS = """Westshire County Council Inspection of looked after children services
2
Capacity to improve
Grade 3 (adequate)
1. Leaders know their services. Outcomes for looked after children are good in places.
Quality of provision
Grade 2 (good)
2. Care plans are timely.
"""


def _record(body: str) -> str:
    return "Westshire County Council Inspection of looked after children services\n21\n" \
           "Record of main findings\nServices for looked after children\n" + body  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        "\n".join(f"{label}\n{grade}" for label, grade in zip(LABELS, GRADES, strict=True)),
        "\n".join(LABELS) + "\n" + "\n".join(GRADES),
    ],
    ids=["rows", "columns"],
)
def test_reads_the_record_of_main_findings(body):
    doc = parse_pages([TITLE, HEADINGS, _record(body)])
    assert doc.framework == "LAC"
    assert grades(doc) == EXPECTED
    assert {j.evidence.page for j in doc.judgements} == {3}
    assert doc.review_reasons == ()
    assert not any(j.needs_review for j in doc.judgements)


def test_title_block_with_values_out_of_line():
    body = "\n".join(f"{label}\n{grade}" for label, grade in zip(LABELS, GRADES, strict=True))
    doc = parse_pages([TITLE, HEADINGS, _record(body)])
    assert doc.authority_code == "999"
    assert (doc.inspection_start, doc.inspection_end) == (date(2013, 7, 8), date(2013, 7, 12))
    assert doc.published == date(2013, 8, 16)
    assert doc.lead_inspector == "Fay Example"


def test_a_heading_that_disagrees_with_the_record_flags_it():
    grades_ = ["Inadequate", "Inadequate", "Adequate", "Good", "Adequate"]
    body = "\n".join(f"{label}\n{grade}" for label, grade in zip(LABELS, grades_, strict=True))
    doc = parse_pages([TITLE, HEADINGS, _record(body)])
    capacity = next(j for j in doc.judgements if j.area.endswith("capacity_for_improvement"))
    assert capacity.grade == "inadequate"
    assert capacity.needs_review
