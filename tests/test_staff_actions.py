"""Each staff action is recorded as a row when it is taken (`StaffAction`), and migration 0011
rebuilt the rows of earlier actions from the history: the export reads them."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from inspections import corrections
from inspections.models import Judgement, StaffAction
from tests.factories import make_document, make_inspection, make_judgement

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("inspections.migrations.0011_staff_actions").backfill

LONG_REASON = (
    "The judgement table runs over a page break and the second page was not read; the grade is "
    "the one printed on page 4 under 'The experiences and progress of children in care', which "
    "the report's summary repeats on page 2."
)


@pytest.fixture
def inspection(hampshire):
    inspection = make_inspection(hampshire)
    make_document(file_name="hampshire-2019.pdf", inspection=inspection)
    return inspection


@pytest.fixture
def overall(inspection):
    return make_judgement(inspection, source_document=inspection.documents.get())


def test_a_correction_is_recorded_with_its_full_reason_who_and_when(overall, editor):
    assert len(LONG_REASON) > 200

    overall.correct(grade="requires_improvement", reason=LONG_REASON, user=editor)

    action = StaffAction.objects.get()
    assert (action.action, action.reason, action.user, action.username) == (
        "correct_grade",
        LONG_REASON,
        editor,
        "editor",
    )
    assert (action.judgement, action.inspection, action.source_document) == (
        overall,
        overall.inspection,
        overall.source_document,
    )
    assert (action.area, action.grade, action.parsed_grade) == (
        "overall_effectiveness",
        "requires_improvement",
        "good",
    )
    assert action.corrected_at == overall.corrected_at
    assert action.at == overall.history.first().history_date


def test_each_staff_write_rule_records_its_action(inspection, overall, editor):
    overall.correct(grade="inadequate", reason="Misread", user=editor)
    overall.revert(reason="The parse was right", user=editor)
    overall.flag(["sources disagree"], why="Ingest of paper.txt")
    overall.confirm(user=editor)
    Judgement.add_missing(
        inspection=inspection, area="impact_of_leaders", grade="good", reason="Page 5", user=editor
    )
    inspection.correct(user=editor, reason="Cover", lead_inspector="Janet Smith")

    actions = StaffAction.objects.order_by("at", "id")
    assert [(a.action, a.reason) for a in actions] == [
        ("correct_grade", "Misread"),
        ("revert_grade", "The parse was right"),
        ("confirm_as_parsed", "Confirmed as parsed"),
        ("add_judgement", "Page 5"),
        ("correct_inspection", "Cover"),
    ]
    assert actions[2].review_reason == "sources disagree"
    assert actions[4].fields == {"lead_inspector": "Janet Smith"}


def test_an_inspection_correction_names_its_editor_and_when(inspection, editor):
    inspection.correct(user=editor, reason="Dates misread", start_date=date(2019, 4, 30))

    action = StaffAction.objects.get()
    assert (action.username, action.fields) == ("editor", {"start_date": "2019-04-30"})
    assert str(action) == f"Inspection details corrected by editor, {action.at:%Y-%m-%d %H:%M}"


def test_an_action_with_no_editor_on_record_says_so(inspection, overall):
    inspection.correct(user=None, reason="From the council", lead_inspector="Janet Smith")
    overall.correct(grade="inadequate", reason="From the council", user=None)

    actions = StaffAction.objects.order_by("at", "id")
    assert [a.username for a in actions] == ["", ""]
    assert [str(a).split(",")[0] for a in actions] == [
        "Inspection details corrected by an unrecorded user",
        "Grade corrected by an unrecorded user",
    ]


def test_an_editor_deleted_since_is_still_named(overall, editor):
    overall.correct(grade="inadequate", reason="Misread", user=editor)
    editor.delete()

    [action] = corrections.export()[0]["actions"]

    assert action["user"] == "editor"


def staff_work(inspection, overall, editor, staff_user):
    """Every kind of action, an imported one whose editor has no account here among them."""
    overall.correct(grade="inadequate", reason=LONG_REASON, user=editor)
    overall.correct(grade="requires_improvement", reason="Checked again", user=staff_user)
    overall.revert(reason="The parse was right", user=editor)
    overall.flag(["sources disagree: paper.txt reads inadequate"], why="Ingest of paper.txt")
    overall.confirm(user=staff_user)
    Judgement.add_missing(
        inspection=inspection, area="impact_of_leaders", grade="good", reason="Page 5", user=editor
    )
    inspection.correct(
        user=editor, reason="Cover", start_date=date(2019, 4, 30), lead_inspector="Janet Smith"
    )
    inspection.correct(user=staff_user, reason="Authority", authority=inspection.authority)
    document = inspection.documents.get()
    report = corrections.apply_actions(
        [
            {
                "action": "correct_grade",
                "at": "2030-01-01T00:00:00+00:00",
                "user": "alice",
                "reason": "Imported",
                "area": "impact_of_leaders",
                "label": "The impact of leaders",
                "corrected_at": "2030-01-01T00:00:00+00:00",
                "grade": "outstanding",
                "parsed_grade": "",
                "document_sha256": document.sha256,
                "document_name": document.file_name,
                "other_documents": [],
            }
        ]
    )
    assert report.applied["correct_grade"] == 1
    assert report.unknown_users == {"alice"}


def test_the_backfill_from_history_exports_what_was_recorded(
    inspection, overall, editor, staff_user
):
    staff_work(inspection, overall, editor, staff_user)
    recorded = corrections.export()[0]["actions"]
    assert len(recorded) == 8
    StaffAction.objects.all().delete()

    backfill(apps, None)

    assert corrections.export()[0]["actions"] == recorded
    assert StaffAction.objects.get(reason="Imported").username == "alice"


def test_the_import_counts_recorded_actions_as_applied(inspection, overall, editor, staff_user):
    staff_work(inspection, overall, editor, staff_user)
    exported = corrections.export()[0]["actions"]

    report = corrections.apply_actions(exported)

    assert (report.already, report.applied.total()) == (8, 0)


def test_staff_read_the_actions_in_the_admin_and_nobody_edits_them(client, overall, editor):
    overall.correct(grade="inadequate", reason=LONG_REASON, user=editor)
    action = StaffAction.objects.get()
    client.force_login(editor)

    listing = client.get(reverse("admin:inspections_staffaction_changelist"))

    assert listing.status_code == 200
    assert "Grade corrected" in listing.text
    assert client.get(reverse("admin:inspections_staffaction_add")).status_code == 403
    page = client.post(
        reverse("admin:inspections_staffaction_change", args=[action.pk]), {"reason": "Edited"}
    )
    assert page.status_code in (200, 403)
    action.refresh_from_db()
    assert action.reason == LONG_REASON
