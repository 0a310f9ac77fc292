"""Dashboard pages come from the cache until the data they show changes, never after."""

import io

import pytest
from django.core.management import call_command

from dashboards.models import DataVersion
from tests.factories import make_inspection, make_judgement

pytestmark = pytest.mark.django_db


@pytest.fixture
def judgement(hampshire):
    return make_judgement(make_inspection(hampshire), grade="good")


def test_a_repeated_page_costs_one_query(client, judgement, django_assert_num_queries):
    first = client.get("/authorities/hampshire/")
    with django_assert_num_queries(1):  # the data version, nothing else
        second = client.get("/authorities/hampshire/")
    assert second.content == first.content


def test_a_correction_is_shown_at_once(client, judgement, staff_user):
    assert "Reissued report" not in client.get("/authorities/hampshire/").content.decode()

    judgement.correct(grade="outstanding", reason="Reissued report", user=staff_user)

    page = client.get("/authorities/hampshire/").content.decode()
    assert "Reissued report" in page


def test_an_ingest_is_shown_at_once(client, hampshire, tmp_path):
    before = client.get("/export.csv?authority=hampshire").content
    report = tmp_path / "report.txt"
    report.write_text(
        "Hampshire County Council\nInspection of children's social care services\n"
        "Inspection dates: 6 May to 10 May 2024\n\nJudgement Grade\n"
        "The impact of leaders on social work practice with children and families Good\n"
        "The experiences and progress of children who need help and protection Good\n"
        "The experiences and progress of children in care Good\n"
        "The experiences and progress of care leavers Good\n"
        "Overall effectiveness Good\n"
    )
    call_command("ingest", str(report), "--jobs", "1", stdout=io.StringIO())

    after = client.get("/export.csv?authority=hampshire").content

    assert after.count(b"\n") == before.count(b"\n") + 5


def test_peer_group_membership_changes_the_token(hampshire, southampton):
    from authorities.models import PeerGroup

    token = DataVersion.current()
    PeerGroup.objects.get(slug="hampshire-and-peers").authorities.remove(southampton)
    assert DataVersion.current() != token
