"""One vocabulary: grade words and the reasons for an empty cell come from inspections.frameworks,
and every page that says them says the same."""

from datetime import date

from django.urls import reverse

from dashboards import chart_figure, peers
from inspections import frameworks as fw
from inspections.models import AreaStatus, Grade, Judgement
from inspections.parsing.grades import grade_of
from tests.factories import make_inspection, make_judgement


def test_grade_choices_are_the_frameworks_grade_names():
    assert dict(Grade.choices) == fw.GRADE_NAMES
    assert Grade.REQUIRES_IMPROVEMENT == fw.REQUIRES_IMPROVEMENT


def test_grade_in_framework_words():
    assert fw.grade_words(fw.ILACS, fw.REQUIRES_IMPROVEMENT) == "Requires improvement to be good"
    assert fw.grade_words(fw.SIF, fw.REQUIRES_IMPROVEMENT) == "Requires improvement"
    assert fw.grade_words(fw.SLAC, fw.ADEQUATE) == "Adequate"
    judgement = Judgement(framework=fw.ILACS, grade=fw.REQUIRES_IMPROVEMENT)
    assert judgement.grade_in_framework_words == "Requires improvement to be good"


def test_bands_share_the_third_point_and_are_named_once():
    assert fw.BAND_OF[fw.ADEQUATE] == fw.BAND_OF[fw.REQUIRES_IMPROVEMENT] == fw.REQUIRES_IMPROVEMENT
    assert fw.BAND_NAMES[fw.REQUIRES_IMPROVEMENT] == "Requires improvement or adequate"
    assert peers.BANDS == fw.BAND_NAMES
    assert chart_figure.SCALE[3] == "Requires improvement<br>or adequate"
    assert [chart_figure.SCALE[s] for s in (1, 2, 4)] == ["Outstanding", "Good", "Inadequate"]


def test_parser_reads_every_grade_name_and_the_printed_variants():
    for grade, name in fw.GRADE_NAMES.items():
        assert grade_of(name) == grade
    assert grade_of("Require improvement to be good") == fw.REQUIRES_IMPROVEMENT
    assert grade_of("Grade 3 (adequate)") == fw.ADEQUATE


def test_gap_reason_gives_the_status_and_its_words(hampshire):
    inspection = make_inspection(hampshire, framework="SIF", not_judged=["adoption"])
    make_judgement(inspection, area="overall_effectiveness", grade="good")

    assert inspection.gap_reason("overall_effectiveness") is None
    adoption = inspection.gap_reason("adoption")
    assert (adoption.status, adoption.words) == (AreaStatus.NOT_JUDGED, "Printed as not judged")
    assert adoption.sentence == "The report printed this area as not judged."
    assert inspection.gap_reason("care_leavers").status == AreaStatus.MISSING
    assert AreaStatus.MISSING.label == inspection.gap_reason("care_leavers").words


def test_inspection_page_says_why_an_area_is_empty_in_the_grids_words(client, hampshire):
    combined = make_inspection(hampshire, start_date=date(2019, 4, 29))
    make_judgement(combined, area="children_in_care_and_care_leavers", label="CiC and CL")

    page = client.get(combined.get_absolute_url()).content.decode()
    grid = client.get(reverse("dashboards:grid"), {"authority": "hampshire"}).content.decode()

    # Until 2022 ILACS judged care leavers with children in care: not "not found".
    assert "The experiences and progress of care leavers: judged together (to 2022)" in page
    assert "Judged together (to 2022)" in grid
    assert (
        "The impact of leaders on social work practice with children and families: "
        "not found in the documents" in page
    )


def test_the_crosswalk_is_read_one_way_everywhere():
    on_a_theme = {pair for pair, theme in fw.THEME_OF.items() if theme}
    listed = {(f, k) for t in fw.THEMES for f, keys in fw.theme_areas(t).items() for k in keys}

    assert listed == on_a_theme
    assert fw.theme_of("SLAC", "safeguarding.overall_effectiveness") == "help_and_protection"
    assert fw.theme_of("SIF", "adoption") == "adoption"
    assert fw.themes_of_area("care_leavers") == {"care_leavers"}
