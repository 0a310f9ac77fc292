"""Inspection details are corrected like grades: the parsed values stay beside the corrected ones
and a further source is matched on them, so a new copy of a report joins the same inspection."""

from datetime import date

import pytest
from django.urls import reverse

from inspections.models import Inspection
from tests.reports import ilacs_report, ingested_report, run_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tmp_path, southampton):
    """The report ingested once, as the parser of the day read it."""
    return ingested_report(tmp_path)


def resaved_copy(report):
    """The same report saved again: different bytes, same text."""
    copy = report.with_name("southampton-2024-resaved.txt")
    copy.write_text(report.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return copy


def test_a_new_inspection_keeps_what_was_read_as_its_parsed_values(report, southampton):
    inspection = Inspection.objects.get()
    assert (
        inspection.parsed_authority,
        inspection.parsed_start_date,
        inspection.parsed_end_date,
    ) == (southampton, date(2024, 5, 6), date(2024, 5, 10))


def test_resaved_copy_joins_the_inspection_whose_date_staff_corrected(report, staff_user):
    inspection = Inspection.objects.get()
    inspection.correct(user=staff_user, reason="The letter says 7 May", start_date=date(2024, 5, 7))

    run_ingest(resaved_copy(report), "--jobs", "1")

    inspection = Inspection.objects.get()  # one inspection, both documents
    assert inspection.documents.count() == 2
    assert (inspection.start_date, inspection.parsed_start_date) == (
        date(2024, 5, 7),
        date(2024, 5, 6),
    )
    assert inspection.corrected_fields == ["start_date"]
    assert not inspection.needs_review  # the copy reads what the first source read


def test_resaved_copy_joins_the_inspection_whose_authority_staff_corrected(
    report, staff_user, southampton, hampshire
):
    inspection = Inspection.objects.get()
    inspection.correct(user=staff_user, reason="Hampshire's report", authority=hampshire)

    run_ingest(resaved_copy(report), "--jobs", "1")

    inspection = Inspection.objects.get()
    assert inspection.documents.count() == 2
    assert (inspection.authority, inspection.parsed_authority) == (hampshire, southampton)


def test_a_source_printing_the_corrected_date_joins_too(report, staff_user, tmp_path):
    inspection = Inspection.objects.get()
    inspection.correct(user=staff_user, reason="The letter says 7 May", start_date=date(2024, 5, 7))
    letter = tmp_path / "letter.txt"
    letter.write_text(ilacs_report(dates="7 May to 10 May 2024"), encoding="utf-8")

    run_ingest(letter, "--jobs", "1")

    assert Inspection.objects.get().documents.count() == 2


def test_reparse_keeps_a_corrected_date_and_flags_a_different_reading(
    report, staff_user, monkeypatch
):
    from inspections import reading

    inspection = Inspection.objects.get()
    inspection.correct(user=staff_user, reason="The letter says 7 May", start_date=date(2024, 5, 7))
    parse = reading.parse_document
    monkeypatch.setattr(
        reading,
        "parse_document",
        lambda pages, **kw: parse([p.replace("6 May", "8 May") for p in pages], **kw),
    )

    run_ingest(report, "--reparse", "--jobs", "1")

    inspection = Inspection.objects.get()
    assert (inspection.start_date, inspection.parsed_start_date) == (
        date(2024, 5, 7),
        date(2024, 5, 8),
    )
    assert inspection.needs_review
    assert "the staff correction to 2024-05-07 is kept" in inspection.review_reason


def test_editor_corrects_dates_and_authority_in_the_admin_and_the_parsed_values_stay(
    report, client, editor, southampton, hampshire
):
    inspection = Inspection.objects.get()
    client.force_login(editor)
    data = {
        "authority": hampshire.pk,
        "start_date": "2024-05-07",
        "end_date": "2024-05-11",
        "published": "",
        "lead_inspector": inspection.lead_inspector,
        "reason": "Checked with Ofsted",
    }
    for prefix in ("judgements", "documents"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    url = reverse("admin:inspections_inspection_change", args=[inspection.pk])

    response = client.post(url, data)

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.authority, inspection.start_date, inspection.end_date) == (
        hampshire,
        date(2024, 5, 7),
        date(2024, 5, 11),
    )
    assert (
        inspection.parsed_authority,
        inspection.parsed_start_date,
        inspection.parsed_end_date,
    ) == (southampton, date(2024, 5, 6), date(2024, 5, 10))
    assert inspection.corrected_fields == ["authority", "end_date", "start_date"]
    page = client.get(url).content.decode()
    assert "Start date as read" in page and "Southampton" in page


def test_parsed_values_cannot_be_corrected(report, staff_user):
    with pytest.raises(ValueError, match="can be corrected"):
        Inspection.objects.get().correct(
            user=staff_user, reason="no", parsed_start_date=date(2024, 1, 1)
        )
