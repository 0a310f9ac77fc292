"""The write rules a reading meets, on the models (`Judgement.take_reading`, `Judgement.flag`,
`Inspection.merge_reading`, `Inspection.flag`, `SourceDocument.evidence_rank`), tested
directly: the ingest only composes them."""

from dataclasses import dataclass
from datetime import date

import pytest

from inspections.models import Inspection, Judgement
from inspections.parsing.judgements import FoundJudgement
from inspections.parsing.text import Evidence
from tests.factories import make_document, make_inspection, make_judgement

pytestmark = pytest.mark.django_db


@dataclass
class Reading:
    """The inspection details a document gives (the fields of a `ParsedDocument` read here)."""

    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    lead_inspector: str | None = None


def found(grade, *, page=3, needs_review=False, review_reason=""):
    return FoundJudgement(
        area="overall_effectiveness",
        label="Overall effectiveness",
        grade=grade,
        grade_as_printed=grade.capitalize(),
        evidence=Evidence(page=page, line=None, text=f"Overall effectiveness {grade}"),
        needs_review=needs_review,
        review_reason=review_reason,
    )


@pytest.fixture
def inspection(hampshire):
    return make_inspection(hampshire, framework="ILACS", start_date=date(2019, 6, 3))


@pytest.fixture
def report(inspection):
    return make_document(inspection=inspection, file_name="report.pdf", pages=10)


@pytest.fixture
def paper(inspection):
    return make_document(
        inspection=inspection, file_name="paper.txt", kind="council_paper", pages=None
    )


def test_a_first_reading_is_shown_and_kept_as_parsed_with_its_evidence(inspection, report):
    judgement = Judgement.from_reading(
        inspection=inspection, document=report, found=found("good", needs_review=True,
                                                            review_reason="unsure")
    )  # fmt: skip
    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.page) == ("good", "good", 3)
    assert (judgement.needs_review, judgement.review_reason) == (True, "unsure")
    assert judgement.source_document == report


def test_a_reparse_replaces_its_own_reading(inspection, report):
    judgement = make_judgement(inspection, grade="good", source_document=report, page=1)

    taken = judgement.take_reading(found=found("inadequate"), document=report)

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.page) == (
        "inadequate",
        "inadequate",
        3,
    )
    assert taken == (True, False, "Overall effectiveness: good → inadequate")
    assert judgement.history.first().history_change_reason == "Reparse of report.pdf"


def test_another_source_reading_another_grade_is_flagged_not_taken(inspection, report, paper):
    judgement = make_judgement(inspection, grade="good", source_document=report, page=1)

    taken = judgement.take_reading(found=found("inadequate", page=None), document=paper)

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.page) == ("good", "good", 1)
    assert judgement.source_document == report
    assert taken == (True, True, "")
    assert judgement.review_reason == (
        "sources disagree: paper.txt reads inadequate, report.pdf read good"
    )
    assert judgement.history.first().history_change_reason == "Ingest of paper.txt"
    # The same disagreement read again is not a second reason, nor a history row.
    rows = judgement.history.count()
    assert judgement.take_reading(found=found("inadequate", page=None), document=paper) == (
        False,
        False,
        "",
    )
    assert judgement.history.count() == rows


def test_a_correction_stays_and_a_different_reading_goes_beside_it(inspection, report, staff_user):
    judgement = make_judgement(inspection, grade="good", source_document=report)
    judgement.correct(grade="outstanding", reason="Checked", user=staff_user)

    taken = judgement.take_reading(found=found("inadequate"), document=report)

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.is_corrected) == (
        "outstanding",
        "inadequate",
        True,
    )
    assert judgement.needs_review and taken.flagged
    assert "the staff correction to outstanding is kept" in judgement.review_reason
    assert taken.change.endswith("the correction to outstanding kept (flagged)")


def test_a_staff_added_grade_stays_and_the_reading_goes_beside_it(inspection, paper, staff_user):
    judgement = Judgement.add_missing(
        inspection=inspection,
        area="overall_effectiveness",
        grade="good",
        reason="From the scan",
        user=staff_user,
    )

    judgement.take_reading(found=found("inadequate"), document=paper)

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade) == ("good", "inadequate")
    assert judgement.label == "Overall effectiveness"
    assert judgement.needs_review
    assert "where staff added good; the staff's grade is kept" in judgement.review_reason


def test_the_same_grade_from_a_better_source_takes_its_evidence(inspection, report, paper):
    judgement = make_judgement(inspection, grade="good", source_document=paper, line=7)

    taken = judgement.take_reading(found=found("good"), document=report)

    judgement.refresh_from_db()
    assert (judgement.source_document, judgement.page, judgement.line) == (report, 3, None)
    assert taken == (True, False, "")
    assert not judgement.needs_review


def test_the_same_grade_from_a_weaker_source_changes_nothing(inspection, report, paper):
    judgement = make_judgement(inspection, grade="good", source_document=report, page=1)
    rows = judgement.history.count()

    taken = judgement.take_reading(found=found("good", page=None), document=paper)

    judgement.refresh_from_db()
    assert (judgement.source_document, judgement.page) == (report, 1)
    assert taken == (False, False, "")
    assert judgement.history.count() == rows


def test_evidence_rank_puts_a_report_over_a_paper_and_a_pdf_over_its_text(report, paper):
    text = make_document(inspection=report.inspection, file_name="report.txt", pages=None)
    demo = make_document(inspection=report.inspection, kind="demo_data", pages=None)
    assert demo.evidence_rank < paper.evidence_rank < text.evidence_rank < report.evidence_rank


def test_a_judgement_flag_adds_each_reason_once(inspection):
    judgement = make_judgement(inspection, review_reason="first")

    assert judgement.flag(["first", "second"], why="Reparse of report.pdf")
    assert not judgement.flag(["second"], why="Reparse of report.pdf")

    judgement.refresh_from_db()
    assert judgement.needs_review
    assert judgement.review_reason == "first\nsecond"
    assert judgement.history.first().history_change_reason == "Reparse of report.pdf"


def test_merge_reading_fills_gaps_and_flags_disagreements(inspection):
    inspection.lead_inspector = ""
    inspection.save()

    changes = inspection.merge_reading(
        Reading(inspection_start=date(2019, 6, 4), lead_inspector="Jane Smith"), source="b.pdf"
    )

    inspection.refresh_from_db()
    assert changes == ["lead inspector Jane Smith"]
    assert (inspection.start_date, inspection.lead_inspector) == (date(2019, 6, 3), "Jane Smith")
    assert inspection.needs_review
    assert inspection.review_reason == (
        "sources disagree on the start date: b.pdf says 2019-06-04, kept 2019-06-03"
    )
    assert inspection.history.first().history_change_reason == "Flagged by the ingest"


def test_merge_reading_with_replace_takes_the_new_reading(inspection):
    changes = inspection.merge_reading(
        Reading(inspection_start=date(2019, 6, 4)), source="a.pdf", replace=True
    )

    inspection.refresh_from_db()
    assert changes == ["start date 2019-06-03 → 2019-06-04"]
    assert (inspection.start_date, inspection.parsed_start_date) == (
        date(2019, 6, 4),
        date(2019, 6, 4),
    )
    assert not inspection.needs_review
    assert inspection.history.first().history_change_reason == "Filled from a.pdf"


def test_merge_reading_never_writes_a_corrected_field(inspection, staff_user):
    inspection.correct(user=staff_user, reason="Letter", start_date=date(2019, 6, 1),
                       lead_inspector="Ann Lee")  # fmt: skip

    changes = inspection.merge_reading(
        Reading(inspection_start=date(2019, 6, 4), lead_inspector="Jane Smith"),
        source="a.pdf",
        replace=True,
    )

    inspection.refresh_from_db()
    assert (inspection.start_date, inspection.lead_inspector) == (date(2019, 6, 1), "Ann Lee")
    assert inspection.parsed_start_date == date(2019, 6, 4)
    assert changes == ["start date 2019-06-03 → 2019-06-04"]
    assert "the staff correction to 2019-06-01 is kept" in inspection.review_reason


def test_an_inspection_flag_adds_each_reason_once(inspection):
    inspection.flag(["joined by its grades"])
    inspection.flag(["joined by its grades", "moved"])

    inspection.refresh_from_db()
    assert inspection.needs_review
    assert inspection.review_reason == "joined by its grades\nmoved"


def test_an_inspection_flag_writes_only_the_review_fields(inspection):
    # Another writer (a staff correction) saves the lead inspector after this copy was read.
    Inspection.objects.filter(pk=inspection.pk).update(lead_inspector="Ann Lee")

    inspection.flag(["joined by its grades"])

    inspection.refresh_from_db()
    assert (inspection.lead_inspector, inspection.needs_review) == ("Ann Lee", True)


def test_areas_not_judged_accumulate(inspection):
    inspection.add_not_judged(["care_leavers"])
    inspection.add_not_judged(["children_in_care"])

    inspection.refresh_from_db()
    assert inspection.not_judged == ["care_leavers", "children_in_care"]
