"""Only Grade editors change grades and inspection metadata; other staff read; nobody deletes
source documents or authorities; CSRF is enforced."""

import pytest
from django.test import Client
from django.urls import reverse

from authorities.models import LocalAuthority
from inspections.models import Inspection, Judgement, SourceDocument
from tests.factories import make_document, make_inspection, make_judgement


@pytest.fixture
def judgement(hampshire):
    return make_judgement(make_inspection(hampshire), grade="good", needs_review=True)


def _url(name, *args):
    return reverse(f"admin:inspections_{name}", args=args)


def test_grade_editors_group_holds_the_change_permissions(grade_editors):
    codenames = set(grade_editors.permissions.values_list("codename", flat=True))

    assert {"change_judgement", "change_inspection"} <= codenames
    assert not {"add_judgement", "delete_judgement", "delete_inspection"} & codenames


def test_editor_has_the_change_permissions(editor):
    assert editor.has_perm("inspections.change_judgement")
    assert editor.has_perm("inspections.change_inspection")


def test_plain_staff_user_gets_403_posting_a_grade_change(client, staff_user, judgement):
    client.force_login(staff_user)

    response = client.post(
        _url("judgement_change", judgement.pk), {"grade": "inadequate", "reason": "Mine"}
    )

    assert response.status_code == 403
    assert Judgement.objects.get(pk=judgement.pk).grade == "good"


def test_plain_staff_user_gets_403_posting_an_inspection_change(client, staff_user, hampshire):
    inspection = make_inspection(hampshire, lead_inspector="A. Person")
    client.force_login(staff_user)

    response = client.post(
        _url("inspection_change", inspection.pk),
        {"authority": hampshire.pk, "lead_inspector": "B. Person", "reason": "Mine"},
    )

    assert response.status_code == 403
    assert Inspection.objects.get(pk=inspection.pk).lead_inspector == "A. Person"


def test_plain_staff_user_gets_403_on_revert(client, staff_user, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)
    client.force_login(staff_user)
    url = _url("judgement_revert", judgement.pk)

    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Mine"}).status_code == 403
    assert Judgement.objects.get(pk=judgement.pk).is_corrected


def test_plain_staff_user_reads_a_judgement_without_a_correction_form(
    client, staff_user, judgement
):
    client.force_login(staff_user)

    response = client.get(_url("judgement_change", judgement.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="reason"' not in page
    assert 'name="_save"' not in page


def test_plain_staff_user_cannot_confirm_as_parsed(client, staff_user, judgement):
    client.force_login(staff_user)

    client.post(
        _url("judgement_changelist"),
        {"action": "confirm_as_parsed", "_selected_action": [judgement.pk]},
    )

    assert Judgement.objects.get(pk=judgement.pk).needs_review


def test_correction_posted_without_csrf_token_is_refused(editor, judgement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(
        _url("judgement_change", judgement.pk), {"grade": "inadequate", "reason": "Forged"}
    )

    assert response.status_code == 403
    assert Judgement.objects.get(pk=judgement.pk).grade == "good"


def test_correction_posted_with_csrf_token_is_accepted(editor, judgement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(_url("judgement_change", judgement.pk))

    response = client.post(
        _url("judgement_change", judgement.pk),
        {
            "grade": "inadequate",
            "reason": "Report p.3",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302
    assert Judgement.objects.get(pk=judgement.pk).grade == "inadequate"


def test_restoring_an_old_version_from_history_is_refused(client, editor, judgement):
    judgement.correct(grade="inadequate", reason="Misread table", user=editor)
    first = judgement.history.last()
    client.force_login(editor)

    response = client.post(
        _url("judgement_simple_history", judgement.pk, first.history_id), {"grade": "good"}
    )

    assert response.status_code == 403
    assert Judgement.objects.get(pk=judgement.pk).grade == "inadequate"


def test_nobody_adds_or_deletes_judgements_in_the_admin(admin_client, judgement):
    assert admin_client.get(_url("judgement_add")).status_code == 403
    assert (
        admin_client.post(_url("judgement_delete", judgement.pk), {"post": "yes"}).status_code
        == 403
    )
    assert Judgement.objects.filter(pk=judgement.pk).exists()


def test_non_staff_user_is_sent_to_login(client, django_user_model, judgement):
    client.force_login(django_user_model.objects.create_user("visitor"))

    response = client.get(_url("judgement_change", judgement.pk))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_plain_staff_user_reads_inspections_queue_and_history(client, staff_user, judgement):
    client.force_login(staff_user)

    pages = [
        _url("judgement_changelist"),
        _url("judgement_history", judgement.pk),
        _url("inspection_change", judgement.inspection_id),
        _url("inspection_history", judgement.inspection_id),
    ]

    assert [client.get(url).status_code for url in pages] == [200, 200, 200, 200]
    assert _url("judgement_changelist") in client.get(reverse("admin:index")).content.decode()


# --- Source documents and authorities: the ingest and load_authorities write them -------------


@pytest.fixture
def document(hampshire):
    return make_document(inspection=make_inspection(hampshire), file_name="hampshire-2019.pdf")


def _read_only_pages(document, authority):
    return [
        _url("sourcedocument_changelist"),
        _url("sourcedocument_change", document.pk),
        reverse("admin:authorities_localauthority_changelist"),
        reverse("admin:authorities_localauthority_change", args=[authority.pk]),
    ]


def test_plain_staff_user_reads_source_documents_and_authorities(
    client, staff_user, document, southampton
):
    client.force_login(staff_user)
    urls = _read_only_pages(document, southampton)

    pages = {url: client.get(url) for url in urls}

    assert [url for url, page in pages.items() if page.status_code != 200] == []
    change_pages = urls[1::2]
    assert [url for url in change_pages if 'name="_save"' in pages[url].content.decode()] == []


def test_plain_staff_user_changes_no_source_document_or_authority(
    client, staff_user, document, southampton
):
    client.force_login(staff_user)
    _, document_url, _, authority_url = _read_only_pages(document, southampton)

    responses = [
        client.post(document_url, {"file_name": "renamed.pdf", "kind": "council_paper"}),
        client.post(authority_url, {"name": "Renamed", "slug": "renamed", "la_code": "999"}),
    ]

    assert [r.status_code for r in responses] == [403, 403]
    document.refresh_from_db()
    southampton.refresh_from_db()
    assert (document.file_name, southampton.name) == ("hampshire-2019.pdf", "Southampton")


def test_nobody_deletes_source_documents_or_authorities_in_the_admin(
    admin_client, document, southampton
):
    deletes = [
        _url("sourcedocument_delete", document.pk),
        reverse("admin:authorities_localauthority_delete", args=[southampton.pk]),
    ]
    bulk = [
        (_url("sourcedocument_changelist"), document.pk),
        (reverse("admin:authorities_localauthority_changelist"), southampton.pk),
    ]

    statuses = [admin_client.post(url, {"post": "yes"}).status_code for url in deletes]
    for url, pk in bulk:
        admin_client.post(
            url, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
        )

    assert statuses == [403, 403]
    assert SourceDocument.objects.filter(pk=document.pk).exists()
    assert LocalAuthority.objects.filter(pk=southampton.pk).exists()
