"""Ofsted's slips are not doubts: a table label that is the framework's wording less a word, or
with a stray full stop, is its row, kept as printed and not flagged; one that could be two areas
is flagged."""

import pytest

from inspections import frameworks as fw
from inspections.parsing.tables import label_key, labels_of, slips
from tests.fixtures.parsing import parse_pages

ROWS = {
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "children_in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
    "overall_effectiveness": "Overall effectiveness",
}
GRADES = {
    "impact_of_leaders": "Good",
    "help_and_protection": "Good",
    "children_in_care": "Requires improvement to be good",
    "care_leavers": "Good",
    "overall_effectiveness": "Good",
}


def ilacs_page(labels: dict[str, str], body: str = "") -> str:
    rows = "".join(f"{labels[area]}\t{GRADES[area]}\n" for area in labels)
    return (
        "Inspection of Westshire local authority children’s services\n"
        "Inspection dates: 2 to 13 October 2023\nLead inspector: Gil Example, HMI\n"
        f"Judgement\tGrade\n{rows}\nWhat needs to improve in this local authority?\n{body}"
    )


def slipped(area: str, printed: str) -> dict[str, str]:
    return {**ROWS, area: printed}


@pytest.mark.parametrize(
    "area, printed",
    [
        ("care_leavers", "The experiences and progress of children care leavers"),
        ("care_leavers", "The experiences and progress of care leavers."),
        ("children_in_care", "The experiences of children in care"),  # less "and progress"
        ("help_and_protection",
         "The experiences and progress children who need help and protection"),
        ("impact_of_leaders",
         "The impact of leaders on social work practice with children and families."),
        ("impact_of_leaders", "The impact of leaders on social work practice with children"),
    ],
)  # fmt: skip
def test_a_slip_that_can_only_be_one_area_is_read_and_not_flagged(area, printed):
    doc = parse_pages([ilacs_page(slipped(area, printed))])
    found = {j.area: j for j in doc.judgements}
    assert set(found) == set(ROWS)
    assert found[area].label == printed  # kept as printed
    assert found[area].grade == ("requires_improvement" if area == "children_in_care" else "good")
    assert [j.area for j in doc.judgements if j.needs_review] == []
    assert doc.review_reasons == ()


def test_a_slip_that_could_be_two_areas_is_flagged():
    # No split care rows printed exactly: "children care leavers" is nearest to care leavers
    # but could be children in care.
    labels = {k: v for k, v in ROWS.items() if k != "children_in_care"}
    labels["care_leavers"] = "The experiences and progress of children care leavers"
    doc = parse_pages([ilacs_page(labels)])
    found = {j.area: j for j in doc.judgements}
    assert found["care_leavers"].needs_review
    assert found["care_leavers"].review_reason == (
        f"the label {labels['care_leavers']!r} is nearest to {ROWS['care_leavers']!r} but could "
        "be 'The experiences and progress of children in care and care leavers'"
    )
    assert not found["overall_effectiveness"].needs_review  # a neighbour's slip is not its doubt


def test_the_body_settles_a_slip_that_could_be_two_areas():
    labels = {k: v for k, v in ROWS.items() if k != "children_in_care"}
    labels["care_leavers"] = "The experiences and progress of children care leavers"
    body = (
        "The experiences and progress of care leavers: good\n"
        "The experiences and progress of children in care: requires improvement to be good\n"
    )
    doc = parse_pages([ilacs_page(labels, body)])
    found = {j.area: j for j in doc.judgements}
    assert not found["care_leavers"].needs_review
    assert found["care_leavers"].label == labels["care_leavers"]


@pytest.mark.parametrize(
    "printed, framework, expected",
    [
        ("overall effectivenes", fw.ILACS, {"overall_effectiveness": 0}),  # a stray character
        ("overall", fw.ILACS, {}),  # a two-word label less a word is no label
        ("quality of provisions", fw.LAC, {"looked_after_children.quality_of_provision": 0}),
        ("capacity improve", fw.LAC, {"looked_after_children.capacity_for_improvement": 1}),
        ("children looked after and achieving permanence", fw.SIF,
         {"looked_after_and_permanence": 0}),
        ("the experiences and progress of children in need", fw.ILACS, {}),  # another word
        # A word of four characters or more may carry one stray character...
        ("the experiences and progress of children in cares", fw.ILACS,
         {"children_in_care": 0, "children_in_care_and_care_leavers": 3}),
        # ...but two characters changed make another word, and a short word is compared whole.
        ("the experiences and progress of children in dark", fw.ILACS, {}),
        ("the experiences and progress of children on care", fw.ILACS, {}),
        ("the experiences and progress of children care leavers", fw.ILACS,
         {"care_leavers": 1, "children_in_care_and_care_leavers": 3}),
    ],
)  # fmt: skip
def test_slips_compare_words_with_the_frameworks_labels(printed, framework, expected):
    areas = labels_of(framework)
    found = {areas[label]: d for label, d in slips(label_key(printed), areas).items()}
    assert found == expected
