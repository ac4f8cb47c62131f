"""Property-based checks of the whole API against its own OpenAPI schema.

schemathesis generates requests for every operation (valid ones, and invalid
ones that must be refused) and sends them to the WSGI application in-process:
no network. A seeded merchant's token authenticates, so writes reach the
services. Any 5xx, undocumented status, wrong content type or response that
breaks its schema fails the test.

Two kinds of input the schema alone never produces are sent too, because each
once made a 500: every JSON body wrapped thousands of levels deep (json.loads
raised RecursionError), and every integer a request carries replaced by one no
64-bit database column holds (SQLite raised OverflowError).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
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

# Examples per operation of the deep-nesting run: the body inside hardly
# matters, the nesting is what is tested, and each example sends two.
NESTED_EXAMPLES_PER_OPERATION = 2
# Far past API_JSON_MAX_DEPTH and past Python's recursion limit: five
# thousand "[" (ten kilobytes) made json.loads raise RecursionError.
NESTING_DEPTH = 5000
# Each JSON body is sent wrapped in arrays and, separately, in objects.
NESTINGS = [("[", "]"), ('{"nested": ', "}")]
# No 64-bit database integer holds these: one past each end, and far past.
OUT_OF_RANGE_INTEGERS = [2**63, -(2**63) - 1, 10**30]
POSITIVE = schemathesis.GenerationMode.POSITIVE
JSON_CONTENT = "application/json"

pytestmark = [
    pytest.mark.slow,
    # The WSGI handler runs its request-end hooks (they close a connection
    # left in a transaction), so the data is committed, not wrapped in one.
    pytest.mark.django_db(transaction=True),
]


def _is_input(parameter) -> bool:
    return parameter.location in (ParameterLocation.PATH, ParameterLocation.QUERY)


def _schema_and_headers(merchant_key: str) -> tuple[Any, dict[str, str]]:
    from cocreate.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # As behind the production proxy: HTTPS is what the redirect middleware looks for.
    headers = {"Authorization": f"Token {merchant_key}", "X-Forwarded-Proto": "https"}
    return schema, headers


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def _check_each(
    operations: list,
    strategy: Callable[[Any], st.SearchStrategy],
    send: Callable[..., None],
    *,
    examples: int = EXAMPLES_PER_OPERATION,
    nothing_to_send_is_fine: bool = False,
) -> None:
    """Run `send` on `examples` draws of `strategy(operation)` for each operation."""
    assert operations
    for operation in operations:

        @given(drawn=strategy(operation))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(drawn) -> None:
            send(drawn)

        try:
            check()
        except Unsatisfiable:
            if nothing_to_send_is_fine:
                continue
            raise
        except Exception as exc:
            # Say which operation failed: the traceback only names the test.
            raise AssertionError(f"{operation.label}: {exc}") from exc


def _mentions_integer(node: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    """Whether a (part of the) schema holds an integer anywhere, following $refs."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            target = components.get(ref.rsplit("/", 1)[-1], {})
            return _mentions_integer(target, components, seen | {ref})
        if node.get("type") == "integer":
            return True
        return any(_mentions_integer(value, components, seen) for value in node.values())
    if isinstance(node, list):
        return any(_mentions_integer(value, components, seen) for value in node)
    return False


def _takes_json(operation) -> bool:
    return any("json" in alternative.media_type for alternative in operation.body)


def _replace_integers(value: Any, number: int) -> Any:
    """`value` with every integer in it (not booleans) replaced by `number`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return number
    if isinstance(value, dict):
        return {key: _replace_integers(item, number) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_integers(item, number) for item in value]
    return value


def _nested_bodies(case: schemathesis.Case) -> Iterator[str]:
    body = "null" if isinstance(case.body, NotSet) else json.dumps(case.body)
    for opening, closing in NESTINGS:
        yield opening * NESTING_DEPTH + body + closing * NESTING_DEPTH


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
    schema, headers = _schema_and_headers(merchant_key)
    checks = CONFORMANCE + ([negative_data_rejection] if mode is schemathesis.GenerationMode.NEGATIVE else [])
    operations = _operations(schema)
    if mode is schemathesis.GenerationMode.NEGATIVE:
        # Only what takes input can be sent invalid input (GET /me/ takes none).
        operations = [op for op in operations if op.body or any(_is_input(p) for p in op.iter_parameters())]

    def send(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    _check_each(
        operations,
        lambda operation: operation.as_strategy(generation_mode=mode),
        send,
        # Every input of an operation may accept any string (a coupon code in
        # the path): then there is no invalid input to send it.
        nothing_to_send_is_fine=mode is schemathesis.GenerationMode.NEGATIVE,
    )


def test_every_json_body_nested_too_deeply_is_refused_with_a_4xx(merchant_key):
    schema, headers = _schema_and_headers(merchant_key)
    headers = {**headers, "Content-Type": JSON_CONTENT}

    def send(case: schemathesis.Case) -> None:
        for body in _nested_bodies(case):
            response = case.call_and_validate(headers=headers, checks=CONFORMANCE, data=body.encode())
            assert 400 <= response.status_code < 500, response.status_code
            assert "error" in response.json()

    _check_each(
        [operation for operation in _operations(schema) if _takes_json(operation)],
        lambda operation: operation.as_strategy(generation_mode=POSITIVE),
        send,
        examples=NESTED_EXAMPLES_PER_OPERATION,
    )


def test_integers_past_64_bits_in_any_input_are_never_a_server_error(merchant_key):
    schema, headers = _schema_and_headers(merchant_key)
    components = schema.raw_schema.get("components", {}).get("schemas", {})

    def send(drawn: tuple[schemathesis.Case, int]) -> None:
        case, number = drawn
        # Valid requests with each integer (path, query, body) swapped out.
        case.path_parameters = _replace_integers(case.path_parameters, number)
        case.query = _replace_integers(case.query, number)
        if not isinstance(case.body, NotSet):
            case.body = _replace_integers(case.body, number)
        case.call_and_validate(headers=headers, checks=CONFORMANCE)

    _check_each(
        [op for op in _operations(schema) if _mentions_integer(op.definition.raw, components)],
        lambda operation: st.tuples(
            operation.as_strategy(generation_mode=POSITIVE), st.sampled_from(OUT_OF_RANGE_INTEGERS)
        ),
        send,
    )
