"""What a newcomer finds: the README's pictures are what `make screenshots`
makes, and the e-mail preferences page is reachable from the account menu and
the notifications page, not only from a link in an e-mail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"


def test_every_screenshot_in_the_readme_is_one_make_screenshots_takes():
    readme = (ROOT / "README.md").read_text()
    script = (ROOT / "docs" / "screenshots.py").read_text()

    shown = set(re.findall(r"docs/screenshots/([\w-]+)\.png", readme))
    taken = set(re.findall(r'shot\([^,]+, "([\w-]+)"', script))
    stored = {path.stem for path in SCREENSHOTS.glob("*.png")}

    assert shown and shown <= taken
    assert stored <= taken, f"pictures no script makes: {sorted(stored - taken)}"


def _part(html: str, pattern: str) -> str:
    """The part of the page that `pattern` matches (one element, open to close)."""
    match = re.search(pattern, html, re.S)
    assert match, f"no {pattern!r} in the page"
    return match.group(0)


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


@pytest.fixture
def logged_in(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.django_db
def test_the_account_menu_links_to_the_e_mail_preferences(logged_in):
    html = logged_in.get(reverse("home")).content.decode()

    menu = _part(html, r'<nav class="site-nav".*?</nav>')

    assert reverse("notifications:preferences") in _links(menu)


@pytest.mark.django_db
def test_the_notifications_page_links_to_the_e_mail_preferences(logged_in):
    html = logged_in.get(reverse("notifications:inbox")).content.decode()

    content = _part(html, r'<main id="main".*?</main>')

    assert reverse("notifications:preferences") in _links(content)


def test_the_favicon_is_served_not_a_404(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[0][1] == 301
    assert b"<svg" in b"".join(response.streaming_content)


def test_the_embedded_broker_logs_no_hostname_warning(tmp_path):
    # `make run`'s broker (no REDIS_URL): kombu warned "No hostname was
    # supplied" each time it described the connection.
    import os
    import subprocess
    import sys

    script = (
        "import django, logging; django.setup(); logging.basicConfig(level=logging.INFO)\n"
        "from cocreate.celery import app\n"
        "with app.connection_for_write() as c:\n"
        "    print(c.as_uri()); print(c.info()['hostname'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "cocreate.settings", "COCREATE_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("filesystem://")
    assert "No hostname" not in result.stderr


def test_what_a_task_prints_is_logged_as_info_not_as_a_warning():
    from cocreate.celery import app

    assert app.conf.worker_redirect_stdouts_level == "INFO"
