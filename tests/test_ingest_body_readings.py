"""A grade only the report's body states is stored, flagged, whatever the length of its heading."""

import pytest

from inspections.models import Judgement
from tests.reports import ilacs_report, run_ingest

pytestmark = pytest.mark.django_db

HELP_ROW = "The experiences and progress of children who need help and protection Good\n"
HEADING = (
    "The experiences and progress of children who need help and protection: requires "
    "improvement to be good\n"
)


def test_a_long_heading_is_stored_with_the_grade_words_only(tmp_path, southampton):
    report = tmp_path / "southampton-2024.txt"
    report.write_text(ilacs_report().replace(HELP_ROW, "") + "\n" + HEADING, encoding="utf-8")

    run_ingest(report, "--jobs", "1")

    judgement = Judgement.objects.get(area="help_and_protection")
    assert (judgement.grade, judgement.grade_as_printed) == (
        "requires_improvement",
        "requires improvement to be good",
    )
    assert judgement.needs_review and "read only from the report's body" in judgement.review_reason
    assert judgement.evidence_text == HEADING.strip()
