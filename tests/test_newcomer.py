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
