"""What kind of document it is, which framework, which authority, and when it refuses."""

import json
from datetime import date

import pytest

from inspections.parsing import (
    Evidence,
    FoundJudgement,
    ParsedDocument,
    ParseError,
    authority_reason,
)
from tests.fixtures.parsing import fixture_text, grades, parse_pages, parse_text


def test_a_saved_web_page_is_not_a_report():
    doc = parse_text("<!DOCTYPE html>\n<html><head><title>Page not found</title></head></html>")
    assert doc.kind == "not_a_report"
    assert (doc.framework, doc.authority_code, doc.judgements) == (None, None, ())


def test_a_web_page_holding_a_report_is_refused_not_labelled_not_a_report():
    page = (
        "<html><body><h1>Inspection of Westshire local authority children’s services</h1>"
        "<p>Overall effectiveness: Good</p></body></html>"
    )
    with pytest.raises(ParseError, match="web page that holds a ILACS report"):
        parse_text(page)


def test_an_unrecognised_document_is_refused_with_its_name():
    with pytest.raises(ParseError, match=r"minutes\.txt: no known inspection framework"):
        parse_text("Minutes of the meeting\nThe committee noted that services are good.\n",
                   source="minutes.txt")  # fmt: skip


def test_an_authority_missing_from_the_reference_is_refused():
    page = "Inspection of Eastshire local authority\nchildren’s services\nJudgement\n"
    with pytest.raises(ParseError, match="authority 'Eastshire' is not in the reference"):
        parse_pages([page])


@pytest.mark.parametrize(
    "title, framework",
    [
        ("Focused visit to Westshire local authority children’s services", "FOCUSED_VISIT"),
        ("Monitoring visit to Westshire children’s services", "MONITORING_VISIT"),
        ("Joint targeted area inspection of the multi-agency response to children’s mental "
         "health in Westshire", "JTAI"),
    ],
)  # fmt: skip
def test_ungraded_frameworks_have_no_judgements(title, framework):
    # Letters quote grades ("judged good in 2019"); an ungraded visit has none of its own.
    body = "Inspection dates: 3 to 4 March 2020\nLead inspector: Gil Example, HMI\n" \
           "At the last inspection in 2019 overall effectiveness was judged good.\n" \
           "Overall effectiveness\nGood\nHelp and protection\nGood\n"  # fmt: skip
    doc = parse_pages([f"{title}\n{body}"])
    assert doc.framework == framework
    assert doc.kind == "inspection_report"
    assert doc.judgements == ()
    assert doc.lead_inspector == "Gil Example"
    assert doc.authority_code == "999"


@pytest.mark.parametrize(
    "title, code",
    [
        ("Inspection of Bournemouth,\nChristchurch and Poole local authority\nchildren’s services",
         "839"),
        ("Inspection of the Isle of Wight local\nauthority children’s services", "921"),
        ("Poole Borough Council\nInspection of local authority children’s services", "836"),
        ("Inspection of Bristol City Council local authority children's services", "801"),
    ],
)  # fmt: skip
def test_authority_from_the_title_block(title, code):
    doc = parse_pages([f"{title}\nInspection dates: 2 to 13 December 2024\n"])
    assert doc.authority_code == code


def test_a_place_named_in_prose_is_not_the_authority():
    page = (
        "Inspection of local authority children’s services\n"
        "Judgement\nGrade\nOverall effectiveness\nGood\n"
        "Leaders work with Hampshire County Council on adoption.\n"
    )
    doc = parse_pages([page])
    assert doc.authority_code is None
    assert any("authority" in reason for reason in doc.review_reasons)


def test_standalone_lscb_review():
    text = (
        "Westshire Council\n"
        "Review of the effectiveness of the Local Safeguarding Children Board\n"
        "Inspection date: 3 March 2016 – 25 March 2016\n"
        "The Local Safeguarding Children Board is inadequate\n"
        "An LSCB is good if it coordinates the work of partners.\n"
    )
    doc = parse_text(text)
    assert doc.framework == "LSCB_REVIEW"
    assert grades(doc) == {"lscb": "inadequate"}
    assert doc.judgements[0].evidence.line == 4


def test_a_graded_report_without_its_table_says_so():
    page = "Inspection of Westshire local authority\nchildren’s services\nThe report goes on.\n"
    doc = parse_pages([page])
    assert doc.framework == "ILACS"
    assert doc.judgements == ()
    assert any("no ILACS judgement table found" in r for r in doc.review_reasons)


# --- Pairing a judgement table's labels with its grades ---------------------------------------

ILACS_TITLE = "Inspection of Hampshire local authority children's services\nJudgement\nGrade\n"
OVERALL = "Overall effectiveness"
LEADERS = "The impact of leaders on social work practice with children and families"
LEADERS_WRAPPED = "The impact of leaders on social work\npractice with children and families"
HELP = "The experiences and progress of children who need help and protection"
CARE = "The experiences and progress of children in care and care leavers"
UNPAIRED = "could not be paired"


@pytest.mark.parametrize(
    "body, expected, reason",
    [
        # The colleague's reproducer: a grade first, then labels and grades that do not
        # alternate, one label printed twice.
        (f"NOT JUDGED\n {OVERALL}\nadequate\n {OVERALL}\nadequate\n {LEADERS}\n"
         f"Inspection of Hampshire local authority children's services\nadequate",
         {}, UNPAIRED),
        # A grade before a one-line label may as well be the previous label's grade.
        (f"Good\n{OVERALL}\nInadequate\n{LEADERS}\nGood\n{HELP}\nGood\n{CARE}", {}, UNPAIRED),
        # Columns with a label printed twice: either of two grades could be its own.
        (f"{OVERALL}\n{LEADERS}\n{OVERALL}\n{HELP}\nGood\nInadequate\nGood\nGood", {}, UNPAIRED),
        # Labels, then grades, then labels again: neither rows nor two columns.
        (f"{OVERALL}\n{LEADERS}\nGood\nInadequate\n{HELP}\n{CARE}\nGood\nGood", {}, UNPAIRED),
        # More grades than labels.
        (f"{OVERALL}\n{LEADERS}\n{HELP}\nGood\nInadequate\nGood\nGood", {}, UNPAIRED),
        # Rows with one label printed twice: that label is left out, the others stand.
        (f"{OVERALL}\nGood\n{LEADERS}\nGood\n{OVERALL}\nInadequate\n{HELP}\nGood\n{CARE}\nGood",
         {"impact_of_leaders": "good", "help_and_protection": "good",
          "children_in_care_and_care_leavers": "good"},
         "prints 'Overall effectiveness' 2 times"),
        # Two columns, each label once and as many grades: read in order.
        (f"{LEADERS}\n{HELP}\n{CARE}\n{OVERALL}\nGood\nInadequate\nOutstanding\nGood",
         {"impact_of_leaders": "good", "help_and_protection": "inadequate",
          "children_in_care_and_care_leavers": "outstanding", "overall_effectiveness": "good"},
         None),
        # A grade centred beside a wrapped label is read before it.
        (f"Inadequate\n{LEADERS_WRAPPED}\n{HELP}\nGood\n{CARE}\nGood\n{OVERALL}\nGood",
         {"impact_of_leaders": "inadequate", "help_and_protection": "good",
          "children_in_care_and_care_leavers": "good", "overall_effectiveness": "good"},
         None),
    ],
)  # fmt: skip
def test_table_cells_are_paired_only_when_the_layout_proves_the_rows(body, expected, reason):
    doc = parse_text(ILACS_TITLE + body)
    assert grades(doc) == expected
    if reason is None:
        assert doc.review_reasons == ()
    else:
        assert any(reason in r for r in doc.review_reasons), doc.review_reasons


@pytest.mark.parametrize(
    "body, grade_line, label_line",
    [
        (f"Inadequate\n{LEADERS_WRAPPED}\n{HELP}\nGood\n{CARE}\nGood", 4, 5),
        (f"{LEADERS}\n{HELP}\n{CARE}\nInadequate\nGood\nGood", 7, 4),
        (f"{LEADERS}\tInadequate\n{HELP}\nGood\n{CARE}\nGood", 4, 4),
    ],
)  # fmt: skip
def test_evidence_holds_the_label_and_the_grade_as_printed(body, grade_line, label_line):
    doc = parse_text(ILACS_TITLE + body)
    leaders = next(j for j in doc.judgements if j.area == "impact_of_leaders")
    assert leaders.grade_as_printed == "Inadequate"
    assert leaders.evidence.line == label_line  # where the label starts
    assert "Inadequate" in leaders.evidence.text
    assert " ".join(LEADERS_WRAPPED.split()) in " ".join(leaders.evidence.text.split())
    assert (ILACS_TITLE + body).split("\n")[grade_line - 1].endswith("Inadequate")


def _unplaced_reading() -> ParsedDocument:
    """A reading as the ingest keeps it for a person to place: no authority, the codes a shared
    name may be, a flagged judgement, an area printed "not judged" and the reasons."""
    return ParsedDocument(
        kind="inspection_report",
        framework="SIF",
        authority_code=None,
        authority_as_printed="Kingston",
        inspection_start=date(2015, 3, 3),
        inspection_end=date(2015, 3, 25),
        published=date(2015, 5, 1),
        lead_inspector="Ben Example",
        judgements=(
            FoundJudgement(
                area="adoption_performance",
                label="Adoption performance",
                grade="good",
                grade_as_printed="Good",
                evidence=Evidence(page=3, line=None, text="Adoption performance\tGood"),
                needs_review=True,
                review_reason="the judgement table reads 'Good', the report's body reads 'x'",
            ),
        ),
        not_judged=("lscb",),
        review_reasons=(
            "the title block names 'Kingston', which the reference gives to more than one "
            "authority (LA codes 314, 810): a person must choose",
        ),
        authority_candidates=("314", "810"),
    )


@pytest.mark.parametrize(
    "reading",
    [
        pytest.param(lambda: parse_text(fixture_text("sif.txt"), source="sif.txt"), id="text"),
        pytest.param(lambda: parse_pages([fixture_text("ilacs_2019.txt")]), id="pdf"),
        pytest.param(_unplaced_reading, id="unplaced"),
    ],
)
def test_a_stored_reading_reads_back_as_the_same_document(reading):
    # An unplaced document keeps its reading as JSON until a person places it.
    doc = reading()
    assert doc.judgements
    assert ParsedDocument.from_json(json.loads(json.dumps(doc.as_json()))) == doc


def test_a_reading_stored_before_authority_candidates_existed_still_reads():
    data = _unplaced_reading().as_json()
    del data["authority_candidates"], data["authority_as_printed"]
    doc = ParsedDocument.from_json(data)
    assert (doc.authority_candidates, doc.authority_as_printed) == ((), None)


def test_json_reading_follows_the_corpus_expected_format():
    # ../shared/corpus/README.md, "Expected format": ISO dates, null where not printed, evidence
    # by page for a PDF and by line for text, the authority as the caller knows it.
    text = parse_text(fixture_text("ilacs_2019.txt")).as_json()
    assert text["published"] is None
    assert text["inspection_start"] == "2019-04-01"
    assert text["authority"] == {"la_code": "999"}
    assert all(set(j["evidence"]) == {"line", "text"} for j in text["judgements"])
    assert all(j["review_reason"] is None for j in text["judgements"])
    hampshire = {"name": "Hampshire", "la_code": "850", "gss_code": "E10000014"}
    pdf = parse_pages([fixture_text("ilacs_2019.txt")]).as_json(hampshire)
    assert pdf["authority"] == hampshire
    assert all(set(j["evidence"]) == {"page", "text"} for j in pdf["judgements"])
    assert _unplaced_reading().as_json()["authority"] is None


def test_a_reading_whose_authority_is_unknown_says_why_for_a_person_to_place():
    unnamed = parse_pages(["Inspection of local authority children’s services\nJudgement\n"])
    shared = _unplaced_reading()
    assert [authority_reason(r) for r in unnamed.review_reasons if "authority" in r] == [True]
    assert [authority_reason(r) for r in shared.review_reasons] == [True]
    assert not authority_reason("no ILACS judgement found for help_and_protection")


@pytest.mark.parametrize(
    "title",
    [
        "Joint targeted area inspection of the multi-agency response to abuse in Isle of Wight",
        # Words after the area's name do not hide it.
        "Joint targeted area inspection of the multi-agency response to abuse in Isle of Wight "
        "and its partners",
        "Joint targeted area inspection of the response to children in need in Isle of Wight "
        "and partners",
    ],
)
def test_a_joint_inspection_names_its_area_after_in(title):
    doc = parse_pages([f"{title}\nInspection dates: 3 to 4 March 2020\n"])
    assert (doc.framework, doc.authority_code) == ("JTAI", "921")


@pytest.mark.parametrize(
    "printed, name",
    [
        ("Ann Example and\nBen Example", "Ann Example and Ben Example"),
        ("Ann Example, HMI,\nand Ben Example, HMI", "Ann Example and Ben Example"),
        ("Ann Example (\nHMI) and Ben Example", "Ann Example and Ben Example"),
        # A field on the next line is not part of the name.
        ("Ann Example,\nInspection dates: 3 to 4 March 2020", "Ann Example"),
    ],
)
def test_a_lead_inspector_field_runs_over_lines(printed, name):
    title = "Inspection of Westshire local authority children’s services"
    assert parse_pages([f"{title}\nLead inspector: {printed}\n"]).lead_inspector == name
