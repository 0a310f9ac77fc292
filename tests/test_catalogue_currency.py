"""How the pages word the catalogue's currency and a report Ofsted lists that is not loaded here
(`dashboards.catalogue`): the words of each source of a check, and the link to Ofsted's copy."""

from datetime import UTC, date, datetime

import pytest

from dashboards import catalogue
from dashboards.catalogue import Catalogue, Currency, NotLoaded
from inspections.publications import Publication
from tests.factories import make_document, make_inspection, make_judgement, make_publication

CHECKED = datetime(2026, 11, 30, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "source, words",
    [
        ("https://reports.ofsted.gov.uk/provider/44/80558", "Ofsted's reports site"),
        ("seed list (ofsted_publications.csv) of 22 Aug 2026", "seed list"),
        ("a council's own list", "a council's own list"),
    ],
)
def test_the_check_of_ofsteds_list_names_its_source(source, words):
    currency = Currency(listed=1, checked_from=CHECKED, checked_to=CHECKED, source=source)
    assert currency.checked == f"Ofsted's list last checked: 30 Nov 2026 ({words})."


def test_a_newer_report_not_loaded_links_to_ofsteds_copy(client, hampshire):
    make_judgement(make_inspection(hampshire, start_date=date(2019, 4, 29)))
    url = "https://files.ofsted.gov.uk/v1/file/50204404"
    Publication.objects.create(
        authority=hampshire,
        url=url,
        title="Children's services inspection - 9 May 2025",
        kind=Publication.Kind.GRADED_INSPECTION,
        published=date(2025, 5, 9),
    )
    body = client.get(hampshire.get_absolute_url()).content.decode()
    assert f'a newer report (<a href="{url}">published 9 May 2025</a>) is not loaded' in body


def test_a_report_published_the_day_an_inspection_started_is_not_newer_than_its_grade():
    report = NotLoaded(date(2025, 5, 9), "https://files.ofsted.gov.uk/v1/file/1", "Not fetched")
    found = Catalogue(not_loaded={7: report})
    assert found.after(7, date(2025, 5, 9)) is None
    assert found.after(7, date(2025, 5, 8)) == report
    assert found.after(7, None) == report  # no grade: any report Ofsted lists is newer
    assert found.after(8, None) is None


def test_without_ofsteds_list_the_pages_say_they_cannot_tell_what_is_missing():
    assert str(Currency()) == (
        "Ofsted's list of published reports is not loaded here, so this page cannot say which "
        "reports are missing or how current the grades are."
    )


def test_a_list_loaded_but_never_checked_says_so(hampshire):
    inspection = make_inspection(hampshire)
    make_publication(
        hampshire, date(2019, 6, 20), state="stored", document=make_document(inspection=inspection)
    )
    assert str(catalogue.read().currency) == (
        "Reports loaded up to: published by Ofsted 20 Jun 2019. Ofsted's list has not been checked."
    )


def test_the_newest_report_ofsted_lists_is_the_latest_published_not_the_last_listed(hampshire):
    make_publication(hampshire, date(2025, 5, 9))
    make_publication(hampshire, date(2016, 1, 12))
    assert catalogue.read().not_loaded[hampshire.pk].published == date(2025, 5, 9)


def test_a_report_may_overtake_a_theme_only_if_its_inspection_came_while_the_theme_was_judged():
    """ILACS judges overall effectiveness until March 2026; a report's inspection is taken to be
    in the 200 days before Ofsted published it."""
    url = "https://files.ofsted.gov.uk/v1/file/"
    found = Catalogue(
        not_loaded={
            1: NotLoaded(date(2026, 10, 1), f"{url}1", "Not fetched"),
            2: NotLoaded(date(2026, 11, 1), f"{url}2", "Not fetched"),
        }
    )
    assert list(found.for_theme("overall").not_loaded) == [1]
    assert list(found.for_theme("help_and_protection").not_loaded) == [1, 2]
