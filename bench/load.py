"""How the dashboards hold up with a full synthetic dataset and 20 concurrent readers.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 20]
    DATABASE_URL=postgres://.../empty_db .venv/bin/python bench/load.py --build-only

Builds a synthetic dataset in its own database (every authority from load_authorities; about
1,300 inspections and 9,000 judgements from 2009 to 2026: repeat inspections under each
framework, SIF with its LSCB review, ungraded visits; each graded inspection has the areas its
framework grades and grades from its own scale), serves it with gunicorn (2 workers, DEBUG off,
static files collected and compressed as in production) on a free port of 127.0.0.1, and drives
with a bounded pool of client threads (loopback only) the pages a user reaches by following the
app's own links: the default compare page, an authority on it, the default grid, the compare
page's CSV link, the peer-position page and the England map; then the grid of every authority
and its CSV link, the heavy case. Prints p50/p95/p99 latency, requests per second and errors,
per page and overall; the database queries each page makes (counted in-process with the test
client); and the compare page's weight with gzip (its HTML and every static asset it references).

Then the realistic run, once with each worker's own cache (local memory) and once with the
cache every worker shares (Redis, `BENCH_CACHE_URL`, default redis://127.0.0.1:6379/14): 20
users who each read a page for about a second (0.5 to 1.5 s) and then follow one of its links
(the app's own: compare, grid, peer-position, map, authority, inspection and CSV pages, filter
links), starting again
from the home page now and then, while an editor corrects a grade every 10 s. Prints p50/p95/p99
and errors per kind of page, the cache hit rate (the `X-Page-Cache` header) and the page builds
each write causes: how many times each page was built between one write and the next (1.0 when
one worker builds it and the others take it from the cache; up to one per worker otherwise).
`--realistic-only` runs only this.

The database is a throwaway SQLite file, or, when DATABASE_URL points at PostgreSQL, a
throwaway database `ofsted_bench_load_<pid>` on that server. Database, server and collected
static files are removed at the end. `--build-only` instead builds the dataset into the empty
database DATABASE_URL names and keeps it, for profiling a page with the test client.
"""

import argparse
import contextlib
import gzip
import html
import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import throwaway_database  # noqa: E402

TARGET_P95_MS = 150
TARGET_PAGE_WEIGHT = 1.5 * 2**20
HREF_RE = re.compile(r"""<a\b[^>]*?\bhref=["']([^"']+)["'][^>]*>(.*?)</a>""", re.I | re.S)
ASSET_RE = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""", re.I)

# Each framework's years and how many inspections an authority had under it on average: SLAC
# inspected safeguarding and looked-after children, often in separate years; SIF and ILACS came
# back sooner to authorities judged inadequate; SIF reported the LSCB review with the inspection
# (its `lscb` area), and a few LSCB reviews stood alone; focused and monitoring visits are
# ungraded.
FRAMEWORK_YEARS = [
    ("SLAC", 2009, 2012, 1.7),
    ("LAC", 2012, 2013, 0.5),
    ("SIF", 2013, 2018, 1.4),
    ("LSCB_REVIEW", 2013, 2018, 0.2),
    ("ILACS", 2018, 2022, 1.3),
    ("ILACS", 2023, 2026, 1.0),
    ("FOCUSED_VISIT", 2018, 2026, 2.0),
    ("MONITORING_VISIT", 2014, 2026, 0.4),
]

SETTINGS_MODULE = """
from ofsted_compare.settings import *  # noqa: F403
STATIC_ROOT = {static_root!r}
{caches}
"""
# The second phase turns the page cache off: every request is rebuilt, as the first request
# after each write is.
NO_CACHE = 'CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}'
PHASES = [
    ("page cache on (the steady state)", ""),
    ("page cache off (every page rebuilt)", NO_CACHE),
]


def build_dataset(seed=2009, years=FRAMEWORK_YEARS):
    """Every authority, then its inspections and judgements in bulk; returns their counts.
    `years` is [(framework, first year, last year, mean inspections per authority)]."""
    import io

    from django.core.management import call_command

    from authorities.models import LocalAuthority
    from inspections import frameworks as fw
    from inspections.models import Inspection, Judgement, SourceDocument

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_authorities", stdout=io.StringIO())
    rng = random.Random(seed)
    inspections = []
    for authority in LocalAuthority.objects.all():
        for framework, first, last, mean in years:
            count = int(mean) + (rng.random() < mean % 1)
            starts = {
                date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))
                for _ in range(count)
            }
            for start in sorted(starts):
                if authority.existed_from and start < authority.existed_from:
                    continue
                if authority.existed_until and start >= authority.existed_until:
                    continue
                inspections.append(
                    Inspection(
                        authority=authority,
                        framework=framework,
                        start_date=start,
                        end_date=start + timedelta(days=rng.choice([4, 11, 18])),
                        published=start + timedelta(days=rng.randint(30, 60)),
                        lead_inspector=f"Inspector {rng.randint(1, 60)}",
                    )
                )
    inspections = Inspection.objects.bulk_create(inspections)
    documents = SourceDocument.objects.bulk_create(
        SourceDocument(
            inspection=i,
            file_name=f"children's services inspection - {i.start_date:%d %B %Y}.pdf".lower(),
            sha256=f"{n:064x}",
            kind=SourceDocument.Kind.INSPECTION_REPORT,
            pages=rng.randint(12, 50),
            size_bytes=rng.randint(150_000, 450_000),
        )
        for n, i in enumerate(inspections)
    )
    judgements = []
    for inspection, document in zip(inspections, documents, strict=True):
        grades = fw.FRAMEWORK_GRADES.get(inspection.framework)
        if not grades:
            continue  # focused visits are not graded
        for area in _areas(fw, inspection):
            grade = rng.choices(grades, weights=[1, 4, 3, 1])[0]
            judgements.append(
                Judgement(
                    inspection=inspection,
                    framework=inspection.framework,  # bulk_create skips save(), which copies it
                    area=area.key,
                    label=area.label,
                    grade=grade,
                    parsed_grade=grade,
                    grade_as_printed=fw.GRADE_NAMES[grade],
                    source_document=document,
                    page=rng.randint(1, 5),
                    evidence_text=f"{area.label}\n{fw.GRADE_NAMES[grade]}",
                )
            )
    Judgement.objects.bulk_create(judgements, batch_size=2000)
    return len(inspections), len(judgements)


def _areas(fw, inspection):
    areas = fw.AREAS[inspection.framework]
    if inspection.framework != "ILACS":
        return areas
    # ILACS graded children in care and care leavers together until 2023, apart from then on.
    together = inspection.start_date.year < 2023
    split = {"children_in_care", "care_leavers"}
    return [
        a
        for a in areas
        if (a.key != "children_in_care_and_care_leavers" or together)
        and (a.key not in split or not together)
    ]


def _link(client, url, prefix, text=""):
    """The first link on a page whose address starts with `prefix` (and whose text contains
    `text`), as a user would follow it."""
    page = client.get(url).content.decode()
    for href, label in HREF_RE.findall(page):
        href = html.unescape(href)
        if href.startswith("?"):
            href = url.split("?")[0] + href
        if href.startswith(prefix) and text.lower() in label.lower():
            return href
    sys.exit(f"No link to {prefix}... {text!r} on {url}")


def follow_links():
    """The pages a user reaches by following the app's own links: the default compare page, an
    authority on it, the default grid, the compare page's CSV link, the peer-position page and
    the England map; then the grid of every authority and its CSV link, the heavy case."""
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    grid = _link(client, "/", "/grid/")
    every = _link(client, grid, "/grid/", "all authorities")
    return [
        "/",
        _link(client, "/", "/authorities/hampshire/"),
        grid,
        _link(client, "/", "/export.csv"),
        _link(client, "/", "/peers/"),
        _link(client, "/", "/map/"),
        every,
        _link(client, every, "/export.csv"),
    ]


def queries_per_page(urls):
    """{url: (status, queries)} from the test client in this process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    found = {}
    for url in urls:
        cache.clear()  # count what building the page costs, not a cache hit
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        found[url] = (response.status_code, len(queries))
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, port):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ofsted_compare.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.1)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(port, url, gzip_ok=False, timeout=30):
    """(status, body bytes as transferred) over a new loopback connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Encoding")
    finally:
        connection.close()


def page_weight(port, url="/"):
    """Bytes transferred with gzip for the page and each static asset it references."""
    status, body, encoding = get(port, url, gzip_ok=True)
    html = gzip.decompress(body) if encoding == "gzip" else body
    parts = [(url, len(body), encoding or "identity")]
    for asset in sorted(set(ASSET_RE.findall(html.decode("utf-8", "replace")))):
        if asset.startswith(("http:", "https:", "//", "data:", "#")):
            continue
        if not asset.startswith("/"):
            continue
        asset_status, asset_body, asset_encoding = get(port, asset, gzip_ok=True)
        parts.append((f"{asset} ({asset_status})", len(asset_body), asset_encoding or "identity"))
    return parts


def drive(port, urls, clients, seconds):
    """Each client thread requests the URLs in turn until time is up; returns per-URL timings."""
    timings, errors = defaultdict(list), defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset):
        n = offset
        while time.monotonic() < stop:
            url = urls[n % len(urls)]
            n += 1
            started = time.perf_counter()
            try:
                status, _, _ = get(port, url)
                error = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as e:
                error = type(e).__name__
            elapsed = time.perf_counter() - started
            with lock:
                (errors[url] if error else timings[url]).append(error or elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors, time.perf_counter() - started


def single_client(port, url, n=5):
    """The median time of one request with no other load: the page's own cost, no queueing."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        get(port, url)
        times.append(time.perf_counter() - started)
    return percentile(times, 50) * 1000


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report_line(name, times, errors, seconds):
    if not times:
        print(f"{name:<40} no successful requests, {len(errors)} errors")
        return
    ms = [t * 1000 for t in times]
    print(
        f"{name:<40} {percentile(ms, 50):7.1f} {percentile(ms, 95):7.1f} {percentile(ms, 99):7.1f}"
        f" {len(times) / seconds:8.1f} {len(times):7d} {len(errors):6d}"
    )


THINK_SECONDS = (0.5, 1.5)
EDIT_EVERY_SECONDS = 10
HOME_AGAIN = 0.1  # the chance that a user goes back to the home page rather than follow a link
FOLLOWED = ("/grid/", "/export.csv", "/authorities/", "/inspections/", "/peers/", "/map/")


def page_kind(url):
    path = url.split("?")[0]
    for prefix in FOLLOWED:
        if path.startswith(prefix):
            return prefix + ("…" if prefix in ("/authorities/", "/inspections/") else "")
    return path


def links(url, body):
    """The app's own page links on a page, as a user would follow them."""
    found = []
    for href, _ in HREF_RE.findall(body):
        href = html.unescape(href).split("#")[0]
        if href.startswith("?"):
            href = url.split("?")[0] + href
        path = href.split("?")[0]
        if path == "/" or path.startswith(FOLLOWED):
            found.append(href)
    return found


def request(port, url, timeout=30):
    """(status, body, X-Page-Cache) over a new loopback connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("X-Page-Cache")
    finally:
        connection.close()


def browse(port, users, seconds, seed=1):
    """Users following links with think time; returns [(start, url, seconds, status, cache)]."""
    log, lock = [], threading.Lock()
    stop = time.monotonic() + seconds

    def user(number):
        rng = random.Random(seed * 1000 + number)
        time.sleep(rng.uniform(0, THINK_SECONDS[1]))  # users arrive over the first second or so
        url = "/"
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                status, body, cached = request(port, url)
                error = None
            except (OSError, http.client.HTTPException) as e:
                status, body, cached, error = 0, b"", None, type(e).__name__
            with lock:
                log.append((started, url, time.monotonic() - started, error or status, cached))
            found = links(url, body.decode("utf-8", "replace")) if b"<html" in body[:200] else []
            if found and rng.random() > HOME_AGAIN:
                url = rng.choice(found)
            elif not found and url != "/" and rng.random() > HOME_AGAIN:
                pass  # a CSV: back to the page it came from is the same as staying
            else:
                url = "/"
            time.sleep(rng.uniform(*THINK_SECONDS))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    return threads, log


def edit(seconds, seed=2):
    """An editor corrects a grade every EDIT_EVERY_SECONDS; returns when each write committed."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from inspections import frameworks as fw
    from inspections.models import Judgement

    rng = random.Random(seed)
    editor, _ = get_user_model().objects.get_or_create(username="bench-editor", is_staff=True)
    # Judgements the home page shows (Hampshire and peers), then anyone's: readers see both.
    peers = list(
        Judgement.objects.filter(inspection__authority__peer_groups__slug="hampshire-and-peers")
    )
    everyone = list(Judgement.objects.order_by("?")[:200])
    writes = []
    stop = time.monotonic() + seconds
    while True:
        time.sleep(EDIT_EVERY_SECONDS)
        if time.monotonic() >= stop:
            break
        judgement = rng.choice(peers if len(writes) % 2 == 0 else everyone)
        grades = [g for g in fw.FRAMEWORK_GRADES[judgement.framework] if g != judgement.grade]
        judgement.correct(grade=rng.choice(grades), reason="Load test", user=editor)
        writes.append(time.monotonic())
    connections.close_all()
    return writes


def realistic(port, users, seconds):
    """Run the users and the editor together; returns (log, writes)."""
    threads, log = browse(port, users, seconds)
    writes = edit(seconds)
    for t in threads:
        t.join()
    return log, writes


def report_realistic(label, log, writes, seconds, users):
    print(
        f"\nRealistic run, {label}: {users} users, think time {THINK_SECONDS[0]}-"
        f"{THINK_SECONDS[1]} s, an editor correcting a grade every {EDIT_EVERY_SECONDS} s "
        f"({len(writes)} writes), {seconds:.0f} s, gunicorn 2 workers; times in ms"
    )
    timings, errors = defaultdict(list), defaultdict(list)
    for _, url, elapsed, status, _ in log:
        (timings if status == 200 else errors)[page_kind(url)].append(
            status if status != 200 else elapsed
        )
    print(f"{'page':<40} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>8} {'ok':>7} {'errors':>6}")
    for kind in sorted(set(timings) | set(errors)):
        report_line(kind, timings[kind], errors[kind], seconds)
    every = [t for kind in timings for t in timings[kind]]
    all_errors = [e for kind in errors for e in errors[kind]]
    report_line("all pages", every, all_errors, seconds)
    if all_errors:
        print(f"  errors: {dict(sorted(collections_count(all_errors).items()))}")
    hits = sum(1 for *_, status, cached in log if status == 200 and cached == "hit")
    misses = sum(1 for *_, status, cached in log if status == 200 and cached == "miss")
    # Page builds per write: how many times each page was built while one data version stood.
    # A request belongs to the version that stood when it started.
    builds = defaultdict(int)
    for started, url, _, status, cached in log:
        if status == 200 and cached in ("hit", "miss"):
            version = sum(1 for w in writes if w <= started)
            builds[version, url] += cached == "miss"
    after_writes = [n for (version, _), n in builds.items() if version > 0]
    per_page = sum(after_writes) / len(after_writes) if after_writes else float("nan")
    p95 = percentile([t * 1000 for t in every], 95) if every else float("inf")
    print(
        f"p95 {p95:.1f} ms (target < {TARGET_P95_MS}: "
        f"{'met' if p95 < TARGET_P95_MS else 'NOT met'}); errors {len(all_errors)} "
        f"(target 0: {'met' if not all_errors else 'NOT met'}); cache hit rate "
        f"{hits / max(1, hits + misses):.1%} ({hits} hits, {misses} builds)"
    )
    if not after_writes:
        print(
            "Page builds per write: no page was read after a write (run for longer than "
            f"{EDIT_EVERY_SECONDS} s to measure it)"
        )
    else:
        print(
            f"Page builds per write: {per_page:.2f} builds of each page read between one write "
            f"and the next (target 1.0: one per page, not one per worker; most "
            f"{max(after_writes)}); {sum(after_writes)} builds of {len(after_writes)} pages after "
            f"{len(writes)} writes"
        )
    return p95, all_errors, hits / max(1, hits + misses), per_page


def collections_count(values):
    counted = defaultdict(int)
    for v in values:
        counted[v] += 1
    return counted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="How long to drive the load.")
    parser.add_argument("--clients", type=int, default=20, help="Concurrent client threads.")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="Build the dataset into the (empty) database of DATABASE_URL and keep it, for "
        "profiling; serve and measure nothing.",
    )
    parser.add_argument(
        "--realistic-only",
        action="store_true",
        help="Run only the realistic run (users with think time and an editor).",
    )
    options = parser.parse_args()

    if options.build_only:
        database = contextlib.nullcontext(os.environ["DATABASE_URL"])
    else:
        database = throwaway_database("load")
    with database as database_url, tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = database_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "ofsted_compare.settings"
        # This process builds the dataset, counts queries and writes as the editor, as `make run`
        # would (static files from the app folders); gunicorn below runs with DEBUG off.
        os.environ["DEBUG"] = "true"
        import django

        django.setup()
        from django.db import connection, connections

        backend = connection.vendor
        started = time.perf_counter()
        inspections, judgements = build_dataset()
        print(
            f"Synthetic dataset on {backend}: {inspections} inspections, {judgements} judgements "
            f"({time.perf_counter() - started:.1f} s to build; each graded inspection has the "
            "areas its framework grades)"
        )

        if options.build_only:
            return
        pages = follow_links()
        counted = queries_per_page(pages)
        connections.close_all()  # the server and the final DROP need the database to themselves
        urls = [url for url in pages if counted[url][0] == 200]
        for url in pages:
            if url not in urls:
                print(f"Skipped {url}: HTTP {counted[url][0]} (not there yet?)")

        # Production settings: DEBUG off, compressed static files collected into tmp.
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)]),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
        }
        Path(tmp, "bench_load_settings_realistic.py").write_text(
            SETTINGS_MODULE.format(static_root=f"{tmp}/static", caches="")
        )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "bench_load_settings_realistic"},
            check=True,
        )
        results, realistic_runs = [], []
        phases = [] if options.realistic_only else PHASES
        for number, (label, caches) in enumerate(phases):
            module = f"bench_load_settings_{number}"
            Path(tmp, f"{module}.py").write_text(
                SETTINGS_MODULE.format(static_root=f"{tmp}/static", caches=caches)
            )
            env["DJANGO_SETTINGS_MODULE"] = module
            results.append((label, serve_and_drive(env, urls, options)))
        for label, cache_url in [
            ("each worker's own cache (CACHE_URL unset: local memory)", ""),
            (
                "one cache for every worker (CACHE_URL=Redis)",
                os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14"),
            ),
        ]:
            run_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench_load_settings_realistic",
                "CACHE_URL": cache_url,
            }
            port = free_port()
            with gunicorn(run_env, port):
                get(port, "/")
                log, writes = realistic(port, options.clients, options.seconds)
            realistic_runs.append((label, log, writes))
            connections.close_all()

    for label, (_weight, alone, timings, errors, seconds, load) in results:
        print(
            f"\n{label}: {options.clients} clients for {seconds:.1f} s against gunicorn "
            f"(2 workers) on 127.0.0.1, {os.cpu_count()} cores, load average {load:.2f} at the "
            "end; times in ms"
        )
        report_phase(urls, timings, errors, seconds, options.clients)
        print("One client alone (median): " + ", ".join(f"{u} {alone[u]:.1f} ms" for u in urls))

    for label, log, writes in realistic_runs:
        report_realistic(label, log, writes, options.seconds, options.clients)

    print("\nDatabase queries to build each page (test client, in-process, cache cleared):")
    for url in pages:
        status, queries = counted[url]
        print(f"  {url:<40} {queries:4d} queries  (HTTP {status})")

    if not results:
        return
    weight = results[0][1][0]
    total = sum(size for _, size, _ in weight)
    print("\nCompare page weight with Accept-Encoding: gzip (bytes transferred):")
    for name, size, encoding in weight:
        print(f"  {name:<60} {size:9,d}  {encoding}")
    verdict = "met" if total < TARGET_PAGE_WEIGHT else "NOT met"
    print(f"  {'total':<60} {total:9,d}  ({total / 2**20:.2f} MiB, target < 1.5 MB: {verdict})")


def serve_and_drive(env, urls, options):
    """Serve with gunicorn, then time one client alone and the concurrent clients."""
    port = free_port()
    with gunicorn(env, port):
        for url in urls:  # warm both workers (imports, connections, caches) before timing
            get(port, url)
            get(port, url)
        weight = page_weight(port)
        alone = {url: single_client(port, url) for url in urls}
        timings, errors, seconds = drive(port, urls, options.clients, options.seconds)
        load = os.getloadavg()[0]
    return weight, alone, timings, errors, seconds, load


def report_phase(urls, timings, errors, seconds, clients):
    print(f"{'page':<40} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>8} {'ok':>7} {'errors':>6}")
    for url in urls:
        report_line(url, timings[url], errors[url], seconds)
    every = [t for url in urls for t in timings[url]]
    all_errors = [e for url in urls for e in errors[url]]
    report_line("all pages", every, all_errors, seconds)
    for url in urls:
        if errors[url]:
            kinds = defaultdict(int)
            for e in errors[url]:
                kinds[e] += 1
            print(f"  errors on {url}: {dict(kinds)}")
    p95 = percentile([t * 1000 for t in every], 95) if every else float("inf")
    # Each client asks again as soon as it has an answer, so the mean wait is clients/throughput
    # (Little's law): the throughput a p95 target needs follows from the number of clients.
    print(
        f"{len(every) / seconds:.1f} requests/s served; {clients} clients waiting on "
        f"nothing else need about {clients * 1000 / TARGET_P95_MS:.0f} requests/s for a "
        f"mean under {TARGET_P95_MS} ms"
    )
    met = "met" if p95 < TARGET_P95_MS else "NOT met"
    print(
        f"p95 {p95:.1f} ms, target < {TARGET_P95_MS} ms: {met}; errors {len(all_errors)}, "
        f"target 0: {'met' if not all_errors else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
