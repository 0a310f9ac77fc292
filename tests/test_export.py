import csv
import io
from datetime import date

import pytest
from django.utils import timezone

from authorities.models import LocalAuthority
from dashboards.export import COLUMNS, neutralise
from tests.factories import make_document, make_inspection, make_judgement

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


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
        "framework": "ILACS",
        "inspection_start": "2019-04-29",
        "inspection_end": "2019-05-03",
        "published": "2019-06-20",
        "theme": "overall",
        "area": "overall_effectiveness",
        "label": "Overall effectiveness",
        "grade": "outstanding",
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
    rows = _csv(client.get("/export.csv", {"authority": "hampshire", "framework": "ILACS"}))
    assert [(r[2], r[3]) for r in rows[1:]] == [("Hampshire", "ILACS")]
    rows = _csv(client.get("/export.csv", {"start": "2019-01-01"}))
    assert [r[2] for r in rows[1:]] == ["Southampton", "Hampshire"]  # newest first


def test_csv_of_a_theme_table_has_the_tables_judgements(client, hampshire, poole, bcp):
    make_judgement(make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31)),
                   area="safeguarding.overall_effectiveness")  # fmt: skip
    make_judgement(make_inspection(bcp, start_date=date(2021, 12, 6)), area="help_and_protection")
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)))
    page = client.get("/", {"group": "hampshire-and-peers"})
    chart = next(c for c in page.context["charts"] if c["theme"] == "help_and_protection")
    table = [(e.authority.name, e.date.isoformat()) for e in chart["entries"] if not e.is_gap]
    rows = _csv(client.get(f"/export.csv?{chart['csv_query']}"))
    assert [(r[2], r[4]) for r in rows[1:]] == table
    assert len(table) == 2


def test_csv_with_no_query_has_the_home_pages_rows_and_group_empty_has_everyones(client, hampshire):
    kent = LocalAuthority.objects.get(name="Kent")
    make_judgement(make_inspection(kent))
    make_judgement(make_inspection(hampshire))
    home = client.get("/")
    assert home.context["judgement_count"] == 1
    assert [r[2] for r in _csv(client.get("/export.csv"))[1:]] == ["Hampshire"]
    assert [r[2] for r in _csv(client.get("/export.csv?group="))[1:]] == ["Hampshire", "Kent"]


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
    ],
)
def test_csv_file_name_states_the_filters(client, authorities, query, stated):
    response = client.get(f"/export.csv?{query}")
    today = timezone.localdate().isoformat()
    name = f"ofsted-judgements_{stated}_{today}.csv" if stated else f"ofsted-judgements_{today}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
