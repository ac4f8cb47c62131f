"""`make screenshots`: the README's pictures, taken from the running product.

A fresh demo database (seed_demo) in its own SQLite file, drafts written by the
real default model through the same services and task as `make run`, one of them
approved and published by the demo merchant; then the site runs (runserver) and
Debian's Chromium, driven by Playwright, photographs real pages into
docs/screenshots/. Nothing is staged or edited by hand: run it again and the
pictures are what the product shows today.

Tasks run eagerly in this process (CELERY_TASK_ALWAYS_EAGER), so nothing lands
in the broker that `make run`'s workers read, and `make run`'s own database in
var/ is left alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VAR = Path(os.environ.get("COCREATE_VAR_DIR", ROOT / "var"))
DATABASE = VAR / "screenshots.sqlite3"
CHROMIUM = Path("/usr/bin/chromium")
HOST = "127.0.0.1"
LAPTOP = {"width": 1280, "height": 860}
# The review queue at the narrowest laptop width it must read well at (issue 15).
QUEUE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The first start compiles templates and loads the embedding model.
SERVER_START_S = 120
STEP_TIMEOUT_MS = 60_000
TYPING_DELAY_MS = 40  # the similar-ideas script waits for a pause in typing
CAMPAIGN_SLUG = "ridgeline-30l-daypack"  # the demo's first campaign
# A title close to one of its ideas, typed as a newcomer would.
SIMILAR_TITLE = "Pocket for my phone on the hip belt"
DRAFT_VARIANTS = 2

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "cocreate.settings",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # Static files straight from the apps, as under `make run`.
        "DEBUG": "1",
    }
)
sys.path.insert(0, str(ROOT))


def seed() -> tuple[str, str]:
    """A fresh demo with one published AI text; returns the campaign's URL and
    the username of a person it credits."""
    import django

    django.setup()
    from cocreate.celery import app

    # Tasks run eagerly here, so this process needs them registered as a worker does.
    app.loader.import_default_modules()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from campaigns.models import Campaign
    from demo import data
    from generation import services, tasks
    from generation.models import Draft

    for path in VAR.glob(f"{DATABASE.name}*"):
        path.unlink()
    call_command("migrate", verbosity=0)
    call_command("prepare_model")
    call_command("seed_demo")

    campaign = Campaign.objects.get(slug=CAMPAIGN_SLUG)
    merchant = get_user_model().objects.get(username=data.MERCHANT.person.username)
    request = services.generation_request_create(
        campaign=campaign,
        requested_by=merchant,
        kind="product_description",
        tone="friendly",
        length="short",
        keywords=[],
        language="en",
        variants=DRAFT_VARIANTS,
    )
    tasks.generate_drafts_task(request.pk)  # a no-op if the eager publish ran it already
    best = Draft.objects.filter(request=request).order_by("rank").first()
    if best is None:
        request.refresh_from_db()
        raise SystemExit(f"The model wrote no draft: {request.status} {request.error}")
    services.draft_approve(draft=best, actor=merchant)
    services.draft_publish(draft=best, actor=merchant)
    credited = best.sources.filter(idea__consent_credit=True).select_related("idea__author").first()
    if credited is None:
        raise SystemExit("The published draft credits nobody: no screenshot of a credit to take.")
    return campaign.get_absolute_url(), credited.idea.author.username


@contextmanager
def running_site() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 (this interpreter and manage.py: nothing from outside)
        [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                urlopen(url, timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("runserver did not start") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait()


def photograph(site: str, campaign_url: str, credited: str) -> list[Path]:
    from django.urls import reverse
    from playwright.sync_api import expect, sync_playwright

    from demo import data
    from demo.management.commands.seed_demo import DEFAULT_PASSWORD

    password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
    taken: list[Path] = []
    expect.set_options(timeout=STEP_TIMEOUT_MS)

    def shot(target, name: str, **options) -> None:
        path = OUT / f"{name}.png"
        target.screenshot(path=str(path), **options)
        taken.append(path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )

        def page_as(username: str | None, viewport: dict[str, int]):
            context = browser.new_context(viewport=viewport, locale="en-GB")
            context.set_default_timeout(STEP_TIMEOUT_MS)
            page = context.new_page()
            if username:
                page.goto(f"{site}{reverse('login')}")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Log in").click()
                expect(page.get_by_role("button", name="Log out")).to_be_visible()
            return page

        visitor = page_as(None, LAPTOP)
        visitor.goto(site)
        shot(visitor, "home")
        visitor.goto(f"{site}{campaign_url}")
        shot(visitor, "campaign")
        published = visitor.locator("#written-with-our-community")
        expect(published.locator(".published-draft-credits")).to_contain_text(credited)
        shot(published, "published-with-credit")
        # The campaign's top idea, with its comment threads.
        visitor.goto(f"{site}{visitor.locator('.idea-row__title a').first.get_attribute('href')}")
        shot(visitor, "idea")

        phone = page_as(None, PHONE)
        phone.goto(f"{site}{campaign_url}")
        shot(phone, "mobile-campaign")

        customer = page_as(data.CUSTOMER.person.username, LAPTOP)
        customer.goto(f"{site}{reverse('idea_submit', args=[CAMPAIGN_SLUG])}")
        customer.get_by_label("Title", exact=True).press_sequentially(SIMILAR_TITLE, delay=TYPING_DELAY_MS)
        expect(customer.get_by_role("status").filter(has_text="Similar ideas already exist")).to_be_visible()
        shot(customer, "similar-ideas-warning")

        author = page_as(credited, LAPTOP)
        author.goto(f"{site}{reverse('notifications:inbox')}")
        expect(author.locator(".notification").first).to_be_visible()
        shot(author, "notification")

        merchant = page_as(data.MERCHANT.person.username, QUEUE)
        merchant.goto(f"{site}{reverse('admin:generation_draft_changelist')}?status=all")
        shot(merchant, "drafts-queue")
        merchant.locator("#result_list tbody tr th a").first.click()
        merchant.set_viewport_size(LAPTOP)
        shot(merchant, "draft-review")
        browser.close()
    return taken


def main() -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    campaign_url, credited = seed()
    with running_site() as site:
        taken = photograph(site, campaign_url, credited)
    print("\n".join(str(path.relative_to(ROOT)) for path in taken))


if __name__ == "__main__":
    main()
