"""Bad input, an interrupted ingest, and the security promises, tested against PostgreSQL.

Every bad document is generated here (never downloaded). Each must be refused with one message
that names the file and the reason, store nothing, and leave the rest of the run to go on.
"""

import io
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections.models import ImportRun, Inspection, Judgement, SourceDocument
from tests.factories import make_inspection, make_judgement
from tests.pdfs import encrypted_pdf, image_only_pdf, text_pdf

ROOT = Path(__file__).resolve().parent.parent

# A short ILACS report written for these tests: title block, judgement table, first sentence.
ILACS_REPORT = """\
{name} County Council
Inspection of {name} local authority children's services
Inspection dates: {day} May {year} to 24 May {year}
Lead inspector: Jane Example, Her Majesty's Inspector

Judgement
Grade
The impact of leaders on social work practice with children and families
Good
The experiences and progress of children who need help and protection
Good
The experiences and progress of children in care and care leavers
Requires improvement to be good
Overall effectiveness
Good

Children's services in {name} are good. This short report was written for a test.
"""
GOOD_GRADES = {
    "impact_of_leaders": "good",
    "help_and_protection": "good",
    "children_in_care_and_care_leavers": "requires_improvement",
    "overall_effectiveness": "good",
}
UNRELATED_PAGE = (
    "Minutes of the allotment society, meeting {n}\n"
    "Apologies were received from two members.\n"
    "The society discussed the water butts and the date of the summer show."
)


def report(name="Hampshire", day=13, year=2019):
    return ILACS_REPORT.format(name=name, day=day, year=year)


def _truncated_pdf():
    pdf = text_pdf([report()])
    return pdf[: len(pdf) // 2]


# name -> (how to make the file, words its refusal must contain)
ZOO = {
    "web-page-saved-as.pdf": (
        lambda: b"<!DOCTYPE html><html><head><title>Not found</title></head></html>",
        "not a PDF",
    ),
    "zero-bytes.pdf": (lambda: b"", "empty"),
    "zero-bytes.txt": (lambda: b"", "empty"),
    "truncated.pdf": (_truncated_pdf, "truncated"),
    "encrypted.pdf": (lambda: encrypted_pdf(report()), "encrypted"),
    "image-only.pdf": (image_only_pdf, "no text layer"),
    "five-hundred-pages.pdf": (
        lambda: text_pdf([UNRELATED_PAGE.format(n=n) for n in range(500)]),
        "no known inspection framework",
    ),
    "utf-16.txt": (lambda: report().encode("utf-16"), "UTF-16"),
    "cp1252.txt": (lambda: report().replace("'", "\u2019").encode("cp1252"), "not UTF-8"),
    "random-bytes.pdf": (lambda: random.Random(1).randbytes(4096), "not a PDF"),
    "random-bytes-after-header.pdf": (
        lambda: b"%PDF-1.7\n" + random.Random(2).randbytes(4096),
        "corrupt",
    ),
    "random-bytes.txt": (lambda: random.Random(3).randbytes(4096), "not a text file"),
    "unrelated-document.pdf": (
        lambda: text_pdf([UNRELATED_PAGE.format(n=1) + "\nThe marrows were judged good."]),
        "no known inspection framework",
    ),
    "unknown-authority.txt": (lambda: report(name="Atlantis").encode(), "Atlantis"),
}


def write_zoo(folder):
    for name, (make, _) in ZOO.items():
        (folder / name).write_bytes(make())


def run_ingest(*paths):
    """Run the command in-process; return (stdout, stderr, CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, paths), "--jobs", "1", stdout=out, stderr=err)
    except CommandError as e:
        return out.getvalue(), err.getvalue(), e
    return out.getvalue(), err.getvalue(), None


def row_counts():
    """Rows in every table the project owns, history included."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("authorities", "inspections")
        for model in apps.get_app_config(app).get_models()
    }


# What a run writes about itself: the record of the run and of each file it refused.
RUN_RECORDS = ("inspections.ImportRun", "inspections.ImportProblem")


@pytest.mark.django_db
def test_bad_input_zoo_is_refused_file_by_file_and_changes_no_row(tmp_path, authorities):
    write_zoo(tmp_path)
    before = row_counts()

    _, stderr, error = run_ingest(tmp_path)

    assert error is not None  # the exit status says something was refused
    after = row_counts()
    assert {k: n for k, n in after.items() if k not in RUN_RECORDS} == {
        k: n for k, n in before.items() if k not in RUN_RECORDS
    }
    run = ImportRun.objects.get()  # the run's record names every refused file, nothing else
    assert sorted(p.file_name for p in run.problems.all()) == sorted(ZOO)
    for name, (_, words) in ZOO.items():
        path = str(tmp_path / name)
        messages = [line for line in stderr.splitlines() if path in line]
        assert len(messages) == 1, (name, messages)
        assert messages[0].startswith(f"{path}: "), messages[0]
        assert words.lower() in messages[0].lower(), (name, messages[0])
    assert len(stderr.splitlines()) == len(ZOO)  # one line each, nothing else


@pytest.mark.django_db
def test_good_report_beside_the_zoo_is_stored(tmp_path, hampshire):
    write_zoo(tmp_path)
    (tmp_path / "hampshire-2019.txt").write_text(report())
    (tmp_path / "hampshire-2019.pdf").write_bytes(text_pdf([report(day=14)]))

    stdout, _, error = run_ingest(tmp_path)

    assert error is not None
    assert f"{len(ZOO)} refused, 0 failed" in stdout
    assert sorted(SourceDocument.objects.values_list("file_name", flat=True)) == [
        "hampshire-2019.pdf",
        "hampshire-2019.txt",
    ]
    for inspection in Inspection.objects.all():
        assert inspection.authority == hampshire
        assert dict(inspection.judgements.values_list("area", "grade")) == GOOD_GRADES


@pytest.mark.django_db
def test_a_large_unrelated_pdf_is_refused_quickly(tmp_path, authorities, settings):
    (tmp_path / "big.pdf").write_bytes(ZOO["five-hundred-pages.pdf"][0]())
    # The ingest's own limit on one document: a hang or a blow-up is refused for the time it took.
    settings.INGEST_DOCUMENT_SECONDS = 20  # about 1 s here

    _, stderr, error = run_ingest(tmp_path)

    assert error is not None and "no known inspection framework" in stderr


# --- An interrupted ingest ----------------------------------------------------------------------

INTERRUPT_DOCUMENTS = 24


def _database_url():
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _assert_no_half_written_document(expected_judgements):
    for document in SourceDocument.objects.select_related("inspection"):
        assert document.inspection is not None, document
        grades = dict(document.judgements.values_list("area", "grade"))
        assert grades == expected_judgements, document
    assert not Inspection.objects.filter(documents=None).exists()
    assert Judgement.objects.count() == SourceDocument.objects.count() * len(expected_judgements)


@pytest.mark.django_db(transaction=True)
def test_killed_ingest_leaves_no_half_written_document_and_the_next_run_completes(
    tmp_path, media_root
):
    call_command("load_authorities", stdout=io.StringIO())
    # Each PDF carries unrelated pages after the report, so that reading one takes a while.
    filler = [UNRELATED_PAGE.format(n=n) for n in range(60)]
    for n in range(INTERRUPT_DOCUMENTS):
        pdf = text_pdf([report(day=1 + n, year=2019), *filler])
        (tmp_path / f"hampshire-{n:02}.pdf").write_bytes(pdf)
    child = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", str(tmp_path), "--jobs", "2"],
        cwd=ROOT,
        # The child keeps its files where this test's do, not in the project's media folder.
        env={**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(media_root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the workers die with it
    )
    try:
        deadline = time.monotonic() + 60
        while not SourceDocument.objects.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "no document stored within 60 s"
            time.sleep(0.01)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        child.stderr.close()

    stored = SourceDocument.objects.count()
    assert 1 <= stored < INTERRUPT_DOCUMENTS, "the ingest finished before it was killed"
    _assert_no_half_written_document(GOOD_GRADES)

    stdout, stderr, error = run_ingest(tmp_path)

    assert error is None, stderr
    assert f"{stored} unchanged" in stdout
    assert SourceDocument.objects.count() == INTERRUPT_DOCUMENTS
    assert Inspection.objects.count() == INTERRUPT_DOCUMENTS
    _assert_no_half_written_document(GOOD_GRADES)


# --- Security ----------------------------------------------------------------------------------


def _admin_urls():
    """The changelist and add page of every model in the admin, plus the index."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info))]
        urls += [reverse("admin:{}_{}_add".format(*info))]
    return urls


@pytest.mark.django_db
def test_admin_needs_login(client):
    for url in _admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.django_db
def test_admin_changes_need_permission(client, staff_user, hampshire):
    inspection = make_inspection(hampshire)
    judgement = make_judgement(inspection)
    judgement.correct(grade="inadequate", reason="to have something to revert", user=None)
    client.force_login(staff_user)  # staff (who may read the evidence) without any permission
    pages = [url for url in _admin_urls() if url.endswith("/add/")]
    pages += [reverse("admin:auth_user_changelist"), reverse("admin:auth_group_changelist")]
    posts = [
        reverse("admin:inspections_judgement_change", args=[judgement.pk]),
        reverse("admin:inspections_judgement_revert", args=[judgement.pk]),
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
    ]
    form = {"grade": "good", "reason": "test", "lead_inspector": "Someone Else"}

    allowed = [url for url in pages if client.get(url).status_code != 403]
    allowed += [url for url in posts if client.post(url, form).status_code != 403]

    assert allowed == []
    judgement.refresh_from_db()
    inspection.refresh_from_db()
    assert (judgement.grade, judgement.is_corrected) == ("inadequate", True)
    assert inspection.lead_inspector == ""


@pytest.mark.django_db
def test_admin_forms_refuse_a_post_without_csrf_token(django_user_model, hampshire):
    from django.test import Client

    superuser = django_user_model.objects.create_superuser("root", password="pw-root-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    judgement = make_judgement(make_inspection(hampshire))
    urls = [url for url in _admin_urls()[1:] if url.endswith("/add/")]
    urls.append(reverse("admin:inspections_judgement_change", args=[judgement.pk]))

    accepted = [url for url in urls if client.post(url, {}).status_code != 403]

    assert accepted == []


# Written so that this file's own source does not match them.
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key": re.compile(r"aws_secret_access_key\s*[=:]\s*\S{20,}", re.I),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+]*://[^/\s:@'\"]+:[^/\s@'\"{]+@"),
}
# Settings hold no literal secret: the only fallback key is the one marked insecure.
SETTINGS_SECRET_RE = re.compile(
    r"""^\s*(?:SECRET_KEY|[A-Z_]*PASSWORD[A-Z_]*)\s*=\s*["'](?!django-insecure-)[^"']+["']""", re.M
)


def secrets_in(text):
    return sorted(name for name, pattern in SECRET_PATTERNS.items() if pattern.search(text))


def test_secret_scan_finds_planted_secrets():
    planted = "\n".join(
        [
            "-----BEGIN RSA " + "PRIVATE KEY-----",
            "AKIA" + "Q" * 16,
            "gh" + "p_" + "a1" * 18,
            "postgres://" + "admin:hunter2@db.example/prod",
        ]
    )
    assert secrets_in(planted) == [
        "AWS access key id",
        "GitHub token",
        "password in a URL",
        "private key",
    ]
    assert SETTINGS_SECRET_RE.search("SECRET_KEY = " + "'abc123'")
    assert not SETTINGS_SECRET_RE.search('SECRET_KEY = os.environ.get("SECRET_KEY", "")')


def test_no_secret_is_tracked_in_the_repository():
    if not (ROOT / ".git").exists() and not os.environ.get("CI"):
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, (t.decode() for t in tracked)):
        path = ROOT / name
        if re.search(r"(^|/)\.env$|\.(pem|key|p12|pfx)$", name):
            found.append((name, "secret-bearing file"))
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [(name, what) for what in secrets_in(text)]
        if name.endswith("settings.py"):
            found += [(name, m.group(0).strip()) for m in SETTINGS_SECRET_RE.finditer(text)]
    assert found == []
