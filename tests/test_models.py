from datetime import date

import pytest
from django.db import IntegrityError, transaction

from inspections import frameworks as fw
from inspections.models import AreaStatus, Inspection, Judgement
from tests.factories import make_document, make_inspection, make_judgement

pytestmark = pytest.mark.django_db


def test_duplicate_judgement_is_refused(hampshire):
    inspection = make_inspection(hampshire)
    make_judgement(inspection, area="overall_effectiveness")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_judgement(inspection, area="overall_effectiveness", grade="good")


def test_duplicate_inspection_is_refused(hampshire):
    make_inspection(hampshire, start_date=date(2019, 4, 29))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_inspection(hampshire, start_date=date(2019, 4, 29))


@pytest.mark.parametrize(
    "framework, area, grade",
    [
        ("ILACS", "overall_effectiveness", "adequate"),  # ILACS says requires improvement
        ("SLAC", "safeguarding.overall_effectiveness", "requires_improvement"),
        ("ILACS", "adoption", "good"),  # ILACS does not grade adoption
        ("SIF", "safeguarding.staying_safe", "good"),
        ("ILACS", "overall_effectiveness", "excellent"),
    ],
)
def test_database_refuses_grade_or_area_outside_framework(hampshire, framework, area, grade):
    inspection = make_inspection(hampshire, framework=framework)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_judgement(inspection, area=area, grade=grade)


def test_database_accepts_framework_words(hampshire):
    slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 6, 27))
    make_judgement(slac, area="safeguarding.overall_effectiveness", grade="adequate")
    sif = make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18))
    make_judgement(sif, area="adoption", grade="requires_improvement")
    assert Judgement.objects.count() == 2


def test_bcp_history_includes_poole_inspections_as_poole(poole, bcp, hampshire):
    poole_2011 = make_inspection(poole, framework="SLAC", start_date=date(2011, 10, 31))
    bcp_2021 = make_inspection(bcp, framework="ILACS", start_date=date(2021, 12, 6))
    make_inspection(hampshire, framework="ILACS", start_date=date(2019, 4, 29))

    history = list(Inspection.objects.for_authority(bcp).order_by("start_date"))

    assert history == [poole_2011, bcp_2021]
    assert history[0].authority == poole  # shown as Poole's, not relabelled
    assert list(Inspection.objects.for_authority(poole)) == [poole_2011]


def test_area_status_tells_the_empty_cells_apart(hampshire):
    inspection = make_inspection(hampshire, framework="SIF", not_judged=["adoption"])
    make_judgement(inspection, area="overall_effectiveness", grade="good")

    assert inspection.area_status("overall_effectiveness") == AreaStatus.JUDGED
    assert inspection.area_status("adoption") == AreaStatus.NOT_JUDGED
    assert inspection.area_status("care_leavers") == AreaStatus.MISSING
    assert inspection.area_status("impact_of_leaders") == AreaStatus.NOT_IN_FRAMEWORK


def test_ilacs_overall_effectiveness_from_april_2026_is_not_judged_under_the_framework(
    hampshire, client
):
    before = make_inspection(hampshire, framework="ILACS", start_date=date(2026, 3, 30))
    after = make_inspection(hampshire, framework="ILACS", start_date=date(2026, 4, 13))
    make_judgement(after, area="impact_of_leaders", grade="good")

    assert before.area_status("overall_effectiveness") == AreaStatus.MISSING
    assert after.area_status("overall_effectiveness") == AreaStatus.RETIRED
    page = client.get(f"/inspections/{after.pk}/").content.decode()
    assert "Overall effectiveness: not judged under this framework from April 2026" in page


def test_correction_keeps_parsed_grade_and_records_history(hampshire, staff_user):
    judgement = make_judgement(make_inspection(hampshire), grade="good")

    judgement.correct(grade="outstanding", reason="Ofsted reissued the report", user=staff_user)

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.is_corrected) == (
        "outstanding",
        "good",
        True,
    )
    latest = judgement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        staff_user,
        "Ofsted reissued the report",
    )


def test_correction_needs_a_reason_and_a_framework_grade(hampshire, staff_user):
    judgement = make_judgement(make_inspection(hampshire), grade="good")
    with pytest.raises(ValueError, match="reason"):
        judgement.correct(grade="outstanding", reason=" ", user=staff_user)
    with pytest.raises(ValueError, match="not a grade"):
        judgement.correct(grade="adequate", reason="typo", user=staff_user)


def test_every_framework_grade_scale_has_four_points():
    for framework, grades in fw.FRAMEWORK_GRADES.items():
        assert sorted(fw.GRADE_SCORES[g] for g in grades) == [1, 2, 3, 4], framework


def test_an_inspection_never_has_two_areas_on_one_theme():
    # ILACS's combined children-in-care judgement and its 2023 split share a theme; no report
    # holds both, so each framework's areas on a theme are at most these alternatives.
    for framework, areas in fw.AREAS.items():
        for theme in fw.THEMES:
            keys = {a.key for a in areas if a.theme == theme}
            assert len(keys) <= 1 or keys == {
                "children_in_care_and_care_leavers",
                "children_in_care",
            }, (framework, theme)


def test_for_theme_takes_an_area_on_the_theme_only_under_the_framework_that_puts_it_there(
    hampshire,
):
    """LAC compares its leadership judgement on the leadership theme; SLAC's judgement of the
    same area key is on no theme."""
    key = "looked_after_children.leadership_and_management"
    lac = make_inspection(hampshire, framework="LAC", start_date=date(2012, 3, 5))
    slac = make_inspection(hampshire, framework="SLAC", start_date=date(2011, 10, 31))
    on_theme = make_judgement(lac, area=key, grade="good")
    make_judgement(slac, area=key, grade="good")
    assert list(Judgement.objects.for_theme("leadership")) == [on_theme]


def test_inspections_for_the_dashboards_run_by_date_then_authority_name(hampshire, southampton):
    southampton_sif = make_inspection(southampton, framework="SIF", start_date=date(2014, 2, 18))
    hampshire_sif = make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18))
    hampshire_ilacs = make_inspection(hampshire, start_date=date(2019, 4, 29))
    assert list(Inspection.objects.for_dashboard()) == [
        hampshire_sif,
        southampton_sif,
        hampshire_ilacs,
    ]


def test_an_inspection_reads_as_its_authority_framework_and_start(hampshire):
    assert str(make_inspection(hampshire)) == "Hampshire – ILACS, 2019-04-29"
    assert str(make_inspection(hampshire, framework="SIF", start_date=None)) == (
        "Hampshire – SIF, undated"
    )


def test_judgements_for_the_dashboards_run_by_inspection_date_then_authority_name(
    hampshire, southampton
):
    southampton_sif = make_judgement(
        make_inspection(southampton, framework="SIF", start_date=date(2014, 2, 18))
    )
    hampshire_sif = make_judgement(
        make_inspection(hampshire, framework="SIF", start_date=date(2014, 2, 18))
    )
    hampshire_ilacs = make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)))
    assert list(Judgement.objects.for_dashboard()) == [
        hampshire_sif,
        southampton_sif,
        hampshire_ilacs,
    ]


def test_judgements_with_related_have_their_authority_and_document_at_hand(
    hampshire, django_assert_num_queries
):
    document = make_document(file_name="hampshire-2019.pdf")
    make_judgement(make_inspection(hampshire), source_document=document)
    with django_assert_num_queries(1):
        (judgement,) = Judgement.objects.with_related()
        assert (judgement.inspection.authority.name, judgement.source_document.file_name) == (
            "Hampshire",
            "hampshire-2019.pdf",
        )


def test_inspections_for_the_dashboards_have_their_documents_at_hand(
    hampshire, django_assert_num_queries
):
    make_document(file_name="hampshire-2019.pdf", inspection=make_inspection(hampshire))
    make_document(
        file_name="hampshire-2024.pdf",
        inspection=make_inspection(hampshire, start_date=date(2024, 6, 10)),
    )
    with django_assert_num_queries(2):  # however many inspections
        assert [
            (i.authority.name, [d.file_name for d in i.documents.all()])
            for i in Inspection.objects.for_dashboard()
        ] == [("Hampshire", ["hampshire-2019.pdf"]), ("Hampshire", ["hampshire-2024.pdf"])]
