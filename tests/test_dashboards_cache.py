"""Dashboard pages come from the cache until the data they show changes, never after."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import parse_http_date

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


def test_a_delete_is_shown_at_once(client, judgement):
    first = client.get("/authorities/hampshire/")
    assert client.get("/authorities/hampshire/")["X-Page-Cache"] == "hit"

    judgement.inspection.delete()

    after = client.get("/authorities/hampshire/")
    assert after["X-Page-Cache"] == "miss"
    assert after["ETag"] != first["ETag"]
    assert judgement.label not in after.content.decode()


def test_a_write_moves_last_modified(client, judgement, staff_user):
    # The data last changed yesterday: the page says it changed at midnight today.
    yesterday = timezone.now() - timedelta(days=1)
    DataVersion.objects.filter(pk=1).update(changed_at=yesterday)
    first = client.get("/grid/", {"authority": "hampshire"})

    judgement.correct(grade="outstanding", reason="Reissued report", user=staff_user)
    after = client.get(
        "/grid/", {"authority": "hampshire"}, headers={"If-Modified-Since": first["Last-Modified"]}
    )

    assert after.status_code == 200  # not 304: the reader's copy is older than the write
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(first["Last-Modified"])
