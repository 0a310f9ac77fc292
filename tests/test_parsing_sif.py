"""SIF: the summary table, the overall sentence and the LSCB review in the same report."""

from datetime import date

import pytest

from tests.fixtures.parsing import fixture_text, grades, parse_pages, parse_text


def _pages():
    # The same report as PDF pages: page 1 the title and table, page 2 the LSCB, 3 the team.
    text = fixture_text("sif.txt")
    first, rest = text.split("The Local Safeguarding Children Board (LSCB)\n")
    lscb, team = rest.split("The inspection team\n")
    return [first, "The Local Safeguarding Children Board (LSCB)\n" + lscb, team]


def test_reads_table_overall_sentence_and_lscb():
    doc = parse_text(fixture_text("sif.txt"))
    assert doc.framework == "SIF"
    assert grades(doc) == {
        "overall_effectiveness": "requires_improvement",
        "help_and_protection": "requires_improvement",
        "looked_after_and_permanence": "good",
        "adoption": "good",
        "care_leavers": "inadequate",
        "leadership_management_governance": "requires_improvement",
        "lscb": "requires_improvement",
    }
    assert doc.review_reasons == ()


def test_sentence_labels_are_printed_sentences():
    doc = parse_text(fixture_text("sif.txt"))
    labels = {j.area: j.label for j in doc.judgements}
    assert labels["overall_effectiveness"] == (
        "The overall judgement is that children’s services require improvement"
    )
    assert labels["lscb"] == "The Local Safeguarding Children Board requires improvement"
    # A label wrapped around its grade ("...achieving" / "Good" / "permanence") is whole.
    assert labels["looked_after_and_permanence"] == (
        "2. Children looked after and achieving permanence"
    )


def test_title_block_and_team_section():
    doc = parse_text(fixture_text("sif.txt"))
    assert doc.authority_code == "999"
    assert (doc.inspection_start, doc.inspection_end) == (date(2015, 3, 3), date(2015, 3, 25))
    assert doc.published == date(2015, 5, 1)
    # Named under "The inspection team"; the deputy is not the lead.
    assert doc.lead_inspector == "Ben Example"


def test_grade_descriptions_are_not_judgements():
    # "The Local Safeguarding Children Board is outstanding / if it leads the way" is a grade
    # description; it must neither replace the LSCB grade nor contradict it.
    doc = parse_text(fixture_text("sif.txt"))
    lscb = next(j for j in doc.judgements if j.area == "lscb")
    assert (lscb.grade, lscb.needs_review) == ("requires_improvement", False)


def test_evidence_is_by_page_for_pdfs():
    doc = parse_pages(_pages())
    pages = {j.area: j.evidence.page for j in doc.judgements}
    assert pages["lscb"] == 2
    assert pages["overall_effectiveness"] == 1
    assert pages["adoption"] == 1
    assert all(j.evidence.line is None for j in doc.judgements)


def test_lscb_sentences_that_disagree_are_flagged():
    pages = _pages()
    pages[1] += "The Local Safeguarding Children Board is good\n"
    doc = parse_pages(pages)
    lscb = next(j for j in doc.judgements if j.area == "lscb")
    assert lscb.needs_review
    assert lscb.grade == "requires_improvement"  # the first, the section heading


def test_lscb_grade_on_the_next_line_of_the_summary():
    text = fixture_text("sif.txt").replace(
        "The overall judgement is that children’s services require\nimprovement\n",
        "The overall judgement is good\n"
        "The effectiveness of the Local Safeguarding Children Board (LSCB) is\ngood\n",
    )
    doc = parse_text(text)
    assert grades(doc)["overall_effectiveness"] == "good"
    lscb = next(j for j in doc.judgements if j.area == "lscb")
    assert lscb.label == "The effectiveness of the Local Safeguarding Children Board (LSCB) is good"
    assert lscb.grade == "good"
    assert lscb.needs_review  # the later section heading says "requires improvement"


def test_missing_overall_sentence_is_a_review_reason():
    text = fixture_text("sif.txt").replace("The overall judgement is that", "In short,")
    doc = parse_text(text)
    assert "overall_effectiveness" not in grades(doc)
    assert any("overall_effectiveness" in r for r in doc.review_reasons)


def _sif(old: str, new: str) -> str:
    text = fixture_text("sif.txt")
    assert old in text
    return text.replace(old, new, 1)


FIRST_ROW = "1.  Children who need help and protection"


@pytest.mark.parametrize(
    "grade, flagged",
    [("Requires improvement", False), ("Inadequate", True)],
)
def test_a_table_row_for_overall_effectiveness_is_checked_against_the_sentence(grade, flagged):
    doc = parse_text(_sif(FIRST_ROW, f"Overall effectiveness\n{grade}\n{FIRST_ROW}"))
    overall = [j for j in doc.judgements if j.area == "overall_effectiveness"]
    assert len(overall) == 1  # the row's, never the row's and the sentence's
    assert overall[0].grade_as_printed == grade  # the table's grade is kept
    assert overall[0].needs_review is flagged
    if flagged:
        assert overall[0].review_reason == (
            "the judgement table reads 'Inadequate', the report says 'The overall judgement is "
            "that children’s services require improvement'"
        )


def test_the_overall_sentence_comes_first_and_the_lscb_last():
    doc = parse_text(fixture_text("sif.txt"))
    assert (doc.judgements[0].area, doc.judgements[-1].area) == ("overall_effectiveness", "lscb")
    # The grade's words as the sentence prints them.
    assert doc.judgements[0].grade_as_printed == "require improvement"


def test_two_overall_sentences_that_disagree_are_flagged():
    doc = parse_text(_sif("The judgements on", "The overall judgement is good\nThe judgements on"))
    overall = doc.judgements[0]
    assert (overall.area, overall.grade, overall.needs_review) == (
        "overall_effectiveness",
        "requires_improvement",
        True,
    )


@pytest.mark.parametrize(
    "title, reason",
    [
        # The title names the LSCB's review: its judgement must be found.
        ("Review of the effectiveness of the local safeguarding children", True),
        # A re-inspection reviews no LSCB.
        ("Inspection of something else entirely, with no review of the", False),
    ],
)
def test_a_missing_lscb_sentence_matters_only_when_the_title_names_its_review(title, reason):
    text = _sif("Review of the effectiveness of the local safeguarding children", title)
    text = text.replace("The Local Safeguarding Children Board requires improvement", "The LSCB.")
    doc = parse_text(text)
    assert "lscb" not in grades(doc)
    assert ("no SIF lscb sentence found" in doc.review_reasons) is reason
