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
