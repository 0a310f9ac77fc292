"""Public pages say a grade was corrected or added by staff, and why; only signed-in staff see
the editor's name (the page cache keeps the two readers' pages apart)."""

from datetime import date

import pytest

from inspections.models import Judgement
from tests.factories import make_inspection, make_judgement

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(hampshire, editor):
    inspection = make_inspection(hampshire, framework="ILACS", start_date=date(2024, 6, 10))
    judgement = make_judgement(inspection, area="overall_effectiveness", grade="good")
    judgement.correct(grade="outstanding", reason="Ofsted reissued the report", user=editor)
    Judgement.add_missing(
        inspection=inspection, area="care_leavers", grade="good", reason="Page 4 is a scan",
        user=editor,
    )  # fmt: skip
    return inspection


@pytest.mark.parametrize("page", ["/authorities/hampshire/", "inspection"])
def test_the_public_sees_staff_and_the_reason_never_the_name(client, corrected, page):
    url = corrected.get_absolute_url() if page == "inspection" else page
    html = client.get(url).content.decode()
    assert "corrected by staff" in html and "Ofsted reissued the report" in html
    assert "added by staff" in html and "Page 4 is a scan" in html
    assert "editor" not in html


def test_signed_in_staff_see_the_editor(client, corrected, staff_user):
    public = client.get("/authorities/hampshire/").content.decode()  # cached for the public
    client.force_login(staff_user)
    staff = client.get("/authorities/hampshire/").content.decode()
    assert "editor" not in public
    assert "(editor)" in staff and "by editor: Ofsted reissued the report" in staff
