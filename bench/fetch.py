"""What a `fetch_reports` run costs, measured against a local copy of Ofsted's site.

    .venv/bin/python bench/fetch.py [--authorities N] [--delay SECONDS]

A local HTTP server serves, for the first N authorities of the shared national corpus
(corpus/national/pdf/<URN>_<name>/), a provider page in the structure `inspections/fetch.py`
reads, listing that folder's reports, and the PDFs themselves. `manage.py fetch_reports` runs
twice into a throwaway database (as bench/ingest.py: SQLite, or PostgreSQL when DATABASE_URL
points there) with the real delay between requests (default 1 s): the first run downloads and
ingests every report, the second (the daily run) finds nothing new. The script prints, for each
run, its time, the requests the server answered and their split into pages and files, then the
per-authority figures and an extrapolation to 153 authorities, which is only that: Ofsted's
latency, file sizes and the number of publications per authority are not these.
"""

import argparse
import os
import re
import sys
import tempfile
import threading
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import throwaway_database  # noqa: E402
from bench.ingest import prepare, run  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ofsted_compare.settings")
AUTHORITIES_IN_ENGLAND = 153
DATE_RE = re.compile(r"(\d{1,2} [a-z]+ \d{4})\.pdf$", re.I)

PAGE = """<!DOCTYPE html><html lang="en"><body><main><h1>{name}</h1>
<ul class="timeline__list">{items}</ul></main></body></html>"""
ITEM = """<li class="timeline__day"><p class="timeline__date"><time>{day}</time></p>
<a class="publication-link" href="{base}/v1/file/{id}" target="_blank">Children's services
inspection <span class="nonvisual">Children's services inspection, pdf - {day}</span></a></li>"""


def build_site(folders, root, base):
    """Write provider pages and files under `root`, as the server will serve them."""
    (root / "provider" / "44").mkdir(parents=True)
    (root / "v1" / "file").mkdir(parents=True)
    file_id, files = 50000000, 0
    for folder in folders:
        urn, _, name = folder.name.partition("_")
        items = []
        for pdf in sorted(folder.glob("*.pdf"), reverse=True):
            match = DATE_RE.search(pdf.name)
            if not match:
                continue
            day = datetime.strptime(match[1], "%d %B %Y").strftime("%d %B %Y")
            file_id += 1
            (root / "v1" / "file" / str(file_id)).write_bytes(pdf.read_bytes())
            items.append(ITEM.format(day=day, base=base, id=file_id))
            files += 1
        page = PAGE.format(name=name.title(), items="\n".join(items))
        (root / "provider" / "44" / urn).write_text(page)
    return files


def serve(root):
    log = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            log.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, log


def slugs_for(urns, env):
    code = (
        "import django; django.setup(); from authorities.models import LocalAuthority as A; "
        f"print(' '.join(A.objects.filter(ofsted_urn__in={urns!r}).current()"
        ".values_list('slug', flat=True)))"
    )
    _, _, status, out, err = run([sys.executable, "-c", code], env)
    if status:
        sys.exit(err)
    return out.split()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=10)
    parser.add_argument("--delay", type=float, default=1.0)
    options = parser.parse_args()
    import django
    from django.conf import settings

    django.setup()
    corpus = Path(settings.SHARED_DIR) / "corpus" / "national" / "pdf"
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())[: options.authorities]
    with tempfile.TemporaryDirectory() as tmp, throwaway_database("fetch") as url:
        env = prepare(url)
        env["MEDIA_ROOT"] = str(Path(tmp) / "media")
        slugs = slugs_for([f.name.split("_")[0] for f in folders], env)
        site = Path(tmp) / "site"
        server, log = serve(site)
        base = f"http://127.0.0.1:{server.server_port}"
        files = build_site(folders, site, base)
        print(
            f"{len(slugs)} authorities, {files} report PDFs listed; --delay {options.delay} s; "
            f"local server (no network latency)"
        )
        command = [sys.executable, "manage.py", "fetch_reports", "--base-url", base]
        command += ["--delay", str(options.delay)] + [f"--authority={s}" for s in slugs]
        results = {}
        for label in ("first run", "re-run"):
            log.clear()
            seconds, _, status, out, err = run(command, env)
            pages = sum(p.startswith("/provider/") for p in log)
            lines = out.splitlines()
            summary = (
                "\n           ".join(
                    x for x in lines if x.startswith(("Read ", "  refused", "  failed"))
                )
                or err[-500:]
            )
            results[label] = (seconds, len(log))
            print(
                f"{label:<10} {seconds:7.1f} s  {len(log):4d} requests ({pages} pages, "
                f"{len(log) - pages} files)  exit {status}\n           {summary}"
            )
        server.shutdown()
    n = len(slugs)
    first_s, first_r = results["first run"]
    again_s, again_r = results["re-run"]
    print(
        f"\nPer authority: first run {first_s / n:.1f} s and {first_r / n:.1f} requests; "
        f"re-run {again_s / n:.2f} s and {again_r / n:.1f} requests."
    )
    print(
        f"Extrapolated to {AUTHORITIES_IN_ENGLAND} authorities (an extrapolation, not a "
        f"measurement): daily re-run about {again_s / n * AUTHORITIES_IN_ENGLAND / 60:.1f} min "
        f"and {round(again_r / n * AUTHORITIES_IN_ENGLAND)} requests."
    )


if __name__ == "__main__":
    main()
