"""The catalogue of Ofsted's publications: kinds read from titles, the seed list, and a report
ingested by hand finding its own entry (never another's)."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Inspection, SourceDocument
from inspections.publications import CatalogueCheck, Publication, kind_of
from tests.factories import make_document, make_inspection


@pytest.mark.parametrize(
    "title, kind",
    [
        ("children's services inspection - 16 august 2013", "graded_inspection"),
        ("single inspection of la children's services as pdf - 10 february 2015",
         "graded_inspection"),
        ("Inspection of safeguarding and looked after children services", "graded_inspection"),
        ("Focused visit - 12 March 2020", "focused_visit"),
        ("Monitoring visit of Westshire children's services", "monitoring_visit"),
        ("Joint targeted area inspection - 3 May 2019", "jtai"),
        ("JTAI - multi-agency response to children at risk", "jtai"),
        ("Joint area child protection inspection - 14 May 2021", "jtai"),  # on provider pages
        ("Local area SEND inspection", "other"),
        ("Children's home report", "other"),
    ],
)  # fmt: skip
def test_kind_is_read_from_the_listed_title(title, kind):
    assert kind_of(title) == kind


def load_publications(**kwargs):
    out = io.StringIO()
    call_command("load_publications", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_list_loads_once(authorities):
    first = load_publications()
    assert "497 new" in first
    assert Publication.objects.count() == 497
    assert Publication.objects.values("authority").distinct().count() == 153
    # Ofsted's date as listed, kept apart from any date a report prints.
    norfolk_2023 = Publication.objects.get(url="https://files.ofsted.gov.uk/v1/file/50204404")
    assert norfolk_2023.published == date(2023, 1, 13)
    assert norfolk_2023.authority.name == "Norfolk"
    assert norfolk_2023.state == Publication.State.NOT_FETCHED
    assert CatalogueCheck.objects.count() == 153

    second = load_publications()
    assert "0 new, 497 already known" in second
    assert Publication.objects.count() == 497


@pytest.mark.django_db
def test_a_later_check_is_not_put_back_to_the_seed_date(authorities, hampshire):
    load_publications()
    check = hampshire.catalogue_check
    later = datetime.fromisoformat("2026-11-30T06:00:00+00:00")
    check.checked_at, check.source = later, "https://reports.ofsted.gov.uk/provider/44/80472"
    check.save()
    load_publications()
    check.refresh_from_db()
    assert check.checked_at == later


@pytest.mark.django_db
def test_a_row_naming_an_unknown_urn_is_refused_with_its_line(authorities, tmp_path):
    bad = tmp_path / "list.csv"
    bad.write_text(
        "urn,listed_name,title,published,url\n"
        "80418,norfolk,children's services inspection - 16 august 2013,2013-08-16,https://x/1\n"
        "99999,nowhere,children's services inspection - 1 may 2020,2020-05-01,https://x/2\n"
    )
    with pytest.raises(CommandError, match=r"list\.csv, line 3: no authority has Ofsted URN"):
        load_publications(file=bad)
    assert not Publication.objects.exists()


def _report(authority, start, end, name):
    inspection = make_inspection(authority, start_date=start, end_date=end)
    return make_document(inspection=inspection, file_name=name)


@pytest.mark.django_db
def test_a_report_finds_the_entry_published_after_it_nearest(authorities, hampshire):
    load_publications()
    older, newer = sorted(p.published for p in hampshire.publications.all())[-2:]
    # Ended six weeks before the older report came out: that one, not the newer one.
    ended = older - timedelta(days=42)
    document = _report(hampshire, ended - timedelta(days=11), ended, "report.pdf")
    entry = Publication.match_document(document)
    assert entry is not None and entry.published == older
    entry.refresh_from_db()
    assert entry.state == Publication.State.STORED and entry.document == document
    assert hampshire.publications.get(published=newer).state == Publication.State.NOT_FETCHED


@pytest.mark.django_db
def test_the_nearest_of_two_entries_after_the_inspection(authorities, hampshire):
    for days, n in ((90, 1), (30, 2), (-10, 3)):
        Publication.objects.create(
            authority=hampshire,
            url=f"https://files.example/{n}",
            title="children's services inspection",
            kind="graded_inspection",
            published=date(2024, 5, 10) + timedelta(days=days),
        )
    document = _report(hampshire, date(2024, 4, 29), date(2024, 5, 10), "report.pdf")
    assert Publication.match_document(document).url == "https://files.example/2"


@pytest.mark.django_db
def test_no_entry_when_none_was_published_soon_after(authorities, hampshire):
    load_publications()
    first = min(p.published for p in hampshire.publications.all())
    # An inspection a year before the first listed report: better no link than that report's.
    ended = first - timedelta(days=365)
    document = _report(hampshire, ended - timedelta(days=11), ended, "old.pdf")
    assert Publication.match_document(document) is None
    assert not Publication.objects.filter(state=Publication.State.STORED).exists()


@pytest.mark.django_db
def test_every_national_report_finds_its_own_entry(authorities, corpus_dir):
    """On the national corpus (its folders are named by URN, its files by Ofsted's listed
    title), every report's inspection, stored as a correct ingest stores it, finds the entry of
    that very file and no other."""
    load_publications()
    lines = (corpus_dir / "national" / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    expected = [e for e in map(json.loads, lines) if e["kind"] == "inspection_report"]
    by_code = {a.la_code: a for a in authorities}
    documents = {}
    for n, e in enumerate(expected):
        inspection, _ = Inspection.objects.get_or_create(
            authority=by_code[e["authority"]["la_code"]],
            framework=e["framework"],
            start_date=date.fromisoformat(e["inspection_start"]),
            defaults={"end_date": date.fromisoformat(e["inspection_end"])},
        )
        documents[e["path"]] = SourceDocument.objects.create(
            inspection=inspection,
            file_name=e["path"].split("/")[1],
            sha256=f"{n:064x}",
            kind=SourceDocument.Kind.INSPECTION_REPORT,
        )
    wrong = []
    for path, document in documents.items():
        entry = Publication.match_document(document)
        folder, file_name = path.split("/")
        found = (entry.authority.ofsted_urn, entry.title) if entry else None
        if found != (folder.split("_")[0], file_name.removesuffix(".pdf")):
            wrong.append((path, found))
    assert not wrong
    assert Publication.objects.filter(state="stored").count() == len(expected)


@pytest.mark.django_db
def test_a_report_ingested_by_hand_marks_its_entry_stored(authorities, corpus_dir, tmp_path):
    from tests.reports import run_ingest

    load_publications()
    folder = corpus_dir / "national" / "pdf" / "80557_south tyneside"
    report = sorted(folder.glob("*.pdf"))[-1]
    run_ingest(report, "--jobs", "1")
    document = SourceDocument.objects.get()
    entry = Publication.objects.get(state="stored")
    assert entry.document == document
    assert entry.authority.ofsted_urn == "80557"
    assert entry.title == report.stem
