"""Each ingest run is recorded with what it read and each file it refused, and why."""

import io

import pytest
from django.core.management import CommandError, call_command

from inspections import ingest
from inspections.models import ImportProblem, ImportRun, SourceDocument
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


def test_a_store_that_fails_mid_run_is_recorded_as_failed_and_the_run_goes_on(
    tmp_path, authorities, monkeypatch
):
    paths = []
    for name, authority in [("hampshire", "Hampshire County Council"),
                            ("southampton", "Southampton City Council"),
                            ("portsmouth", "Portsmouth City Council")]:  # fmt: skip
        path = tmp_path / f"{name}-2024.txt"
        path.write_text(ilacs_report(authority=authority), encoding="utf-8")
        paths.append(path)
    store, stored_in_order = ingest.store, []

    def store_failing_the_first(result):
        stored_in_order.append(result.path)
        if len(stored_in_order) == 1:
            raise RuntimeError("the database went away")
        return store(result)

    monkeypatch.setattr(ingest, "store", store_failing_the_first)

    with pytest.raises(CommandError, match="1 documents were refused or failed"):
        _ingest(*paths)

    failed, *later = stored_in_order
    assert len(later) == 2  # the run went on after the failure
    run = ImportRun.objects.get()
    assert run.finished_at is not None and run.counts["failed"] == 1
    problem = run.problems.get()
    assert (problem.path, problem.status) == (failed, "failed")
    assert "RuntimeError: the database went away" in problem.reason
    assert set(SourceDocument.objects.values_list("path", flat=True)) == set(later)
