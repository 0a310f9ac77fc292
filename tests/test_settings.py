import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SHOW_DATABASE = "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])"


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_tests_run_on_postgresql():
    assert connection.vendor == "postgresql", "make test sets DATABASE_URL to PostgreSQL"


def test_sqlite_is_the_zero_setup_default():
    # No DATABASE_URL at all, as after a fresh clone: the project's own db.sqlite3.
    result = _manage("shell", "-v", "0", "-c", SHOW_DATABASE, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", str(ROOT / "db.sqlite3")]


def test_migrations_run_on_sqlite(tmp_path):
    result = _manage("migrate", "--no-input", env={"DATABASE_URL": f"sqlite:///{tmp_path}/t.db"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "t.db").stat().st_size > 0


def test_check_deploy_passes_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-9f8e7d6c5b4a",
            "ALLOWED_HOSTS": "ofsted-compare.example.gov.uk",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_unexpected_boolean_is_refused_by_name():
    result = _manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "Unexpected value DEBUG=maybe" in result.stderr
