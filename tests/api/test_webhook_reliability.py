"""Webhook reliability: one deadline per attempt against real slow receivers on
127.0.0.1, every attempt recorded however it ends, a sweep that neither loops
nor doubles an attempt in flight, and endpoints turned off after repeated
failures (the brand's owners told, the merchant able to turn them back on)."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from campaigns.models import BrandMembership
from core.queueing import registered_task
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory
from webhooks import services as webhooks
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tasks import deliver_webhook_task

pytestmark = pytest.mark.django_db

# Seconds an attempt may overrun its deadline: closing sockets and writing the row.
DEADLINE_MARGIN = 0.75
# The slow receivers' pace: one byte per this many seconds.
DRIP_INTERVAL = 0.5


def _drip(conn: socket.socket, data: bytes, stop: threading.Event) -> None:
    for byte in data:
        if stop.wait(DRIP_INTERVAL):
            return
        conn.sendall(bytes([byte]))


BEHAVIOURS: dict[str, Callable[[socket.socket, threading.Event], None]] = {
    # Accepts and reads the request, then never says a word.
    "silent": lambda conn, stop: stop.wait(),
    # Sends its status line and headers one byte at a time, never finishing.
    "drips headers": lambda conn, stop: _drip(conn, b"HTTP/1.1 200 OK\r\n" * 100, stop),
    # Answers at once, then drips a body it promised to be long.
    "drips the body": lambda conn, stop: (
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"),
        _drip(conn, b"y" * 500, stop),
    ),
}


class SlowReceiver:
    """A raw socket server on 127.0.0.1 that behaves as told on each connection."""

    def __init__(self, behaviour: Callable[[socket.socket, threading.Event], None]) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self.stop = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hooks/"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.behaviour(conn, self.stop)
            except OSError:
                pass  # the client hung up, as it should

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


@pytest.fixture
def local_receivers_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30


@pytest.fixture
def slow_receiver(request) -> Iterator[SlowReceiver]:
    receiver = SlowReceiver(BEHAVIOURS[request.param])
    yield receiver
    receiver.close()


def _delivery(brand, url: str = "https://93.184.215.14/hook", **endpoint_fields) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(
        brand=brand, url=url, events=[WebhookEvent.IDEA_CREATED], **endpoint_fields
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=WebhookEvent.IDEA_CREATED, payload={"id": 1}
    )


# --- one deadline per attempt --------------------------------------------------------------


@pytest.mark.parametrize("slow_receiver", list(BEHAVIOURS), indirect=True)
def test_a_slow_receiver_is_cut_off_at_the_deadline_and_the_attempt_recorded(
    local_receivers_allowed, slow_receiver, brand
):
    delivery = _delivery(brand, slow_receiver.url)

    started = time.monotonic()
    outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)
    elapsed = time.monotonic() - started

    delivery.refresh_from_db()
    assert elapsed < 1 + DEADLINE_MARGIN
    assert outcome.retry
    assert delivery.attempts == 1
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert "TimeoutError" in delivery.error
    assert delivery.attempt_started_at is None
    assert delivery.retry_at > timezone.now() + timedelta(seconds=25)


@pytest.mark.parametrize("slow_receiver", ["drips headers"], indirect=True)
def test_a_slow_receiver_is_retried_with_backoff_until_the_limit(
    local_receivers_allowed, slow_receiver, brand
):
    delivery = _delivery(brand, slow_receiver.url)

    with mock.patch.object(webhooks, "retry_countdown", wraps=webhooks.retry_countdown) as countdown:
        started = time.monotonic()
        deliver_webhook_task.apply(args=[delivery.pk])
        elapsed = time.monotonic() - started

    delivery.refresh_from_db()
    assert elapsed < 2 * (1 + DEADLINE_MARGIN)
    assert slow_receiver.connections == 2
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert [entry["attempt"] for entry in delivery.attempt_log] == [1, 2]
    assert all("TimeoutError" in entry["error"] for entry in delivery.attempt_log)
    assert [c.args[0] for c in countdown.call_args_list] == [1]  # one retry, backing off


def test_a_refused_connection_is_recorded_and_retried(local_receivers_allowed, brand):
    with socket.create_server(("127.0.0.1", 0)) as closed:
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/"
    delivery = _delivery(brand, url)

    outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert outcome.retry
    assert (delivery.attempts, delivery.status) == (1, WebhookDelivery.Status.PENDING)
    assert "ConnectionRefusedError" in delivery.error


# --- every attempt recorded ----------------------------------------------------------------


@pytest.mark.parametrize("slow_receiver", ["silent"], indirect=True)
def test_celerys_soft_time_limit_mid_request_is_recorded_and_retried(
    local_receivers_allowed, slow_receiver, brand, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 30  # the time limit, not the deadline, ends it
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    delivery = _delivery(brand, slow_receiver.url)

    def soft_time_limit(signum: int, frame: object) -> None:
        raise SoftTimeLimitExceeded()

    # Celery's soft limit is this: an exception raised by a signal wherever the task is.
    previous = signal.signal(signal.SIGALRM, soft_time_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        deliver_webhook_task.apply(args=[delivery.pk])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "SoftTimeLimitExceeded" in delivery.attempt_log[0]["error"]


def test_a_soft_time_limit_while_writing_the_outcome_still_counts_the_attempt(brand, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    delivery = _delivery(brand)

    with (
        mock.patch.object(webhooks, "post", return_value=(200, b"ok")),
        mock.patch.object(webhooks, "_attempt_record", side_effect=SoftTimeLimitExceeded),
    ):
        deliver_webhook_task.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert all("interrupted" in entry["error"] for entry in delivery.attempt_log)


@pytest.mark.parametrize("exception", [RuntimeError("bug"), ValueError("odd header"), MemoryError()])
def test_any_exception_during_the_request_is_recorded(brand, exception):
    delivery = _delivery(brand)

    with mock.patch.object(webhooks, "post", side_effect=exception):
        outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert outcome.retry
    assert delivery.attempts == 1
    assert type(exception).__name__ in delivery.error


def test_an_attempt_is_counted_before_anything_is_sent(brand):
    delivery = _delivery(brand)
    seen: list[int] = []

    def post(*args: object) -> tuple[int, bytes]:
        seen.append(WebhookDelivery.objects.get(pk=delivery.pk).attempts)
        return 200, b""

    with mock.patch.object(webhooks, "post", side_effect=post):
        webhooks.webhook_deliver(delivery_id=delivery.pk)

    assert seen == [1]


def test_a_redelivered_message_sends_nothing_while_an_attempt_is_in_flight(brand):
    delivery = _delivery(brand)
    webhooks._attempt_begin(delivery.pk)  # a worker is sending it now

    with mock.patch.object(webhooks, "post") as post:
        outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    post.assert_not_called()
    assert not outcome.retry
    assert delivery.attempts == 1


# --- the stranded sweep -------------------------------------------------------------------


def _age(delivery: WebhookDelivery, **fields: object) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


@pytest.fixture
def long_ago():
    return timezone.now() - timedelta(days=1)


def _swept() -> list[int]:
    with mock.patch.object(webhooks, "publish", return_value=True) as publish:
        webhooks.webhooks_publish_stranded()
    return [c.args[1] for c in publish.call_args_list]


def test_the_sweep_publishes_a_delivery_never_attempted(brand, long_ago):
    delivery = _delivery(brand)
    _age(delivery, created_at=long_ago)

    assert _swept() == [delivery.pk]


def test_the_sweep_publishes_a_retry_whose_message_was_lost(brand, long_ago):
    due_long_ago, due_soon = _delivery(brand), _delivery(brand)
    _age(due_long_ago, attempts=1, retry_at=long_ago, created_at=long_ago)
    _age(due_soon, attempts=1, retry_at=timezone.now() + timedelta(minutes=1), created_at=long_ago)

    assert _swept() == [due_long_ago.pk]


def test_the_sweep_leaves_an_attempt_in_flight_alone(brand, long_ago):
    delivery = _delivery(brand)
    _age(delivery, created_at=long_ago)
    webhooks._attempt_begin(delivery.pk)

    assert _swept() == []
    delivery.refresh_from_db()
    assert delivery.attempt_started_at is not None


def test_the_sweep_never_publishes_a_finished_delivery(brand, long_ago):
    failed, delivered = _delivery(brand), _delivery(brand)
    _age(failed, status=WebhookDelivery.Status.FAILED, attempts=5, created_at=long_ago, retry_at=long_ago)
    _age(delivered, status=WebhookDelivery.Status.SUCCESS, attempts=1, created_at=long_ago)

    assert _swept() == []


def test_an_attempt_whose_worker_died_is_closed_and_published_again(brand, long_ago):
    delivery = _delivery(brand)
    webhooks._attempt_begin(delivery.pk)  # ... and the worker was killed
    _age(delivery, attempt_started_at=long_ago)

    assert _swept() == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.attempt_started_at is None
    assert "interrupted" in delivery.error


def test_a_delivery_whose_workers_keep_dying_fails_instead_of_looping(brand, long_ago, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    delivery = _delivery(brand)
    published: list[list[int]] = []

    for _ in range(settings.WEBHOOK_MAX_ATTEMPTS + 2):
        webhooks._attempt_begin(delivery.pk)
        _age(delivery, attempt_started_at=long_ago)
        published.append(_swept())

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert published == [[delivery.pk], [delivery.pk], [], [], []]


# --- turning failing endpoints off --------------------------------------------------------


@pytest.fixture
def failing(settings):
    """Every attempt answers 500, and a delivery fails on its first."""
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    with mock.patch.object(webhooks, "post", return_value=(500, b"down")) as post:
        yield post


def _deliver_new(endpoint: WebhookEndpoint) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=WebhookEvent.IDEA_CREATED, payload={})
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    return delivery


def test_an_endpoint_is_turned_off_after_repeated_failed_deliveries(failing, brand):
    endpoint = _delivery(brand).endpoint

    for _ in range(3):
        _deliver_new(endpoint)

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at is not None
    assert "3 deliveries in a row failed" in endpoint.disabled_reason
    assert "HTTP 500" in endpoint.disabled_reason


def test_a_success_starts_the_count_of_failures_over(failing, brand):
    endpoint = _delivery(brand).endpoint
    _deliver_new(endpoint)
    _deliver_new(endpoint)
    failing.return_value = (200, b"ok")
    _deliver_new(endpoint)
    failing.return_value = (500, b"down")

    _deliver_new(endpoint)
    _deliver_new(endpoint)

    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.consecutive_failures == 2


def test_the_brands_owners_are_told_in_the_app_and_by_email(
    failing, brand, mailoutbox, django_capture_on_commit_callbacks
):
    owner, moderator = UserFactory(), StaffFactory(brand=brand)
    BrandMembership.objects.create(user=owner, brand=brand, role=BrandMembership.Role.OWNER)
    endpoint = _delivery(brand).endpoint

    with mock.patch("core.queueing.publish") as publish, django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _deliver_new(endpoint)
    for call in publish.call_args_list:  # run what was queued, as a worker would
        registered_task(call.args[0])(*call.args[1:])

    (notice,) = Notification.objects.filter(kind=Notification.Kind.WEBHOOK_DISABLED)
    assert notice.user == owner
    assert endpoint.url in notice.message
    assert notice.url == f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert not Notification.objects.filter(user=moderator).exists()


def test_a_merchant_turns_an_endpoint_back_on_in_the_admin(failing, client, brand):
    endpoint = _delivery(brand).endpoint
    for _ in range(3):
        _deliver_new(endpoint)
    client.force_login(StaffFactory(brand=brand))

    page = client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    client.post(
        "/admin/webhooks/webhookendpoint/",
        {"action": "enable", "_selected_action": [endpoint.pk]},
    )

    endpoint.refresh_from_db()
    assert "deliveries in a row failed" in page
    assert endpoint.is_active
    assert (endpoint.consecutive_failures, endpoint.disabled_at, endpoint.disabled_reason) == (0, None, "")


def test_a_merchant_cannot_turn_on_another_brands_endpoint(failing, client, brand, other_brand):
    theirs = _delivery(other_brand).endpoint
    for _ in range(3):
        _deliver_new(theirs)
    client.force_login(StaffFactory(brand=brand))

    client.post("/admin/webhooks/webhookendpoint/", {"action": "enable", "_selected_action": [theirs.pk]})

    theirs.refresh_from_db()
    assert not theirs.is_active
