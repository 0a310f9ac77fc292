"""How long each page takes to build, cold and warm, at national size and at ten times that.

    nice -n 10 .venv/bin/python bench/pages.py [--runs 5] [--browser]

Builds two synthetic databases on the PostgreSQL server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432): `ofsted_compare_bench_national`, every authority of
load_authorities with about 500 graded inspections (SLAC, LAC, SIF and ILACS, as many per
authority as England had), and `ofsted_compare_bench_x10`, ten times as many inspections of the
same authorities. Both are dropped at the end. Each size runs in its own process (settings are
read once), which times every page with Django's test client: cold (the page cache cleared
before each request, median of --runs) and warm (the same request answered from the cache,
median of --runs), with the queries of a cold build. It prints a table per size, and the
growth of each cold build from national size to ten times it.

With --browser it also loads the compare page of every authority (`/?group=`) at national size
in headless Chromium (/usr/bin/chromium, served by `runserver` with DEBUG on) and prints the
page's size in bytes, the time to its load event and the times until its first chart and its
last have drawn (charts.js draws them one after another).

Targets (README, "Performance"): every cold build under 300 ms at national size and growing
less than linearly (under 10x at ten times the inspections); every warm answer under 20 ms.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
COLD_TARGET_MS = 300
WARM_TARGET_MS = 20
# Graded inspections per authority under each framework, about England's: one SLAC (often two,
# its two parts in different years), LAC for a third, one SIF, one ILACS: about 500 of 153.
NATIONAL = [
    ("SLAC", 2009, 2012, 1.1),
    ("LAC", 2012, 2013, 0.3),
    ("SIF", 2013, 2018, 1.0),
    ("ILACS", 2018, 2026, 1.0),
]
SIZES = {"national": 1, "x10": 10}
PAGES = [
    "/",
    "/?group=",
    "/grid/",
    "/peers/",
    "/map/",
    "/authorities/hampshire/",
    "inspection",  # Hampshire's newest inspection, found once the database is built
    "/export.csv",
    "/export.csv?latest=1",
]


def measure(size, runs):
    """In this process, against DATABASE_URL: build the dataset, time each page; a dict."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ofsted_compare.settings"
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from bench import load
    from inspections.models import Inspection

    years = [(f, a, b, mean * SIZES[size]) for f, a, b, mean in NATIONAL]
    inspections, judgements = load.build_dataset(years=years)
    newest = Inspection.objects.filter(authority__slug="hampshire").order_by("-start_date")[0]
    client = Client(SERVER_NAME="127.0.0.1")
    executed = []

    def counted(execute, *args):
        executed.append(1)
        return execute(*args)

    pages = []
    for url in PAGES:
        url = newest.get_absolute_url() if url == "inspection" else url
        cache.clear()
        response = client.get(url)  # imports, templates: what a running server has done already
        cold, queries = [], len(executed)
        for _ in range(runs):
            cache.clear()
            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                response = client.get(url)
                cold.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
        body = b"".join(response) if response.streaming else response.content
        pages.append(
            {
                "url": url,
                "cold_ms": statistics.median(cold),
                "warm_ms": statistics.median(warm),
                "queries": (len(executed) - queries) // runs,
                "bytes": len(body),
            }
        )
    return {"inspections": inspections, "judgements": judgements, "pages": pages}


def browser(database_url):
    """The every-authority compare page in headless Chromium: its size, load event and first
    chart drawn, from a runserver on a free port."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("runserver did not start")
                time.sleep(0.2)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            results = []
            for attempt in range(3):  # the first also builds the page and fills the cache
                page = chromium.new_page(viewport={"width": 1400, "height": 900})
                # When the first chart has drawn, and the last: charts.js draws them one after
                # another and marks each data-drawn.
                page.add_init_script(
                    "new MutationObserver(function (m, o) {"
                    " var drawn = document.querySelectorAll('.plot[data-drawn]').length;"
                    " if (drawn && window.firstChartMs === undefined)"
                    "  window.firstChartMs = performance.now();"
                    " if (drawn && drawn === document.querySelectorAll('.plot').length) {"
                    "  window.allChartsMs = performance.now(); o.disconnect(); }"
                    "}).observe(document, {subtree: true, attributes: true,"
                    " attributeFilter: ['data-drawn']});"
                )
                response = page.goto(f"http://127.0.0.1:{port}/?group=", timeout=120_000)
                # Selectors, not wait_for_function: the page's CSP refuses the latter's eval.
                page.wait_for_selector(".plot[data-drawn]", timeout=120_000)
                page.wait_for_selector(".plot:not([data-drawn])", state="detached", timeout=120_000)
                timing = page.evaluate(
                    "[performance.timing.loadEventEnd - performance.timing.navigationStart,"
                    " window.firstChartMs, window.allChartsMs]"
                )
                if attempt:
                    results.append((len(response.body()), *timing))
                page.close()
            chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    size = results[0][0]
    return {
        "bytes": size,
        "load_ms": statistics.median(r[1] for r in results),
        "first_chart_ms": statistics.median(r[2] for r in results),
        "all_charts_ms": statistics.median(r[3] for r in results),
    }


def report(size, found, national=None):
    print(
        f"\n{size}: {found['inspections']} inspections, {found['judgements']} judgements "
        "(every authority of load_authorities)"
    )
    head = "| page | cold (median) | warm (median) | queries | bytes |"
    if national:
        head += " cold vs national |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    base = {p["url"]: p for p in national["pages"]} if national else {}
    for p in found["pages"]:
        url = p["url"] if not p["url"].startswith("/inspections/") else "/inspections/<id>/"
        line = (
            f"| `{url}` | {p['cold_ms']:.0f} ms | {p['warm_ms']:.1f} ms | {p['queries']} "
            f"| {p['bytes']:,} |"
        )
        if base:
            # An inspection page is a different inspection at each size: compare like with like.
            earlier = base.get(p["url"]) or next(
                b for b in base.values() if b["url"].startswith("/inspections/")
            )
            line += f" {p['cold_ms'] / earlier['cold_ms']:.1f}x |"
        print(line)
    if "browser" in found:
        b = found["browser"]
        print(
            f"\nIn Chromium, `/?group=` (every authority): {b['bytes']:,} bytes, load event "
            f"{b['load_ms']:.0f} ms, first chart drawn {b['first_chart_ms']:.0f} ms, all seven "
            f"{b['all_charts_ms']:.0f} ms (median of 2, served from the page cache)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Requests per median.")
    parser.add_argument("--browser", action="store_true", help="Also load /?group= in Chromium.")
    parser.add_argument("--size", choices=SIZES, help=argparse.SUPPRESS)  # the child process
    options = parser.parse_args()
    if options.size:
        found = measure(options.size, options.runs)
        if options.browser:
            found["browser"] = browser(os.environ["DATABASE_URL"])
        print(json.dumps(found))
        return

    import psycopg

    server = os.environ.get("DATABASE_URL", SERVER).rsplit("/", 1)[0]
    print(f"Load average before the run: {os.getloadavg()[0]:.2f}")
    results = {}
    for size in SIZES:
        name = f"ofsted_compare_bench_{size}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            command = [sys.executable, __file__, "--size", size, "--runs", str(options.runs)]
            if options.browser and size == "national":
                command.append("--browser")
            env = {**os.environ, "DATABASE_URL": f"{server}/{name}"}
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        report(size, results[size], results.get("national") if size != "national" else None)

    national, x10 = results["national"]["pages"], results["x10"]["pages"]
    slow = [p["url"] for p in national if p["cold_ms"] >= COLD_TARGET_MS]
    warm = [p["url"] for p in national + x10 if p["warm_ms"] >= WARM_TARGET_MS]
    linear = [
        b["url"] for a, b in zip(national, x10, strict=True) if b["cold_ms"] >= 10 * a["cold_ms"]
    ]
    print(
        f"\nCold under {COLD_TARGET_MS} ms at national size: "
        + ("met" if not slow else f"not met: {slow}")
    )
    print(
        "Cold growing less than linearly (under 10x): "
        + ("met" if not linear else f"not met: {linear}")
    )
    print(
        f"Warm under {WARM_TARGET_MS} ms: "
        + ("met" if not warm else f"not met: {sorted(set(warm))}")
    )
    print(f"Load average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
