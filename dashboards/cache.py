"""The page cache in Redis, without depending on Redis.

`FailSoftRedisCache` is Django's own RedisCache, except that while Redis cannot be reached (stopped,
hung, refusing writes) every operation answers as an empty cache would: a read misses, a write is
dropped, and `add` says it added, so a worker that takes it as the lock on building a page builds
the page itself instead of waiting for a builder that cannot tell it the page is ready. The
dashboards then build each page from the database, as with no cache at all.

Connecting and reading give up after a fraction of a second (`socket_connect_timeout` and
`socket_timeout` in OPTIONS, which go to redis-py). After a failure the process leaves Redis alone
for `RETRY_AFTER` seconds (OPTIONS, default 5): then one request tries again while the others still
go without, so a dead or hung Redis costs each process one timeout per interval, not one per
request, and the cache is used again within that interval of Redis coming back. The failure is
logged once when the cache goes and once when it is back.
"""

import logging
import re
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# Per process and per location, shared by the threads' cache objects (Django makes one each).
_outages = {}
_outages_lock = threading.Lock()


class _Outage:
    def __init__(self):
        self.down = False
        self.retry_at = 0.0


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        servers = self._servers if isinstance(self._servers, list) else [self._servers]
        # Named in the log without a password (rediss://:secret@host).
        self._where = ", ".join(re.sub(r"//[^/@]*@", "//", s) for s in servers)
        with _outages_lock:
            self._outage = _outages.setdefault(tuple(servers), _Outage())

    def _skip(self):
        """True while Redis is known to be down; past the interval, this caller is the one that
        tries again (the next ones skip until it has found out)."""
        outage = self._outage
        if not outage.down:
            return False
        with _outages_lock:
            now = time.monotonic()
            if now < outage.retry_at:
                return True
            outage.retry_at = now + self.retry_after
            return False

    def _failed(self, error):
        outage = self._outage
        with _outages_lock:
            outage.retry_at = time.monotonic() + self.retry_after
            if outage.down:
                return
            outage.down = True
        log.warning(
            "Page cache at %s unreachable (%s: %s): pages are built without it, and Redis is "
            "tried again every %g s",
            self._where,
            type(error).__name__,
            error,
            self.retry_after,
        )

    def _answered(self):
        outage = self._outage
        if outage.down:
            with _outages_lock:
                was_down, outage.down = outage.down, False
            if was_down:
                log.warning("Page cache at %s is back", self._where)

    def _call(self, name, fallback, *args, **kwargs):
        if self._skip():
            return fallback
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except redis.RedisError as error:
            self._failed(error)
            return fallback
        self._answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found")  # as an empty cache says
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", None)
