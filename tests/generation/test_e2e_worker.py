"""End to end with a real Celery worker process and the real default model.

The worker is a subprocess on the same database (the current test database)
and the same broker as this process: Redis when REDIS_URL is set (CI), else
kombu's filesystem transport in a temporary folder both processes are pointed
at. Nothing is eager or mocked: the request is enqueued on commit, routed to
the gpu queue, claimed, generated, guarded and written by the worker.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection

from campaigns.models import Idea
from cocreate.celery import app
from generation import services
from generation.models import Draft, GenerationRequest
from notifications.models import Notification
from tests.celery_pools import reset_broker_pools
from tests.factories import CommentFactory, IdeaFactory, StaffFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
# Loading the model and writing two short drafts takes well under a minute on
# an idle 2-core CPU, but minutes when other jobs share it (seen: 4). The bound
# only stops a broken run from hanging the suite.
DONE_WITHIN_S = 480
POLL_S = 1
WORKER_STOP_S = 30


def database_url() -> str:
    """The current (test) database as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def broker_folders(var_dir: Path) -> dict[str, str]:
    """The filesystem transport's folders, laid out as cocreate/settings.py does
    under COCREATE_VAR_DIR (its folder name differs per parallel test process)."""
    broker = var_dir / Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent.name
    folders = {"queue": broker / "queue", "control": broker / "control", "processed": broker / "processed"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "control_folder": str(folders["control"]),
        "processed_folder": str(folders["processed"]),
        "store_processed": False,
    }


@contextmanager
def shared_broker(var_dir: Path) -> Iterator[None]:
    """Point this process at the broker the worker will use."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        yield  # Redis: the worker inherits REDIS_URL, the same broker as ours.
        return
    old = app.conf.broker_transport_options
    app.conf.broker_transport_options = broker_folders(var_dir)
    reset_broker_pools()
    try:
        yield
    finally:
        app.conf.broker_transport_options = old
        reset_broker_pools()


def own_broker_db() -> int:
    """Redis database for this pytest-xdist process's worker tests: after the
    cache (1 + N) and broker (8 + N) databases settings give each process."""
    return 12 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])


@contextmanager
def own_broker(var_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A broker that only this test's server and worker use.

    On Redis a database of its own, flushed first and named explicitly to both
    this process and the worker: the process's usual broker database also holds
    the messages earlier tests published (which the worker would drain first),
    and the other pytest-xdist process runs worker tests of its own at the same
    time.
    """
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        with shared_broker(var_dir):  # already private: folders under var_dir
            yield
        return
    url = f"{settings.CELERY_BROKER_URL.rsplit('/', 1)[0]}/{own_broker_db()}"
    redis.Redis.from_url(url).flushdb()  # what a killed earlier run left queued
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # read by the worker's settings
    old_url, app.conf.broker_url = app.conf.broker_url, url
    reset_broker_pools()
    try:
        yield
    finally:
        app.conf.broker_url = old_url
        reset_broker_pools()


@contextmanager
def celery_worker(*, var_dir: Path, model_dir: Path, log: Path) -> Iterator[subprocess.Popen]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_URL": database_url(),
        "GENERATION_MODEL": str(model_dir),
        # Moves the filesystem broker (and nothing else we use: the database is
        # DATABASE_URL) into this test's folder.
        "COCREATE_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "cocreate",
        "worker",
        "-Q",
        "gpu,default",
        "-P",
        "solo",
        "-c",
        "1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"e2e-{uuid.uuid4().hex[:8]}@%h",
        "-l",
        "info",
    ]
    with log.open("w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=WORKER_STOP_S)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_until_finished(request: GenerationRequest, worker: subprocess.Popen, log: Path) -> GenerationRequest:
    deadline = time.monotonic() + DONE_WITHIN_S
    while time.monotonic() < deadline:
        request.refresh_from_db()
        if not request.is_open:
            return request
        assert worker.poll() is None, f"the worker exited:\n{log.read_text()[-4000:]}"
        time.sleep(POLL_S)
    raise AssertionError(
        f"request still {request.status} after {DONE_WITHIN_S} s:\n{log.read_text()[-4000:]}"
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_drafts_from_the_community_and_a_merchant_publishes_with_credit(
    prepared_model_dir, campaign, brand, tmp_path, monkeypatch, request
):
    contributor = UserFactory(username="trailfan")
    idea = IdeaFactory(
        campaign=campaign,
        author=contributor,
        title="Hip-belt pocket",
        body="A hip-belt pocket big enough for a phone, so I never take the pack off.",
        vote_count=7,
    )
    IdeaFactory(
        campaign=campaign, title="Rain cover", body="A rain cover stored in the bottom.", vote_count=3
    )
    CommentFactory(idea=idea, body="Yes, and make the zip easy with gloves on.")
    merchant = StaffFactory(brand=brand)
    var_dir, log = tmp_path / "var", tmp_path / "worker.log"

    with (
        own_broker(var_dir, monkeypatch),
        celery_worker(var_dir=var_dir, model_dir=prepared_model_dir, log=log) as worker,
    ):
        drafting = services.generation_request_create(
            campaign=campaign,
            requested_by=merchant,
            kind="product_description",
            tone="friendly",
            length="short",
            keywords=["lightweight"],
            language="en",
            variants=2,
        )
        drafting = wait_until_finished(drafting, worker, log)

    assert drafting.status == GenerationRequest.Status.DONE, drafting.error
    assert drafting.model_name == prepared_model_dir.name
    assert drafting.timings["new_tokens"] > 0
    drafts = list(drafting.drafts.order_by("pk"))
    assert [d.status for d in drafts] == [Draft.Status.PENDING_REVIEW] * 2
    assert all(d.text for d in drafts)
    assert all(d.sources.filter(idea=idea).exists() for d in drafts)

    # The thank-you e-mail goes out from the default worker (the one mailer);
    # here its task runs in this process so mail.outbox sees it.
    request.getfixturevalue("inline_tasks")
    services.draft_approve(draft=drafts[0], actor=merchant)
    services.draft_publish(draft=drafts[0], actor=merchant)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.ADOPTED
    assert Notification.objects.filter(
        user=contributor, kind=Notification.Kind.IDEA_ADOPTED, idea=idea
    ).exists()
    assert [m.to for m in mail.outbox if m.to == [contributor.email]] == [[contributor.email]]
