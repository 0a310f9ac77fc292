"""Staff correct grades and inspection metadata in the admin, with a reason and a history."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from inspections.models import Inspection, Judgement
from tests.factories import make_document, make_inspection, make_judgement


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def judgement(hampshire):
    inspection = make_inspection(hampshire)
    document = make_document(file_name="hampshire-2019.pdf", inspection=inspection)
    return make_judgement(
        inspection,
        grade="good",
        source_document=document,
        page=3,
        line=12,
        evidence_text="Overall effectiveness: Good",
    )


def _change_url(obj):
    return reverse(f"admin:inspections_{obj._meta.model_name}_change", args=[obj.pk])


def _correct(client, judgement, **data):
    return client.post(_change_url(judgement), data)


def _inspection_data(inspection, **changes):
    """What the inspection change form posts: its fields and the (empty) inline formsets."""
    data = {
        "authority": inspection.authority_id,
        "start_date": inspection.start_date or "",
        "end_date": inspection.end_date or "",
        "published": inspection.published or "",
        "lead_inspector": inspection.lead_inspector,
        "reason": "",
    }
    for prefix in ("judgements", "documents"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


# Judgement grades


def test_editor_corrects_grade_and_parsed_grade_stays(editor_client, editor, judgement):
    response = _correct(editor_client, judgement, grade="inadequate", reason="Report p.3 says so")

    assert response.status_code == 302
    judgement.refresh_from_db()
    assert judgement.grade == "inadequate"
    assert judgement.parsed_grade == "good"
    assert judgement.is_corrected
    assert judgement.correction_reason == "Report p.3 says so"
    assert judgement.corrected_by == editor
    assert judgement.corrected_at is not None


def test_correction_without_reason_is_a_form_error_and_changes_nothing(editor_client, judgement):
    versions = judgement.history.count()

    response = _correct(editor_client, judgement, grade="inadequate", reason="  ")

    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    judgement.refresh_from_db()
    assert judgement.grade == "good"
    assert not judgement.is_corrected
    assert judgement.history.count() == versions


def test_unchanged_grade_is_a_form_error(editor_client, judgement):
    response = _correct(editor_client, judgement, grade="good", reason="Looked again")

    assert "grade" in response.context["adminform"].form.errors
    assert not Judgement.objects.get(pk=judgement.pk).is_corrected


def test_grade_outside_the_framework_is_a_form_error(editor_client, southampton):
    slac = make_inspection(southampton, framework="SLAC", start_date=date(2012, 1, 9))
    judgement = make_judgement(
        slac, area="looked_after_children.being_healthy", label="Being healthy"
    )

    response = _correct(
        editor_client, judgement, grade="requires_improvement", reason="SLAC said otherwise"
    )

    assert "grade" in response.context["adminform"].form.errors
    assert Judgement.objects.get(pk=judgement.pk).grade == "good"


def test_change_page_shows_parsed_grade_beside_corrected(editor_client, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)

    response = editor_client.get(_change_url(judgement))

    page = response.content.decode()
    assert 'option value="inadequate" selected' in page
    assert re.search(
        r'field-parsed_grade">\s*<label[^>]*>Parsed grade:</label>\s*<div class="readonly">Good<',
        page,
    )
    assert "Misread table" in page
    assert "Revert to parsed grade" in page


def test_revert_restores_parsed_grade_and_records_reason(editor_client, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)
    url = reverse("admin:inspections_judgement_revert", args=[judgement.pk])

    response = editor_client.post(url, {"reason": "The parse was right"})

    assert response.status_code == 302
    judgement.refresh_from_db()
    assert judgement.grade == "good"
    assert not judgement.is_corrected
    latest = judgement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, "The parse was right")


def test_history_of_a_revert_names_who_reverted_not_a_deleted_user(
    editor_client, editor, judgement, django_user_model
):
    """A revert clears `corrected_by`; the history says so, not "Deleted user (pk=None)"."""
    other = django_user_model.objects.create_user("other-editor", is_staff=True)
    judgement.correct(grade="inadequate", reason="Misread table", user=other)
    url = reverse("admin:inspections_judgement_revert", args=[judgement.pk])
    editor_client.post(url, {"reason": "The parse was right"})

    response = editor_client.get(
        reverse("admin:inspections_judgement_history", args=[judgement.pk])
    )

    page = response.content.decode()
    assert "Deleted user" not in page
    revert_row = next(row for row in page.split("<tr") if "The parse was right" in row)
    assert ">editor</a>" in revert_row  # who reverted, in the user column
    text = html.unescape(re.sub(r"<[^>]+>", "", revert_row)).replace("\xa0", " ")
    assert "Corrected by: other-editor → —" in re.sub(r"\s+", " ", text)


def test_revert_without_reason_changes_nothing(editor_client, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)
    url = reverse("admin:inspections_judgement_revert", args=[judgement.pk])

    response = editor_client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    judgement.refresh_from_db()
    assert (judgement.grade, judgement.is_corrected) == ("inadequate", True)


def test_choosing_the_parsed_grade_again_reverts(editor_client, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)

    _correct(editor_client, judgement, grade="good", reason="Second look: parse was right")

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.is_corrected) == ("good", False)
    assert judgement.history.first().history_change_reason == "Second look: parse was right"


def test_history_lists_every_change_with_user_time_and_reason(
    editor_client, editor, judgement, django_user_model
):
    other = django_user_model.objects.create_user("other-editor", is_staff=True)
    _correct(editor_client, judgement, grade="inadequate", reason="First reading")
    judgement.refresh_from_db()
    judgement.correct(grade="requires_improvement", reason="Second reading", user=other)
    judgement.revert(reason="Parse was right", user=editor)

    response = editor_client.get(
        reverse("admin:inspections_judgement_history", args=[judgement.pk])
    )

    page = response.content.decode()
    changes = list(judgement.history.filter(history_user__isnull=False))
    assert [(h.history_user.username, h.history_change_reason) for h in changes] == [
        ("editor", "Parse was right"),
        ("other-editor", "Second reading"),
        ("editor", "First reading"),
    ]
    for change in changes:
        when = formats.date_format(timezone.localtime(change.history_date), "DATETIME_FORMAT")
        assert change.history_change_reason in page
        assert when in page
    assert "other-editor" in page


# The review queue


def test_review_queue_lists_flagged_judgements_first(editor_client, hampshire, judgement):
    inspection = judgement.inspection
    flagged = make_judgement(
        inspection,
        area="help_and_protection",
        label="The experiences and progress of children who need help and protection",
        needs_review=True,
        review_reason="Two grades on one line",
        evidence_text="help and protection: good inadequate",
        source_document=judgement.source_document,
    )

    response = editor_client.get(reverse("admin:inspections_judgement_changelist"))

    assert list(response.context["cl"].result_list)[0] == flagged
    page = response.content.decode()
    assert "Two grades on one line" in page
    assert "help and protection: good inadequate" in page
    assert _change_url(judgement.source_document) in page


def test_confirm_as_parsed_clears_flag_and_records_who(editor_client, editor, judgement):
    Judgement.objects.filter(pk=judgement.pk).update(needs_review=True, review_reason="Unsure")

    editor_client.post(
        reverse("admin:inspections_judgement_changelist"),
        {"action": "confirm_as_parsed", "_selected_action": [judgement.pk]},
    )

    judgement.refresh_from_db()
    assert (judgement.needs_review, judgement.grade) == (False, "good")
    latest = judgement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Confirmed as parsed")


# Inspection metadata


def test_editor_corrects_inspection_metadata_with_reason(editor_client, editor, southampton):
    inspection = make_inspection(southampton, lead_inspector="A. Person")

    response = editor_client.post(
        _change_url(inspection),
        _inspection_data(
            inspection,
            published=date(2019, 6, 21),
            lead_inspector="B. Person",
            reason="Front page of the report",
        ),
    )

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.published, inspection.lead_inspector) == (date(2019, 6, 21), "B. Person")
    assert inspection.corrected_fields == ["lead_inspector", "published"]
    latest = inspection.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        "Front page of the report",
    )


def test_inspection_correction_without_reason_changes_nothing(editor_client, southampton):
    inspection = make_inspection(southampton, lead_inspector="A. Person")

    response = editor_client.post(
        _change_url(inspection), _inspection_data(inspection, lead_inspector="B. Person")
    )

    assert "reason" in response.context["adminform"].form.errors
    inspection.refresh_from_db()
    assert inspection.lead_inspector == "A. Person"
    assert inspection.corrected_fields == []


def test_inspection_moved_onto_another_inspections_date_is_a_form_error(
    editor_client, southampton, hampshire
):
    make_inspection(southampton, start_date=date(2019, 4, 29))
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))

    response = editor_client.post(
        _change_url(inspection),
        _inspection_data(inspection, authority=southampton.pk, reason="Wrong council"),
    )

    assert response.context["adminform"].form.non_field_errors()
    assert Inspection.objects.get(pk=inspection.pk).authority == hampshire


def test_a_long_reason_is_kept_whole_in_the_history(hampshire, staff_user):
    judgement = make_judgement(make_inspection(hampshire), grade="good")
    reason = "Ofsted reissued the report after a factual accuracy check. " * 5  # 300 characters

    judgement.correct(grade="outstanding", reason=reason, user=staff_user)

    assert judgement.history.first().history_change_reason == reason
