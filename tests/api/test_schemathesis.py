"""Property-based checks of the whole API against its own OpenAPI schema.

schemathesis generates requests for every operation (valid ones, and invalid
ones that must be refused) and sends them to the WSGI application in-process:
no network. A seeded merchant's token authenticates, so writes reach the
services. Any 5xx, undocumented status, wrong content type or response that
breaks its schema fails the test.
"""

from __future__ import annotations

from unittest import mock

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import tokens
from campaigns import services
from campaigns.models import Campaign
from generation.models import Draft
from tests.factories import CampaignFactory, IdeaFactory, NotificationFactory, StaffFactory, UserFactory
from tests.generation.factories import DraftFactory, DraftSourceFactory

# Examples per operation and mode: enough to cover each field's kinds of
# values while the whole file stays within seconds on a 2-core machine.
EXAMPLES_PER_OPERATION = 10
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

pytestmark = [
    pytest.mark.slow,
    # The WSGI handler runs its request-end hooks (they close a connection
    # left in a transaction), so the data is committed, not wrapped in one.
    pytest.mark.django_db(transaction=True),
]


def _is_input(parameter) -> bool:
    return parameter.location in (ParameterLocation.PATH, ParameterLocation.QUERY)


@pytest.fixture
def merchant_key(brand) -> str:
    merchant = StaffFactory(brand=brand)
    campaign = CampaignFactory(brand=brand, slug="trail-backpack")
    CampaignFactory(brand=brand, slug="next-jacket", phase=Campaign.Phase.DRAFT)
    idea = IdeaFactory(campaign=campaign)
    services.comment_add(idea=idea, author=UserFactory(), body="Make it waterproof.")
    NotificationFactory(user=merchant, idea=idea)
    for status in (Draft.Status.PENDING_REVIEW, Draft.Status.APPROVED, Draft.Status.PUBLISHED):
        DraftSourceFactory(draft=DraftFactory(request__campaign=campaign, status=status), idea=idea)
    _, key = tokens.api_token_create(user=merchant, name="schemathesis")
    return key


@pytest.fixture(autouse=True)
def no_broker():
    """Data is committed here, so on_commit hooks run: keep their tasks off the broker."""
    with (
        mock.patch("generation.tasks.generate_drafts_task.delay"),
        mock.patch("webhooks.tasks.deliver_webhook_task.delay"),
    ):
        yield


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_every_operation_answers_within_its_schema(merchant_key, mode):
    from cocreate.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # As behind the production proxy: HTTPS is what the redirect middleware looks for.
    headers = {"Authorization": f"Token {merchant_key}", "X-Forwarded-Proto": "https"}
    checks = CONFORMANCE + ([negative_data_rejection] if mode is schemathesis.GenerationMode.NEGATIVE else [])
    operations = [result.ok() for result in schema.get_all_operations()]
    if mode is schemathesis.GenerationMode.NEGATIVE:
        # Only what takes input can be sent invalid input (GET /me/ takes none).
        operations = [op for op in operations if op.body or any(_is_input(p) for p in op.iter_parameters())]
    assert operations

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        try:
            check()
        except Unsatisfiable:
            # Every input of this operation accepts any string (a coupon code
            # in the path): there is no invalid input to send it.
            if mode is schemathesis.GenerationMode.NEGATIVE:
                continue
            raise
        except Exception as exc:
            # Say which operation failed: the traceback only names the test.
            raise AssertionError(f"{operation.label}: {exc}") from exc
