"""Grade editors read the import runs, the files each refused, and the catalogue of Ofsted's
publications in the admin; nobody edits the catalogue there."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from inspections.models import ImportProblem, ImportRun
from inspections.publications import Publication

pytestmark = pytest.mark.django_db


def test_grade_editors_hold_the_view_permissions_of_imports_and_the_catalogue(editor):
    codenames = set(
        Group.objects.get(name="Grade editors").permissions.values_list("codename", flat=True)
    )
    assert {
        "view_importrun",
        "view_importproblem",
        "view_publication",
        "view_cataloguecheck",
    } <= codenames
    assert editor.has_perm("inspections.view_importrun")
    assert editor.has_perm("inspections.view_publication")
    assert not editor.has_perm("inspections.change_publication")


def test_an_editor_reads_an_import_run_and_its_refused_files(client, editor):
    run = ImportRun.objects.create()
    ImportProblem.objects.create(
        run=run, path="/srv/in/saved page.pdf", file_name="saved page.pdf", status="refused",
        reason="not a PDF",
    )  # fmt: skip
    client.force_login(editor)
    assert "Import runs" in client.get("/admin/").content.decode()
    page = client.get(f"/admin/inspections/importrun/{run.pk}/change/").content.decode()
    assert "saved page.pdf" in page and "not a PDF" in page


def test_an_editor_lists_filters_and_searches_the_catalogue_read_only(client, editor, hampshire):
    entry = Publication.objects.create(
        authority=hampshire, url="https://files.ofsted.gov.uk/v1/file/1",
        published=date(2025, 5, 9),
        title="Children's services inspection - 9 May 2025", kind="graded_inspection",
        state="refused", reason="1.pdf: not a PDF",
    )  # fmt: skip
    client.force_login(editor)
    url = "/admin/inspections/publication/"
    assert "Children&#x27;s services inspection - 9 May 2025" in client.get(url).content.decode()
    assert "9 May 2025" in client.get(url, {"state": "refused", "q": "Hampshire"}).content.decode()
    assert "0 publications" in client.get(url, {"state": "stored"}).content.decode()
    assert client.get(f"{url}add/").status_code == 403
    response = client.post(f"{url}{entry.pk}/change/", {"state": "stored"})
    assert response.status_code == 403
    assert client.post(f"{url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Publication.objects.get(pk=entry.pk).state == "refused"
