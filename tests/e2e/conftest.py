"""Browser fixtures: Debian's Chromium driven by Playwright, the site served on
127.0.0.1 by a live server thread, and numbered screenshots of each step.

Playwright never downloads a browser here (no `playwright install`): it drives
the system's /usr/bin/chromium. CI installs Debian's `chromium` package; on a
developer machine without it these tests are skipped with the reason, in CI
they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

# The real default model, converted once and cached; shared with the drafting tests.
from tests.generation.conftest import prepared_model_dir  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    # Root in a container: Chromium's sandbox needs user namespaces it may not get.
    "--no-sandbox",
    "--disable-gpu",  # headless on machines without one
    # The machine reaches nothing outside: no update checks, sync or other
    # background requests that would only time out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Git-ignored; CI keeps the folder as an artifact. The README's pictures are
# made by `make screenshots` (docs/screenshots.py), not copied from here.
ARTIFACTS = ROOT / "artifacts" / "e2e"
# A laptop screen: wide enough for the admin's columns.
VIEWPORT = {"width": 1280, "height": 860}
# Longest wait for one page or element. Generous: other test processes share
# the 2-core machine, and a first request may load the embedding model.
STEP_TIMEOUT_MS = 60_000
HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Playwright's sync API keeps an asyncio loop marked as running in this
        # thread, and Django then refuses ORM calls here (SynchronousOnlyOperation)
        # although they stay synchronous; the server thread is unaffected.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Assertions wait as long as actions: 5 s, Playwright's default, is too
        # short on a machine shared with other test processes.
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(_site_settings) -> Iterator[LiveServer]:
    """The whole app in a server thread of this process, so it shares the test
    database and this process's Celery app (and broker) with the test.

    One per test, started after the test settings: middleware reads some of
    them (SECURE_SSL_REDIRECT) once, when the server builds its handler.
    """
    server = LiveServer(f"{HOST}:0")
    yield server
    server.stop()


@pytest.fixture
def _site_settings(_test_settings, settings) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


@pytest.fixture
def new_context(chromium: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Opens one browser context (its own cookies: one person) per call."""
    contexts: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = chromium.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@dataclass
class Screenshots:
    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Page, step: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    """One folder per test under artifacts/e2e/, emptied first so that an old
    run's pictures never pass for this one's."""
    folder = ARTIFACTS / re.sub(r"[^\w-]", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return Screenshots(folder)
