"""Staff corrections against the ingest: no re-ingest ever overwrites one."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Judgement

pytestmark = pytest.mark.django_db

BEING_HEALTHY = "looked_after_children.being_healthy"


def ingest(path):
    try:
        call_command("ingest", str(path), "--jobs", "1", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as e:  # the tests below only feed good documents
        raise AssertionError(str(e)) from e


@pytest.fixture
def southampton_seed(corpus_dir):
    return next((corpus_dir / "seeds").glob("004_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def corrected(tmp_path, southampton_seed, southampton, staff_user):
    """The 2012 Southampton report ingested, 'Being healthy' corrected from good to outstanding."""
    path = tmp_path / "southampton-2012.txt"
    path.write_text(southampton_seed, encoding="utf-8")
    ingest(path)
    judgement = Judgement.objects.get(inspection__authority=southampton, area=BEING_HEALTHY)
    assert judgement.grade == "good"
    judgement.correct(grade="outstanding", reason="Checked against the report", user=staff_user)
    return path


def _corrections():
    return list(
        Judgement.objects.filter(is_corrected=True).values_list(
            "area", "grade", "correction_reason"
        )
    )


@pytest.mark.parametrize("times", [1, 3])
def test_correction_survives_reparse_of_the_same_file(corrected, times):
    before = _corrections()
    for _ in range(times):
        out = io.StringIO()
        # --reparse reads the stored file again in full (without it, its hash skips it).
        call_command("ingest", str(corrected), "--reparse", "--jobs", "1", stdout=out)
        assert "Reparsed 1 stored documents" in out.getvalue()
    assert (
        _corrections() == before == [(BEING_HEALTHY, "outstanding", "Checked against the report")]
    )
    judgement = Judgement.objects.get(area=BEING_HEALTHY)
    assert (judgement.parsed_grade, judgement.needs_review) == ("good", False)


@pytest.mark.parametrize("times", [1, 100])
def test_correction_survives_reingest_of_a_changed_copy(
    corrected, tmp_path, southampton_seed, times
):
    before = _corrections()
    for i in range(times):
        copy = tmp_path / f"copy-{i}.txt"  # different bytes, same report: parsed again in full
        copy.write_text(southampton_seed + "\n" * (i + 1), encoding="utf-8")
        ingest(copy)
    assert _corrections() == before
    judgement = Judgement.objects.get(area=BEING_HEALTHY)
    assert (judgement.grade, judgement.parsed_grade, judgement.needs_review) == (
        "outstanding",
        "good",
        False,
    )


def test_changed_parse_of_a_corrected_judgement_flags_it_and_keeps_the_correction(
    corrected, tmp_path, southampton_seed
):
    lines = southampton_seed.splitlines(keepends=True)
    rows = [i for i, line in enumerate(lines) if line.startswith("Being healthy\tgood")]
    assert len(rows) == 1  # the record table row (the contents page lists the same label)
    lines[rows[0]] = lines[rows[0]].replace("good", "inadequate")
    reissued = tmp_path / "southampton-2012-reissued.txt"
    reissued.write_text("".join(lines), encoding="utf-8")

    ingest(reissued)

    judgement = Judgement.objects.get(area=BEING_HEALTHY)
    assert judgement.grade == "outstanding"  # the correction stands
    assert judgement.is_corrected
    assert judgement.needs_review
    assert "inadequate" in judgement.review_reason and "outstanding" in judgement.review_reason


@pytest.mark.corpus
def test_an_editor_corrects_southampton_being_healthy_and_it_holds_everywhere(
    corpus_dir, southampton, client, editor
):
    """Issue 6, 'done when': admin correction → dashboard and CSV → full re-ingest → history."""
    from django.urls import reverse

    def ingest_corpus():
        out = io.StringIO()
        with pytest.raises(CommandError):  # the corpus holds one web page saved as .pdf
            folders = [str(corpus_dir / "pdf"), str(corpus_dir / "seeds")]  # not national/
            call_command("ingest", *folders, "--jobs", "2", stdout=out, stderr=out)

    ingest_corpus()
    client.force_login(editor)
    judgement = Judgement.objects.get(inspection__authority=southampton, area=BEING_HEALTHY)
    url = reverse("admin:inspections_judgement_change", args=[judgement.pk])

    response = client.post(url, {"grade": "outstanding", "reason": "Report reissued"})
    assert response.status_code == 302

    body = client.get("/export.csv").content.decode("utf-8-sig")
    row = next(
        row
        for row in csv.DictReader(io.StringIO(body))
        if row["authority"] == "Southampton" and row["area"] == BEING_HEALTHY
    )
    assert (row["grade"], row["corrected"]) == ("outstanding", "true")
    page = client.get(southampton.get_absolute_url()).content.decode()
    assert "corrected" in page and "Report reissued" in page

    ingest_corpus()

    judgement.refresh_from_db()
    assert (judgement.grade, judgement.parsed_grade, judgement.is_corrected) == (
        "outstanding",
        "good",
        True,
    )
    latest = judgement.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.grade) == (
        editor,
        "Report reissued",
        "outstanding",
    )
