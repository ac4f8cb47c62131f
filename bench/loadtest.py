"""A seeded site under gunicorn and a load generator on loopback, shared by
bench/web.py (throughput) and bench/memory.py (a web worker's peak RSS).

The site runs as in production (bench/settings.py: DEBUG off, collected
static files, persistent connections) on a scratch PostgreSQL database seeded
with `seed_demo`, or on a temporary SQLite file when no PostgreSQL answers.
The load comes from wrk (Debian: `apt-get install wrk`) on the same machine, so
it takes CPU from the server: the ratios between pages are the figures to
compare across machines, not the absolute requests per second.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.pgdb import manage, postgres_reachable, scratch_database

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WRK = shutil.which("wrk")
DATABASE_NAME = "cocreate_bench"
# Two processes, one thread each: one per core of the 2-core dev machine, the
# shape `docker/compose.yml` scales out with more processes.
GUNICORN_WORKERS = 2
GUNICORN_THREADS = 1
START_WITHIN_S = 60
WRK_THREADS = 2
# Pages are warmed (connections opened, templates loaded) before measuring.
WARMUP_S = 2
# The campaign of seed_demo with the most published ideas is the one loaded.
BUSIEST_CAMPAIGN_SQL = """
    SELECT c.slug FROM campaigns_campaign c JOIN campaigns_idea i ON i.campaign_id = c.id
    WHERE c.phase <> 'draft' AND i.status IN ('published', 'adopted')
    GROUP BY c.slug ORDER BY COUNT(*) DESC, c.slug LIMIT 1
"""


@dataclass(frozen=True)
class Site:
    url: str
    database: str  # "postgresql" or "sqlite"
    database_url: str
    campaign_slug: str
    master_pid: int

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text()
        return [int(pid) for pid in children.split()]


@dataclass(frozen=True)
class LoadResult:
    path: str
    seconds: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


@contextmanager
def _database() -> Iterator[tuple[str, str]]:
    if postgres_reachable():
        with scratch_database(DATABASE_NAME) as url:
            yield url, "postgresql"
        return
    with tempfile.TemporaryDirectory(prefix="cocreate-bench-") as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        manage(url, "migrate", "--noinput")
        yield url, "sqlite"


def _busiest_campaign(url: str, database: str) -> str:
    if database == "postgresql":
        with psycopg.connect(url) as conn:
            return conn.execute(BUSIEST_CAMPAIGN_SQL).fetchone()[0]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute(BUSIEST_CAMPAIGN_SQL).fetchone()[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback server)
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class SeededDatabase:
    url: str
    database: str  # "postgresql" or "sqlite"
    campaign_slug: str


@contextmanager
def seeded_database() -> Iterator[SeededDatabase]:
    """A scratch database seeded with `seed_demo`, static files collected."""
    with _database() as (url, database):
        manage(url, "seed_demo")
        manage(url, "collectstatic", "--noinput", settings_module="bench.settings")
        yield SeededDatabase(url, database, _busiest_campaign(url, database))


@contextmanager
def served_site(seeded: SeededDatabase, log_dir: Path, env: dict[str, str] | None = None) -> Iterator[Site]:
    """gunicorn serving the project on `seeded`, with `env` on top of this
    process's environment."""
    port = _free_port()
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": seeded.url,
        "DEBUG": "0",
        **(env or {}),
    }
    log = log_dir / f"gunicorn-{port}.log"
    command = [
        str(GUNICORN),
        "cocreate.wsgi:application",
        "--workers",
        str(GUNICORN_WORKERS),
        "--threads",
        str(GUNICORN_THREADS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WITHIN_S
        while not _answers(f"{base}/bench/ping/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield Site(base, seeded.database, seeded.url, seeded.campaign_slug, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=START_WITHIN_S)


@contextmanager
def seeded_site(log_dir: Path, env: dict[str, str] | None = None) -> Iterator[Site]:
    """gunicorn serving the project on a seeded scratch database."""
    with seeded_database() as seeded, served_site(seeded, log_dir, env) as site:
        yield site


def check_page(site: Site, path: str) -> int:
    """The page's size in bytes; fails unless it answers 200."""
    with urllib.request.urlopen(site.url + path, timeout=30) as response:  # noqa: S310 (loopback)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return len(response.read())


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str, out: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if found is None:
        raise RuntimeError(f"Cannot read the latency {text!r} in wrk's report:\n{out}")
    return float(found.group(1)) * _UNITS_MS[found.group(2)]


def _percentile(percent: str, out: str) -> str:
    # At the start of a line of the latency distribution: "57.99%" in the
    # thread stats above it also ends in "99%".
    found = re.search(rf"^\s*{percent}%\s+(\S+)", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"No {percent}th percentile in wrk's report:\n{out}")
    return found.group(1)


def wrk(site: Site, path: str, *, seconds: int, connections: int) -> LoadResult:
    """Load one page for `seconds` after a warm-up; requests/s, latency percentiles, errors."""
    if WRK is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install -y wrk)")
    url = site.url + path

    def run(duration: int) -> str:
        command = [
            WRK,
            "-t",
            str(WRK_THREADS),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--latency",
            url,
        ]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    run(WARMUP_S)
    out = run(seconds)
    requests = re.search(r"(\d+) requests in", out).group(1)  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    return LoadResult(
        path=path,
        seconds=seconds,
        requests=int(requests),
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(_percentile("50", out), out),
        p99_ms=_ms(_percentile("99", out), out),
        errors=errors,
    )


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
