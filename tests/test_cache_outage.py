"""The page cache is not a dependency: with CACHE_URL=redis://… every dashboard page answers while
Redis is stopped or hung (built without the cache, the outage logged once), a hung Redis costs one
short timeout per interval rather than one per request, and the pages are cached again by
themselves once Redis is back. Against a real redis-server that each test starts on a port of its
own, stops, freezes (SIGSTOP) and starts again."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCacheClient

from dashboards import cache as fail_soft
from ofsted_compare.settings import cache_from_url
from tests.factories import make_inspection, make_judgement

# Shorter than production's 5 s so that the tests wait less for the cache to come back; the
# timeouts are production's own.
RETRY_AFTER = 1.0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.02)


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self, binary, folder):
        self.binary, self.folder, self.port = binary, folder, _free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self):
        try:
            return redis.Redis(port=self.port, socket_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(self.answers, 10, "redis-server answers")

    def stop(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def hang(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path, settings):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, tmp_path)
    server.start()
    fail_soft._outages.clear()
    config = cache_from_url(server.url)
    config["OPTIONS"]["RETRY_AFTER"] = RETRY_AFTER
    settings.CACHES = {"default": config}
    yield server
    if server.process.poll() is None:
        server.resume()
        server.stop()
    fail_soft._outages.clear()


@pytest.fixture
def pages(hampshire, southampton):
    inspection = make_inspection(hampshire)
    make_judgement(inspection, grade="good")
    make_judgement(make_inspection(southampton), grade="requires_improvement")
    return [
        "/",
        "/grid/",
        "/peers/?authority=hampshire",
        "/map/",
        "/export.csv",
        "/authorities/hampshire/",
        f"/inspections/{inspection.pk}/",
    ]


def _outage_messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "dashboards.cache"]


@pytest.fixture
def redis_requests(monkeypatch):
    """How many times the page cache asked Redis for a connection."""
    asked = []
    get_client = RedisCacheClient.get_client

    def counting(self, *args, **kwargs):
        asked.append(1)
        return get_client(self, *args, **kwargs)

    monkeypatch.setattr(RedisCacheClient, "get_client", counting)
    return asked


@pytest.mark.django_db
def test_pages_answer_while_redis_is_stopped_and_are_cached_again_when_it_returns(
    client, pages, redis_server, caplog
):
    for url in pages:
        assert client.get(url).status_code == 200
    assert client.get(pages[0])["X-Page-Cache"] == "hit"

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="dashboards.cache"):
        during = [client.get(url) for url in pages * 3]

    assert [r.status_code for r in during] == [200] * len(during)
    assert {r["X-Page-Cache"] for r in during} == {"miss"}
    assert b"Hampshire" in during[0].content
    messages = _outage_messages(caplog)
    assert len(messages) == 1 and "unreachable" in messages[0], messages
    assert "tried again every 1 s" in messages[0]

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dashboards.cache"):
        redis_server.start()
        restarted = time.monotonic()
        _wait_for(lambda: client.get(pages[0])["X-Page-Cache"] == "hit", 10, "cached again")
        recovered = time.monotonic() - restarted

    assert recovered < RETRY_AFTER + 1  # one interval, and a page built and read back
    assert [m for m in _outage_messages(caplog) if "is back" in m] == _outage_messages(caplog)
    assert len(_outage_messages(caplog)) == 1


@pytest.mark.django_db
def test_a_hung_redis_costs_one_short_timeout_not_one_per_request(
    client, pages, redis_server, redis_requests, caplog
):
    client.get(pages[0])
    assert client.get(pages[0])["X-Page-Cache"] == "hit"

    redis_server.hang()
    redis_requests.clear()
    with caplog.at_level(logging.WARNING, logger="dashboards.cache"):
        started = time.monotonic()
        first = client.get(pages[0])
        first_seconds = time.monotonic() - started
        others = [client.get(url) for url in pages]
    asked_while_hung = len(redis_requests)

    # Without the timeouts the first request waited for as long as Redis hung.
    assert first.status_code == 200 and first_seconds < 3
    assert [r.status_code for r in others] == [200] * len(pages)
    # Every request asks Redis two to four times (read, lock, store, unlock); within the interval
    # only the first request's first read went to Redis.
    assert asked_while_hung == 1
    assert len(_outage_messages(caplog)) == 1

    redis_server.resume()
    _wait_for(lambda: client.get(pages[0])["X-Page-Cache"] == "hit", 10, "cached again")


@pytest.mark.django_db
def test_a_redis_that_is_down_from_the_start_is_no_dependency(client, pages, redis_server):
    redis_server.stop()

    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
