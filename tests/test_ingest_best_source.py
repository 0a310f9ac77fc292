"""The best source wins: when an inspection has the report's PDF and a text conversion of it,
each grade's evidence is the PDF's page, whichever was ingested first."""

import io

import pytest
from django.core.management import call_command

from inspections.models import Judgement

PDF = "pdf/80472_hampshire/children's services inspection - 11 june 2019.pdf"
TEXT = "seeds/001_e08de365da2d1c54.txt"  # the same report's text, without its title block


@pytest.mark.parametrize("order", [(TEXT, PDF), (PDF, TEXT)], ids=["text first", "pdf first"])
def test_each_grade_points_to_the_pdf_page_whichever_came_first(corpus_dir, authorities, order):
    for path in order:
        call_command("ingest", str(corpus_dir / path), "--jobs", "1", stdout=io.StringIO())

    judgements = Judgement.objects.filter(inspection__authority__la_code="850")
    assert judgements.count() == 4
    assert {j.inspection.documents.count() for j in judgements} == {2}
    assert {(j.source_document.file_name, j.page, j.line) for j in judgements} == {
        ("children's services inspection - 11 june 2019.pdf", 1, None)
    }
    assert not any(j.needs_review for j in judgements)
