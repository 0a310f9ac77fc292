"""Documents read in worker processes, each capped in memory and in time per document.

`Readers(read, jobs=N)` reads with N worker processes, started as they are needed; each calls
`read(path, sha256)` (a picklable callable returning what is sent back, a `ReadResult` for the
ingest) for one document at a time. `readers.read(items)` takes (path, sha256) pairs and yields
`(path, result, None)` as each worker finishes, or `(path, None, (status, reason))` for a document
no worker could finish:

- its worker died (killed by the kernel for want of memory, or a crash in C code): status
  `failed`, the reason says how it died. Only the file that worker was reading is named: each
  worker reads one document at a time and the parent knows which, so no other is lost. A fresh
  worker takes the dead one's place and the run goes on.
- it took longer than `seconds` (settings.INGEST_DOCUMENT_SECONDS): the parent kills that
  worker; status `refused`.

Each worker may take `memory_mb` (settings.INGEST_WORKER_MEMORY_MB) of address space beyond what
it holds when it starts (RLIMIT_AS): past that an allocation fails with MemoryError, which
`read_document` turns into a refusal. Workers exit when their parent dies (PR_SET_PDEATHSIG on
Linux, else a thread watching the parent's pid), so a killed ingest leaves none behind. Workers
never touch the database: the parent stores what they read.
"""

import contextlib
import ctypes
import multiprocessing
import os
import resource
import signal
import threading
import time
from multiprocessing.connection import wait

import django

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_PARENT_SECONDS = 1.0  # where prctl is missing: how often a worker looks for its parent
STOP_SECONDS = 5  # a worker asked to stop that has not within this is killed


class Readers:
    """Worker processes reading documents; see the module docstring."""

    def __init__(self, read, *, jobs, memory_mb, seconds, start_method=None):
        self.function = read
        self.jobs = max(1, jobs)
        self.memory_mb = memory_mb
        self.seconds = seconds
        self.context = multiprocessing.get_context(start_method)
        self.workers: list[_Worker] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read_one(self, path, sha256):
        """(result, None) or (None, (status, reason)) for one document."""
        ((_path, result, lost),) = self.read([(path, sha256)])
        return result, lost

    def read(self, items):
        pending = list(items)
        busy: list[_Worker] = []
        try:
            while pending or busy:
                while pending and len(busy) < self.jobs:
                    worker = self._idle_worker()
                    worker.give(*pending.pop(0), self.seconds)
                    busy.append(worker)
                deadlines = [w.deadline for w in busy if w.deadline is not None]
                timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
                done = []
                for worker in list(busy):
                    answer = worker.answer()
                    if answer is None:
                        continue
                    busy.remove(worker)
                    path, worker.path = worker.path, None
                    if worker.lost:
                        self._forget(worker)
                    done.append((path, *answer))
                # The next documents go out before the caller stores these, so no worker waits
                # on the database.
                while pending and len(busy) < self.jobs:
                    worker = self._idle_worker()
                    worker.give(*pending.pop(0), self.seconds)
                    busy.append(worker)
                yield from done
        finally:
            for worker in busy:  # abandoned mid-read (an error in the caller): not reusable
                worker.kill()
                self._forget(worker)

    def close(self):
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
        self.workers = []

    def _idle_worker(self):
        for worker in self.workers:
            if worker.path is None:
                return worker
        worker = _Worker(self.context, self.function, self.memory_mb)
        self.workers.append(worker)
        return worker

    def _forget(self, worker):
        worker.conn.close()
        self.workers.remove(worker)


class _Worker:
    def __init__(self, context, function, memory_mb):
        self.conn, child = context.Pipe()
        # A forkserver's child has the server as its parent, not us: it watches whichever
        # parent it has, and the server ends when we do.
        parent = None if context.get_start_method() == "forkserver" else os.getpid()
        self.process = context.Process(target=_work, args=(child, memory_mb, parent), daemon=True)
        self.process.start()
        child.close()
        # Sent, not passed as an argument: a spawned worker can unpickle it (and import the
        # models it refers to) only once it has set Django up.
        self.conn.send(function)
        self.path = self.deadline = None
        self.lost = False

    def give(self, path, sha256, seconds):
        self.path, self.seconds = path, seconds
        self.deadline = time.monotonic() + seconds if seconds else None
        self.conn.send((path, sha256))

    def answer(self):
        """(result, None) when the worker has answered, (None, (status, reason)) when it died or
        ran out of time, None while it is still reading."""
        with contextlib.suppress(EOFError, OSError):
            if self.conn.poll():
                return self.conn.recv(), None
        if not self.process.is_alive():
            self.process.join()
            self.lost = True
            return None, ("failed", f"the worker reading it {_death(self.process.exitcode)}")
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.kill()
            self.lost = True
            return None, (
                "refused",
                f"reading it took longer than {self.seconds:g} s (INGEST_DOCUMENT_SECONDS)",
            )
        return None

    def stop(self):
        with contextlib.suppress(OSError):
            self.conn.send(None)

    def kill(self):
        self.process.kill()
        self.process.join()


def _death(exitcode):
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:
            return f"was killed ({name}: the kernel does this when memory runs out)"
        return f"died of {name}"
    return f"exited with status {exitcode} before it answered"


def _work(conn, memory_mb, parent):
    _exit_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    django.setup()  # a spawned worker starts afresh; for a forked one this is a no-op
    try:
        function = conn.recv()
        _cap_memory(memory_mb)
        while (item := conn.recv()) is not None:
            conn.send(function(*item))
    except EOFError:  # the parent has gone
        return


def _exit_with_parent(parent):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):  # not Linux: watch the parent's pid instead
        watched = os.getppid()

        def watch():
            while os.getppid() == watched:
                time.sleep(WATCH_PARENT_SECONDS)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if parent is not None and os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _cap_memory(memory_mb):
    """Limit this process's address space to what it holds now plus memory_mb."""
    if not memory_mb:
        return
    try:
        with open("/proc/self/statm") as f:
            held = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        held = 0
    limit = held + memory_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
