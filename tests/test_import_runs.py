"""Each ingest run is recorded with what it read and each file it refused, and why."""

import io

import pytest
from django.core.management import CommandError, call_command

from inspections.models import ImportProblem, ImportRun
from tests.reports import ilacs_report

pytestmark = pytest.mark.django_db


def _ingest(*paths, **options):
    out = io.StringIO()
    call_command("ingest", *map(str, paths), "--jobs", "1", stdout=out, stderr=out, **options)
    return out.getvalue()


def test_a_run_is_recorded_with_its_refused_files(tmp_path, southampton):
    good = tmp_path / "southampton-2024.txt"
    good.write_text(ilacs_report(), encoding="utf-8")
    folder = tmp_path / "80558_southampton"  # a download folder: its URN names the authority
    folder.mkdir()
    page = folder / "saved page.pdf"
    page.write_text("<html><body>Not found</body></html>", encoding="utf-8")

    with pytest.raises(CommandError):
        _ingest(good, page)

    run = ImportRun.objects.get()
    assert run.files == 2 and run.finished_at is not None
    assert run.counts["new"] == 1 and run.counts["refused"] == 1
    assert "1 refused" in run.summary
    problem = run.problems.get()
    assert (problem.file_name, problem.status) == ("saved page.pdf", "refused")
    assert "not a PDF" in problem.reason
    assert problem.authority == southampton


def test_a_dry_run_is_not_recorded(tmp_path, southampton):
    report = tmp_path / "southampton-2024.txt"
    report.write_text(ilacs_report(), encoding="utf-8")
    _ingest(report, dry_run=True)
    assert not ImportRun.objects.exists()
    assert not ImportProblem.objects.exists()


def test_runs_are_read_only_in_the_admin(tmp_path, southampton, admin_client):
    report = tmp_path / "southampton-2024.txt"
    report.write_text(ilacs_report(), encoding="utf-8")
    _ingest(report)
    run = ImportRun.objects.get()
    page = admin_client.get(f"/admin/inspections/importrun/{run.pk}/change/")
    assert page.status_code == 200
    assert admin_client.post(f"/admin/inspections/importrun/{run.pk}/delete/").status_code == 403
    assert ImportRun.objects.exists()


def test_the_authority_page_says_a_report_of_it_was_refused(tmp_path, southampton, client):
    folder = tmp_path / "80558_southampton"
    folder.mkdir()
    page = folder / "children's services inspection - 1 may 2024.pdf"
    page.write_text("<html><body>Not found</body></html>", encoding="utf-8")
    assert "No inspections recorded yet" in client.get("/authorities/southampton/").content.decode()

    with pytest.raises(CommandError):
        _ingest(page)

    html = client.get("/authorities/southampton/").content.decode()
    assert "No inspections recorded yet" not in html
    assert "Reports refused at import" in html
    assert "children&#x27;s services inspection - 1 may 2024.pdf" in html
    assert "not a PDF" in html
