import csv
import html
import io
import re
from datetime import date

import pytest
from django.utils import timezone

from authorities.models import LocalAuthority
from dashboards.export import COLUMNS, LATEST_COLUMNS, neutralise, write_csv
from inspections.models import Judgement
from tests.factories import make_document, make_inspection, make_judgement, make_publication

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def _named(response):
    """The CSV's rows as {column: value}."""
    rows = _csv(response)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1962", "'+44 1962"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Good", "Good"),
        ("Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole"),
        (3, 3),
        ("", ""),
    ],
)
def test_neutralise_defuses_spreadsheet_formulas(value, expected):
    assert neutralise(value) == expected


def test_csv_has_the_issue_columns_one_row_per_judgement_with_bom(client, hampshire):
    document = make_document(file_name="hampshire-2019.pdf")
    inspection = make_inspection(
        hampshire, start_date=date(2019, 4, 29), published=date(2019, 6, 20)
    )
    make_judgement(
        inspection,
        grade="outstanding",
        source_document=document,
        page=2,
        evidence_text="Overall effectiveness Outstanding",
    )
    make_judgement(inspection, area="help_and_protection", label="Help", grade="good")
    inspection.lead_inspector = "Karen Wareing"
    inspection.save()
    response = client.get("/export.csv", {"authority": "hampshire"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ofsted-judgements_hampshire_{timezone.localdate().isoformat()}.csv"'
    )
    rows = _csv(response)
    assert rows[0] == COLUMNS
    assert len(rows) == 3
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first == {
        "la_code": "850",
        "gss_code": hampshire.gss_code,
        "authority": "Hampshire",
        "region": "South East",
        "framework": "ILACS",
        "inspection_start": "2019-04-29",
        "inspection_end": "2019-05-03",
        "published": "2019-06-20",
        "lead_inspector": "Karen Wareing",
        "theme": "overall",
        "area": "overall_effectiveness",
        "label": "Overall effectiveness",
        "grade": "outstanding",
        "grade_words": "Outstanding",
        "grade_as_printed": "Outstanding",
        "score_1_4": "1",
        "corrected": "false",
        "needs_review": "false",
        "source_document": "hampshire-2019.pdf",
        "page": "2",
        "line": "",
        "evidence_text": "Overall effectiveness Outstanding",
        "parsed_grade": "outstanding",
        "correction_reason": "",
        "ofsted_provider_url": f"https://reports.ofsted.gov.uk/provider/44/{hampshire.ofsted_urn}",
        # No catalogue of Ofsted's publications loaded: nothing to say of them.
        "ofsted_published": "",
        "ofsted_url": "",
        "newer_report_not_loaded": "",
        "ofsted_list_checked": "",
    }


def test_csv_neutralises_formula_cells_from_documents(client, hampshire):
    payload = '=HYPERLINK("http://example.invalid","x")'
    hampshire.name = f"@SUM(1+1) {hampshire.name}"
    hampshire.save()
    document = make_document(file_name=f"-{payload}.pdf")
    inspection = make_inspection(hampshire)
    make_judgement(
        inspection,
        label=payload,
        grade_as_printed="+Good",
        source_document=document,
        evidence_text=f"-{payload}",
        correction_reason=f"={payload}",
    )

    response = client.get("/export.csv", {"authority": "hampshire"})

    assert response.status_code == 200
    row = dict(zip(COLUMNS, _csv(response)[1], strict=True))
    assert row["authority"] == "'@SUM(1+1) Hampshire"
    assert row["label"] == f"'{payload}"
    assert row["grade_as_printed"] == "'+Good"
    assert row["source_document"] == f"'-{payload}.pdf"
    assert row["evidence_text"] == f"'-{payload}"
    assert row["correction_reason"] == f"'={payload}"
    assert [cell for cell in row.values() if cell.startswith(FORMULA_STARTS)] == []


def test_csv_shows_the_corrected_grade_and_says_so(client, hampshire, staff_user):
    inspection = make_inspection(hampshire)
    judgement = make_judgement(inspection, grade="good", needs_review=True)
    judgement.correct(grade="requires_improvement", reason="Misread table", user=staff_user)
    row = dict(zip(COLUMNS, _csv(client.get("/export.csv"))[1], strict=True))
    assert row["grade"] == "requires_improvement"
    assert row["parsed_grade"] == "good"
    assert row["correction_reason"] == "Misread table"
    assert row["score_1_4"] == "3"
    assert row["corrected"] == "true"
    assert row["needs_review"] == "true"


def test_csv_follows_the_page_filters(client, hampshire, southampton):
    make_judgement(make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18)))
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)))
    make_judgement(make_inspection(southampton, start_date=date(2019, 11, 18)))
    rows = _named(client.get("/export.csv", {"authority": "hampshire", "framework": "ILACS"}))
    assert [(r["authority"], r["framework"]) for r in rows] == [("Hampshire", "ILACS")]
    rows = _named(client.get("/export.csv", {"start": "2019-01-01"}))
    assert [r["authority"] for r in rows] == ["Southampton", "Hampshire"]  # newest first


def test_csv_of_a_theme_table_has_the_tables_judgements(client, hampshire, poole, bcp):
    make_judgement(make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31)),
                   area="safeguarding.overall_effectiveness")  # fmt: skip
    make_judgement(make_inspection(bcp, start_date=date(2021, 12, 6)), area="help_and_protection")
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)))
    page = client.get("/", {"group": "hampshire-and-peers"})
    chart = next(c for c in page.context["charts"] if c["theme"] == "help_and_protection")
    table = [(e.authority.name, e.date.isoformat()) for e in chart["entries"] if not e.is_gap]
    rows = _named(client.get(f"/export.csv?{chart['csv_query']}"))
    assert [(r["authority"], r["inspection_start"]) for r in rows] == table
    assert len(table) == 2


def test_csv_with_no_query_has_the_home_pages_rows_and_group_empty_has_everyones(client, hampshire):
    kent = LocalAuthority.objects.get(name="Kent")
    make_judgement(make_inspection(kent))
    make_judgement(make_inspection(hampshire))
    home = client.get("/")
    assert home.context["judgement_count"] == 1
    assert [r["authority"] for r in _named(client.get("/export.csv"))] == ["Hampshire"]
    every = _named(client.get("/export.csv?group="))
    assert [r["authority"] for r in every] == ["Hampshire", "Kent"]


def test_csv_link_of_each_page_has_that_pages_rows(client, hampshire):
    kent = LocalAuthority.objects.get(name="Kent")
    make_judgement(make_inspection(kent))
    make_judgement(make_inspection(hampshire))
    for page in ["/", "/grid/", "/grid/?group=", "/?group=&region=South+East"]:
        response = client.get(page)
        link = f"/export.csv?{response.context['query']}"
        assert len(_csv(client.get(link))[1:]) == response.context["judgement_count"], page


def test_csv_with_invalid_filter_is_a_bad_request_with_no_rows(client, hampshire):
    make_judgement(make_inspection(hampshire))
    response = client.get("/export.csv", {"end": "soon"})
    assert response.status_code == 400
    assert _csv(response) == [COLUMNS]


def test_csv_of_a_text_source_gives_its_evidence_line(client, hampshire):
    document = make_document(file_name="hampshire.txt")
    make_judgement(make_inspection(hampshire), source_document=document, line=41)
    row = dict(zip(COLUMNS, _csv(client.get("/export.csv?authority=hampshire"))[1], strict=True))
    assert (row["source_document"], row["page"], row["line"]) == ("hampshire.txt", "", "41")


@pytest.mark.parametrize(
    "query, stated",
    [
        ("", "hampshire-and-peers"),
        ("group=", "every-authority"),
        (
            "group=hampshire-and-peers&theme=help_and_protection",
            "hampshire-and-peers_help-and-protection",
        ),
        (
            "authority=southampton&authority=hampshire&framework=SIF&framework=ILACS",
            "hampshire_southampton_ilacs_sif",
        ),
        ("authority=kent&authority=essex&authority=hampshire", "essex_hampshire_kent"),
        ("authority=kent&authority=essex&authority=hampshire&authority=surrey", "4-authorities"),
        (
            "group=&region=South+East&start=2018-01-01&end=2020-12-31",
            "every-authority_south-east_from-2018-01-01_to-2020-12-31",
        ),
        ("neighbours_of=hampshire&neighbour_model=current", "neighbours-of-hampshire-current"),
        (
            "group=&area=safeguarding.overall_effectiveness",
            "every-authority_safeguarding-overall-effectiveness",
        ),
        ("end=soon", ""),
        ("authority=hampshire&end=soon", ""),  # a query with errors states no filter
        (  # cut at 150 characters, never ending on a separator
            "group=&region=Yorkshire+and+the+Humber&area=safeguarding.overall_effectiveness"
            "&framework=ILACS&framework=SIF&framework=SLAC&framework=LAC&framework=LSCB_REVIEW"
            "&framework=JTAI&framework=FOCUSED_VISIT&start=2010-01-01&end=2020-12-31",
            "every-authority_yorkshire-and-the-humber_focused-visit_ilacs_jtai_lac_lscb-review_"
            "sif_slac_safeguarding-overall-effectiveness_from-2010-01-01_to-2020",
        ),
    ],
)
def test_csv_file_name_states_the_filters(client, authorities, query, stated):
    response = client.get(f"/export.csv?{query}")
    today = timezone.localdate().isoformat()
    name = f"ofsted-judgements_{stated}_{today}.csv" if stated else f"ofsted-judgements_{today}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


# The latest-grades CSV


def test_latest_csv_has_one_row_per_authority_and_theme_by_the_peer_pages_rule(
    client, hampshire, poole, bcp
):
    """BCP's latest help and protection grade is Poole's (its predecessor) until BCP's own; a
    newer inspection overtakes an older one; an authority with no grade still has its row."""
    document = make_document(file_name="hampshire-2019.pdf", file="documents/x.pdf")
    old = make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18))
    make_judgement(old, grade="inadequate", area="overall_effectiveness")
    new = make_inspection(hampshire, start_date=date(2019, 4, 29), lead_inspector="Karen Wareing")
    make_judgement(new, grade="requires_improvement", source_document=document, page=3)
    poole_slac = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    make_judgement(poole_slac, area="safeguarding.overall_effectiveness", grade="adequate")
    query = {"group": "hampshire-and-peers", "theme": "help_and_protection", "latest": "1"}
    response = client.get("/export.csv", query)
    assert (
        "ofsted-latest-grades_hampshire-and-peers_help-and-protection_"
        in (response["Content-Disposition"])
    )
    rows = _csv(response)
    assert rows[0] == LATEST_COLUMNS
    named = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # Current authorities only (Poole is BCP's predecessor), by name, one theme.
    assert [(r["authority"], r["theme"]) for r in named] == [
        ("Bournemouth, Christchurch and Poole", "help_and_protection"),
        ("Hampshire", "help_and_protection"),
        ("Southampton", "help_and_protection"),
    ]
    bcp_row, hampshire_row, southampton_row = named
    assert (bcp_row["la_code"], bcp_row["graded_la_code"], bcp_row["graded_authority"]) == (
        "839",
        "836",
        "Poole",
    )
    assert (bcp_row["framework"], bcp_row["grade"], bcp_row["grade_words"]) == (
        "SLAC",
        "adequate",
        "Adequate",
    )
    assert bcp_row["no_longer_judged"] == "last judged under SLAC, to 2012"
    assert southampton_row["grade"] == ""
    assert southampton_row["not_judged_reason"] == "No graded inspection in view"
    # Hampshire's SIF and ILACS inspections judged overall effectiveness, not this theme.
    assert hampshire_row["grade"] == ""

    overall = _named(client.get("/export.csv", {**query, "theme": "overall"}))
    hampshire_row = next(r for r in overall if r["authority"] == "Hampshire")
    assert (
        hampshire_row
        | {
            "grade": "requires_improvement",
            "grade_words": "Requires improvement to be good",
            "inspection_start": "2019-04-29",
            "inspection_end": "2019-05-03",
            "lead_inspector": "Karen Wareing",
            "graded_la_code": "850",
            "region": "South East",
            "gss_code": hampshire.gss_code,
            "statistical_neighbour_model": "current",
            "evidence_url": f"http://testserver/documents/{document.pk}/#page=3",
            "inspection_url": f"http://testserver/inspections/{new.pk}/",
        }
        == hampshire_row
    )
    neighbours = hampshire.neighbour_links.filter(model_version="current").order_by("rank")
    assert hampshire_row["statistical_neighbours"].split() == [
        n.neighbour.la_code for n in neighbours
    ]


def test_latest_csv_of_a_region_and_every_theme(client, hampshire):
    make_judgement(make_inspection(hampshire), grade="good")
    rows = _named(client.get("/export.csv", {"group": "", "region": "South East", "latest": "1"}))
    south_east = LocalAuthority.objects.current().filter(region="South East")
    assert len(rows) == south_east.count() * 7
    assert {r["region"] for r in rows} == {"South East"}
    assert {r["theme"] for r in rows if r["authority"] == "Hampshire"} == {
        "overall", "help_and_protection", "children_in_care", "care_leavers", "leadership",
        "adoption", "lscb",
    }  # fmt: skip
    graded = [r for r in rows if r["grade"]]
    assert [(r["authority"], r["theme"], r["grade"]) for r in graded] == [
        ("Hampshire", "overall", "good")
    ]


def test_latest_csv_says_when_a_newer_inspection_no_longer_judges_the_theme(client, hampshire):
    make_judgement(make_inspection(hampshire, start_date=date(2022, 5, 9)), grade="good")
    newest = make_inspection(hampshire, start_date=date(2026, 5, 11))
    make_judgement(newest, area="help_and_protection", label="Help", grade="good")
    rows = _named(client.get("/export.csv", {"authority": "hampshire", "latest": "1"}))
    overall = next(r for r in rows if r["theme"] == "overall")
    assert overall["grade"] == "good"
    assert overall["not_judged_reason"].startswith("Not judged under this framework from April")


def _links(response, text, exact=False):
    """The hrefs of the page's links whose text contains `text` (or is `text`)."""
    body = response.content.decode()
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', body)
    return [
        html.unescape(href)
        for href, words in found
        if (words.strip() == text if exact else text in words)
    ]


def test_the_map_offers_the_latest_grades_of_its_theme_and_region(client, hampshire):
    make_judgement(make_inspection(hampshire), area="help_and_protection", label="Help")
    query = {"theme": "help_and_protection", "region": "South East"}
    page = client.get("/map/", query)
    (link,) = _links(page, "Download these latest grades")
    rows = _named(client.get(link))
    shown = [r for _, _, group in page.context["groups"] for r in group]
    assert sorted(r["authority"] for r in rows) == sorted(r.authority.name for r in shown)
    assert {r["theme"] for r in rows} == {"help_and_protection"}
    graded = {r.authority.name: r.latest.grade for r in shown if r.latest}
    assert (
        {r["authority"]: r["grade"] for r in rows if r["grade"]} == graded == {"Hampshire": "good"}
    )


def test_the_peer_page_offers_the_latest_grades_of_the_neighbours_region_and_england(
    client, hampshire
):
    make_judgement(make_inspection(hampshire))
    page = client.get("/peers/", {"authority": "hampshire", "theme": "overall"})
    neighbours, region, england = (
        _named(client.get(_links(page, name, exact=True)[0]))
        for name in ("Hampshire and its neighbours", "South East", "England")
    )
    assert len(neighbours) == 11 and {r["theme"] for r in neighbours} == {"overall"}
    assert {r["region"] for r in region} == {"South East"}
    assert len(england) == LocalAuthority.objects.current().count()
    mine = next(r for r in england if r["authority"] == "Hampshire")
    assert (mine["grade"], mine["grade_words"]) == ("good", "Good")


def test_the_compare_page_offers_the_latest_grades_of_its_view(client, hampshire):
    make_judgement(make_inspection(hampshire))
    page = client.get("/", {"authority": "hampshire", "theme": "overall"})
    rows = _named(client.get(_links(page, "latest grades only")[0]))
    assert [(r["authority"], r["theme"], r["grade"]) for r in rows] == [
        ("Hampshire", "overall", "good")
    ]


# What each column says, read from Ofsted's catalogue, the evidence and the staff's actions


def test_csv_row_of_an_area_on_no_theme_without_a_source(client, poole):
    """A SLAC sub-judgement is compared on no theme and may have no document; Ofsted's newer
    report of the authority is named on it all the same."""
    slac = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    make_judgement(
        slac, area="safeguarding.capacity_for_improvement", label="Capacity", grade="adequate"
    )
    make_publication(poole, date(2015, 3, 2))
    row = _named(client.get("/export.csv", {"authority": "poole"}))[0]
    assert (row["theme"], row["source_document"], row["grade_words"]) == ("", "", "Adequate")
    assert row["newer_report_not_loaded"] == "2015-03-02"


def test_csv_gives_the_grade_in_the_frameworks_words(client, hampshire):
    make_judgement(make_inspection(hampshire), grade="requires_improvement")
    row = _named(client.get("/export.csv", {"authority": "hampshire"}))[0]
    assert row["grade_words"] == "Requires improvement to be good"


def test_csv_gives_the_first_date_ofsted_published_an_inspection(client, hampshire):
    inspection = make_inspection(hampshire, start_date=date(2019, 4, 29))
    report = make_document(inspection=inspection)
    letter = make_document(inspection=inspection, file_name="letter.pdf")
    make_judgement(inspection, source_document=report)
    # Ofsted listed the later copy first.
    make_publication(
        hampshire, date(2019, 8, 1), document=letter, url="https://files.ofsted.gov.uk/2"
    )
    make_publication(
        hampshire, date(2019, 6, 20), document=report, url="https://files.ofsted.gov.uk/1"
    )
    row = _named(client.get("/export.csv", {"authority": "hampshire"}))[0]
    assert (row["ofsted_published"], row["ofsted_url"]) == (
        "2019-06-20",
        "https://files.ofsted.gov.uk/1",
    )


def test_csv_names_no_newer_report_when_ofsteds_newest_is_older_than_the_inspection(
    client, hampshire
):
    """Ofsted's list, read before the inspection, ends with a report not loaded here: it is
    older than the grade shown, so nothing newer is missing."""
    make_judgement(make_inspection(hampshire, start_date=date(2022, 5, 9)))
    make_publication(hampshire, date(2019, 6, 20))
    row = _named(client.get("/export.csv", {"authority": "hampshire"}))[0]
    assert row["newer_report_not_loaded"] == ""
    query = {"authority": "hampshire", "theme": "overall", "latest": "1"}
    (latest,) = _named(client.get("/export.csv", query))
    assert (latest["grade"], latest["newer_report_not_loaded"]) == ("good", "")


def test_csv_written_without_ofsteds_catalogue_leaves_its_columns_empty(hampshire):
    make_judgement(make_inspection(hampshire))
    out = io.StringIO()
    write_csv(out, Judgement.objects.all())
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert row["authority"] == "Hampshire"
    assert [row[c] for c in COLUMNS if "ofsted" in c or c == "newer_report_not_loaded"] == [
        "",
        "",
        f"https://reports.ofsted.gov.uk/provider/44/{hampshire.ofsted_urn}",
        "",
        "",
    ]


def test_latest_csv_row_states_the_grade_its_evidence_review_and_correction(
    client, hampshire, staff_user
):
    """Every column of a graded authority's row; an older inspection graded on no theme and an
    undated one do not stand in the way of its latest grade."""
    lac = make_inspection(hampshire, framework="LAC", start_date=date(2012, 3, 5))
    make_judgement(lac, area="looked_after_children.outcomes", label="Outcomes", grade="adequate")
    undated = make_inspection(hampshire, framework="SIF", start_date=None)
    make_judgement(undated, grade="inadequate")
    inspection = make_inspection(hampshire, lead_inspector="Karen Wareing")
    document = make_document(
        inspection=inspection, file_name="hampshire.txt", file="documents/h.txt"
    )
    judgement = make_judgement(
        inspection,
        grade="good",
        source_document=document,
        line=41,
        needs_review=True,
        review_reason="Table and body disagree",
    )
    judgement.correct(grade="requires_improvement", reason="Misread table", user=staff_user)
    make_publication(hampshire, date(2019, 6, 20), document=document, state="stored")
    make_publication(hampshire, date(2025, 5, 9))
    rows = _named(client.get("/export.csv", {"authority": "hampshire", "latest": "1"}))
    row = next(r for r in rows if r["theme"] == "overall")
    neighbours = hampshire.neighbour_links.filter(model_version="current").order_by("rank")
    assert row == {
        "la_code": "850",
        "gss_code": hampshire.gss_code,
        "authority": "Hampshire",
        "region": "South East",
        "statistical_neighbour_model": "current",
        "statistical_neighbours": " ".join(n.neighbour.la_code for n in neighbours),
        "theme": "overall",
        "graded_la_code": "850",
        "graded_authority": "Hampshire",
        "framework": "ILACS",
        "inspection_start": "2019-04-29",
        "inspection_end": "2019-05-03",
        "ofsted_published": "2019-06-20",
        "lead_inspector": "Karen Wareing",
        "area": "overall_effectiveness",
        "grade": "requires_improvement",
        "grade_words": "Requires improvement to be good",
        "not_judged_reason": "",
        "no_longer_judged": "",
        "needs_review": "true",
        "review_reason": "Table and body disagree",
        "corrected": "true",
        "correction_reason": "Misread table",
        "evidence_url": f"http://testserver/documents/{document.pk}/#line-41",
        "inspection_url": f"http://testserver/inspections/{inspection.pk}/",
        "ofsted_url": f"https://files.ofsted.gov.uk/v1/file/{hampshire.pk}20190620",
        "newer_report_not_loaded": "2025-05-09",
    }


@pytest.mark.parametrize(
    "file, page, line, anchor",
    [
        ("documents/h.pdf", 3, None, "#page=3"),
        ("documents/h.txt", None, 41, "#line-41"),
        ("documents/h.html", None, None, ""),  # the kept file, at no place in it
        ("", 2, None, None),  # read, but its file not kept: nothing to link
    ],
)
def test_latest_csv_links_the_evidence_at_its_page_or_line(
    client, hampshire, file, page, line, anchor
):
    document = make_document(file_name="hampshire.pdf", file=file)
    make_judgement(make_inspection(hampshire), source_document=document, page=page, line=line)
    query = {"authority": "hampshire", "theme": "overall", "latest": "1"}
    (row,) = _named(client.get("/export.csv", query))
    assert (row["grade"], row["needs_review"], row["corrected"]) == ("good", "false", "false")
    assert row["ofsted_url"] == ""  # Ofsted's catalogue lists no report of it
    if anchor is None:
        assert row["evidence_url"] == ""
    else:
        assert row["evidence_url"] == f"http://testserver/documents/{document.pk}/{anchor}"
