"""What a Redis outage costs the dashboards, and how soon the page cache is back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cache_outage.py

Builds bench/load.py's synthetic dataset (every authority, about 1,300 inspections) in a throwaway
database, serves it with gunicorn (2 workers, DEBUG off, production settings) with
CACHE_URL=redis://… pointing at a redis-server of its own on a free port, and reads the compare
page and an authority page one request after another (as one reader does) while Redis is:

1. up (pages from the cache);
2. stopped (killed): every request must answer 200, built without the cache;
3. started again: the time from Redis answering to the first page served from the cache, and
   to every request (10 in a row, both workers) being served from it;
4. hung (SIGSTOP: connections are accepted, nothing is answered), then resumed (SIGCONT), timed
   as 2 and 3.

Prints, for each state, the requests' median and slowest time and any that did not answer 200.
"""

import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.databases import throwaway_database  # noqa: E402
from bench.load import SETTINGS_MODULE, build_dataset, free_port, gunicorn  # noqa: E402

URLS = ["/", "/authorities/hampshire/"]
SECONDS_PER_STATE = 12


def request(port, url):
    """(status, X-Page-Cache, seconds) of one GET on a new loopback connection."""
    import http.client

    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Page-Cache"), time.perf_counter() - started
    finally:
        connection.close()


def read_for(port, seconds):
    """Requests one after another for `seconds`: [(status, cache, seconds)]."""
    answers, deadline, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        answers.append(request(port, URLS[n % len(URLS)]))
        n += 1
    return answers


def report(label, answers):
    times = [a[2] * 1000 for a in answers]
    failed = [a[0] for a in answers if a[0] != 200]
    kinds = {k: sum(a[1] == k for a in answers) for k in ("hit", "miss")}
    print(
        f"{label:<34} {len(answers):>4} requests  median {statistics.median(times):7.1f} ms  "
        f"first {times[0]:7.1f} ms  slowest {max(times):7.1f} ms  "
        f"hits {kinds['hit']:>3}  misses {kinds['miss']:>3}  not 200: {len(failed)}"
    )


def recovery(port):
    """Seconds from now to the first cache hit, and to 10 hits in a row."""
    started, first, streak = time.monotonic(), None, 0
    while streak < 10:
        status, cache, _ = request(port, URLS[0])
        assert status == 200, status
        streak = streak + 1 if cache == "hit" else 0
        if cache == "hit" and first is None:
            first = time.monotonic() - started
        if time.monotonic() - started > 60:
            sys.exit("the page cache did not come back within 60 s")
    return first, time.monotonic() - started


class Redis:
    def __init__(self, folder):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.folder, self.port, self.process = folder, free_port(), None

    def answers(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            cwd=self.folder, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.01)

    def stop(self):
        self.process.kill()
        self.process.wait()


def main():
    with throwaway_database("outage") as database_url, tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="ofsted_compare.settings",
            DEBUG="true",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        inspections, judgements = build_dataset()
        connections.close_all()
        Path(tmp, "bench_outage_settings.py").write_text(
            SETTINGS_MODULE.format(static_root=f"{tmp}/static", caches="")
        )
        redis_server = Redis(tmp)
        redis_server.start()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([tmp, str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "bench_outage_settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": f"redis://127.0.0.1:{redis_server.port}/0",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        print(
            f"{inspections} inspections, {judgements} judgements; gunicorn 2 workers; "
            f"CACHE_URL={env['CACHE_URL']}; load average {os.getloadavg()[0]:.2f}"
        )
        port = free_port()
        with gunicorn(env, port):
            for url in URLS * 4:
                request(port, url)
            report("Redis up", read_for(port, SECONDS_PER_STATE / 2))

            redis_server.stop()
            report("Redis stopped", read_for(port, SECONDS_PER_STATE))
            redis_server.start()
            first, all_hits = recovery(port)
            print(f"Redis started again: first page from the cache after {first:.2f} s, "
                  f"10 in a row after {all_hits:.2f} s")  # fmt: skip

            os.kill(redis_server.process.pid, signal.SIGSTOP)
            report("Redis hung (SIGSTOP)", read_for(port, SECONDS_PER_STATE))
            os.kill(redis_server.process.pid, signal.SIGCONT)
            first, all_hits = recovery(port)
            print(f"Redis resumed (SIGCONT): first page from the cache after {first:.2f} s, "
                  f"10 in a row after {all_hits:.2f} s")  # fmt: skip
        redis_server.stop()


if __name__ == "__main__":
    main()
