"""The ingest command end to end: the shared corpus, joining sources, bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from authorities.models import LocalAuthority
from inspections.models import Inspection, Judgement, SourceDocument
from tests.pdfs import encrypted_pdf, image_only_pdf, text_pdf

pytestmark = pytest.mark.django_db

METADATA = [
    "kind",
    "framework",
    "inspection_start",
    "inspection_end",
    "published",
    "lead_inspector",
]


def run_ingest(*args):
    """Run the command; return (JSON lines by document name, stderr text, exit error or None)."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command("ingest", *map(str, args), "--json", "--jobs", "2", stdout=out, stderr=err)
    except CommandError as e:
        error = e
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return {line["document"]: line for line in lines}, err.getvalue(), error


def _documents(corpus_dir):
    """The first corpus's folders; corpus/national is scored by bench/accuracy.py, not here."""
    return corpus_dir / "pdf", corpus_dir / "seeds"


def _expected(corpus_dir):
    return {
        p.name.removesuffix(".json"): json.loads(p.read_text())
        for p in (corpus_dir / "expected").glob("*.json")
    }


def _judgements(doc):
    return {
        j["area"]: (j["label"], j["grade"], j.get("evidence", {}).get("page"),
                    j.get("evidence", {}).get("line"))
        for j in doc.get("judgements", [])
    }  # fmt: skip


@pytest.mark.corpus
def test_dry_run_matches_every_expected_file(corpus_dir, authorities):
    found, _, _ = run_ingest(*_documents(corpus_dir), "--dry-run")
    expected = _expected(corpus_dir)

    assert set(found) == set(expected)
    for name, want in expected.items():
        got = found[name]
        if want["kind"] == "not_a_report":
            assert got["status"] == "refused", name
            continue
        assert got["status"] == "ingested", (name, got["reason"])
        assert {k: got[k] for k in METADATA} == {k: want[k] for k in METADATA}, name
        assert got["authority"] == want["authority"], name
        assert _judgements(got) == _judgements(want), name
    assert not SourceDocument.objects.exists()  # a dry run stores nothing


@pytest.mark.corpus
def test_second_run_of_the_corpus_is_all_unchanged(corpus_dir, authorities):
    first, _, error = run_ingest(*_documents(corpus_dir))
    assert error is not None  # the saved web page named .pdf is refused, so the exit is non-zero
    assert [n for n, line in first.items() if line["status"] != "ingested"] == [
        "children's services inspection - 10 august 2012.pdf"
    ]
    counts = (Inspection.objects.count(), Judgement.objects.count())

    second, _, _ = run_ingest(*_documents(corpus_dir))

    assert {line["status"] for n, line in second.items() if n in first} >= {"unchanged"}
    assert [n for n, line in second.items() if line["status"] == "ingested"] == []
    assert (Inspection.objects.count(), Judgement.objects.count()) == counts


@pytest.mark.corpus
def test_one_inspection_many_sources(corpus_dir, hampshire):
    run_ingest(*_documents(corpus_dir))

    slac = Inspection.objects.get(authority=hampshire, framework="SLAC")
    # The report prints no dates; the Cabinet paper gives them, and both feed one inspection.
    assert {d.kind for d in slac.documents.all()} == {"inspection_report", "council_paper"}
    assert (str(slac.start_date), str(slac.end_date), str(slac.published)) == (
        "2011-06-27",
        "2011-07-08",
        "2011-08-12",
    )
    assert slac.judgements.count() == 22

    # Seed 001 is the 2019 report's text without its title block: same inspection as the PDF.
    ilacs_2019 = Inspection.objects.get(
        authority=hampshire, framework="ILACS", start_date__year=2019
    )
    assert ilacs_2019.documents.count() == 2
    assert Inspection.objects.filter(authority=hampshire, framework="ILACS").count() == 2


def ilacs_report(title, lead):
    """A short ILACS report written for these tests; `title` names (or omits) the authority."""
    return (
        f"{title}Inspection of children's social care services\n"
        f"Inspection dates: 6 May to 10 May 2024\n{lead}\n"
        "Judgement Grade\n"
        "The impact of leaders on social work practice with children and families Good\n"
        "The experiences and progress of children who need help and protection Good\n"
        "The experiences and progress of children in care Good\n"
        "The experiences and progress of care leavers Good\n"
        "Overall effectiveness Good\n"
    )


BAD_INPUT = {
    "saved-page.pdf": (b"<!DOCTYPE html><html><body>Report not found</body></html>", "not a PDF"),
    "empty.pdf": (b"", "empty"),
    "empty.txt": (b"", "empty"),
    "truncated.pdf": (text_pdf(["Overall effectiveness Good"])[:200], "PDF"),
    "encrypted.pdf": (encrypted_pdf(), "encrypted"),
    "scanned.pdf": (image_only_pdf(), "text"),
    "latin1.txt": ("Inspection of Hampshire – café".encode("cp1252"), "UTF-8"),
    "utf16.txt": ("Inspection of Hampshire".encode("utf-16"), "UTF-16"),
    "minutes.txt": (b"Minutes of the parish council meeting.\nApologies were received.\n", ""),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_is_refused_by_name_and_nothing_is_stored(tmp_path, authorities, name):
    content, words = BAD_INPUT[name]
    (tmp_path / name).write_bytes(content)

    found, stderr, error = run_ingest(tmp_path)

    assert error is not None  # non-zero exit status
    assert found[name]["status"] == "refused"
    message = [line for line in stderr.splitlines() if line.startswith(str(tmp_path / name))]
    assert message and words.lower() in message[0].lower()
    assert (SourceDocument.objects.count(), Inspection.objects.count()) == (0, 0)


# Files that are no report at all; every other refused file may be a real report.
NOT_REPORTS = {"saved-page.pdf", "empty.pdf", "empty.txt"}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_only_a_file_that_is_no_report_is_labelled_not_a_report(tmp_path, authorities, name):
    (tmp_path / name).write_bytes(BAD_INPUT[name][0])
    found, _, _ = run_ingest(tmp_path)
    assert found[name]["kind"] == ("not_a_report" if name in NOT_REPORTS else None)


def test_authority_not_in_the_reference_is_refused(tmp_path, authorities):
    report = ilacs_report(title="Narnia County Council\n", lead="Lead inspector: A N Other\n")
    (tmp_path / "narnia.txt").write_text(report)
    found, stderr, error = run_ingest(tmp_path)
    assert error is not None
    assert found["narnia.txt"]["status"] == "refused"
    assert found["narnia.txt"]["kind"] is None  # a real report, whatever its authority
    assert "not in the reference" in stderr
    assert not Inspection.objects.exists()


def test_a_bad_file_does_not_stop_the_run(tmp_path, corpus_dir, authorities):
    seed = next((corpus_dir / "seeds").glob("004_*.txt"))
    (tmp_path / "southampton.txt").write_bytes(seed.read_bytes())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")

    found, _, error = run_ingest(tmp_path)

    assert error is not None
    assert found["southampton.txt"]["status"] == "ingested"
    assert found["broken.pdf"]["status"] == "refused"
    assert Judgement.objects.filter(inspection__authority__la_code="852").count() == 22


def test_missing_path_is_a_clear_error(authorities):
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", "/nonexistent/folder/report.pdf", stdout=io.StringIO())


def test_needs_authorities_loaded(db, tmp_path):
    LocalAuthority.objects.all().delete()  # the run's reference data, loaded once, rolls back
    with pytest.raises(CommandError, match="load_authorities"):
        call_command("ingest", str(tmp_path), stdout=io.StringIO())


@pytest.fixture
def cabinet_paper(corpus_dir):
    return next((corpus_dir / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")


def test_sources_that_disagree_are_flagged_not_resolved_by_order(
    tmp_path, hampshire, cabinet_paper
):
    (tmp_path / "a-cabinet-paper.txt").write_text(cabinet_paper, encoding="utf-8")
    altered = cabinet_paper.replace("Partnership working\tOutstanding", "Partnership working\tGood")
    altered = altered.replace(
        "published by Ofsted on 12 August 2011", "published by Ofsted on 19 August 2011"
    )
    assert altered.count("\tGood") == cabinet_paper.count("\tGood") + 1
    (tmp_path / "b-restated.txt").write_text(altered, encoding="utf-8")

    found, _, error = run_ingest(tmp_path)

    assert error is None
    inspection = Inspection.objects.get(authority=hampshire)  # both sources, one inspection
    assert inspection.documents.count() == 2
    partnership = inspection.judgements.get(area="safeguarding.partnership_working")
    assert partnership.needs_review
    # Documents are stored as their workers finish: the first stored is kept, the other named.
    other = {
        "outstanding": "b-restated.txt reads good",
        "good": "a-cabinet-paper.txt reads outstanding",
    }[partnership.grade]
    assert other in partnership.review_reason
    assert inspection.needs_review and "publication date" in inspection.review_reason
    kept, other = sorted(["2011-08-12", "2011-08-19"], key=lambda d: d != str(inspection.published))
    # kept and flagged, not silently replaced
    assert f"says {other}, kept {kept}" in inspection.review_reason
    others = inspection.judgements.exclude(area="safeguarding.partnership_working")
    assert not others.filter(needs_review=True).exists()


def test_folder_urn_confirms_but_never_overrides_the_authority(tmp_path, corpus_dir, authorities):
    seed = next((corpus_dir / "seeds").glob("004_*.txt")).read_bytes()  # Southampton, 2012
    wrong = tmp_path / "80472_hampshire"  # Hampshire's Ofsted URN
    wrong.mkdir()
    (wrong / "report.txt").write_bytes(seed)
    right = tmp_path / "80558_southampton"
    right.mkdir()
    (right / "copy.txt").write_bytes(seed + b"\n")

    found, _, error = run_ingest(tmp_path)

    assert error is None
    assert found["report.txt"]["authority"]["name"] == "Southampton"
    assert any("80472" in r for r in found["report.txt"]["review_reasons"])
    assert found["copy.txt"]["review_reasons"] == []
    document = SourceDocument.objects.get(file_name="report.txt")
    assert document.status == "needs_review" and "80472" in document.error
