"""SLAC 2009-12: the record of main findings, cross-checked with the in-text headings."""

from datetime import date

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
