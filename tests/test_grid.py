"""The grid page (`dashboards/grid.py`): a table per framework, newest framework first, one row
per inspection with a link to its authority, and one column per area in view."""

from datetime import date

from django.urls import reverse

from tests.factories import make_inspection, make_judgement


def _grid(client, **query):
    return client.get(reverse("dashboards:grid"), query)


def _columns(table):
    return [area.key for area, _section in table["columns"]]


def test_a_grid_cell_shows_the_grade_in_words_with_its_flags(client, hampshire, staff_user):
    inspection = make_inspection(hampshire)
    make_judgement(inspection, grade="good")
    flagged = make_judgement(
        inspection, area="help_and_protection", label="Help", grade="good", needs_review=True
    )
    flagged.correct(grade="requires_improvement", reason="Misread table", user=staff_user)
    page = _grid(client, authority="hampshire").content.decode()
    assert '<td><span class="grade grade-good">Good</span></td>' in page
    assert (
        '<td><span class="grade grade-requires_improvement">Requires improvement to be good'
        '</span> <span class="flag corrected">corrected</span> '
        '<span class="flag review">needs review</span></td>'
    ) in page


def test_a_grid_row_links_to_its_authority(client, hampshire):
    make_judgement(make_inspection(hampshire))
    page = _grid(client, authority="hampshire").content.decode()
    assert '<a href="/authorities/hampshire/">Hampshire</a>' in page


def test_the_grid_of_one_area_has_that_column_only(client, hampshire):
    """Children in care is one of two ILACS areas on its theme."""
    make_judgement(make_inspection(hampshire, start_date=date(2024, 6, 10)),
                   area="children_in_care", label="CiC")  # fmt: skip
    (table,) = _grid(client, authority="hampshire", area="children_in_care").context["tables"]
    assert _columns(table) == ["children_in_care"]


def test_the_grid_of_one_theme_has_the_columns_of_its_areas(client, hampshire):
    make_judgement(make_inspection(hampshire))
    (table,) = _grid(client, authority="hampshire", theme="children_in_care").context["tables"]
    assert _columns(table) == ["children_in_care_and_care_leavers", "children_in_care"]
    (every,) = _grid(client, authority="hampshire").context["tables"]
    assert len(_columns(every)) == 6


def test_the_grid_leads_with_the_newest_framework(client, hampshire):
    lac = make_inspection(hampshire, framework="LAC", start_date=date(2012, 3, 5))
    make_judgement(lac, area="looked_after_children.outcomes", label="Outcomes", grade="adequate")
    make_judgement(make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18)))
    response = _grid(client, authority="hampshire")
    assert [t["framework"] for t in response.context["tables"]] == ["SIF", "LAC"]
    page = response.content.decode()
    assert '<h2 id="grid-SIF">Single inspection framework (2013-18)</h2>' in page
    assert '<h2 id="grid-LAC">Looked after children services (2012-13)</h2>' in page
