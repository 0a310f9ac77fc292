"""Text from documents and staff is shown as text: markup in an authority name, a judgement label
or a correction reason is escaped on every HTML page and kept verbatim in the CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_inspection, make_judgement

MARKUP = [
    '<script>alert("x")</script>',
    '<a href="https://evil.example/">a</a>',
    "<b>b</b>",
]
NAME = "Hampshire " + " ".join(MARKUP)  # 84 characters: a name holds 100
LABEL = "Overall effectiveness " + " ".join(MARKUP)
REASON = "Checked the report " + " ".join(MARKUP)


@pytest.fixture
def judgement(hampshire, editor):
    hampshire.name = NAME
    hampshire.save()
    judgement = make_judgement(make_inspection(hampshire), label=LABEL, grade="good")
    judgement.correct(grade="requires_improvement", reason=REASON, user=editor)
    return judgement


def _dashboard(name):
    return lambda j: reverse(f"dashboards:{name}")


# page -> (its URL for the judgement, the hostile values it shows)
PAGES = {
    "compare": (_dashboard("compare"), [NAME, LABEL]),
    "grid": (_dashboard("grid"), [NAME]),
    "authority": (lambda j: j.inspection.authority.get_absolute_url(), [NAME, LABEL, REASON]),
    "inspection": (lambda j: j.inspection.get_absolute_url(), [NAME, LABEL, REASON]),
    "admin judgements": (
        lambda j: reverse("admin:inspections_judgement_changelist"),
        [NAME, LABEL],
    ),
    "admin judgement": (
        lambda j: reverse("admin:inspections_judgement_change", args=[j.pk]),
        [LABEL, REASON],
    ),
    "admin judgement history": (
        lambda j: reverse("admin:inspections_judgement_history", args=[j.pk]),
        [REASON],
    ),
    "admin revert": (
        lambda j: reverse("admin:inspections_judgement_revert", args=[j.pk]),
        [REASON],
    ),
    "admin inspection": (
        lambda j: reverse("admin:inspections_inspection_change", args=[j.inspection_id]),
        [NAME, LABEL],
    ),
    "admin authorities": (
        lambda j: reverse("admin:authorities_localauthority_changelist") + "?q=evil",
        [NAME],
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_markup_in_names_labels_and_reasons_is_shown_as_text(admin_client, judgement, page):
    url, shown = PAGES[page]

    response = admin_client.get(url(judgement))

    assert response.status_code == 200
    html = response.content.decode()
    assert [value for value in shown if escape(value) not in html] == []
    assert [markup for markup in MARKUP if markup in html] == []


def test_markup_in_names_and_labels_is_kept_verbatim_in_the_csv(client, judgement):
    response = client.get(reverse("dashboards:export"), {"authority": "hampshire"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"  # never sniffed as HTML
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["authority"], row["label"]) for row in rows] == [(NAME, LABEL)]
