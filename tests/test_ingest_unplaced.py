"""A report whose authority cannot be named is stored unplaced, with its reading, for an editor
to place: the import run says so, and placing it stores its inspection and grades."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from authorities.models import LocalAuthority
from inspections import ingest
from inspections.models import ImportProblem, ImportRun, Inspection, SourceDocument


def report(council: str) -> str:
    return (
        f"{council}Inspection of local authority children’s services\n"
        "Inspection dates: 6 to 10 May 2024\nLead inspector: Gil Example\n"
        "Judgement\tGrade\n"
        "The impact of leaders on social work practice with children and families\tGood\n"
        "The experiences and progress of children who need help and protection\tGood\n"
        "The experiences and progress of children in care\tGood\n"
        "The experiences and progress of care leavers\tGood\n"
        "Overall effectiveness\tGood\n"
    )


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(path), "--json", "--jobs", "1", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def shared_name(tmp_path, authorities):
    """A report that names only the company that runs three councils' services."""
    (tmp_path / "afc.txt").write_text(report("Achieving for Children\n"), encoding="utf-8")
    line, summary = run(tmp_path / "afc.txt")
    return SourceDocument.objects.get(file_name="afc.txt"), line, summary


def test_a_report_naming_no_authority_is_stored_unplaced(tmp_path, authorities):
    (tmp_path / "anonymous.txt").write_text(report(""), encoding="utf-8")

    line, summary = run(tmp_path / "anonymous.txt")  # no CommandError: nothing was lost

    assert (line["status"], line["kind"]) == ("unplaced", "inspection_report")
    document = SourceDocument.objects.get()
    assert (document.status, document.inspection) == ("unplaced", None)
    assert len(document.reading["judgements"]) == 5
    assert not Inspection.objects.exists()
    assert "1 unplaced" in summary
    problem = ImportProblem.objects.get()
    assert (problem.status, problem.file_name) == ("unplaced", "anonymous.txt")
    assert ImportRun.objects.get().counts["unplaced"] == 1


def test_a_name_several_authorities_share_is_offered_for_an_editor_to_choose(shared_name):
    document, line, _ = shared_name
    assert line["status"] == "unplaced"
    assert sorted(document.reading["authority_candidates"]) == ["314", "318", "868"]
    assert "more than one" in document.error


def test_placing_stores_the_inspection_and_grades_with_a_reason(shared_name, editor):
    document, _, _ = shared_name
    richmond = LocalAuthority.objects.get(la_code="318")

    outcome = ingest.place(document, richmond, reason="the report's page", user=editor)

    inspection = outcome.inspection
    assert (inspection.authority, inspection.framework) == (richmond, "ILACS")
    assert inspection.judgements.count() == 5
    document.refresh_from_db()
    assert (document.status, document.inspection, document.reading) == ("ingested", inspection, {})
    history = inspection.judgements.first().history.first()
    assert history.history_change_reason == "Placed under Richmond upon Thames: the report's page"
    assert history.history_user == editor


def test_a_placed_document_stays_placed_when_read_again(shared_name, editor, tmp_path):
    document, _, _ = shared_name
    kingston = LocalAuthority.objects.get(la_code="314")
    ingest.place(document, kingston, reason="checked", user=editor)

    call_command("ingest", "--reparse", str(tmp_path / "afc.txt"), stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip

    document.refresh_from_db()
    assert document.inspection.authority == kingston
    assert Inspection.objects.get().judgements.count() == 5


def test_an_editor_places_a_document_in_the_admin(shared_name, editor, client):
    document, _, _ = shared_name
    client.force_login(editor)
    url = reverse("admin:inspections_sourcedocument_place", args=[document.pk])

    page = client.get(url)
    assert [a.la_code for a in page.context["form"].fields["authority"].queryset] == [
        "314", "318", "868"
    ]  # fmt: skip
    response = client.post(url, {"authority": page.context["form"].fields["authority"]
                                 .queryset.get(la_code="868").pk, "reason": "letter"})  # fmt: skip

    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert inspection.authority.la_code == "868"


def test_a_reader_cannot_place_a_document(shared_name, staff_user, client):
    document, _, _ = shared_name
    client.force_login(staff_user)
    url = reverse("admin:inspections_sourcedocument_place", args=[document.pk])
    assert client.get(url).status_code == 403
    assert not Inspection.objects.exists()
