"""`ingest --reparse`: a stored document read again with today's parser, corrections kept."""

from datetime import date

import pytest

from inspections import reading
from inspections.models import Inspection, Judgement, SourceDocument
from tests.reports import ingested_report, run_ingest

pytestmark = pytest.mark.django_db

CARE_LEAVERS = "The experiences and progress of care leavers Requires improvement to be good"


@pytest.fixture
def report(tmp_path, southampton):
    """The report ingested once, as the parser of the day read it."""
    return ingested_report(tmp_path)


@pytest.fixture
def new_parser(monkeypatch):
    """Simulate a parser change: from now on, the parser reads `old` in the text as `new`."""

    def change(old, new):
        parse = reading.parse_document

        def changed_parse(pages, **kwargs):
            assert any(old in page for page in pages)
            return parse([page.replace(old, new) for page in pages], **kwargs)

        monkeypatch.setattr(reading, "parse_document", changed_parse)

    return change


def reparse(path):
    out, _ = run_ingest(path, "--reparse", "--jobs", "1")
    return out


def care_leavers():
    return Judgement.objects.get(area="care_leavers")


def test_without_reparse_a_stored_file_is_skipped(report, new_parser):
    new_parser(CARE_LEAVERS, CARE_LEAVERS.replace("Requires improvement to be good", "Good"))

    out, _ = run_ingest(report, "--jobs", "1")

    assert "1 unchanged, skipped" in out
    assert care_leavers().grade == "requires_improvement"


def test_reparse_updates_a_judgement_the_parser_now_reads_differently(report, new_parser):
    new_parser(CARE_LEAVERS, CARE_LEAVERS.replace("Requires improvement to be good", "Good"))

    out = reparse(report)

    judgement = care_leavers()
    assert (judgement.grade, judgement.parsed_grade, judgement.is_corrected) == (
        "good",
        "good",
        False,
    )
    assert judgement.grade_as_printed == "Good"
    assert judgement.history.first().history_change_reason == "Reparse of southampton-2024.txt"
    assert judgement.history.last().grade == "requires_improvement"
    # Updated in place: one document, one inspection, the other judgements untouched.
    assert (SourceDocument.objects.count(), Inspection.objects.count()) == (1, 1)
    assert not Judgement.objects.filter(needs_review=True).exists()
    assert Judgement.objects.filter(grade="good").count() == 5
    assert "Reparsed 1 stored documents, 1 read differently: 1 judgements changed" in out
    assert (
        f"reparsed: {report}: The experiences and progress of care leavers: requires "
        "improvement → good" in out
    )


def test_reparse_keeps_a_correction_and_stores_the_new_reading_beside_it(
    report, new_parser, staff_user
):
    care_leavers().correct(grade="good", reason="Checked the PDF", user=staff_user)
    new_parser(CARE_LEAVERS, CARE_LEAVERS.replace("Requires improvement to be good", "Inadequate"))

    out = reparse(report)

    judgement = care_leavers()
    assert (judgement.grade, judgement.parsed_grade, judgement.is_corrected) == (
        "good",
        "inadequate",
        True,
    )
    assert judgement.needs_review
    assert "now reads inadequate" in judgement.review_reason
    assert "the staff correction to good is kept" in judgement.review_reason
    assert "correction to good kept (flagged)" in out


def test_reparse_of_an_unchanged_reading_keeps_the_correction_and_writes_nothing(
    report, staff_user
):
    care_leavers().correct(grade="good", reason="Checked the PDF", user=staff_user)
    history = Judgement.history.count()

    out = reparse(report)

    judgement = care_leavers()
    assert (judgement.grade, judgement.parsed_grade, judgement.needs_review) == (
        "good",
        "requires_improvement",
        False,
    )
    assert Judgement.history.count() == history
    assert "Reparsed 1 stored documents, 0 read differently" in out


def test_reparse_flags_a_judgement_it_no_longer_finds_and_keeps_it(report, new_parser):
    new_parser("Overall effectiveness Good\n", "")

    out = reparse(report)

    overall = Judgement.objects.get(area="overall_effectiveness")
    assert overall.grade == "good"  # kept as read before, not deleted
    assert overall.needs_review
    assert "no longer finds this judgement" in overall.review_reason
    assert "1 no longer found" in out
    assert "Overall effectiveness: no longer found, kept as good" in out


def test_reparse_replaces_a_date_its_inspection_has_from_no_other_source(report, new_parser):
    new_parser("6 May to 10 May 2024", "7 May to 10 May 2024")

    out = reparse(report)

    inspection = Inspection.objects.get()  # the same inspection, not a second one
    assert (inspection.start_date, inspection.parsed_start_date) == (
        date(2024, 5, 7),
        date(2024, 5, 7),
    )
    assert inspection.documents.count() == 1
    assert "start date 2024-05-06 → 2024-05-07" in out


def test_reparse_of_a_file_moved_elsewhere_updates_its_path(report, tmp_path):
    moved = tmp_path / "moved" / "report.txt"
    moved.parent.mkdir()
    moved.write_bytes(report.read_bytes())

    reparse(moved)

    document = SourceDocument.objects.get()
    assert (document.path, document.file_name) == (str(moved), "southampton-2024.txt")
