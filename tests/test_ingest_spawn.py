"""The ingest's workers set Django up themselves, so they need not be forked from a set-up parent
(spawn, and forkserver: Python 3.14's default on Linux)."""

import multiprocessing

import pytest

from inspections.models import Inspection, SourceDocument
from tests.reports import ilacs_report, run_ingest

pytestmark = pytest.mark.django_db

AUTHORITIES = ["Southampton City Council", "Hampshire County Council", "Portsmouth City Council"]


@pytest.fixture
def reports(tmp_path, authorities):
    for index, authority in enumerate(AUTHORITIES):
        (tmp_path / f"{index}.txt").write_text(ilacs_report(authority=authority), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "start_method",
    [m for m in ("spawn", "forkserver") if m in multiprocessing.get_all_start_methods()],
)
def test_workers_started_afresh_parse_and_the_main_process_stores(reports, start_method):
    out, _ = run_ingest(reports, "--jobs", "2", "--start-method", start_method)

    assert "3 new" in out
    assert SourceDocument.objects.count() == 3
    assert sorted(Inspection.objects.values_list("authority__name", flat=True)) == sorted(
        ["Southampton", "Hampshire", "Portsmouth"]
    )
