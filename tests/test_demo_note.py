"""The compare page mentions the demo data only when demo grades are what it shows."""

from datetime import date

import pytest

from inspections.models import SourceDocument
from tests.factories import make_document, make_inspection, make_judgement

pytestmark = pytest.mark.django_db

NOTE = "Some grades shown are the project's"


@pytest.mark.parametrize(
    "kind, shown",
    [(SourceDocument.Kind.DEMO_DATA, True), (SourceDocument.Kind.INSPECTION_REPORT, False)],
)
def test_the_demo_note_follows_what_is_shown(client, hampshire, kind, shown):
    inspection = make_inspection(hampshire, framework="ILACS", start_date=date(2024, 6, 10))
    make_judgement(inspection, grade="good", source_document=make_document(kind=kind))
    html = client.get("/?authority=hampshire").content.decode()
    assert (NOTE in html) is shown
