"""One run that stores documents at a time: `with one_ingest_at_a_time(say): ...`.

Two runs storing the same files at once would race to insert the same document (an
IntegrityError for one of them) or count each other's documents as their own reparses. So a run
that finds another holding the lock says "waiting for another ingest (pid N) to finish" through
`say` and waits: a run started by cron while one started by hand is going simply runs after it.

PostgreSQL: a session advisory lock (released by the server if the process dies); the holder's
pid is in its connection's application_name, where the waiting run reads it. SQLite: an flock on
a file beside the database (released by the kernel if the process dies), which holds the pid.
Other databases: no lock.
"""

import contextlib
import fcntl
import os
import re
from pathlib import Path

from django.db import DatabaseError, connection

# pg_advisory_lock's key for "the ingest" (any constant; one per database).
ADVISORY_KEY = 0x0F57ED
APPLICATION_NAME = "ofsted_compare ingest pid {pid}"
PID_RE = re.compile(r"ingest pid (\d+)")


@contextlib.contextmanager
def one_ingest_at_a_time(say):
    if connection.vendor == "postgresql":
        with _advisory_lock(say):
            yield
    elif connection.vendor == "sqlite" and _sqlite_file():
        with _file_lock(_sqlite_file().with_name(_sqlite_file().name + ".ingest-lock"), say):
            yield
    else:
        yield


def _waiting(say, pid):
    holder = f" (pid {pid})" if pid else ""
    say(f"waiting for another ingest{holder} to finish")


@contextlib.contextmanager
def _advisory_lock(say):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        if not cursor.fetchone()[0]:
            cursor.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.classid = 0 AND l.objid = %s AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())",
                [ADVISORY_KEY],
            )
            row = cursor.fetchone()
            match = PID_RE.search(row[0]) if row else None
            _waiting(say, match and match.group(1))
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        cursor.execute(
            "SELECT set_config('application_name', %s, false)",
            [APPLICATION_NAME.format(pid=os.getpid())],
        )
    try:
        yield
    finally:
        # A connection that broke lost the lock with its session anyway.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


def _sqlite_file():
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None  # an in-memory database: nothing another process could share
    return Path(name)


@contextlib.contextmanager
def _file_lock(path, say):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _waiting(say, os.pread(fd, 32, 0).decode(errors="replace").strip())
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
