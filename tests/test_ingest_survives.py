"""What the ingest survives: a worker killed, a decompression bomb, a document that never ends, a
PDF nested too deep, a FIFO or a device given as a document, a kept file cut short, its own
kill -9, and a second ingest at once. Real processes, real signals and real files made here;
every wait is for a condition, with a deadline."""

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from inspections import kept_files, reading
from inspections.ingest_lock import ADVISORY_KEY, APPLICATION_NAME
from inspections.models import ImportRun, SourceDocument
from tests.pdfs import text_pdf
from tests.test_robustness import ROOT, UNRELATED_PAGE, _database_url, report

# A PDF whose reading takes seconds (each page is parsed): time to find and kill its worker.
SLOW_PAGES = 1500


def slow_pdf(pages=SLOW_PAGES, **report_args):
    return text_pdf([report(**report_args)] + [UNRELATED_PAGE.format(n=n) for n in range(pages)])


def pdf_of(objects):
    """A PDF of the given object bodies (object 1 is the catalogue), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PAGE_TREE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>",
]


def bomb_pdf(inflated_mb):
    """A page whose FlateDecode content stream inflates to `inflated_mb` MB (of spaces): a few
    hundred KB on disk. Compressed a megabyte at a time, so making it takes little memory."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * 2**20
    data = b"".join(squeeze.compress(chunk) for _ in range(inflated_mb)) + squeeze.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return pdf_of([*PAGE_TREE, stream, font])


def nested_pdf(depth=100_000):
    """A page whose font's bounding box is an array nested `depth` deep."""
    text = b"BT /F1 11 Tf 50 790 Td (Inspection of Hampshire) Tj ET"
    return pdf_of(
        [
            *PAGE_TREE,
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Nested /FirstChar 32 /LastChar 32 "
            b"/Widths [500] /FontDescriptor 6 0 R >>",
            b"<< /Type /FontDescriptor /FontName /Nested /FontBBox "
            + b"[" * depth
            + b"0"
            + b"]" * depth
            + b" >>",
        ]
    )


def ingest_process(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **env):
    """`manage.py ingest` as a process of its own, against this test's database."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "ingest", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _database_url(), **env},
        stdout=stdout,
        stderr=stderr,
        text=True,
    )


def children(pid):
    """The pids of a process's children, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def is_running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def has_open(pid, path):
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue
    return False


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.005)
    return found


def finish(process, seconds=120):
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"the ingest did not finish within {seconds} s:\n{err}")
    return out, err


@pytest.fixture
def reports(tmp_path, authorities):
    folder = tmp_path / "reports"
    folder.mkdir()
    for day in range(1, 5):
        (folder / f"hampshire-{day:02}.txt").write_text(report(day=day), encoding="utf-8")
    return folder


# --- A worker killed ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_fails_only_its_file_and_the_run_goes_on(reports, media_root):
    victim = reports / "victim.pdf"
    victim.write_bytes(slow_pdf(day=20))  # the largest: read first
    child = ingest_process(reports, "--jobs", "2", MEDIA_ROOT=str(media_root))
    try:
        worker = wait_for(
            lambda: next((w for w in children(child.pid) if has_open(w, victim)), None),
            60,
            "a worker reading victim.pdf",
        )
        os.kill(worker, signal.SIGKILL)  # what the kernel's OOM killer does
        killed = time.monotonic()
        out, err = finish(child)
    finally:
        child.kill()
    recovered = time.monotonic() - killed

    assert child.returncode == 1, err  # something failed, and the run says so
    assert f"{victim}: the worker reading it was killed (SIGKILL" in err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert sorted(SourceDocument.objects.values_list("file_name", flat=True)) == [
        f"hampshire-{day:02}.txt" for day in range(1, 5)
    ]
    run = ImportRun.objects.get()
    assert run.finished_at is not None and "1 failed" in run.summary
    assert [(p.file_name, p.status) for p in run.problems.all()] == [("victim.pdf", "failed")]
    print(f"killed worker: the run finished {recovered:.2f} s after the kill")


@pytest.mark.django_db(transaction=True)
def test_workers_exit_when_the_ingest_is_killed(tmp_path, authorities, media_root):
    for n in range(2):
        (tmp_path / f"slow-{n}.pdf").write_bytes(slow_pdf(day=1 + n))
    child = ingest_process(tmp_path, "--jobs", "2", MEDIA_ROOT=str(media_root))
    workers = []
    try:
        workers = wait_for(
            lambda: [w for w in children(child.pid) if any(has_open(w, p) for p in
                                                           tmp_path.glob("*.pdf"))],
            60,
            "a worker reading",
        )  # fmt: skip
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        started = time.monotonic()
        wait_for(lambda: not any(map(is_running, workers)), 10, "the workers exiting")
        print(f"orphaned workers gone {time.monotonic() - started:.3f} s after the ingest died")
    finally:
        for pid in workers:  # before the fix they live for ever (and hold its output open)
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
        child.kill()
        child.communicate()


# --- Memory and time ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_decompression_bomb_is_refused_within_the_memory_cap(reports, media_root):
    bomb = reports / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(inflated_mb=300))
    assert bomb.stat().st_size < 2**20
    err_file = reports.parent / "bomb.err"
    with err_file.open("w") as stderr:
        # --jobs 1 reads in a worker too: the cap holds without a pool.
        child = ingest_process(
            reports,
            "--jobs",
            "1",
            MEDIA_ROOT=str(media_root),
            INGEST_WORKER_MEMORY_MB="200",
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        # The peak resident memory of the ingest and of its workers (wait4 counts the children
        # it reaped), in KB.
        deadline = time.monotonic() + 120
        while not (waited := os.wait4(child.pid, os.WNOHANG))[0]:
            assert time.monotonic() < deadline, "the ingest did not finish within 120 s"
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(waited[1])
    peak_mb = waited[2].ru_maxrss / 1024
    err = err_file.read_text()

    assert f"{bomb}: reading it needed more than 200 MB of memory" in err, err
    assert SourceDocument.objects.count() == 4
    assert ImportRun.objects.get().problems.get().status == "refused"
    print(f"bomb (1 MB inflating to 300 MB, cap 200 MB): peak memory {peak_mb:.0f} MB")
    assert peak_mb < 200 + 150  # the cap, and the worker's own ~75 MB


@pytest.mark.django_db
def test_a_document_past_its_time_is_refused_and_the_run_goes_on(reports, settings):
    slow = reports / "slow.pdf"
    slow.write_bytes(slow_pdf(day=20))
    settings.INGEST_DOCUMENT_SECONDS = 0.5
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()

    with pytest.raises(Exception, match="1 documents were refused"):
        call_command("ingest", str(reports), "--jobs", "1", stdout=out, stderr=err)

    assert f"{slow}: reading it took longer than 0.5 s (INGEST_DOCUMENT_SECONDS)" in err.getvalue()
    assert SourceDocument.objects.count() == 4  # read by a fresh worker after the slow one
    assert time.monotonic() - started < 5  # reading it whole takes about 6 s


# --- Bad files ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pdf_nested_too_deep_is_refused_as_corrupt(tmp_path, authorities):
    (tmp_path / "nested.pdf").write_bytes(nested_pdf())
    err = io.StringIO()

    with pytest.raises(Exception, match="1 documents were refused"):
        call_command("ingest", str(tmp_path), "--jobs", "1", stdout=io.StringIO(), stderr=err)

    assert f"{tmp_path / 'nested.pdf'}: corrupt PDF (objects nested too deep" in err.getvalue()
    assert "RecursionError" not in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_fifo_or_a_device_is_refused_not_read_for_ever(reports, media_root):
    fifo = reports / "pipe.pdf"
    os.mkfifo(fifo)
    child = ingest_process(fifo, "/dev/zero", reports, "--jobs", "1", MEDIA_ROOT=str(media_root))

    out, err = finish(child, seconds=60)  # before: hashing either waited for ever

    assert f"{fifo}: not a regular file (a FIFO)" in err
    assert "/dev/zero: not a regular file (a device or socket)" in err
    assert SourceDocument.objects.count() == 4  # the folder's own reports; the FIFO once


# --- The kept file -----------------------------------------------------------------------------


def kept(document):
    with default_storage.open(document.file.name, "rb") as f:
        return f.read()


@pytest.mark.django_db
def test_a_file_cut_short_under_the_documents_name_is_written_again(reports):
    source = reports / "hampshire-01.txt"
    name = kept_files.document_file_name(reading.sha256_of(source), source)
    Path(default_storage.path(name)).parent.mkdir(parents=True, exist_ok=True)
    Path(default_storage.path(name)).write_bytes(source.read_bytes()[:100])  # a crash mid-write

    call_command("ingest", str(source), "--jobs", "1", stdout=io.StringIO())

    assert kept(SourceDocument.objects.get()) == source.read_bytes()


@pytest.mark.django_db
def test_reparse_repairs_a_kept_file_that_does_not_match(reports):
    source = reports / "hampshire-01.txt"
    call_command("ingest", str(source), "--jobs", "1", stdout=io.StringIO())
    document = SourceDocument.objects.get()
    whole = kept(document)
    for damaged in (whole[:100], whole[:-1] + b"?"):  # cut short; the same size, other bytes
        Path(default_storage.path(document.file.name)).write_bytes(damaged)

        call_command("ingest", str(source), "--reparse", "--jobs", "1", stdout=io.StringIO())

        assert kept(document) == whole


KEEP_ONE_FILE = """
import os, sys, types, django
django.setup()
from inspections import kept_files
document = types.SimpleNamespace(sha256=sys.argv[2], file=types.SimpleNamespace(name=""))
document.save = lambda **kwargs: None
kept_files.keep_file(document, sys.argv[1], [])
"""


def test_a_kept_file_killed_mid_write_is_never_seen_half_written(tmp_path, media_root):
    source = tmp_path / "large.pdf"
    source.write_bytes(os.urandom(2**20) * 200)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    name = Path(media_root) / kept_files.document_file_name(digest, source)
    child = subprocess.Popen(
        [sys.executable, "-c", KEEP_ONE_FILE, str(source), digest],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
             "MEDIA_ROOT": str(media_root)},
    )  # fmt: skip
    try:
        folder = name.parent
        wait_for(lambda: folder.exists() and any(folder.iterdir()), 60, "the file being written")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()

    assert not name.exists() or name.stat().st_size == source.stat().st_size


# --- Two ingests at once -----------------------------------------------------------------------


def holds_the_lock(pid):
    """Whether the ingest of that pid holds the ingest lock in this test's database (others'
    test runs may hold theirs at the same time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s "
            "AND a.datname = current_database() AND a.application_name = %s",
            [ADVISORY_KEY, APPLICATION_NAME.format(pid=pid)],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_second_ingest_waits_for_the_first(tmp_path, authorities, media_root):
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    for n in range(8):
        (tmp_path / f"hampshire-{n}.pdf").write_bytes(slow_pdf(pages=150, day=1 + n))
    first = ingest_process(tmp_path, "--jobs", "1", MEDIA_ROOT=str(media_root))
    second_err = tmp_path / "second.err"
    try:
        wait_for(lambda: holds_the_lock(first.pid), 60, "the first ingest holding the lock")
        with second_err.open("w") as err_file:
            second = ingest_process(
                tmp_path, "--jobs", "1", MEDIA_ROOT=str(media_root), stderr=err_file
            )
            try:
                wait_for(
                    lambda: (
                        "waiting for another ingest" in second_err.read_text()
                        or second.poll() is not None
                    ),
                    60,
                    "the second ingest waiting",
                )
                second_out, _ = finish(second)
            finally:
                second.kill()
        first_out, first_err = finish(first)
    finally:
        first.kill()

    waited = second_err.read_text()
    assert f"waiting for another ingest (pid {first.pid}) to finish" in waited
    assert (first.returncode, second.returncode) == (0, 0), first_err + waited
    assert "8 unchanged" in second_out and "Reparsed" not in second_out
    assert "IntegrityError" not in first_err + waited
    assert SourceDocument.objects.count() == 8


HOLD_THE_LOCK = """
import os, sys, time, django
django.setup()
from inspections.ingest_lock import one_ingest_at_a_time
release = sys.argv[1]
with one_ingest_at_a_time(lambda message: print(message, flush=True)):
    print("holding", flush=True)
    while not os.path.exists(release):
        time.sleep(0.01)
"""


def test_on_sqlite_a_second_run_waits_for_the_file_lock(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "tests.settings"}  # fmt: skip
    outputs = [tmp_path / "first.out", tmp_path / "second.out"]
    runs = []
    try:
        for output in outputs:
            with output.open("w") as out:
                runs.append(
                    subprocess.Popen(
                        [sys.executable, "-c", HOLD_THE_LOCK, str(tmp_path / "release")],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                    )
                )
            wait_for(lambda o=output: o.read_text(), 30, f"{output.name} starting")
        first, second = runs

        assert outputs[0].read_text() == "holding\n"
        assert outputs[1].read_text() == f"waiting for another ingest (pid {first.pid}) to finish\n"
        (tmp_path / "release").touch()
        assert first.wait(30) == 0 and second.wait(30) == 0
        assert outputs[1].read_text().splitlines()[-1] == "holding"
    finally:
        for run in runs:
            run.kill()
            run.wait()
