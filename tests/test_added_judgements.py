"""Editors add a judgement the documents did not give; a later ingest never removes it and
flags a reading that differs."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from inspections.models import Judgement
from tests.factories import make_inspection
from tests.reports import ilacs_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(southampton):
    return make_inspection(southampton, framework="ILACS", start_date=date(2024, 5, 6))


def test_an_editor_adds_a_missing_judgement_in_the_admin(client, editor, inspection):
    client.force_login(editor)
    url = f"/admin/inspections/inspection/{inspection.pk}/add-judgement/"
    assert (
        "Add a missing judgement"
        in client.get(f"/admin/inspections/inspection/{inspection.pk}/change/").content.decode()
    )
    response = client.post(
        url, {"area": "care_leavers", "grade": "good", "reason": "Page 2 of the PDF is a scan"}
    )
    assert response.status_code == 302
    added = Judgement.objects.get(inspection=inspection, area="care_leavers")
    assert (added.grade, added.parsed_grade) == ("good", "")
    assert added.added_by_staff and added.is_corrected
    assert (added.corrected_by, added.correction_reason) == (editor, "Page 2 of the PDF is a scan")
    history = added.history.get()
    assert (history.history_user, history.history_change_reason) == (
        editor,
        "Page 2 of the PDF is a scan",
    )


def test_only_editors_add_judgements(client, staff_user, inspection):
    client.force_login(staff_user)
    url = f"/admin/inspections/inspection/{inspection.pk}/add-judgement/"
    response = client.post(url, {"area": "care_leavers", "grade": "good", "reason": "x"})
    assert response.status_code == 403
    assert not Judgement.objects.exists()


@pytest.mark.parametrize(
    "area, grade",
    [("adoption", "good"), ("care_leavers", "adequate")],  # not ILACS's area; not its scale
)
def test_an_added_judgement_belongs_to_the_framework(inspection, editor, area, grade):
    with pytest.raises(ValueError):
        Judgement.add_missing(
            inspection=inspection, area=area, grade=grade, reason="r", user=editor
        )


def test_an_ingest_keeps_an_added_judgement_and_flags_a_different_reading(
    tmp_path, southampton, editor
):
    report = tmp_path / "southampton-2024.txt"
    report.write_text(ilacs_report(), encoding="utf-8")
    without_care_leavers = ilacs_report().replace(
        "The experiences and progress of care leavers Requires improvement to be good\n", ""
    )
    first = tmp_path / "first.txt"
    first.write_text(without_care_leavers, encoding="utf-8")
    out = io.StringIO()
    call_command("ingest", str(first), "--jobs", "1", stdout=out, stderr=out)
    inspection = Judgement.objects.first().inspection
    assert not inspection.judgements.filter(area="care_leavers").exists()
    added = Judgement.add_missing(
        inspection=inspection, area="care_leavers", grade="outstanding", reason="From the letter",
        user=editor,
    )  # fmt: skip

    call_command("ingest", str(report), "--jobs", "1", stdout=out, stderr=out)

    added.refresh_from_db()
    assert added.grade == "outstanding"  # the staff's grade stays
    assert added.parsed_grade == "requires_improvement"  # the report's reading beside it
    assert added.needs_review and "staff added outstanding" in added.review_reason
