"""Scratch PostgreSQL databases for the benchmarks: created (a leftover of an
interrupted run dropped first), migrated, handed out as a DATABASE_URL, and
dropped at the end. Never the database the tests or the site use.

The server is the one BENCH_POSTGRES_URL names, else DATABASE_URL when it is
PostgreSQL, else the local server CI starts (postgres://root@127.0.0.1:5432).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
LOCAL_SERVER = "postgres://root@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_S = 3


def server_url() -> str:
    """A URL of the PostgreSQL server, on its maintenance database."""
    configured = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        configured = LOCAL_SERVER
    return _with_database(configured, "postgres")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(server_url(), connect_timeout=CONNECT_TIMEOUT_S):
            return True
    except psycopg.OperationalError:
        return False


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(server_url(), autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        conn.execute(statement)


def manage(database_url: str, *args: str, settings_module: str = "cocreate.settings") -> None:
    """Run a manage.py command against `database_url`."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings_module}
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """A freshly migrated database `name`; yields its URL and drops it afterwards."""
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    _admin(drop)
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(server_url(), name)
    try:
        manage(url, "migrate", "--noinput")
        yield url
    finally:
        _admin(drop)
