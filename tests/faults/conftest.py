from __future__ import annotations

import pytest

from tests.factories import CampaignFactory, IdeaFactory, StaffFactory
from tests.faults.harness import RedisServer, broker, postgres_and_redis_available


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis(request):
    if request.node.get_closest_marker("slow") and (reason := postgres_and_redis_available()):
        pytest.skip(reason)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_broker(redis_server):
    """This process publishes to the test's own redis-server."""
    with broker(redis_server):
        yield redis_server


@pytest.fixture
def shop(brand):
    """A merchant and a campaign with an idea to draft from."""
    campaign = CampaignFactory(brand=brand)
    IdeaFactory(campaign=campaign, title="Hip-belt pocket", body="A pocket on the hip belt for a phone.")
    return StaffFactory(brand=brand), campaign
