"""`make serve` runs the production stack: gunicorn, DEBUG off, static files through whitenoise.

The test starts the Makefile's own target on a free port with a throwaway SQLite database, fetches
pages as a browser would, and stops it.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 180  # migrate, load the authorities and demo, collectstatic, boot two workers


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    """(status, headers, body) for a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`make serve` up and listening: (base URL, its log). Stopped, process group and all, after."""
    tmp_path = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        # Settings the stack must choose itself, and make's state if pytest runs under `make test`.
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
        and k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.db'}"
    # gunicorn's control socket is one path per user; leave it to whatever else runs here.
    env["GUNICORN_CMD_ARGS"] = "--no-control-socket"
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    # VENV: the interpreter running these tests, so the target installs nothing new.
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}", f"VENV={sys.prefix}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"make serve exited {process.returncode}:\n{_tail(log_path)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"make serve not listening after {STARTUP_SECONDS} s:\n{_tail(log_path)}"
                    )
                time.sleep(0.5)
        yield url, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _tail(log_path):
    return log_path.read_text()[-4000:]


def test_make_serve_answers_through_gunicorn_with_debug_off(served):
    url, log_path = served
    status, headers, body = _get(url + "/")
    assert status == 200, _tail(log_path)
    assert headers["Server"] == "gunicorn"
    assert "Hampshire" in body  # the home page's group, from the demo data the target loads

    # DEBUG on would answer an unknown address with Django's technical 404 page.
    status, _, body = _get(url + "/no-such-page/")
    assert status == 404
    assert "DEBUG = True" not in body
    assert "URLconf" not in body


def test_make_serve_serves_collected_static_files_through_whitenoise(served):
    url, _ = served
    _, _, body = _get(url + "/")
    # The manifest names each collected file with its content hash; only collectstatic makes it.
    hashed = re.search(r'(/static/[^"]+\.[0-9a-f]{12}\.(?:js|css))"', body)
    assert hashed, "no hashed static file on the home page"
    status, headers, _ = _get(url + hashed.group(1))
    assert status == 200
    # With DEBUG off Django serves no static file; whitenoise marks hashed ones immutable.
    assert "immutable" in headers["Cache-Control"]
