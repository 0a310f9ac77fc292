"""An authority's page: its timeline of inspections and catalogue entries (dashboards/timeline.py),
the evidence lines (evidence.py), the views, the sign-in middleware and the data version."""

import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from authorities.models import LocalAuthority
from dashboards import evidence, timeline
from dashboards.models import DataVersion
from inspections.models import ImportProblem, ImportRun, Inspection, Judgement
from inspections.publications import MATCH_WINDOW, CatalogueCheck, Publication
from tests.factories import make_document, make_inspection, make_judgement, make_publication

PUBLISHED = date(2019, 6, 20)


@pytest.fixture
def bournemouth(authorities):
    return LocalAuthority.objects.get(la_code="837")


def entry_of(authority, published, covered=None, **kwargs):
    """A catalogue entry as the pages read it (unsaved): `covered` as `with_coverage()` sets it,
    or no such attribute at all when None."""
    entry = Publication(authority=authority, published=published, **kwargs)
    if covered is not None:
        entry.covered = covered
    return entry


def ended(authority, end_date, framework="ILACS", days=4):
    """An inspection (unsaved) that ended on `end_date`."""
    start = end_date - timedelta(days=days) if end_date else None
    return Inspection(authority=authority, framework=framework, start_date=start, end_date=end_date)


# Which inspection a catalogue entry not stored here is of (_covering)


@pytest.mark.django_db
def test_a_covered_entry_is_of_the_latest_graded_inspection_that_ended_before_it(hampshire):
    older = ended(hampshire, PUBLISHED - timedelta(days=150))
    latest = ended(hampshire, PUBLISHED - timedelta(days=40))
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert timeline._covering(entry, [older, latest]) is latest
    assert timeline._covering(entry, [latest, older]) is latest


@pytest.mark.django_db
def test_the_latest_is_the_one_that_ended_last_not_the_one_that_started_last(hampshire):
    # A three-week inspection that started first and ended last, beside a short one within it.
    long = Inspection(authority=hampshire, framework="ILACS", start_date=date(2019, 3, 4),
                      end_date=date(2019, 3, 22))  # fmt: skip
    short = Inspection(authority=hampshire, framework="ILACS", start_date=date(2019, 3, 11),
                       end_date=date(2019, 3, 15))  # fmt: skip
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert timeline._covering(entry, [short, long]) is long


@pytest.mark.django_db
def test_an_entry_not_covered_is_of_no_inspection_here(hampshire):
    inspection = ended(hampshire, PUBLISHED - timedelta(days=40))
    assert timeline._covering(entry_of(hampshire, PUBLISHED, covered=False), [inspection]) is None
    # Not annotated by with_coverage(): no coverage is known, so none is guessed.
    assert timeline._covering(entry_of(hampshire, PUBLISHED), [inspection]) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "days_before, found",
    [(-1, False), (0, True), (1, True), (MATCH_WINDOW.days, True), (MATCH_WINDOW.days + 1, False)],
)
def test_the_inspection_ended_within_the_window_before_publication(hampshire, days_before, found):
    inspection = ended(hampshire, PUBLISHED - timedelta(days=days_before))
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert (timeline._covering(entry, [inspection]) is inspection) is found


@pytest.mark.django_db
def test_an_inspection_that_started_before_the_window_and_ended_in_it_counts(hampshire):
    inspection = Inspection(authority=hampshire, framework="ILACS",
                            start_date=PUBLISHED - timedelta(days=203),
                            end_date=PUBLISHED - timedelta(days=199))  # fmt: skip
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert timeline._covering(entry, [inspection]) is inspection


@pytest.mark.django_db
def test_an_inspection_with_no_end_date_is_placed_by_its_start(hampshire):
    undated_end = Inspection(authority=hampshire, framework="ILACS",
                             start_date=PUBLISHED - timedelta(days=30), end_date=None)  # fmt: skip
    no_dates = Inspection(authority=hampshire, framework="ILACS", start_date=None, end_date=None)
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert timeline._covering(entry, [no_dates, undated_end]) is undated_end
    assert timeline._covering(entry, [no_dates]) is None


@pytest.mark.django_db
def test_only_a_graded_inspection_of_the_entrys_own_authority_covers_it(hampshire, southampton):
    visit = ended(hampshire, PUBLISHED - timedelta(days=10), framework="FOCUSED_VISIT")
    theirs = ended(southampton, PUBLISHED - timedelta(days=10))
    out_of_window = ended(hampshire, PUBLISHED - timedelta(days=400))
    entry = entry_of(hampshire, PUBLISHED, covered=True)
    assert timeline._covering(entry, [visit, theirs, out_of_window]) is None


# Catalogue entries beside the inspections they are of (with_ofsted_entries)


@pytest.mark.django_db
def test_entries_join_the_inspection_holding_their_file_or_covering_them(hampshire):
    stored = make_inspection(hampshire, start_date=date(2019, 4, 29))
    document = make_document(inspection=stored, file_name="hampshire-2019.pdf")
    covering = make_inspection(hampshire, start_date=date(2023, 1, 9))
    visit = make_inspection(hampshire, framework="FOCUSED_VISIT", start_date=date(2021, 3, 1))
    inspections = timeline.with_judgements(Inspection.objects.order_by("-start_date"))
    of_stored = entry_of(hampshire, date(2019, 6, 20), document=document)
    of_covering = entry_of(hampshire, date(2023, 2, 27), covered=True)
    loose = entry_of(hampshire, date(2021, 4, 1), covered=False)

    left = timeline.with_ofsted_entries(inspections, [of_covering, loose, of_stored])

    assert left == [loose]
    by_date = {i.start_date: i.ofsted_entries for i in inspections}
    assert by_date == {
        covering.start_date: [of_covering],
        visit.start_date: [],
        stored.start_date: [of_stored],
    }


# Inspections and the entries of none, on one timeline (merged)


def _kinds(timeline_rows):
    return [(kind, getattr(o, "published", None) or o.start_date) for kind, o in timeline_rows]


@pytest.mark.django_db
def test_entries_are_placed_newest_first_among_the_inspections(hampshire):
    inspections = [
        Inspection(authority=hampshire, framework="ILACS", start_date=date(2023, 1, 9)),
        Inspection(authority=hampshire, framework="SIF", start_date=date(2014, 5, 6)),
    ]
    days = [date(2012, 2, 1), date(2025, 5, 9), date(2018, 3, 1), date(2023, 1, 9)]
    entries = [entry_of(hampshire, d) for d in days]

    assert _kinds(timeline.merged(inspections, entries)) == [
        ("entry", date(2025, 5, 9)),
        ("entry", date(2023, 1, 9)),  # published the day the inspection started: before it
        ("inspection", date(2023, 1, 9)),
        ("entry", date(2018, 3, 1)),
        ("inspection", date(2014, 5, 6)),
        ("entry", date(2012, 2, 1)),
    ]


@pytest.mark.django_db
def test_an_inspection_with_no_date_keeps_its_place_and_waits_for_none(hampshire):
    inspections = [
        Inspection(authority=hampshire, framework="ILACS", start_date=None),
        Inspection(authority=hampshire, framework="SIF", start_date=date(2014, 5, 6)),
    ]
    entries = [entry_of(hampshire, date(2018, 3, 1)), entry_of(hampshire, date(2012, 2, 1))]
    rows = timeline.merged(inspections, entries)
    assert [(kind, o) for kind, o in rows] == [
        ("inspection", inspections[0]),
        ("entry", entries[0]),
        ("inspection", inspections[1]),
        ("entry", entries[1]),
    ]


@pytest.mark.django_db
def test_no_entries_leave_the_inspections_as_they_are(hampshire):
    inspections = [Inspection(authority=hampshire, framework="ILACS", start_date=date(2023, 1, 9))]
    assert timeline.merged(inspections, []) == [("inspection", inspections[0])]
    assert timeline.merged([], []) == []


# Each judgement with its evidence and its history (with_judgements, _histories)


@pytest.mark.django_db
def test_history_rows_come_newest_first_with_who_and_why(hampshire, staff_user):
    inspection = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    judgement = make_judgement(inspection, area="safeguarding.overall_effectiveness", grade="good")
    judgement.correct(grade="outstanding", reason="The table says outstanding", user=staff_user)
    judgement.correct(grade="adequate", reason="Read again: adequate", user=staff_user)

    [found] = timeline.with_judgements(Inspection.objects.filter(pk=inspection.pk))
    [shown] = found.judgements.all()

    rows = shown.history_rows
    assert [(r.history_type, r.history_change_reason) for r in rows] == [
        ("~", "Read again: adequate"),
        ("~", "The table says outstanding"),
        ("+", None),
    ]
    assert [r.history_user for r in rows] == [staff_user, staff_user, None]
    assert [r.from_demo_data for r in rows] == [False, False, False]
    assert shown.section == "Safeguarding"


@pytest.mark.django_db
def test_history_is_ordered_by_its_dates_then_by_row(hampshire):
    """A row dated earlier than one written before it (an imported history) sorts by its date;
    rows of one moment, newest row first."""
    judgement = make_judgement(make_inspection(hampshire))
    for grade in ("outstanding", "requires_improvement", "inadequate"):
        judgement.grade = grade
        judgement._history_date = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
        judgement.save()
    del judgement._history_date

    [found] = timeline.with_judgements(Inspection.objects.all())
    rows = found.judgements.all()[0].history_rows
    assert [(r.history_type, r.grade) for r in rows] == [
        ("+", "good"),  # now
        ("~", "inadequate"),  # 6 January 2020, written last
        ("~", "requires_improvement"),
        ("~", "outstanding"),
    ]
    assert found.judgements.all()[0].section == ""


@pytest.mark.django_db
def test_demo_data_history_is_marked_as_such(hampshire):
    demo = make_judgement(make_inspection(hampshire))
    parsed = make_judgement(
        demo.inspection, area="help_and_protection", label="Help and protection"
    )
    Judgement.history.filter(id=demo.pk).update(history_change_reason=Judgement.DEMO_DATA_REASON)

    [found] = timeline.with_judgements(Inspection.objects.all())
    flags = {j.area: [r.from_demo_data for r in j.history_rows] for j in found.judgements.all()}
    assert flags == {demo.area: [True], parsed.area: [False]}


@pytest.mark.django_db
def test_evidence_history_and_documents_come_in_a_fixed_number_of_queries(
    hampshire, staff_user, django_assert_num_queries
):
    for year in (2014, 2019):
        inspection = make_inspection(hampshire, start_date=date(year, 4, 29))
        document = make_document(inspection=inspection, file_name=f"hampshire-{year}.pdf")
        for area in ("overall_effectiveness", "help_and_protection"):
            judgement = make_judgement(inspection, area=area, source_document=document, page=3)
            judgement.correct(grade="outstanding", reason="The table", user=staff_user)

    # The inspections, their judgements, their documents, and the judgements' history.
    with django_assert_num_queries(4):
        inspections = timeline.with_judgements(Inspection.objects.order_by("start_date"))
        shown = [
            (
                i.start_date.year,
                [d.file_name for d in i.documents.all()],
                [
                    (j.source_document.file_name, j.corrected_by.username)
                    for j in i.judgements.all()
                ],
                [r.history_user.username for j in i.judgements.all() for r in j.history_rows[:1]],
            )
            for i in inspections
        ]
    by_staff = ("hampshire-{}.pdf", "staff")
    assert shown == [
        (y, [f"hampshire-{y}.pdf"], [(by_staff[0].format(y), "staff")] * 2, ["staff"] * 2)
        for y in (2014, 2019)
    ]


# The authority page (authority_page)

SERVER_PATH = "/srv/ofsted/downloads/80472_bcp/"


@pytest.fixture
def bcp_record(bcp, poole, bournemouth, staff_user):
    """BCP's record: its predecessors' 2011 inspections (begun the same day), two of its own
    begun the same day, the catalogue's entries of them and of newer reports, and one refused
    file."""
    bournemouth_slac = make_inspection(bournemouth, framework="SLAC", start_date=date(2011, 10, 31))
    poole_slac = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    ilacs = make_inspection(bcp, start_date=date(2021, 12, 6))
    visit = make_inspection(bcp, framework="FOCUSED_VISIT", start_date=date(2021, 12, 6))
    make_judgement(ilacs, grade="inadequate", needs_review=True, review_reason="Two grades")
    make_judgement(ilacs, area="help_and_protection", label="Help and protection").correct(
        grade="inadequate", reason="The table says inadequate", user=staff_user
    )
    make_judgement(poole_slac, area="safeguarding.overall_effectiveness", grade="adequate")
    poole_report = make_document(inspection=poole_slac, file_name="poole-2011.pdf")
    bcp_report = make_document(inspection=ilacs, file_name="bcp-2021.pdf")
    # Created out of date order: the page orders them.
    entries = {
        "refused": make_publication(bcp, date(2025, 5, 9), state="refused",
                                    reason=f"{SERVER_PATH}50204404.pdf: not a PDF"),
        "poole": make_publication(poole, date(2011, 12, 20), state="stored", document=poole_report),
        "stored": make_publication(bcp, date(2022, 2, 10), state="stored", document=bcp_report),
        "visit": make_publication(bcp, date(2025, 8, 1), kind="focused_visit"),
    }  # fmt: skip
    # A colon in a folder's name: only the problem's own path says where the folders end.
    ImportProblem.objects.create(
        run=ImportRun.objects.create(), path="/srv/in: 2022/saved page.pdf",
        file_name="saved page.pdf", status="refused", authority=bcp,
        reason="/srv/in: 2022/saved page.pdf: not a PDF",
    )  # fmt: skip
    CatalogueCheck.objects.create(
        authority=bcp, checked_at=datetime(2026, 8, 22, tzinfo=UTC), source="seed list"
    )
    inspections = {"ilacs": ilacs, "visit": visit, "poole": poole_slac,
                   "bournemouth": bournemouth_slac}  # fmt: skip
    return inspections, entries


def _page_of(authority):
    return timeline.authority_page(
        LocalAuthority.objects.select_related("catalogue_check").get(pk=authority.pk)
    )


@pytest.mark.django_db
def test_authority_page_holds_its_predecessors_record_newest_first(bcp, bcp_record):
    inspections, entries = bcp_record
    page = _page_of(bcp)

    assert page["authority"] == bcp
    # Newest first; the same day, by authority, then the later-recorded first.
    i = inspections
    assert page["inspections"] == [i["visit"], i["ilacs"], i["bournemouth"], i["poole"]]
    assert [str(a) for a in page["predecessors"]] == ["Bournemouth", "Poole"]
    assert page["successors"] == []
    assert (page["flagged"], page["corrected"]) == (1, 1)
    assert page["check"].source == "seed list"


@pytest.mark.django_db
def test_authority_page_lists_the_catalogue_and_what_is_missing(bcp, bcp_record):
    inspections, entries = bcp_record
    page = _page_of(bcp)

    e = entries
    assert page["entries"] == [e["visit"], e["refused"], e["stored"], e["poole"]]
    assert page["entries_loaded"] == 2
    # The newest graded report of BCP itself (not the newer focused visit) is not loaded.
    missing = page["missing"]
    assert (missing.published, missing.url, missing.state, missing.reason) == (
        date(2025, 5, 9), e["refused"].url, "Refused", "50204404.pdf: not a PDF"
    )  # fmt: skip
    assert [x.is_newest_missing for x in page["entries"]] == [False, True, False, False]
    assert [x.public_reason for x in page["entries"]] == ["", "50204404.pdf: not a PDF", "", ""]
    # Stored entries sit with their inspections; the others on the timeline by Ofsted's date.
    assert page["timeline"] == [
        ("entry", e["visit"]),
        ("entry", e["refused"]),
        ("inspection", inspections["visit"]),
        ("inspection", inspections["ilacs"]),
        ("inspection", inspections["bournemouth"]),
        ("inspection", inspections["poole"]),
    ]
    by_pk = {x.pk: x.ofsted_entries for x in page["inspections"]}
    assert by_pk[inspections["ilacs"].pk] == [e["stored"]]
    assert by_pk[inspections["poole"].pk] == [e["poole"]]
    assert [(p.file_name, p.public_reason) for p in page["refused"]] == [
        ("saved page.pdf", "saved page.pdf: not a PDF")
    ]


@pytest.mark.django_db
def test_a_predecessor_page_names_its_successor_and_not_its_successors_reports(poole, bcp_record):
    inspections, entries = bcp_record
    page = _page_of(poole)

    assert page["successors"] == [LocalAuthority.objects.get(la_code="839")]
    assert page["predecessors"] == []
    assert page["inspections"] == [inspections["poole"]]
    assert page["entries"] == [entries["poole"]]
    assert (page["missing"], page["check"], page["refused"]) == (None, None, [])
    assert (page["flagged"], page["corrected"], page["entries_loaded"]) == (0, 0, 1)


@pytest.mark.django_db
def test_an_authority_with_no_catalogue_has_nothing_missing(hampshire):
    inspection = make_inspection(hampshire)
    page = _page_of(hampshire)
    assert (page["entries"], page["missing"], page["check"]) == ([], None, None)
    assert page["timeline"] == [("inspection", inspection)]


@pytest.mark.django_db
def test_a_newer_report_that_is_loaded_or_covered_is_not_missing(hampshire):
    covering = make_inspection(hampshire, start_date=date(2025, 3, 10))
    entry = make_publication(hampshire, date(2025, 5, 9))
    page = _page_of(hampshire)
    assert page["missing"] is None
    assert [e.is_newest_missing for e in page["entries"]] == [False]
    covering.delete()
    assert _page_of(hampshire)["missing"].published == date(2025, 5, 9)
    entry.record(state=Publication.State.STORED, document=make_document())
    assert _page_of(hampshire)["missing"] is None


@pytest.mark.django_db
def test_entries_published_the_same_day_list_the_later_recorded_first(hampshire):
    visit = make_publication(
        hampshire,
        date(2025, 5, 9),
        kind="monitoring_visit",
        url="https://files.ofsted.gov.uk/v1/file/1",
    )
    report = make_publication(hampshire, date(2025, 5, 9))
    older = make_publication(hampshire, date(2024, 1, 5), kind="jtai")
    assert _page_of(hampshire)["entries"] == [report, visit, older]


@pytest.mark.django_db
def test_the_authority_page_reads_its_record_in_a_fixed_number_of_queries(
    bcp, bcp_record, django_assert_num_queries
):
    with django_assert_num_queries(9):
        page = _page_of(bcp)
        names = [e.authority.name for e in page["entries"]]
    assert names == ["Bournemouth, Christchurch and Poole"] * 3 + ["Poole"]


# The inspection page (inspection_page)


@pytest.mark.django_db
def test_inspection_page_says_why_each_area_has_no_grade(hampshire):
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    inspection.add_not_judged(["impact_of_leaders"])
    make_judgement(inspection)
    make_judgement(inspection, area="children_in_care_and_care_leavers", label="In care")

    page = timeline.inspection_page(inspection.pk)

    assert page["inspection"] == inspection
    assert [(a.key, words) for a, words in page["unjudged"]] == [
        ("impact_of_leaders", "printed as not judged"),
        ("help_and_protection", "not found in the documents"),
        ("children_in_care", "judged together (to 2022)"),
        ("care_leavers", "judged together (to 2022)"),
    ]


@pytest.mark.django_db
def test_inspection_page_shows_ofsteds_entries_of_its_documents_in_date_order(hampshire):
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    report = make_document(inspection=inspection, file_name="hampshire-2019.pdf")
    letter = make_document(inspection=inspection, file_name="hampshire-2019-letter.pdf")
    later = make_publication(hampshire, date(2019, 7, 1), state="stored", document=letter)
    first = make_publication(hampshire, date(2019, 6, 20), state="stored", document=report)
    make_publication(hampshire, date(2019, 6, 21))  # of no document of it

    page = timeline.inspection_page(inspection.pk)

    assert page["inspection"].ofsted_entries == [first, later]
    assert page["unjudged"][0][1] == "not found in the documents"


@pytest.mark.django_db
def test_inspection_page_is_none_for_no_such_inspection(hampshire):
    inspection = make_inspection(hampshire)
    assert timeline.inspection_page(inspection.pk + 1000) is None


@pytest.mark.django_db
def test_an_ungraded_visit_has_no_areas_to_explain(hampshire):
    visit = make_inspection(hampshire, framework="FOCUSED_VISIT")
    assert timeline.inspection_page(visit.pk) == {"inspection": visit, "unjudged": []}


@pytest.mark.django_db
def test_the_inspection_page_reads_in_a_fixed_number_of_queries(
    hampshire, django_assert_num_queries
):
    inspection = make_inspection(hampshire)
    make_judgement(inspection)
    # The inspection, its judgements, documents, history and Ofsted's entries: none per area.
    with django_assert_num_queries(5):
        page = timeline.inspection_page(inspection.pk)
    assert len(page["unjudged"]) == 5


# Where a grade's evidence is (evidence.py)


@pytest.mark.parametrize(
    "urn, url",
    [
        ("80472", "https://reports.ofsted.gov.uk/provider/44/80472"),
        ("80472/../1", "https://reports.ofsted.gov.uk/provider/44/80472%2F..%2F1"),  # one segment
        ("", ""),
        (None, ""),
    ],
)
def test_ofsted_provider_url_is_the_authoritys_page_or_nothing(urn, url):
    assert evidence.ofsted_provider_url(urn) == url


def kept(name, content=b"%PDF-1.4"):
    """A source document whose file is kept, as `name`."""
    return make_document(file_name=name, file=ContentFile(content, name=name))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, kind",
    [("report.pdf", ".pdf"), ("REPORT.PDF", ".pdf"), ("report.txt", ".txt"), ("report", ".txt")],
)
def test_a_kept_file_is_served_as_pdf_or_as_text(name, kind):
    assert evidence.file_kind(kept(name)) == kind


@pytest.mark.django_db
def test_demo_data_and_documents_without_a_file_have_no_kind():
    assert evidence.file_kind(None) is None
    assert evidence.file_kind(make_document(file_name="report.pdf")) is None


@pytest.mark.django_db
def test_evidence_url_opens_the_document_at_its_page_or_line(hampshire):
    inspection = make_inspection(hampshire)
    pdf, text = kept("report.pdf"), kept("report.txt", b"Overall effectiveness: Good\n")

    def url(**kwargs):
        area = kwargs.pop("area", "overall_effectiveness")
        return evidence.evidence_url(make_judgement(inspection, area=area, **kwargs))

    assert url(source_document=pdf, page=3, line=14) == f"/documents/{pdf.pk}/#page=3"
    assert url(area="care_leavers", source_document=text, line=41) == (
        f"/documents/{text.pk}/#line-41"
    )
    assert url(area="help_and_protection", source_document=pdf) == f"/documents/{pdf.pk}/"
    no_file = make_document(file_name="demo.pdf")
    assert url(area="impact_of_leaders", source_document=no_file, page=3) == ""
    assert url(area="children_in_care", page=3) == ""


@pytest.mark.parametrize(
    "name, expected",
    [
        ("a" * 130 + ".pdf", "a" * 120 + ".pdf"),
        ("Xmas report X.pdf", "Xmas-report-X.pdf"),
        ("_-.report.-_.pdf", "report.pdf"),
    ],
)
def test_safe_file_name_is_short_and_trims_only_punctuation(name, expected):
    assert evidence.safe_file_name(name, ".pdf") == expected


@pytest.mark.django_db
def test_text_lines_are_numbered_as_the_parser_reads_them():
    document = kept(
        "report.txt",
        b"\xef\xbb\xbfInspection of Hampshire\r\nOverall effectiveness: Good  \r\n"
        b"\xff not UTF-8\n\nSee annex X\r\nlast",
    )
    assert evidence.text_lines(document) == [
        "Inspection of Hampshire",
        "Overall effectiveness: Good  ",
        "\ufffd not UTF-8",
        "",
        "See annex X",
        "last",
    ]


# The middleware


def test_a_query_with_too_many_parameters_is_refused_plainly(client, settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    with caplog.at_level(logging.WARNING, logger="django.security.TooManyFieldsSent"):
        response = client.get("/grid/?a=1&b=2&c=3&d=4")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"Too many query parameters."
    [record] = [r for r in caplog.records if r.name == "django.security.TooManyFieldsSent"]
    assert record.getMessage() == (
        "/grid/: The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
    )


# The data version


@pytest.mark.django_db
def test_the_data_version_before_any_write_is_none():
    DataVersion.objects.all().delete()
    assert DataVersion.read() == ("none", None)
    assert DataVersion.current() == "none"


@pytest.mark.django_db
def test_each_bump_replaces_the_token_and_the_time_of_the_one_row(monkeypatch):
    DataVersion.objects.all().delete()
    seen = []
    for minute in (1, 2, 1):  # one row made, then replaced, whatever the clock says
        at = datetime(2026, 12, 2, 9, minute, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        DataVersion.bump()
        token, changed_at = DataVersion.read()
        assert re.fullmatch(r"[0-9a-f]{32}", token)
        assert changed_at == at
        assert DataVersion.current() == token
        seen.append(token)
    assert len(set(seen)) == 3
    assert list(DataVersion.objects.values_list("pk", "token")) == [(1, seen[-1])]


@pytest.mark.django_db
def test_a_lost_data_version_row_is_made_again_as_the_one_row():
    for _ in range(2):  # the second time past any fresh sequence value
        DataVersion.objects.all().delete()
        DataVersion.bump()
        assert DataVersion.objects.get().pk == 1
