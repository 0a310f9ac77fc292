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


@pytest.mark.parametrize("path", ["/peers/?authority=hampshire", "/map/?authority=hampshire"])
@pytest.mark.parametrize(
    "kind, shown",
    [(SourceDocument.Kind.DEMO_DATA, True), (SourceDocument.Kind.INSPECTION_REPORT, False)],
)
def test_the_peer_page_and_the_map_say_so_when_a_latest_grade_is_demo_data(
    client, hampshire, kind, shown, path
):
    """A latest grade the page counts or colours that comes from the demo data is named as such:
    an officer must not take a demo grade for a report's."""
    inspection = make_inspection(hampshire, framework="ILACS", start_date=date(2024, 6, 10))
    make_judgement(inspection, grade="good", source_document=make_document(kind=kind))
    html = client.get(path).content.decode()
    assert (NOTE in html) is shown


def test_a_demo_grade_a_report_has_overtaken_is_not_shown_so_not_noted(client, hampshire):
    older = make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18))
    make_judgement(
        older,
        framework="SIF",
        grade="good",
        source_document=make_document(kind=SourceDocument.Kind.DEMO_DATA),
    )
    newer = make_inspection(hampshire, framework="ILACS", start_date=date(2024, 6, 10))
    make_judgement(newer, grade="outstanding", source_document=make_document())
    html = client.get("/map/?authority=hampshire").content.decode()
    assert NOTE not in html
