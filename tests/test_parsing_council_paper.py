"""A council paper that restates an inspection's grades: its own kind, dates from its prose."""

from datetime import date

from tests.fixtures.parsing import fixture_text, grades, parse_text


def test_council_paper_kind_authority_and_framework():
    doc = parse_text(fixture_text("council_paper.txt"))
    assert doc.kind == "council_paper"
    assert doc.framework == "SLAC"
    assert doc.authority_code == "999"


def test_dates_come_from_the_summary_paragraph():
    doc = parse_text(fixture_text("council_paper.txt"))
    assert (doc.inspection_start, doc.inspection_end) == (date(2011, 6, 27), date(2011, 7, 8))
    assert doc.published == date(2011, 8, 12)
    assert doc.lead_inspector is None


def test_restated_grades_and_evidence_lines():
    doc = parse_text(fixture_text("council_paper.txt"))
    found = grades(doc)
    assert len(found) == 22
    assert found["safeguarding.capacity_for_improvement"] == "outstanding"
    assert found["looked_after_children.equality_and_diversity"] == "good"
    # "nine gradings of outstanding" and "'good' is hard to achieve" are prose.
    first = doc.judgements[0]
    assert (first.area, first.evidence.line) == ("safeguarding.overall_effectiveness", 15)
    assert doc.review_reasons == ()


def test_a_paper_without_dates_leaves_them_empty():
    text = fixture_text("council_paper.txt").replace("between 27 June and 8 July 2011", "")
    text = text.replace("published by Ofsted on 12 August 2011", "published")
    doc = parse_text(text)
    assert (doc.inspection_start, doc.inspection_end, doc.published) == (None, None, None)
