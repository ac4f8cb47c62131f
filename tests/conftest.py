from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import (
    BrandFactory,
    CampaignFactory,
    IdeaFactory,
    StaffFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # With DEBUG off, settings redirect every request to HTTPS and serve static
    # files from a manifest that `collectstatic` has not written in a test run.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every factory user gets a password; the real hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Anonymous pages are renewed when a write commits, which a test's
    # transaction never does; tests/campaigns/test_page_cache.py turns it on.
    settings.ANON_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def brand(db):
    return BrandFactory()


@pytest.fixture
def other_brand(db):
    return BrandFactory()


@pytest.fixture
def campaign(brand):
    return CampaignFactory(brand=brand)


@pytest.fixture
def idea(campaign):
    return IdeaFactory(campaign=campaign)


@pytest.fixture
def moderator(brand):
    return StaffFactory(brand=brand)


@pytest.fixture
def other_moderator(other_brand):
    return StaffFactory(brand=other_brand)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def inline_tasks(monkeypatch):
    """Tasks that services publish run at once in this process, as a worker
    would run them (no broker): for tests that follow a write to its e-mail."""
    from core import queueing

    def run_now(task, *args):
        if isinstance(task, str):
            task = queueing.registered_task(task)
        task.apply(args=args, throw=True)
        return True

    monkeypatch.setattr(queueing, "publish", run_now)
