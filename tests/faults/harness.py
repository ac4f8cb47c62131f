"""Real processes for the fault tests: a private redis-server and Celery workers.

Each test gets its own redis-server on a free port (no persistence), which it
may stop and start again; the shared Redis others use is never touched. This
process and the worker both use it as their broker. The worker is a
subprocess (tests/faults/worker.py) on the test database, with the prefork
pool and one child, so that there is a child to kill and time limits apply.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
from django.conf import settings

from cocreate.celery import app
from tests.celery_pools import reset_broker_pools
from tests.faults.engine import CONTROL_DIR_ENV, RELEASE
from tests.generation.test_e2e_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
START_WITHIN_S = 60  # a worker (Django + Celery) starts in seconds; more on a loaded 2-core box
STOP_WITHIN_S = 20
POLL_S = 0.05
# The broker options the project uses with Redis (settings.py): unacked
# messages come back only after this, far beyond any test.
REDIS_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}


def wait_for(
    condition: Callable[[], object], *, within_s: float, what: str, log: Callable[[], str] = str
) -> object:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(POLL_S)
    raise AssertionError(f"{what}: not within {within_s} s\n{log()[-6000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RedisServer:
    """A redis-server of this test's own, stopped and started at will."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, within_s=START_WITHIN_S, what="redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=STOP_WITHIN_S)
            self.process = None

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False


@contextmanager
def broker(redis_server: RedisServer) -> Iterator[None]:
    """Point this process's Celery app at the test's redis-server."""
    old_url, old_options = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = redis_server.url, REDIS_TRANSPORT_OPTIONS
    reset_broker_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = old_url, old_options
        reset_broker_pools()


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    control_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def release(self) -> None:
        """Let a blocked generation finish."""
        (self.control_dir / RELEASE).touch()

    def generating_pids(self) -> list[int]:
        """Worker processes that started a blocked generation, in the order they did."""
        markers = sorted(self.control_dir.glob("generating-*"), key=lambda p: p.stat().st_mtime_ns)
        return [int(p.name.rsplit("-", 1)[1]) for p in markers]

    def assert_alive(self) -> None:
        assert self.process.poll() is None, f"the worker exited:\n{self.log()[-6000:]}"


@contextmanager
def celery_worker(
    redis_server: RedisServer, tmp_path: Path, *, queues: str = "gpu,default", **env: str
) -> Iterator[Worker]:
    """A worker on the queues (default: gpu and default), ready to consume when this yields."""
    control_dir = tmp_path / "control"
    control_dir.mkdir()
    log_path = tmp_path / "worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_server.url,
        CONTROL_DIR_ENV: str(control_dir),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    command = [
        sys.executable,
        "-m",
        "tests.faults.worker",
        "-Q",
        queues,
        "-P",
        "prefork",
        "-c",
        "1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"fault-{uuid.uuid4().hex[:8]}@%h",
        "-l",
        "info",
    ]
    with log_path.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(process=process, log_path=log_path, control_dir=control_dir)
    try:
        wait_for(
            lambda: " ready." in worker.log(), within_s=START_WITHIN_S, what="worker ready", log=worker.log
        )
        yield worker
    finally:
        worker.release()
        process.terminate()
        try:
            process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def postgres_and_redis_available() -> str | None:
    """Why the fault tests cannot run here, or None."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL (DATABASE_URL=postgres://...), as in CI"
    if REDIS_SERVER is None:
        return "needs the redis-server program (each test starts its own), as in CI"
    return None
