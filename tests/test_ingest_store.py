"""Storing what a worker read (inspections/ingest.py): placing, matching, reparsing and flagging.

Each test reads a short report written here (`reading.read_document`, as a worker does) and
stores it with `ingest.store`, in this process."""

from dataclasses import replace
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorities.models import LocalAuthority
from inspections import ingest, reading
from inspections.models import Inspection, Judgement, SourceDocument
from inspections.parsing.authorities import candidates
from inspections.publications import Publication
from tests.factories import make_document, make_inspection, make_judgement
from tests.pdfs import text_pdf
from tests.reports import AUTHORITIES, ilacs_report

pytestmark = pytest.mark.django_db

CARE_LEAVERS_RI = "The experiences and progress of care leavers Requires improvement to be good"
CARE_LEAVERS_GOOD = "The experiences and progress of care leavers Good"


def read(folder, text, *, name="southampton-2024.txt", sha256=None):
    """What a worker reads from `text` saved as folder/name (`sha256` given: a reparse)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return reading.read_document(path, AUTHORITIES, sha256=sha256)


def read_pdf(folder, text, *, name="southampton-2024.pdf"):
    path = folder / name
    path.write_bytes(text_pdf([text]))
    return reading.read_document(path, AUTHORITIES)


def reparse(folder, stored, text):
    """The stored document's file read again, its text now read as `text` (a parser change)."""
    return read(folder, text, name=stored.file_name, sha256=stored.sha256)


@pytest.fixture
def stored(tmp_path, southampton):
    """Southampton's 2024 ILACS report, stored once; its document."""
    return ingest.store(read(tmp_path, ilacs_report())).document


# authority_names, folder_urn


def test_authority_names_name_every_authority_by_its_names_and_aliases(authorities):
    names = ingest.authority_names()

    assert candidates("Southampton City Council", names) == ("852",)
    assert candidates("Bradford Children and Families Trust", names) == ("380",)
    # Each of an authority's aliases, the last as well as the first.
    assert candidates("Slough Children First", names) == ("871",)
    assert candidates("Slough Children's Services Trust", names) == ("871",)
    assert candidates("Achieving for Children", names) == ("314", "318", "868")


@pytest.mark.parametrize(
    "path, urn",
    [
        ("/downloads/80472_hampshire/report.pdf", "80472"),
        ("/downloads/80472_hampshire/2019/report.pdf", None),
        ("/downloads/hampshire/80472_report.pdf", None),
        ("/downloads/hampshire/report.pdf", None),
        ("/downloads/1234_hampshire/report.pdf", None),
    ],
)
def test_folder_urn_is_read_from_the_download_folder_name(path, urn):
    assert ingest.folder_urn(path) == urn


# store: a first source


def test_a_first_report_creates_its_inspection_and_stores_every_grade(tmp_path, southampton):
    result = read(tmp_path, ilacs_report())

    outcome = ingest.store(result)

    inspection = Inspection.objects.get()
    document = SourceDocument.objects.get()
    assert (outcome.status, outcome.reason) == ("ingested", "")
    assert (outcome.inspection, outcome.document) == (inspection, document)
    assert (outcome.inspection_created, outcome.inspection_changed) == (True, False)
    assert (outcome.judgements_stored, outcome.flagged, outcome.review_reasons) == (5, 0, [])
    assert (outcome.reparsed, outcome.changes) == (False, [])
    assert (outcome.judgements_changed, outcome.judgements_added, outcome.judgements_lost) == (
        0, 0, 0
    )  # fmt: skip
    assert outcome.publication is None
    assert (inspection.authority, inspection.framework) == (southampton, "ILACS")
    assert (inspection.start_date, inspection.end_date) == (date(2024, 5, 6), date(2024, 5, 10))
    assert (inspection.lead_inspector, inspection.needs_review) == ("Jane Smith", False)
    assert (document.file_name, document.path, document.sha256) == (
        "southampton-2024.txt", result.path, result.sha256
    )  # fmt: skip
    assert (document.kind, document.pages, document.size_bytes) == (
        "inspection_report", None, (tmp_path / "southampton-2024.txt").stat().st_size
    )  # fmt: skip
    assert document.text_fingerprint == result.fingerprint
    assert (document.status, document.error, document.inspection) == ("ingested", "", inspection)
    assert default_storage.exists(document.file.name)
    assert sorted(inspection.judgements.values_list("area", "grade", "source_document")) == [
        ("care_leavers", "requires_improvement", document.pk),
        ("children_in_care", "good", document.pk),
        ("help_and_protection", "good", document.pk),
        ("impact_of_leaders", "good", document.pk),
        ("overall_effectiveness", "good", document.pk),
    ]


def test_a_pdf_report_keeps_its_page_count(tmp_path, southampton):
    outcome = ingest.store(read_pdf(tmp_path, ilacs_report()))

    assert (outcome.document.pages, outcome.document.kind) == (1, "inspection_report")
    assert outcome.inspection.judgements.get(area="overall_effectiveness").page == 1


def test_a_report_listed_in_the_catalogue_is_matched_to_its_entry(tmp_path, southampton):
    entry = Publication.objects.create(
        authority=southampton,
        published=date(2024, 6, 20),
        url="https://files.ofsted.gov.uk/v1/file/50250000",
        title="Children's services inspection - 20 June 2024",
        kind=Publication.Kind.GRADED_INSPECTION,
    )

    outcome = ingest.store(read(tmp_path, ilacs_report()))

    assert outcome.publication == entry


def test_a_store_that_fails_leaves_no_row_and_no_file(tmp_path, southampton, monkeypatch):
    def catalogue_down(document):
        raise ConnectionError("the catalogue is down")

    monkeypatch.setattr(Publication, "match_document", catalogue_down)
    result = read(tmp_path, ilacs_report())

    with pytest.raises(ConnectionError):
        ingest.store(result)

    assert not SourceDocument.objects.exists()
    assert not Inspection.objects.exists()
    assert default_storage.listdir("documents") == ([], [])


def test_a_failed_reparse_keeps_the_file_stored_before(tmp_path, stored, monkeypatch):
    def catalogue_down(document):
        raise ConnectionError("the catalogue is down")

    monkeypatch.setattr(Publication, "match_document", catalogue_down)

    with pytest.raises(ConnectionError):
        ingest.store(reparse(tmp_path, stored, ilacs_report()))

    assert default_storage.exists(stored.file.name)


# store: a document no authority can be named for


def test_a_report_no_authority_can_be_named_for_is_kept_unplaced_with_its_reading(
    tmp_path, authorities
):
    result = read(tmp_path, ilacs_report(authority="Achieving for Children"), name="afc.txt")

    outcome = ingest.store(result)

    document = SourceDocument.objects.get()
    assert (outcome.status, outcome.reason) == ("unplaced", result.reason)
    assert (outcome.document, outcome.inspection) == (document, None)
    assert (document.status, document.inspection, document.kind) == (
        "unplaced", None, "inspection_report"
    )  # fmt: skip
    assert (document.file_name, document.path, document.sha256) == (
        "afc.txt", result.path, result.sha256
    )  # fmt: skip
    assert document.error == (
        f"{result.path}: it names 'Achieving for Children', which more than one authority may "
        "be; stored unplaced for an editor to place\nthe title block names 'Achieving for "
        "Children', which the reference gives to more than one authority (LA codes 314, 318): "
        "a person must choose"
    )
    assert document.reading == result.parsed.as_json()
    assert document.text_fingerprint == result.fingerprint
    assert default_storage.exists(document.file.name)
    assert not Inspection.objects.exists()


def test_an_unplaced_report_read_again_is_updated_in_place(tmp_path, authorities):
    ingest.store(read(tmp_path, ilacs_report(authority="Achieving for Children"), name="afc.txt"))
    moved = read(tmp_path / "moved", ilacs_report(authority="Achieving for Children"),
                 name="afc.txt")  # fmt: skip

    outcome = ingest.store(moved)

    document = SourceDocument.objects.get()
    assert (outcome.status, outcome.document) == ("unplaced", document)
    assert (document.status, document.path) == ("unplaced", moved.path)


@pytest.fixture
def placed(tmp_path, authorities, staff_user):
    """A report naming only the company that runs Kingston's and Richmond's services, placed
    under Kingston by an editor; its outcome."""
    result = read(tmp_path, ilacs_report(authority="Achieving for Children"), name="afc.txt")
    document = ingest.store(result).document
    kingston = LocalAuthority.objects.get(la_code="314")
    return ingest.place(document, kingston, reason="the report's page", user=staff_user)


def test_a_placed_report_read_again_is_stored_where_the_editor_placed_it(tmp_path, placed):
    text = ilacs_report(authority="Achieving for Children")

    outcome = ingest.store(read(tmp_path, text, name="afc.txt"))

    assert (outcome.status, outcome.reparsed, outcome.inspection) == (
        "ingested", True, placed.inspection
    )  # fmt: skip
    assert outcome.inspection.authority.la_code == "314"
    assert Inspection.objects.count() == 1
    assert Judgement.objects.filter(inspection=placed.inspection).count() == 5


def test_a_placed_report_read_again_is_not_flagged_for_its_authority_again(tmp_path, placed):
    text = ilacs_report(authority="Achieving for Children")

    outcome = ingest.store(read(tmp_path, text, name="afc.txt"))

    assert outcome.review_reasons == []
    assert outcome.document.status == "ingested"


def test_a_placed_reading_names_the_chosen_authority_and_keeps_every_other_doubt(southampton):
    from inspections.parsing.document import NO_AUTHORITY, SHARED_NAME, ParsedDocument

    reading = ParsedDocument(
        kind="inspection_report", framework="ILACS", authority_code=None,
        authority_as_printed="Achieving for Children", inspection_start=None,
        inspection_end=None, published=None, lead_inspector=None, judgements=(),
        review_reasons=(NO_AUTHORITY, f"{SHARED_NAME} 'Achieving for Children'", "a date unread"),
    )  # fmt: skip

    placed = ingest._placed(reading, southampton)

    assert (placed.authority_code, placed.review_reasons) == ("852", ("a date unread",))


# store: the download folder


@pytest.mark.parametrize(
    "folder, reasons",
    [
        ("80558_southampton", []),
        ("southampton", []),
        (
            "80472_hampshire",
            ["the folder names Ofsted URN 80472 (Hampshire) but the document names Southampton"],
        ),
        (
            "99999999_unknown",
            ["the folder names Ofsted URN 99999999 (unknown) but the document names Southampton"],
        ),
    ],
)
def test_a_download_folder_of_another_authority_is_flagged(tmp_path, southampton, folder, reasons):
    outcome = ingest.store(read(tmp_path / folder, ilacs_report()))

    assert outcome.review_reasons == reasons
    assert outcome.inspection.authority == southampton
    assert (outcome.document.status, outcome.document.error) == (
        "needs_review" if reasons else "ingested", "\n".join(reasons)
    )  # fmt: skip
    assert outcome.inspection.needs_review == bool(reasons)
    assert outcome.inspection.review_reason == "\n".join(reasons)


@pytest.mark.parametrize(
    "council, folder",
    [
        ("Borough of Poole", "2532287_bcp"),  # the council that succeeded it
        ("Bournemouth, Christchurch and Poole Council", "137316_poole"),  # one it succeeded
    ],
)
def test_the_folder_of_a_predecessor_or_successor_is_no_reason_to_review(
    tmp_path, authorities, council, folder
):
    outcome = ingest.store(read(tmp_path / folder, ilacs_report(authority=council)))

    assert outcome.review_reasons == []
    assert outcome.document.status == "ingested"


# store: joining the inspection a further source describes


def test_a_pdf_copy_joins_the_inspection_and_gives_each_grade_its_page(tmp_path, stored):
    outcome = ingest.store(read_pdf(tmp_path, ilacs_report()))

    assert Inspection.objects.get() == outcome.inspection == stored.inspection
    assert (outcome.inspection_created, outcome.inspection_changed) == (False, True)
    assert (outcome.judgements_stored, outcome.flagged, outcome.reparsed) == (5, 0, False)
    assert (outcome.changes, outcome.review_reasons) == ([], [])
    assert set(Judgement.objects.values_list("source_document", "page")) == {
        (outcome.document.pk, 1)
    }


def test_a_second_text_copy_changes_nothing(tmp_path, stored):
    outcome = ingest.store(read(tmp_path, ilacs_report() + "\n", name="copy.txt"))

    assert outcome.inspection == stored.inspection
    assert (outcome.inspection_created, outcome.inspection_changed) == (False, False)
    assert (outcome.judgements_stored, outcome.flagged) == (0, 0)
    assert set(Judgement.objects.values_list("source_document", flat=True)) == {stored.pk}


def test_a_further_source_fills_what_the_inspection_lacks(tmp_path, southampton):
    first = read(tmp_path, ilacs_report())
    inspection = ingest.store(
        replace(first, parsed=replace(first.parsed, lead_inspector=None))
    ).inspection
    assert inspection.lead_inspector == ""

    outcome = ingest.store(read(tmp_path, ilacs_report() + "\n", name="copy.txt"))

    inspection.refresh_from_db()
    assert inspection.lead_inspector == "Jane Smith"
    assert (outcome.inspection_changed, outcome.changes) == (True, [])


def test_a_further_source_reading_another_grade_is_flagged(tmp_path, stored):
    text = ilacs_report().replace(CARE_LEAVERS_RI, CARE_LEAVERS_GOOD)

    outcome = ingest.store(read(tmp_path, text, name="copy.txt"))

    care_leavers = Judgement.objects.get(area="care_leavers")
    assert (care_leavers.grade, care_leavers.needs_review) == ("requires_improvement", True)
    assert (outcome.judgements_stored, outcome.flagged, outcome.inspection_changed) == (1, 1, True)
    assert outcome.changes == []


@pytest.mark.parametrize("printed", ["6 May to 10 May 2024", "7 May to 10 May 2024"])
def test_a_copy_joins_an_inspection_whose_date_staff_corrected(
    tmp_path, stored, staff_user, printed
):
    inspection = stored.inspection
    inspection.correct(start_date=date(2024, 5, 7), reason="the letter", user=staff_user)

    copy = ilacs_report(dates=printed) + "\n"  # resaved: other bytes

    outcome = ingest.store(read(tmp_path, copy, name="copy.txt"))

    assert outcome.inspection == inspection
    assert Inspection.objects.count() == 1


def test_a_copy_joins_an_inspection_whose_authority_staff_corrected(
    tmp_path, stored, staff_user, hampshire
):
    inspection = stored.inspection
    inspection.correct(authority=hampshire, reason="the letter", user=staff_user)

    outcome = ingest.store(read(tmp_path, ilacs_report() + "\n", name="copy.txt"))

    assert outcome.inspection == inspection
    assert Inspection.objects.count() == 1


def hampshire_report(tmp_path):
    """Hampshire's 2024 ILACS report (Southampton's text, Hampshire's name), stored; its
    inspection."""
    text = ilacs_report(authority="Hampshire County Council")
    return ingest.store(read(tmp_path, text, name="hampshire-2024.txt")).inspection


def test_a_report_joins_an_inspection_staff_moved_to_its_authority(
    tmp_path, southampton, hampshire, staff_user
):
    moved = hampshire_report(tmp_path)
    moved.correct(authority=southampton, reason="the report is Southampton's", user=staff_user)

    outcome = ingest.store(read(tmp_path, ilacs_report()))

    assert outcome.inspection == moved
    assert Inspection.objects.count() == 1


def test_a_report_never_joins_another_authoritys_inspection_on_the_date_read_there(
    tmp_path, southampton, hampshire, staff_user
):
    moved = hampshire_report(tmp_path)
    moved.correct(authority=southampton, start_date=date(2024, 5, 5), reason="the letter",
                  user=staff_user)  # fmt: skip

    outcome = ingest.store(read(tmp_path, ilacs_report()))

    assert outcome.inspection_created
    assert Inspection.objects.count() == 2


def test_a_report_never_joins_an_inspection_staff_moved_away_on_the_date_corrected_there(
    tmp_path, stored, hampshire, staff_user
):
    stored.inspection.correct(authority=hampshire, start_date=date(2024, 5, 7),
                              reason="the report is Hampshire's", user=staff_user)  # fmt: skip
    copy = ilacs_report(dates="7 May to 10 May 2024")

    outcome = ingest.store(read(tmp_path, copy, name="copy.txt"))

    assert outcome.inspection_created
    assert outcome.inspection.authority.la_code == "852"


def test_a_report_never_joins_another_frameworks_inspection_of_its_date(tmp_path, southampton):
    visit = make_inspection(southampton, framework="JTAI", start_date=date(2024, 5, 6))

    outcome = ingest.store(read(tmp_path, ilacs_report()))

    assert outcome.inspection_created
    assert outcome.inspection != visit
    assert outcome.inspection.framework == "ILACS"


def test_a_report_of_another_date_is_another_inspection(tmp_path, stored):
    outcome = ingest.store(
        read(tmp_path, ilacs_report(dates="4 March to 8 March 2021"), name="2021.txt")
    )

    assert outcome.inspection_created
    assert outcome.inspection.start_date == date(2021, 3, 4)
    assert Inspection.objects.count() == 2


def test_a_store_drops_the_demo_data_of_the_inspection_it_describes(tmp_path, southampton):
    inspection = make_inspection(southampton, start_date=date(2024, 5, 6))
    make_document(inspection=inspection, file_name="demo", kind=SourceDocument.Kind.DEMO_DATA)

    outcome = ingest.store(read(tmp_path, ilacs_report()))

    assert outcome.inspection == inspection
    assert list(inspection.documents.values_list("file_name", flat=True)) == [
        "southampton-2024.txt"
    ]


def test_areas_a_report_prints_as_not_judged_are_kept(tmp_path, southampton):
    result = read(tmp_path, ilacs_report())
    parsed = replace(
        result.parsed,
        judgements=tuple(j for j in result.parsed.judgements if j.area != "care_leavers"),
        not_judged=("care_leavers",),
    )

    outcome = ingest.store(replace(result, parsed=parsed))

    assert outcome.inspection.not_judged == ["care_leavers"]
    assert outcome.judgements_stored == 4


def test_a_grade_read_as_unsure_is_counted_as_flagged(tmp_path, southampton):
    result = read(tmp_path, ilacs_report())
    unsure = replace(result.parsed.judgements[0], needs_review=True, review_reason="unsure")
    parsed = replace(result.parsed, judgements=(unsure, *result.parsed.judgements[1:]))

    outcome = ingest.store(replace(result, parsed=parsed))

    assert (outcome.judgements_stored, outcome.flagged) == (5, 1)


def test_two_reasons_to_review_are_stored_one_a_line(tmp_path, southampton):
    result = read(tmp_path / "80472_hampshire", ilacs_report())
    parsed = replace(result.parsed, review_reasons=("the table and the text disagree",))

    outcome = ingest.store(replace(result, parsed=parsed))

    reasons = [
        "the table and the text disagree",
        "the folder names Ofsted URN 80472 (Hampshire) but the document names Southampton",
    ]
    assert outcome.review_reasons == reasons
    assert outcome.document.error == "\n".join(reasons)
    assert outcome.inspection.review_reason == "\n".join(reasons)


# store: a source that prints no dates


def with_fingerprint(result, fingerprint):
    """The reading with the text sample given (the word runs it shares with another's)."""
    return replace(result, fingerprint=fingerprint)


SAMPLE = list(range(0, 80, 8))  # ten sampled word runs of the stored report's text


@pytest.fixture
def dated(tmp_path, southampton):
    """Southampton's 2024 report stored, its text sampled as SAMPLE; its inspection."""
    return ingest.store(with_fingerprint(read(tmp_path, ilacs_report()), SAMPLE)).inspection


def undated(tmp_path, fingerprint, *, care_leavers=CARE_LEAVERS_GOOD):
    """A copy that prints no dates and reads care leavers as `care_leavers`."""
    text = ilacs_report(dates="").replace(CARE_LEAVERS_RI, care_leavers)
    return with_fingerprint(read(tmp_path, text, name="undated.txt"), fingerprint)


@pytest.mark.parametrize(
    "fingerprint",
    [
        SAMPLE[:5] + list(range(1000, 1005)),  # half the runs of each
        SAMPLE[5:] + list(range(1000, 1010)),  # half the stored report's, a third of its own
    ],
)
def test_an_undated_source_sharing_half_the_text_joins_that_inspection(
    tmp_path, dated, fingerprint
):
    outcome = ingest.store(undated(tmp_path, fingerprint))

    assert outcome.inspection == dated
    assert (outcome.inspection_created, outcome.review_reasons) == (False, [])


@pytest.mark.parametrize(
    "fingerprint",
    [[], SAMPLE[:4] + list(range(1000, 1005)), SAMPLE[:4] + list(range(1000, 1020))],
)
def test_an_undated_source_sharing_less_text_is_another_inspection(tmp_path, dated, fingerprint):
    outcome = ingest.store(undated(tmp_path, fingerprint))

    assert outcome.inspection_created
    assert outcome.inspection.start_date is None
    assert Inspection.objects.count() == 2


def test_an_undated_source_with_the_same_grades_joins_and_is_flagged(tmp_path, dated):
    outcome = ingest.store(undated(tmp_path, [], care_leavers=CARE_LEAVERS_RI))

    how = (
        "joined to an inspection with the same judgements and grades because one source prints "
        "no dates: check it is the same inspection"
    )
    assert outcome.inspection == dated
    assert outcome.review_reasons == [how]
    assert outcome.document.status == "needs_review"
    dated.refresh_from_db()
    assert (dated.needs_review, dated.review_reason) == (True, how)


def test_an_undated_source_with_the_grades_of_two_inspections_joins_neither(
    tmp_path, dated, southampton
):
    earlier = make_inspection(southampton, start_date=date(2021, 3, 4))
    for judgement in dated.judgements.all():
        make_judgement(earlier, area=judgement.area, label=judgement.label, grade=judgement.grade)

    outcome = ingest.store(undated(tmp_path, [], care_leavers=CARE_LEAVERS_RI))

    assert outcome.inspection_created
    assert outcome.review_reasons == []


def test_an_undated_source_reading_no_grades_joins_no_inspection_without_grades(
    tmp_path, southampton
):
    make_inspection(southampton, start_date=date(2021, 3, 4))
    result = undated(tmp_path, [])

    outcome = ingest.store(replace(result, parsed=replace(result.parsed, judgements=())))

    assert outcome.inspection_created
    assert Inspection.objects.count() == 2


def test_an_undated_source_never_joins_another_authoritys_inspection(
    tmp_path, southampton, hampshire
):
    text = ilacs_report(authority="Hampshire County Council")
    theirs = ingest.store(with_fingerprint(read(tmp_path, text, name="h.txt"), SAMPLE)).inspection

    outcome = ingest.store(undated(tmp_path, SAMPLE, care_leavers=CARE_LEAVERS_RI))

    assert outcome.inspection_created
    assert outcome.inspection.authority == southampton
    assert theirs.documents.count() == 1


def test_an_undated_inspection_is_joined_by_the_dated_source_sharing_its_text(
    tmp_path, southampton
):
    first = ingest.store(undated(tmp_path, SAMPLE)).inspection

    outcome = ingest.store(with_fingerprint(read(tmp_path, ilacs_report()), SAMPLE))

    assert outcome.inspection == first
    first.refresh_from_db()
    assert first.start_date == date(2024, 5, 6)


def test_a_dated_source_never_joins_an_inspection_of_another_date_by_its_text(tmp_path, dated):
    result = read(tmp_path, ilacs_report(dates="4 March to 8 March 2021"), name="2021.txt")

    outcome = ingest.store(with_fingerprint(result, SAMPLE))

    assert outcome.inspection_created
    assert outcome.inspection.start_date == date(2021, 3, 4)


# store: a reparse (the same file read again)


def test_a_reparse_reading_the_same_changes_nothing(tmp_path, stored):
    outcome = ingest.store(reparse(tmp_path, stored, ilacs_report()))

    assert (outcome.reparsed, outcome.document, outcome.inspection) == (
        True, stored, stored.inspection
    )  # fmt: skip
    assert (outcome.inspection_created, outcome.inspection_changed) == (False, False)
    assert (outcome.judgements_stored, outcome.flagged, outcome.changes) == (0, 0, [])
    assert (outcome.judgements_changed, outcome.judgements_added, outcome.judgements_lost) == (
        0, 0, 0
    )  # fmt: skip
    assert SourceDocument.objects.count() == 1


def test_a_reparse_reading_another_grade_takes_it_and_says_so(tmp_path, stored):
    text = ilacs_report().replace(CARE_LEAVERS_RI, CARE_LEAVERS_GOOD)

    outcome = ingest.store(reparse(tmp_path, stored, text))

    assert Judgement.objects.get(area="care_leavers").grade == "good"
    assert (outcome.judgements_stored, outcome.judgements_changed, outcome.flagged) == (1, 1, 0)
    assert (outcome.judgements_added, outcome.judgements_lost) == (0, 0)
    assert outcome.inspection_changed
    assert outcome.changes == [
        "The experiences and progress of care leavers: requires improvement → good"
    ]


def test_a_reparse_replaces_a_date_only_its_own_source_gave(tmp_path, stored):
    outcome = ingest.store(reparse(tmp_path, stored, ilacs_report(dates="7 May to 10 May 2024")))

    assert outcome.inspection == stored.inspection
    assert outcome.inspection.start_date == date(2024, 5, 7)
    assert (outcome.inspection_changed, outcome.changes) == (
        True, ["start date 2024-05-06 → 2024-05-07"]
    )  # fmt: skip


def test_a_reparse_flags_a_date_another_source_gives_too(tmp_path, stored):
    ingest.store(read_pdf(tmp_path, ilacs_report()))

    outcome = ingest.store(reparse(tmp_path, stored, ilacs_report(dates="7 May to 10 May 2024")))

    inspection = Inspection.objects.get()
    assert outcome.inspection == inspection
    assert inspection.start_date == date(2024, 5, 6)
    assert (outcome.inspection_changed, outcome.changes) == (False, [])
    assert inspection.review_reason == (
        "sources disagree on the start date: southampton-2024.txt says 2024-05-07, kept 2024-05-06"
    )


def test_a_reparse_counts_each_grade_it_reads_differently(tmp_path, stored):
    text = (
        ilacs_report()
        .replace(CARE_LEAVERS_RI, CARE_LEAVERS_GOOD)
        .replace("Overall effectiveness Good", "Overall effectiveness Outstanding")
    )

    outcome = ingest.store(reparse(tmp_path, stored, text))

    assert (outcome.judgements_stored, outcome.judgements_changed) == (2, 2)
    assert outcome.changes == [
        "The experiences and progress of care leavers: requires improvement → good",
        "Overall effectiveness: good → outstanding",
    ]


def without_overall(result):
    judgements = tuple(j for j in result.parsed.judgements if j.area != "overall_effectiveness")
    return replace(result, parsed=replace(result.parsed, judgements=judgements))


def test_a_reparse_finding_a_further_grade_adds_it(tmp_path, southampton):
    first = ingest.store(without_overall(read(tmp_path, ilacs_report()))).document

    outcome = ingest.store(reparse(tmp_path, first, ilacs_report()))

    assert Judgement.objects.get(area="overall_effectiveness").grade == "good"
    assert (outcome.judgements_stored, outcome.judgements_added) == (1, 1)
    assert (outcome.judgements_changed, outcome.judgements_lost) == (0, 0)
    assert outcome.changes == ["Overall effectiveness: newly read as good"]


def test_a_reparse_flags_a_grade_it_no_longer_finds_and_keeps_it(tmp_path, stored):
    outcome = ingest.store(without_overall(reparse(tmp_path, stored, ilacs_report())))

    overall = Judgement.objects.get(area="overall_effectiveness")
    assert (overall.grade, overall.needs_review) == ("good", True)
    assert overall.review_reason == (
        "the reparse of southampton-2024.txt no longer finds this judgement; kept as read"
    )
    assert overall.history.first().history_change_reason == "Reparse of southampton-2024.txt"
    assert (outcome.judgements_lost, outcome.flagged, outcome.judgements_stored) == (1, 1, 0)
    assert outcome.changes == ["Overall effectiveness: no longer found, kept as good"]
    assert Judgement.objects.filter(needs_review=True).count() == 1


def test_a_reparse_counts_an_unsure_grade_and_a_lost_one_as_flagged(tmp_path, stored):
    result = without_overall(reparse(tmp_path, stored, ilacs_report()))
    unsure = replace(result.parsed.judgements[0], needs_review=True, review_reason="unsure")
    parsed = replace(result.parsed, judgements=(unsure, *result.parsed.judgements[1:]))

    outcome = ingest.store(replace(result, parsed=parsed))

    assert (outcome.flagged, outcome.judgements_lost) == (2, 1)
    assert Judgement.objects.filter(needs_review=True).count() == 2


def test_a_grade_no_longer_found_twice_is_flagged_once(tmp_path, stored):
    ingest.store(without_overall(reparse(tmp_path, stored, ilacs_report())))

    outcome = ingest.store(without_overall(reparse(tmp_path, stored, ilacs_report())))

    assert (outcome.judgements_lost, outcome.flagged) == (1, 0)
    assert outcome.changes == ["Overall effectiveness: no longer found, kept as good"]


def test_a_reparse_reading_another_authority_moves_the_document_there(tmp_path, stored):
    text = ilacs_report(authority="Hampshire County Council")

    outcome = ingest.store(reparse(tmp_path, stored, text))

    left = stored.inspection
    left.refresh_from_db()
    assert outcome.inspection_created
    assert str(outcome.inspection) == "Hampshire – ILACS, 2024-05-06"
    assert list(outcome.inspection.documents.all()) == [stored]
    assert (left.needs_review, left.review_reason) == (
        True,
        "the reparse of southampton-2024.txt reads it as Hampshire – ILACS, 2024-05-06; it "
        "moved there",
    )
    assert (outcome.judgements_added, outcome.judgements_lost) == (5, 5)
    assert outcome.changes[0] == (
        "moved from Southampton – ILACS, 2024-05-06 to Hampshire – ILACS, 2024-05-06"
    )
    assert outcome.changes[1:6] == [
        f"{j.label}: newly read as {j.grade.replace('_', ' ')}"
        for j in reparse(tmp_path, stored, text).parsed.judgements
    ]
    assert left.judgements.filter(needs_review=True).count() == 5


def test_a_reparse_reading_another_inspections_date_moves_the_document_there(tmp_path, stored):
    earlier = ingest.store(
        read(tmp_path, ilacs_report(dates="4 March to 8 March 2021"), name="2021.txt")
    ).inspection

    outcome = ingest.store(reparse(tmp_path, stored, ilacs_report(dates="4 March to 8 March 2021")))

    assert (outcome.inspection, outcome.inspection_created) == (earlier, False)
    assert outcome.changes[0] == (
        "moved from Southampton – ILACS, 2024-05-06 to Southampton – ILACS, 2021-03-04"
    )
    assert stored.inspection.documents.count() == 0


def test_a_reparse_stays_with_an_inspection_whose_authority_staff_corrected(
    tmp_path, stored, staff_user, hampshire
):
    inspection = stored.inspection
    inspection.correct(authority=hampshire, start_date=date(2024, 5, 7), reason="the letter",
                       user=staff_user)  # fmt: skip

    text = ilacs_report(dates="").replace(CARE_LEAVERS_RI, CARE_LEAVERS_GOOD)

    outcome = ingest.store(with_fingerprint(reparse(tmp_path, stored, text), []))

    assert (outcome.inspection, outcome.inspection_created) == (inspection, False)
    assert [c for c in outcome.changes if c.startswith("moved")] == []


def test_a_reparse_of_an_undated_source_stays_with_its_inspection(tmp_path, southampton):
    first = ingest.store(read(tmp_path, ilacs_report(dates=""))).document

    text = ilacs_report(dates="").replace(CARE_LEAVERS_RI, CARE_LEAVERS_GOOD)

    outcome = ingest.store(with_fingerprint(reparse(tmp_path, first, text), []))

    assert (outcome.inspection, outcome.inspection_created) == (first.inspection, False)
    assert Inspection.objects.count() == 1


def test_a_reparse_reading_another_authority_and_no_dates_joins_its_inspection_by_text(
    tmp_path, stored, hampshire
):
    theirs = hampshire_report(tmp_path)
    text = ilacs_report(authority="Hampshire County Council", dates="").replace(
        CARE_LEAVERS_RI, CARE_LEAVERS_GOOD
    )

    outcome = ingest.store(reparse(tmp_path, stored, text))

    assert (outcome.inspection, outcome.inspection_created) == (theirs, False)
    assert outcome.review_reasons == []


# store: the queries a document costs


def queries_to_store(result):
    """The queries storing `result` makes, savepoints left out (each write rule is atomic)."""
    with CaptureQueriesContext(connection) as queries:
        ingest.store(result)
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]])


def test_a_further_copy_reads_the_stored_grades_in_queries_not_one_per_grade(tmp_path, stored):
    one_grade = read(tmp_path, ilacs_report() + "\n", name="one.txt")
    one_grade = replace(
        one_grade, parsed=replace(one_grade.parsed, judgements=one_grade.parsed.judgements[:1])
    )
    five_grades = read(tmp_path, ilacs_report() + "\n\n", name="five.txt")

    assert queries_to_store(five_grades) == queries_to_store(one_grade)


def test_an_undated_source_is_matched_in_queries_not_one_per_inspection(tmp_path, southampton):
    make_inspection(southampton, start_date=date(2019, 4, 29))
    first = undated(tmp_path / "a", [])
    before = queries_to_store(first)
    for start in [date(2021, 3, 4), date(2022, 1, 10)]:
        make_inspection(southampton, start_date=start)
    second = undated(tmp_path / "b", [], care_leavers="The experiences and progress of care "
                     "leavers Inadequate")  # fmt: skip

    assert Inspection.objects.count() == 4
    assert queries_to_store(second) == before
