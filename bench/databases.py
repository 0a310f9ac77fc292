"""A throwaway database for a benchmark run: PostgreSQL when DATABASE_URL points there, else
SQLite in a temporary folder. Dropped afterwards."""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def throwaway_database(label):
    """Yield a DATABASE_URL for a new, empty database named after `label`."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"ofsted_bench_{label}_{os.getpid()}"
        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server}/{name}"
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="ofsted_bench_") as tmp:
            yield f"sqlite:///{tmp}/{label}.sqlite3"
