"""How fast the ingest reads a folder of PDFs, against the floor of pdfminer.six itself.

    .venv/bin/python bench/ingest.py [DIR] [--jobs N] [--quick]

DIR defaults to the shared corpus (settings.SHARED_DIR / "corpus" / "pdf"). In one run, on the
same files, it times:

  1. bare pdfminer.six `extract_text` over every PDF in one process (the floor), and the same
     with the LAParams the ingest uses (inspections.pdf.LAPARAMS), to show what that tuning buys;
  2. `manage.py ingest DIR --jobs 1` and `--jobs N` (N = cores), each into a fresh database;
  3. the `--jobs N` ingest again over the unchanged files (every document skipped by its hash).

`--quick` times only the bare default extraction and the `--jobs N` ingest (and its re-run):
the all-cores target, for a large folder such as corpus/national/pdf.

The ingest keeps each source file, as in production, in a throwaway MEDIA_ROOT (unless one is
set). Every run is a child process, so its peak memory is the peak resident set size that `os.wait4`
reports for it: the largest single process among it and the workers it reaped (not their sum).

The fresh databases are throwaway SQLite files, or, when DATABASE_URL points at PostgreSQL,
throwaway databases `ofsted_bench_<pid>_<n>` on that server; both are removed at the end. The
corpus holds one web page saved as .pdf, so the ingest exits non-zero by design: the script
prints the refused count and carries on.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import throwaway_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ofsted_compare.settings")

TARGET_ONE_JOB = 1.15  # parse and store add under 15 % to bare extraction
TARGET_ALL_CORES = 0.6  # all cores: at most 0.6 x the bare serial time
TARGET_UNCHANGED = 0.05  # unchanged re-run: under 5 % of the first run

SUMMARY_RE = re.compile(r"(?P<refused>\d+) refused, (?P<failed>\d+) failed")

# Runs in its own process, so its memory is measured like the ingest's.
BARE_EXTRACT = """
import sys, time
from pdfminer.high_level import extract_text
from pdfminer.layout import LAParams
laparams = LAParams(boxes_flow=None) if sys.argv[1] == "tuned" else None
ok = bad = 0
for path in sys.argv[2:]:
    try:
        extract_text(path, laparams=laparams)
        ok += 1
    except Exception:
        bad += 1
print(ok, bad)
"""


def default_dir():
    from django.conf import settings

    return Path(settings.SHARED_DIR) / "corpus" / "pdf"


def run(args, env=None):
    """Run a child; return (seconds, peak RSS in MiB, exit status, stdout, stderr)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=err, text=True
        )
        # wait4 rather than wait: its rusage is this child's, with the workers it reaped.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read(), err.read()


def prepare(database_url):
    env = {"DATABASE_URL": database_url}
    for command in (["migrate", "--no-input"], ["load_authorities"]):
        _, _, status, out, err = run([sys.executable, "manage.py", *command], env)
        if status:
            sys.exit(f"manage.py {' '.join(command)} failed:\n{out}{err}")
    return env


def ingest(folder, jobs, env):
    seconds, peak, status, out, err = run(
        [sys.executable, "manage.py", "ingest", str(folder), "--jobs", str(jobs)], env
    )
    m = SUMMARY_RE.search(out + err)
    if m is None:  # not the expected summary: the command itself broke, not a document
        sys.exit(f"ingest --jobs {jobs} exited {status} without its summary:\n{out}{err}")
    summary = next((line for line in out.splitlines() if line.startswith("Read ")), "")
    return seconds, peak, int(m["refused"]), int(m["failed"]), summary


def line(name, seconds, documents, peak, note=""):
    rate = documents / seconds if seconds else float("inf")
    print(f"{name:<48} {seconds:8.2f} s {rate:8.2f} docs/s {peak:8.0f} MiB  {note}")


def ratio(name, value, target, comparison):
    met = value < target if comparison == "<" else value <= target
    print(f"{name:<48} {value:8.3f}   target {comparison} {target}: {'met' if met else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, help="Folder of PDFs (searched recursively).")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="Cores to use.")
    parser.add_argument("--quick", action="store_true", help="Only the all-cores comparison.")
    options = parser.parse_args()
    folder = options.dir or default_dir()
    pdfs = sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() == ".pdf")
    if not pdfs:
        sys.exit(f"No PDFs under {folder}")
    n = len(pdfs)
    size = sum(Path(p).stat().st_size for p in pdfs) / 2**20
    backend = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"{n} PDFs ({size:.1f} MiB) under {folder}; {os.cpu_count()} cores; database {backend}")
    print("Peak memory: peak RSS of the run's largest process (os.wait4 ru_maxrss).")
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print(f"Load average before: {load} (other work on the machine slows every run)")
    print()

    bare = {}
    for mode in ("default",) if options.quick else ("default", "tuned"):
        seconds, peak, _, out, _ = run([sys.executable, "-c", BARE_EXTRACT, mode, *pdfs])
        ok, bad = map(int, out.split())
        bare[mode] = seconds
        laparams = "LAParams()" if mode == "default" else "LAParams(boxes_flow=None)"
        line(f"1. bare extract_text, {laparams}", seconds, n, peak, f"{bad} unreadable")

    results = {}
    # The ingest keeps each source file (Django's storage): in a throwaway folder here too.
    media = tempfile.TemporaryDirectory(prefix="ofsted_bench_media_")
    os.environ.setdefault("MEDIA_ROOT", media.name)
    with media, throwaway_database("ingest1") as db1, throwaway_database("ingest2") as db2:
        runs = ((1, db1), (options.jobs, db2))
        for jobs, database in runs[1:] if options.quick else runs:
            env = prepare(database)
            seconds, peak, refused, failed, summary = ingest(folder, jobs, env)
            results[jobs] = seconds
            line(f"2. ingest --jobs {jobs}, fresh database", seconds, n, peak,
                 f"{refused} refused, {failed} failed")  # fmt: skip
        seconds, peak, refused, failed, summary = ingest(folder, options.jobs, env)
        results["again"] = seconds
        line(f"3. ingest --jobs {options.jobs} again, unchanged", seconds, n, peak,
             f"{refused} refused, {failed} failed")  # fmt: skip
        # The fixed cost of starting Django and reading the authorities, for scale.
        with tempfile.TemporaryDirectory() as empty:
            seconds, peak, *_ = ingest(empty, 1, env)
        results["startup"] = seconds
        line("   (ingest of an empty folder: start-up)", seconds, 0, peak)
    print(f"   last summary: {summary}")
    print("Load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    print()
    floor = bare["default"]
    if options.quick:
        ratio(f"2/1 ingest --jobs {options.jobs} / bare", results[options.jobs] / floor,
              TARGET_ALL_CORES, "<=")  # fmt: skip
        return
    ratio("2/1 ingest --jobs 1 / bare", results[1] / floor, TARGET_ONE_JOB, "<")
    ratio(f"2/1 ingest --jobs {options.jobs} / bare", results[options.jobs] / floor,
          TARGET_ALL_CORES, "<=")  # fmt: skip
    ratio("3/2 unchanged re-run / first run", results["again"] / results[options.jobs],
          TARGET_UNCHANGED, "<")  # fmt: skip
    print(f"{'   (against the tuned floor: --jobs 1 /':<48} {results[1] / bare['tuned']:8.3f})")
    # Starting Python and Django costs about half a second whatever the folder holds; the same
    # ratios without it show what the ingest itself adds.
    startup = results["startup"]
    print(f"\nWithout the ingest's start-up ({startup:.2f} s, the empty-folder run):")
    ratio("2/1 ingest --jobs 1 / bare", (results[1] - startup) / floor, TARGET_ONE_JOB, "<")
    ratio(f"2/1 ingest --jobs {options.jobs} / bare", (results[options.jobs] - startup) / floor,
          TARGET_ALL_CORES, "<=")  # fmt: skip
    ratio("3/2 unchanged re-run / first run",
          max(results["again"] - startup, 0) / (results[options.jobs] - startup),
          TARGET_UNCHANGED, "<")  # fmt: skip


if __name__ == "__main__":
    main()
