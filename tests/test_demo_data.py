"""The demo data says where it came from, and gives way to a real report of the same inspection."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command

from inspections.management.commands.load_demo import DEMO_FILE
from inspections.models import Inspection, SourceDocument
from tests.factories import make_document, make_inspection, make_judgement

pytestmark = pytest.mark.django_db

NOTE = "Some grades shown are the project's"
REPORT = "children's services inspection - 11 june 2019.pdf"


def load_demo(file=DEMO_FILE):
    out = io.StringIO()
    call_command("load_demo", file=file, stdout=out)
    return out.getvalue()


def hampshire_2019(tmp_path):
    """A demo file of Hampshire's 2019 ILACS inspection alone, so that no other demo grade
    is on its pages."""
    with DEMO_FILE.open(encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if (r["la_code"], r["inspection_start"]) == ("850", "2019-04-29")
        ]
    path = tmp_path / "demo_judgements.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)
    return path


def the_inspection(authority):
    return Inspection.objects.get(
        authority=authority, framework="ILACS", start_date=date(2019, 4, 29)
    )


def test_a_demo_judgements_history_says_it_came_from_the_demo_data(client, hampshire):
    load_demo()
    html = client.get(the_inspection(hampshire).get_absolute_url()).content.decode()
    assert (
        "Created, grade outstanding,\n              from the project's demo data (public facts)"
        in html
    )
    assert "the ingest" not in html


def test_a_stored_report_drops_the_demo_data_of_its_inspection(
    client, hampshire, corpus_dir, tmp_path
):
    demo = hampshire_2019(tmp_path)
    load_demo(demo)
    inspection = the_inspection(hampshire)
    assert "demo_judgements.csv" in client.get(inspection.get_absolute_url()).content.decode()
    assert NOTE in client.get("/?authority=hampshire").content.decode()

    call_command(
        "ingest", str(corpus_dir / "pdf" / "80472_hampshire" / REPORT), stdout=io.StringIO()
    )

    html = client.get(inspection.get_absolute_url()).content.decode()
    assert "demo_judgements.csv" not in html
    assert [d.file_name for d in inspection.documents.all()] == [REPORT]
    assert not SourceDocument.objects.filter(kind=SourceDocument.Kind.DEMO_DATA).exists()
    judgements = list(inspection.judgements.values_list("area", "source_document__file_name"))
    assert len(judgements) == 4
    assert {source for _, source in judgements} == {REPORT}
    assert NOTE not in client.get("/?authority=hampshire").content.decode()

    assert "0 inspections loaded, 1 already present" in load_demo(demo)
    assert [d.file_name for d in inspection.documents.all()] == [REPORT]
    assert (
        list(inspection.judgements.values_list("area", "source_document__file_name")) == judgements
    )


@pytest.mark.parametrize(
    "left_on_demo, kept",
    [
        ("nothing", False),
        ("a judgement the report does not give", True),
        ("a corrected judgement", True),
    ],
)
def test_the_demo_document_stays_while_a_judgement_still_rests_on_it(
    hampshire, staff_user, left_on_demo, kept
):
    inspection = make_inspection(hampshire)
    demo = make_document(
        inspection=inspection, file_name="demo", kind=SourceDocument.Kind.DEMO_DATA
    )
    report = make_document(inspection=inspection)
    make_judgement(inspection, source_document=report)
    if left_on_demo != "nothing":
        judgement = make_judgement(inspection, area="impact_of_leaders", source_document=demo)
    if left_on_demo == "a corrected judgement":
        judgement.correct(grade="outstanding", reason="as published", user=staff_user)

    inspection.drop_demo_data()

    assert inspection.documents.filter(pk=demo.pk).exists() is kept
    if kept:
        judgement.refresh_from_db()
        assert judgement.source_document == demo
