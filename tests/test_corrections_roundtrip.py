"""Staff work survives a rebuild: export_corrections, a fresh ingest, import_corrections."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from inspections import frameworks as fw
from inspections import reading
from inspections.models import Inspection, Judgement, SourceDocument
from tests.reports import ilacs_report, run_ingest

pytestmark = pytest.mark.django_db

# The body restates children in care differently from the table, so the ingest flags it.
RESTATED = "The experiences and progress of children in care: requires improvement to be good\n"


@pytest.fixture
def reports(tmp_path, authorities):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "southampton.txt").write_text(ilacs_report() + RESTATED, encoding="utf-8")
    # Hampshire's overall effectiveness is on a page the parser cannot read: staff add it.
    hampshire = ilacs_report(authority="Hampshire County Council", dates="13 May to 17 May 2024")
    (folder / "hampshire.txt").write_text(
        hampshire.replace("Overall effectiveness Good\n", ""), encoding="utf-8"
    )
    run_ingest(folder, "--jobs", "1")
    return folder


def judgement(authority, area):
    return Judgement.objects.get(inspection__authority__name=authority, area=area)


@pytest.fixture
def staff_work(reports, editor):
    """What an editor did: a correction, a correction reverted, a flag confirmed, a judgement
    added, and an inspection's details corrected."""
    judgement("Southampton", "overall_effectiveness").correct(
        grade="requires_improvement", reason="The table's overall row was misread", user=editor
    )
    care_leavers = judgement("Hampshire", "care_leavers")
    care_leavers.correct(grade="good", reason="Looked like good", user=editor)
    care_leavers.revert(reason="The parsed grade was right", user=editor)
    judgement("Southampton", "children_in_care").confirm(user=editor)
    Judgement.add_missing(
        inspection=Inspection.objects.get(authority__name="Hampshire"),
        area="overall_effectiveness",
        grade="good",
        reason="Page 2 did not parse: overall effectiveness is good",
        user=editor,
    )
    Inspection.objects.get(authority__name="Hampshire").correct(
        user=editor,
        reason="The report's cover gives 14 May",
        start_date=date(2024, 5, 14),
        lead_inspector="Janet Smith",
    )


def export(path):
    out = io.StringIO()
    call_command("export_corrections", str(path), stdout=out, stderr=io.StringIO())
    return json.loads(path.read_text()), out.getvalue()


def drop_what_the_ingest_builds():
    """Everything but staff work, the authorities and the users, history included."""
    for model in (Judgement, SourceDocument, Inspection):
        model.objects.all().delete()
        if hasattr(model, "history"):
            model.history.all().delete()


def rebuild(folder):
    drop_what_the_ingest_builds()
    run_ingest(folder, "--jobs", "1")


def import_(path):
    """Run the import; return (stdout, stderr), or raise CommandError with both."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_corrections", str(path), stdout=out, stderr=err)
    except CommandError as e:
        raise CommandError(f"{e}\n{out.getvalue()}\n{err.getvalue()}") from e
    return out.getvalue(), err.getvalue()


def as_made(document):
    """The exported actions without the times their history rows were written (a rebuilt
    database writes them when it imports; a grade keeps its own `corrected_at`)."""
    return [{k: v for k, v in a.items() if k != "at"} for a in document["actions"]]


def history_rows():
    return Judgement.history.count() + Inspection.history.count()


def test_export_names_each_action_by_document_hash_and_area_with_who_when_and_why(
    reports, staff_work, tmp_path
):
    document, out = export(tmp_path / "staff.json")

    actions = document["actions"]
    assert [a["action"] for a in actions] == [
        "correct_grade",
        "correct_grade",
        "revert_grade",
        "confirm_as_parsed",
        "add_judgement",
        "correct_inspection",
    ]
    assert "Exported 6 staff actions" in out
    first = actions[0]
    assert first["document_sha256"] == reading.sha256_of(reports / "southampton.txt")
    assert first["document_name"] == "southampton.txt"
    assert (first["area"], first["grade"], first["parsed_grade"]) == (
        "overall_effectiveness",
        "requires_improvement",
        "good",
    )
    assert (first["user"], first["reason"]) == ("editor", "The table's overall row was misread")
    confirm = actions[3]
    assert confirm["area"] == "children_in_care"
    assert "the report's body reads" in confirm["review_reason"]
    added = actions[4]
    assert (added["area"], added["grade"]) == ("overall_effectiveness", "good")
    assert added["document_sha256"] == reading.sha256_of(reports / "hampshire.txt")
    assert actions[5]["fields"] == {"lead_inspector": "Janet Smith", "start_date": "2024-05-14"}


def test_every_staff_action_survives_a_rebuild(reports, staff_work, editor, tmp_path):
    before, _ = export(tmp_path / "staff.json")
    corrected_at = judgement("Southampton", "overall_effectiveness").corrected_at
    rebuild(reports)
    assert not Judgement.objects.filter(is_corrected=True).exists()

    out, err = import_(tmp_path / "staff.json")

    assert "Applied 6 staff actions" in out
    assert "0 with nothing to do; 0 not placed, 0 not applied" in out
    assert err == ""
    overall = judgement("Southampton", "overall_effectiveness")
    assert (overall.grade, overall.parsed_grade, overall.is_corrected) == (
        "requires_improvement",
        "good",
        True,
    )
    assert overall.correction_reason == "The table's overall row was misread"
    assert (overall.corrected_by, overall.corrected_at) == (editor, corrected_at)
    care_leavers = judgement("Hampshire", "care_leavers")
    assert (care_leavers.grade, care_leavers.is_corrected) == ("requires_improvement", False)
    assert [(h.history_change_reason, h.history_user) for h in care_leavers.history.all()] == [
        ("The parsed grade was right", editor),
        ("Looked like good", editor),
        (None, None),  # the rebuild's ingest, before the staff work
    ]
    confirmed = judgement("Southampton", "children_in_care")
    assert not confirmed.needs_review
    assert confirmed.history.first().history_user == editor
    assert confirmed.history.first().history_change_reason == "Confirmed as parsed"
    added = judgement("Hampshire", "overall_effectiveness")
    assert (added.grade, added.added_by_staff, added.parsed_grade) == ("good", True, "")
    assert (added.correction_reason, added.corrected_by) == (
        "Page 2 did not parse: overall effectiveness is good",
        editor,
    )
    hampshire = Inspection.objects.get(authority__name="Hampshire")
    assert (hampshire.start_date, hampshire.parsed_start_date) == (
        date(2024, 5, 14),
        date(2024, 5, 13),
    )
    assert hampshire.lead_inspector == "Janet Smith"
    assert hampshire.history.first().history_change_reason == "The report's cover gives 14 May"
    # The rebuilt database exports the same staff work.
    assert as_made(export(tmp_path / "again.json")[0]) == as_made(before)


def test_importing_twice_changes_nothing(reports, staff_work, tmp_path):
    before, _ = export(tmp_path / "staff.json")
    rebuild(reports)
    import_(tmp_path / "staff.json")
    rows = history_rows()

    out, _ = import_(tmp_path / "staff.json")

    assert "Applied 0 staff actions (none); 6 already applied" in out
    # and a database rebuilt twice exports what the first held
    rebuild(reports)
    import_(tmp_path / "staff.json")
    assert as_made(export(tmp_path / "third.json")[0]) == as_made(before)
    assert history_rows() == rows


def test_importing_into_the_database_it_came_from_changes_nothing(staff_work, tmp_path):
    export(tmp_path / "staff.json")
    rows = history_rows()

    out, _ = import_(tmp_path / "staff.json")

    assert "6 already applied" in out
    assert history_rows() == rows


def test_an_editor_without_an_account_here_is_named_in_the_reason(
    reports, staff_work, editor, tmp_path
):
    before, _ = export(tmp_path / "staff.json")
    editor.delete()
    rebuild(reports)

    out, err = import_(tmp_path / "staff.json")

    assert "Applied 6 staff actions" in out
    assert "no user 'editor' here" in err
    overall = judgement("Southampton", "overall_effectiveness")
    assert overall.is_corrected
    assert overall.corrected_by is None
    assert overall.correction_reason == (
        "The table's overall row was misread [first made by editor, who has no account here]"
    )
    assert overall.history.first().history_change_reason == "The table's overall row was misread"
    assert "6 already applied" in import_(tmp_path / "staff.json")[0]
    # The corrections' editor is carried forward to the next rebuild.
    again = export(tmp_path / "again.json")[0]["actions"]
    assert [a["user"] for a in again if a["action"] in ("correct_grade", "add_judgement")] == [
        "editor"
    ] * 3


def test_actions_whose_document_is_not_ingested_are_reported_and_the_rest_applied(
    reports, staff_work, tmp_path
):
    export(tmp_path / "staff.json")
    (reports / "southampton.txt").unlink()
    rebuild(reports)

    with pytest.raises(CommandError, match="2 staff actions"):
        import_(tmp_path / "staff.json")

    assert judgement("Hampshire", "care_leavers").history.count() == 3  # ingest, correct, revert
    assert Inspection.objects.get(authority__name="Hampshire").lead_inspector == "Janet Smith"


def test_not_placed_actions_name_the_document(reports, staff_work, tmp_path):
    export(tmp_path / "staff.json")
    (reports / "southampton.txt").unlink()
    rebuild(reports)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_corrections", str(tmp_path / "staff.json"), stdout=io.StringIO(), stderr=err
        )

    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("not placed: ") and "southampton.txt" in line for line in lines)


def test_a_later_correction_here_is_kept(reports, staff_work, staff_user, tmp_path):
    export(tmp_path / "staff.json")
    rebuild(reports)
    judgement("Southampton", "overall_effectiveness").correct(
        grade="outstanding", reason="Checked again after the rebuild", user=staff_user
    )

    with pytest.raises(CommandError):
        import_(tmp_path / "staff.json")

    overall = judgement("Southampton", "overall_effectiveness")
    assert (overall.grade, overall.corrected_by) == ("outstanding", staff_user)


def test_a_confirmation_does_not_clear_a_flag_raised_for_another_reason(
    reports, staff_work, tmp_path
):
    export(tmp_path / "staff.json")
    rebuild(reports)
    flagged = judgement("Southampton", "children_in_care")
    flagged.review_reason += "\nsources disagree: council-paper.txt reads inadequate"
    flagged.save()

    with pytest.raises(CommandError):
        import_(tmp_path / "staff.json")

    assert judgement("Southampton", "children_in_care").needs_review


def test_rejects_a_file_that_is_not_an_export(tmp_path, db):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"actions": []}))

    with pytest.raises(CommandError, match="not an export of staff actions"):
        import_(path)


def ingest_corpus(corpus_dir, *more):
    """The first corpus's folders (not national/); its saved web page is refused."""
    with pytest.raises(CommandError, match="1 documents were refused"):
        call_command(
            "ingest",
            str(corpus_dir / "pdf"),
            str(corpus_dir / "seeds"),
            *map(str, more),
            "--jobs",
            "2",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def rebuild_corpus(corpus_dir, *more):
    drop_what_the_ingest_builds()
    ingest_corpus(corpus_dir, *more)


@pytest.mark.corpus
def test_a_database_rebuilt_from_the_corpus_gets_every_correction_back(
    corpus_dir, authorities, editor, staff_user, tmp_path
):
    # The corpus flags no grade today: a report of our own gives one to confirm.
    flagged_report = tmp_path / "flagged"
    flagged_report.mkdir()
    (flagged_report / "leeds.txt").write_text(
        ilacs_report(authority="Leeds City Council") + RESTATED, encoding="utf-8"
    )
    ingest_corpus(corpus_dir, flagged_report)
    graded = Judgement.objects.filter(needs_review=False).order_by(
        "source_document__sha256", "area"
    )
    corrected = list(graded[:4])
    for judgement in corrected:
        other = next(g for g in fw.FRAMEWORK_GRADES[judgement.framework] if g != judgement.grade)
        judgement.correct(grade=other, reason=f"Misread: the report says {other}", user=editor)
    corrected[0].revert(reason="Checked the PDF: the parse was right", user=staff_user)
    flagged = list(Judgement.objects.filter(needs_review=True).order_by("id")[:2])
    assert flagged
    for judgement in flagged:
        judgement.confirm(user=staff_user)
    inspection = Inspection.objects.order_by("authority__name", "start_date").first()
    inspection.correct(
        user=editor, reason="Lead inspector's name as published", lead_inspector="A N Other"
    )
    before, _ = export(tmp_path / "staff.json")
    assert len(before["actions"]) == 4 + 1 + len(flagged) + 1
    still_corrected = [
        (j.source_document.sha256, j.area, j.grade, j.correction_reason) for j in corrected[1:]
    ]

    rebuild_corpus(corpus_dir, flagged_report)
    out, _ = import_(tmp_path / "staff.json")

    assert f"Applied {len(before['actions'])} staff actions" in out
    for action in before["actions"]:
        document = SourceDocument.objects.get(sha256=action["document_sha256"])
        target = (
            document.inspection
            if action["action"] == "correct_inspection"
            else document.inspection.judgements.get(area=action["area"])
        )
        row = target.history.filter(history_change_reason=action["reason"]).first()
        assert row is not None, action
        assert row.history_user.username == action["user"], action
    for sha256, area, grade, reason in still_corrected:
        again = Judgement.objects.get(source_document__sha256=sha256, area=area)
        assert (again.grade, again.correction_reason, again.corrected_by) == (grade, reason, editor)
    assert as_made(export(tmp_path / "again.json")[0]) == as_made(before)
    assert "0 staff actions" in import_(tmp_path / "staff.json")[0]


def test_an_added_judgement_the_documents_now_give_is_corrected_instead(
    reports, staff_work, editor, tmp_path
):
    export(tmp_path / "staff.json")
    # A second source of the same inspection prints the overall grade the first could not give.
    reissued = ilacs_report(authority="Hampshire County Council", dates="13 May to 17 May 2024")
    (reports / "hampshire-reissued.txt").write_text(
        reissued.replace("Overall effectiveness Good", "Overall effectiveness Inadequate"),
        encoding="utf-8",
    )
    rebuild(reports)

    import_(tmp_path / "staff.json")

    overall = judgement("Hampshire", "overall_effectiveness")
    assert (overall.grade, overall.parsed_grade, overall.added_by_staff) == (
        "good",
        "inadequate",
        False,
    )
    assert (overall.is_corrected, overall.corrected_by) == (True, editor)
