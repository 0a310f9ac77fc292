"""The page cache on Django's cache framework: one CACHE_URL picks the backend (local memory,
Redis, the database), pages are keyed on the cleaned filters, readers get 304 Not Modified for a
page they have, and after a write one worker builds each page while the others wait for it."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.http import HttpResponse

from dashboards import pagecache
from ofsted_compare.settings import cache_from_url
from tests.factories import make_inspection, make_judgement

ROOT = Path(__file__).resolve().parent.parent
# A Redis database and key prefix of their own, so that nothing else on the server is touched.
REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_PREFIX = "ofsted-compare-tests"


@pytest.fixture
def judgement(hampshire):
    return make_judgement(make_inspection(hampshire), grade="good")


@pytest.fixture
def redis_cache(settings):
    """The page cache in the real redis-server that .ci/run starts, emptied before and after."""
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        message = "redis-server is not running on 127.0.0.1:6379 (.ci/run starts it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    settings.CACHES = {"default": {**cache_from_url(REDIS_URL), "KEY_PREFIX": REDIS_PREFIX}}
    cache.clear()
    yield server
    cache.clear()


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = {"default": cache_from_url("db://")}
    call_command("createcachetable", verbosity=0)


DJANGO = "django.core.cache.backends."
# Django's own RedisCache, answering as an empty cache while Redis is down (test_cache_outage.py).
FAIL_SOFT_REDIS = "dashboards.cache.FailSoftRedisCache"


@pytest.mark.parametrize(
    "url, backend, location",
    [
        ("", DJANGO + "locmem.LocMemCache", None),
        ("locmem://", DJANGO + "locmem.LocMemCache", None),
        ("redis://cache.internal:6379/2", FAIL_SOFT_REDIS, "redis://cache.internal:6379/2"),
        ("rediss://:pw@cache.internal:6380/0", FAIL_SOFT_REDIS, "rediss://:pw@cache.internal:6380/0"),
        ("db://", DJANGO + "db.DatabaseCache", "ofsted_compare_cache"),
        ("db://page_cache", DJANGO + "db.DatabaseCache", "page_cache"),
        ("dummy://", DJANGO + "dummy.DummyCache", None),
    ],
)  # fmt: skip
def test_cache_url_picks_django_s_own_backend(url, backend, location):
    config = cache_from_url(url)

    assert config["BACKEND"] == backend
    assert config.get("LOCATION") == location


def test_an_unknown_cache_url_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL=memcached://x"):
        cache_from_url("memcached://x")


def test_migrate_creates_the_database_cache_table(tmp_path):
    database = tmp_path / "t.sqlite3"
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{database}"}

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env={**env, "CACHE_URL": "db://"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "ofsted_compare_cache" in tables


# --- Keys -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queries_with_the_same_filters_share_one_page(client, judgement):
    first = client.get("/", {"authority": "hampshire"})
    again = client.get("/?authority=hampshire&utm_source=mail&authority=hampshire&theme=")

    assert [first["X-Page-Cache"], again["X-Page-Cache"]] == ["miss", "hit"]
    assert again.content == first.content
    assert b"utm_source" not in again.content


@pytest.mark.django_db
def test_the_empty_query_and_every_authority_are_different_pages(client, judgement):
    default = client.get("/grid/")
    every = client.get("/grid/?group=")
    stranger = client.get("/grid/?utm_source=mail")

    assert [r["X-Page-Cache"] for r in (default, every, stranger)] == ["miss", "miss", "hit"]
    assert b"With no filters chosen" in default.content
    assert b"With no filters chosen" not in every.content


@pytest.mark.django_db
def test_filters_with_errors_fill_no_cache(client, judgement, settings):
    settings.CACHES = {"default": cache_from_url("locmem://")}
    cache.clear()
    pages = [client.get("/", {"authority": f"nowhere-{n}"}) for n in range(3)]

    assert [page["X-Page-Cache"] for page in pages] == ["miss"] * 3
    assert b"Select a valid choice" in pages[0].content
    assert not cache._cache  # noqa: SLF001 - local memory holds nothing


@pytest.mark.django_db
def test_detail_pages_ignore_the_query_string(client, judgement):
    first = client.get("/authorities/hampshire/")
    second = client.get("/authorities/hampshire/?random=1")

    assert [first["X-Page-Cache"], second["X-Page-Cache"]] == ["miss", "hit"]


# --- HTTP -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/grid/", "/export.csv", "/authorities/hampshire/"])
def test_a_page_the_reader_has_is_not_sent_again(client, judgement, url):
    first = client.get(url)

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert first.status_code == 200
    assert [by_etag.status_code, by_date.status_code] == [304, 304]
    assert by_etag.content == b""
    assert "no-cache" in first["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "login_required, expected", [(False, "no-cache"), (True, "no-cache, private")]
)
def test_cache_control_is_well_formed(
    client, judgement, staff_user, settings, login_required, expected
):
    settings.LOGIN_REQUIRED = login_required
    if login_required:
        client.force_login(staff_user)

    pages = [client.get(url) for url in ["/", "/authorities/hampshire/", "/authorities/hampshire/"]]

    assert [page["Cache-Control"] for page in pages] == [expected] * 3  # a hit as a miss


@pytest.mark.django_db
def test_a_correction_changes_the_etag(client, judgement, staff_user):
    first = client.get("/authorities/hampshire/")

    judgement.correct(grade="outstanding", reason="Reissued report", user=staff_user)
    after = client.get("/authorities/hampshire/", headers={"If-None-Match": first["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert "Reissued report" in after.content.decode()


@pytest.mark.django_db
def test_head_is_answered_and_writes_are_refused(client, judgement):
    head = client.head("/authorities/hampshire/")

    assert head.status_code == 200
    assert head["ETag"] == client.get("/authorities/hampshire/")["ETag"]
    assert client.post("/").status_code == 405
    assert client.put("/grid/").status_code == 405


# --- Shared backends ------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_kept_in_redis_until_the_data_changes(client, judgement, staff_user, redis_cache):
    first = client.get("/authorities/hampshire/")
    second = client.get("/authorities/hampshire/")
    judgement.correct(grade="outstanding", reason="Reissued report", user=staff_user)
    third = client.get("/authorities/hampshire/")

    assert [r["X-Page-Cache"] for r in (first, second, third)] == ["miss", "hit", "miss"]
    assert "Reissued report" in third.content.decode()
    keys = redis_cache.keys(f"{REDIS_PREFIX}:*page:authority_detail:*")
    assert len(keys) == 2  # one page per data version


@pytest.mark.django_db
def test_pages_are_kept_in_the_database_cache(client, judgement, database_cache):
    pages = [client.get("/grid/", {"authority": "hampshire"}) for _ in range(2)]

    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit"]
    assert pages[1].content == pages[0].content


class Clock:
    """The page cache's clock while it waits: each sleep moves it on, and nothing really waits."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(pagecache, "monotonic", clock.monotonic)
    monkeypatch.setattr(pagecache, "sleep", clock.sleep)
    return clock


def test_a_lone_worker_builds_pages_at_once_and_frees_each_lock(redis_cache, clock):
    for key in ["page:k", "page:l"]:
        page, hit = pagecache.cached_page(key, lambda key=key: HttpResponse(f"{key} page"))

        assert (page.content, hit) == (f"{key} page".encode(), False)
        assert cache.get(f"{key}:building") is None
        assert cache.get(key).content == f"{key} page".encode()
    assert clock.now == 0  # nobody else was building either page: no wait


def test_a_worker_waits_for_the_page_another_is_building(redis_cache, clock, monkeypatch):
    built = []
    cache.add("page:k:building", 1, 10)  # another worker is building it

    def the_other_finishes_after_a_second(seconds):
        clock.sleep(seconds)
        if clock.now >= 1:
            cache.set("page:k", "their page")

    monkeypatch.setattr(pagecache, "sleep", the_other_finishes_after_a_second)

    page, hit = pagecache.cached_page("page:k", lambda: built.append(1) or "my page")

    assert (page, hit, built) == ("their page", True, [])
    assert 1 <= clock.now < 1.1  # it looked again every few hundredths of a second


def test_a_worker_builds_the_page_itself_when_the_other_never_finishes(redis_cache, clock):
    cache.add("page:k:building", 1, 10)  # by a worker that never finishes

    page, hit = pagecache.cached_page("page:k", lambda: HttpResponse("my page"))

    assert (page.content, hit) == (b"my page", False)
    # It waited as long as a build may take, and no longer.
    assert pagecache.BUILD_WAIT_SECONDS <= clock.now < pagecache.BUILD_WAIT_SECONDS + 0.1
    assert cache.get("page:k").content == b"my page"


# --- FailSoftRedisCache, each operation (the pages' outage tests are in test_cache_outage.py) ----


@pytest.fixture
def fail_soft(monkeypatch):
    """A FailSoftRedisCache on the test Redis database, with the outages of this test only."""
    from dashboards import cache as module

    monkeypatch.setattr(module, "_outages", {})

    def make(location=REDIS_URL, retry_after=5):
        options = {**cache_from_url(location)["OPTIONS"], "RETRY_AFTER": retry_after}
        return module.FailSoftRedisCache(location, {"KEY_PREFIX": REDIS_PREFIX, "OPTIONS": options})

    return make


@pytest.fixture
def clear_redis(redis_cache):
    """The test Redis database emptied before and after (through the redis_cache fixture)."""
    return redis_cache


def test_fail_soft_redis_answers_as_django_s_redis_cache_while_redis_is_up(fail_soft, clear_redis):
    c = fail_soft()

    assert c.add("a", 1) is True
    assert c.add("a", 2) is False
    assert c.get("a") == 1
    assert c.get("missing", "default") == "default"
    c.set("b", "two", timeout=60)
    assert c.touch("b", 120) is True
    assert c.touch("missing") is False
    assert c.has_key("b") and not c.has_key("missing")
    assert c.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}
    assert c.incr("a", 4) == 5
    with pytest.raises(ValueError):
        c.incr("missing")
    assert c.set_many({"c": 3, "d": 4}) == []
    assert c.delete("c") is True and c.delete("c") is False
    c.delete_many(["a", "d"])
    assert c.get_many(["a", "b", "c", "d"]) == {"b": "two"}
    c.clear()
    assert c.get("b") is None


# Nothing listens on port 1: each call fails at once with a connection error.
DOWN = "redis://:secret@127.0.0.1:1/0"


def test_fail_soft_redis_answers_as_an_empty_cache_while_redis_is_down(fail_soft):
    c = fail_soft(DOWN, retry_after=0)  # tries Redis on every call

    assert c.add("a", 1) is True  # "added": a worker builds the page itself
    assert c.get("a") is None and c.get("a", "default") == "default"
    assert c.set("a", 1) is None
    assert c.touch("a") is False
    assert c.delete("a") is False
    assert c.get_many(["a", "b"]) == {}
    assert c.has_key("a") is False
    with pytest.raises(ValueError, match="Key 'a' not found"):
        c.incr("a")
    assert c.set_many({"a": 1}) == []
    assert c.delete_many(["a"]) is None
    assert c.clear() is None


def test_fail_soft_redis_logs_the_outage_once_without_the_password(fail_soft, caplog):
    c = fail_soft(DOWN, retry_after=0)

    with caplog.at_level("WARNING", logger="dashboards.cache"):
        c.get("a")
        c.get("b")

    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("Page cache at redis://127.0.0.1:1/0 unreachable (ConnectionError: ")
    assert message.endswith("Redis is tried again every 0 s")
    assert "Connection refused" in message  # redis-py's own words for the failure
    assert "secret" not in message


def test_fail_soft_redis_leaves_a_dead_redis_alone_until_the_interval_is_over(
    fail_soft, monkeypatch
):
    from dashboards import cache as module

    now = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    tries = []
    real_get = module.RedisCache.get
    monkeypatch.setattr(
        module.RedisCache,
        "get",
        lambda self, *a, **k: tries.append(now[0]) or real_get(self, *a, **k),
    )
    c = fail_soft(DOWN, retry_after=5)

    c.get("a")  # fails: Redis is left alone until 105
    for now[0] in [101.0, 104.9]:
        c.get("a")
    now[0] = 105.0
    c.get("a")  # the one that tries again, and fails: alone until 110
    now[0] = 109.0
    c.get("a")

    assert tries == [100.0, 105.0]
    # Another cache object of the same location (another thread's) shares what is known.
    now[0] = 109.5
    fail_soft(DOWN, retry_after=5).get("a")
    assert tries == [100.0, 105.0]


def test_fail_soft_redis_lets_one_caller_try_again_while_the_others_go_without(
    fail_soft, monkeypatch
):
    from dashboards import cache as module

    now = [100.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    c = fail_soft(DOWN, retry_after=5)
    c.get("a")  # fails: Redis is left alone until 105
    now[0] = 105.0
    during_the_try = []
    real_get = module.RedisCache.get

    def another_thread_asks_meanwhile(self, *args, **kwargs):
        during_the_try.append(c._skip())
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(module.RedisCache, "get", another_thread_asks_meanwhile)
    c.get("a")

    assert during_the_try == [True]


def test_fail_soft_redis_logs_when_redis_is_back(fail_soft, clear_redis, caplog, monkeypatch):
    from dashboards import cache as module

    c = fail_soft(retry_after=0)
    outage = module._outages[(REDIS_URL,)]
    outage.down = True  # as after a failure

    with caplog.at_level("WARNING", logger="dashboards.cache"):
        c.set("a", 1)
        c.get("a")

    assert [r.getMessage() for r in caplog.records] == [f"Page cache at {REDIS_URL} is back"]
    assert outage.down is False
    assert c.get("a") == 1


def test_fail_soft_redis_tries_again_every_5_s_unless_told(monkeypatch):
    from dashboards import cache as module

    monkeypatch.setattr(module, "_outages", {})

    assert module.FailSoftRedisCache(REDIS_URL, {}).retry_after == 5.0


def test_fail_soft_redis_passes_on_each_timeout_and_version(fail_soft, clear_redis):
    c, server = fail_soft(), clear_redis

    def ttl(key, version=2):
        return server.ttl(f"{REDIS_PREFIX}:{version}:{key}")

    assert c.add("a", 1, timeout=100, version=2)
    assert 90 < ttl("a") <= 100 and c.get("a") is None and c.get("a", version=2) == 1
    c.set("b", 2, timeout=200, version=2)
    assert 190 < ttl("b") <= 200 and c.get("b") is None
    assert c.touch("b", 300, version=2) and 290 < ttl("b") <= 300
    assert not c.touch("b", 300) and ttl("b", version=1) == -2  # no such key
    assert c.has_key("b", version=2) and not c.has_key("b")
    assert c.get_many(["a", "b"], version=2) == {"a": 1, "b": 2} and c.get_many(["a"]) == {}
    assert c.incr("a", 4, version=2) == 5
    with pytest.raises(ValueError):
        c.incr("a")
    c.set_many({"c": 3}, timeout=400, version=2)
    assert 390 < ttl("c") <= 400 and c.get("c") is None
    assert not c.delete("c") and c.delete("c", version=2)
    c.set_many({"a": 1})  # version 1
    c.delete_many(["a", "b"], version=2)
    assert c.get_many(["a", "b"], version=2) == {} and c.get("a") == 1
