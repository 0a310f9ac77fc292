"""Runs at scale: each document stored as its worker finishes, one file's bytes read once."""

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inspections import ingest, reading
from inspections.models import Inspection, Judgement, SourceDocument
from tests.reports import ilacs_report, run_ingest

pytestmark = pytest.mark.django_db


def json_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def last_to_finish(monkeypatch, tmp_path_factory):
    """Make the worker reading one file wait until the ingest has stored every other file in its
    folder (forked workers inherit the patch): a file marks each document stored."""
    read, store = reading.read_document, ingest.store

    def make_last(name):
        stored = tmp_path_factory.mktemp("stored")

        def store_and_mark(result):
            outcome = store(result)
            (stored / result.file_name).touch()
            return outcome

        def read_last(path, *args, **kwargs):
            if Path(path).name == name:
                others = {p.name for p in Path(path).parent.iterdir()} - {name}
                deadline = time.monotonic() + 30
                while not others <= {p.name for p in stored.iterdir()}:
                    assert time.monotonic() < deadline, f"the others were not stored before {name}"
                    time.sleep(0.01)
            return read(path, *args, **kwargs)

        monkeypatch.setattr(ingest, "store", store_and_mark)
        monkeypatch.setattr(reading, "read_document", read_last)

    return make_last


@pytest.fixture
def reports(tmp_path, authorities):
    """Three reports of three authorities."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, authority in [
        ("a-southampton.txt", "Southampton City Council"),
        ("b-hampshire.txt", "Hampshire County Council"),
        ("c-portsmouth.txt", "Portsmouth City Council"),
    ]:
        (folder / name).write_text(ilacs_report(authority=authority), encoding="utf-8")
    return folder


def test_two_identical_files_in_one_run_store_one_and_report_the_other_unchanged(
    tmp_path, southampton
):
    (tmp_path / "a-report.txt").write_text(ilacs_report(), encoding="utf-8")
    (tmp_path / "b-copy.txt").write_bytes((tmp_path / "a-report.txt").read_bytes())

    out, err = run_ingest(tmp_path, "--json", "--jobs", "2")  # raises if the run failed

    lines = {line["document"]: line for line in json_lines(out)}
    assert lines["a-report.txt"]["status"] == "ingested"
    assert lines["b-copy.txt"]["status"] == "unchanged"
    assert lines["b-copy.txt"]["reason"] == f"the same file as {tmp_path / 'a-report.txt'}"
    assert (SourceDocument.objects.count(), Judgement.objects.count()) == (1, 5)
    assert "(1 unchanged, skipped)" in err


def test_identical_files_with_reparse_are_read_once(tmp_path, southampton):
    (tmp_path / "report.txt").write_text(ilacs_report(), encoding="utf-8")
    run_ingest(tmp_path, "--jobs", "1")
    (tmp_path / "report-copy.txt").write_bytes((tmp_path / "report.txt").read_bytes())

    out, _ = run_ingest(tmp_path, "--reparse", "--jobs", "2")

    assert "Reparsed 1 stored documents" in out
    assert SourceDocument.objects.count() == 1


def test_each_document_is_stored_as_its_worker_finishes(reports, last_to_finish):
    last_to_finish("a-southampton.txt")  # first by path

    out, _ = run_ingest(reports, "--json", "--jobs", "2")

    assert [line["document"] for line in json_lines(out)][-1] == "a-southampton.txt"
    assert {line["status"] for line in json_lines(out)} == {"ingested"}
    assert (Inspection.objects.count(), SourceDocument.objects.count()) == (3, 3)
    assert Judgement.objects.count() == 15


def test_the_summary_is_the_same_whatever_order_the_workers_finish_in(
    tmp_path, southampton, last_to_finish
):
    (tmp_path / "a-report.txt").write_text(ilacs_report(), encoding="utf-8")
    # The report's text without its dates: joins the same inspection by its text.
    (tmp_path / "b-text-copy.txt").write_text(ilacs_report(dates=None), encoding="utf-8")
    summaries = []
    for name in ("a-report.txt", "b-text-copy.txt"):
        Inspection.objects.all().delete()  # and its documents and judgements
        last_to_finish(name)
        out = io.StringIO()
        call_command("ingest", str(tmp_path), "--jobs", "2", stdout=out, stderr=io.StringIO())
        assert Inspection.objects.get().documents.count() == 2
        summaries.append(out.getvalue())

    assert summaries[0] == summaries[1]
    assert "inspections 1 new, 0 updated, 0 unchanged by a further source" in summaries[0]


def test_a_copy_of_a_refused_file_is_refused_by_its_own_name(tmp_path, authorities):
    for name in ("a-page.pdf", "b-page.pdf"):
        (tmp_path / name).write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 documents were refused"):
        call_command("ingest", str(tmp_path), "--jobs", "2", stdout=out, stderr=err)

    refused = [line for line in out.getvalue().splitlines() if line.startswith("  refused: ")]
    assert [line.split(": ")[1] for line in refused] == [
        str(tmp_path / "a-page.pdf"),
        str(tmp_path / "b-page.pdf"),
    ]
