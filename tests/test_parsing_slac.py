"""SLAC 2009-12: the record of main findings, cross-checked with the in-text headings."""

from datetime import date

import pytest

from tests.fixtures.parsing import fixture_text, grades, parse_pages, parse_text

SAFEGUARDING = {
    "overall_effectiveness": "adequate",
    "capacity_for_improvement": "adequate",
    "safe_and_feel_safe": "adequate",
    "quality_of_provision": "inadequate",
    "health_agencies_contribution": "adequate",
    "ambition_and_prioritisation": "adequate",
    "leadership_and_management": "adequate",
    "performance_management_and_quality_assurance": "adequate",
    "partnership_working": "adequate",
    "equality_and_diversity": "adequate",
}
LOOKED_AFTER = {
    "overall_effectiveness": "adequate",
    "capacity_for_improvement": "adequate",
    "being_healthy": "good",
    "staying_safe": "adequate",
    "enjoying_and_achieving": "adequate",
    "making_a_positive_contribution": "adequate",
    "economic_wellbeing": "inadequate",
    "quality_of_provision": "inadequate",
    "ambition_and_prioritisation": "adequate",
    "leadership_and_management": "adequate",
    "performance_management_and_quality_assurance": "adequate",
    "equality_and_diversity": "good",
}
EXPECTED = {f"safeguarding.{k}": v for k, v in SAFEGUARDING.items()} | {
    f"looked_after_children.{k}": v for k, v in LOOKED_AFTER.items()
}


def test_sections_follow_row_order_not_misplaced_headers():
    # The fixture's table prints "Services for looked after children" above the safeguarding
    # ambition row, as some real tables do.
    doc = parse_text(fixture_text("slac_record.txt"))
    assert doc.framework == "SLAC"
    assert grades(doc) == EXPECTED
    assert doc.review_reasons == ()
    assert not any(j.needs_review for j in doc.judgements)


def test_title_block():
    doc = parse_text(fixture_text("slac_record.txt"))
    assert doc.authority_code == "999"
    assert doc.authority_as_printed == "Westshire"
    assert (doc.inspection_start, doc.inspection_end) == (date(2011, 10, 31), date(2011, 11, 11))
    assert doc.published == date(2011, 12, 16)
    assert doc.lead_inspector == "Dan Example"


def test_evidence_is_the_table_row_line():
    text = fixture_text("slac_record.txt")
    doc = parse_text(text)
    lines = text.split("\n")
    for judgement in doc.judgements:
        row = lines[judgement.evidence.line - 1]
        assert row.startswith(judgement.label)
        assert row.split("\t")[1] == judgement.grade_as_printed


def test_equality_and_diversity_is_graded_only_in_the_table():
    doc = parse_text(fixture_text("slac_record.txt"))
    assert grades(doc)["looked_after_children.equality_and_diversity"] == "good"
    equality = [j for j in doc.judgements if j.area.endswith("equality_and_diversity")]
    assert not any(j.needs_review for j in equality)


def test_the_grade_legend_and_prose_are_not_judgements():
    # The legend lists every grade and the prose says partnership working "is outstanding".
    doc = parse_text(fixture_text("slac_record.txt"))
    assert grades(doc)["safeguarding.partnership_working"] == "adequate"
    assert "outstanding" not in grades(doc).values()


def test_a_heading_that_contradicts_the_table_flags_the_judgement():
    text = fixture_text("slac_record.txt").replace(
        "**Staying safe****Grade 3 (adequate)**", "**Staying safe****Grade 2 (good)**"
    )
    doc = parse_text(text)
    staying_safe = next(j for j in doc.judgements if j.area == "looked_after_children.staying_safe")
    assert staying_safe.grade == "adequate"  # the table's grade is kept, not replaced
    assert staying_safe.needs_review
    assert "heading" in staying_safe.review_reason


def test_a_row_out_of_order_is_flagged():
    text = fixture_text("slac_record.txt").replace(
        "Being healthy\tgood\nStaying safe\tadequate\n",
        "Staying safe\tadequate\nBeing healthy\tgood\n",
    )
    doc = parse_text(text)
    flagged = {j.area for j in doc.judgements if j.needs_review}
    assert flagged == {"looked_after_children.being_healthy"}


def test_a_running_header_inside_the_table_is_skipped():
    header = "Westshire inspection of safeguarding and looked after children services"
    text = fixture_text("slac_record.txt")
    text = "\n".join([header, "2", text, header, "3", header, "4"])
    row = "Quality of provision\tinadequate\n"
    text = text.replace(row + "The contribution", f"{row}\n{header}\n\n17\n\nThe contribution")
    doc = parse_text(text)
    assert grades(doc) == EXPECTED


def test_running_header_names_the_authority_when_the_title_block_is_missing():
    header = "Westshire inspection of safeguarding and looked after children services"
    body = fixture_text("slac_record.txt").split("## The inspection judgements", 1)[1]
    text = "\n".join(["About this inspection", body, header, "12", header, "13", header, "14"])
    doc = parse_text(text)
    assert doc.framework == "SLAC"
    assert doc.authority_code == "999"
    assert doc.inspection_start is None


def test_one_line_rows_of_a_hard_wrapped_conversion():
    page = (
        "Inspection of safeguarding and looked after children services\nWestshire\n"
        " Record of main findings: \n\nSafeguarding services \n\nOverall effectiveness Good \n\n"
        "Capacity for improvement Outstanding \n\n"
        "The contribution of health agencies to keeping \nchildren and young people safe \n\n"
        "Good \n\n"
    )
    doc = parse_pages([page])
    found = grades(doc)
    assert found["safeguarding.overall_effectiveness"] == "good"
    assert found["safeguarding.capacity_for_improvement"] == "outstanding"
    assert found["safeguarding.health_agencies_contribution"] == "good"
    assert any("no SLAC judgement found" in r for r in doc.review_reasons)


def _record(old: str, new: str) -> str:
    text = fixture_text("slac_record.txt")
    assert old in text
    return text.replace(old, new, 1)


def test_a_heading_graded_where_the_record_has_no_row_is_added_flagged():
    doc = parse_text(_record("Being healthy\tgood\n", ""))
    assert grades(doc) == EXPECTED
    healthy = next(j for j in doc.judgements if j.area == "looked_after_children.being_healthy")
    assert healthy.needs_review
    assert healthy.review_reason.startswith("graded only under its heading")
    assert (healthy.label, healthy.grade_as_printed) == ("Being healthy", "Grade 2 (good)")
    assert healthy.evidence.text.startswith("Being healthy")


def test_without_an_equality_row_the_looked_after_rows_begin_at_a_repeated_label():
    doc = parse_text(_record("Equality and diversity\tadequate\n", ""))
    expected = {k: v for k, v in EXPECTED.items() if k != "safeguarding.equality_and_diversity"}
    assert grades(doc) == expected
    assert not any(j.needs_review for j in doc.judgements)
    assert doc.review_reasons == (
        "no SLAC judgement found for safeguarding.equality_and_diversity",
    )


def test_the_looked_after_rows_begin_after_equality_and_diversity():
    # A record whose looked after section prints no overall or capacity row: its first row is
    # still the looked after section's, and those two are graded only under their headings.
    lac_rows = "Overall effectiveness\tadequate\nCapacity for improvement\tadequate\nBeing healthy"
    doc = parse_text(_record(lac_rows, "Being healthy"))
    assert grades(doc) == EXPECTED
    assert {j.area for j in doc.judgements if j.needs_review} == {
        "looked_after_children.overall_effectiveness",
        "looked_after_children.capacity_for_improvement",
    }


def test_a_row_of_the_other_section_is_not_read_and_said_so():
    row = "Quality of provision\tinadequate\n"
    doc = parse_text(_record(row, f"{row}Being healthy\toutstanding\n"))
    assert grades(doc) == EXPECTED
    assert "'Being healthy' is not a row of the safeguarding. section" in doc.review_reasons


def test_a_row_printed_not_judged_is_not_a_grade():
    doc = parse_text(
        _record("Partnership working\tadequate\n", "Partnership working\tNot judged\n")
    )
    assert doc.not_judged == ("safeguarding.partnership_working",)


@pytest.mark.parametrize(
    "gap, read",
    [(0, True), (3, True), (4, False)],  # lines between a heading's label and its grade
)
def test_a_heading_grade_is_read_within_four_lines_of_its_label(gap, read):
    heading = "**Staying safe****Grade 3 (adequate)**"
    doc = parse_text(_record(heading, "Staying safe" + "\n" * (gap + 1) + "Grade 2 (good)"))
    staying_safe = next(j for j in doc.judgements if j.area.endswith("staying_safe"))
    assert staying_safe.needs_review is read  # the table says adequate


def test_a_heading_label_wrapped_over_lines_is_read():
    heading = "## Making a positive contribution, including user engagement\nGrade 3 (adequate)"
    wrapped = "Making a positive\ncontribution, including\nuser engagement\nGrade 2 (good)"
    doc = parse_text(_record(heading, wrapped))
    flagged = [j.area for j in doc.judgements if j.needs_review]
    assert flagged == ["looked_after_children.making_a_positive_contribution"]
