"""Webhooks: signed deliveries to a real local receiver, retries with backoff,
a capped read of the reply, and the SSRF guard."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from tests.api.helpers import token_client
from tests.factories import StaffFactory
from webhooks import services as webhooks
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tasks import deliver_webhook_task


@dataclass
class Receiver:
    """A local HTTP server that answers with the scripted replies, in order
    (the last one repeats), and records every request it got."""

    replies: list[tuple[int, bytes]] = field(default_factory=lambda: [(200, b"ok")])
    requests: list[dict] = field(default_factory=list)
    endless: bool = False
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status, reply = state.replies[min(len(state.requests), len(state.replies)) - 1]
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", state.url + "elsewhere")
            if state.endless:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 4096
                try:
                    while True:  # talks until the client hangs up
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    return
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_receivers_allowed(settings):
    """Only these tests may call 127.0.0.1; everywhere else it is refused."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


def _endpoint(brand, url: str, events: list[str] | None = None, **kwargs) -> WebhookEndpoint:
    # Created without clean(): these tests point at a loopback receiver.
    return WebhookEndpoint.objects.create(
        brand=brand, url=url, events=events or [WebhookEvent.IDEA_CREATED], **kwargs
    )


def _delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=WebhookEvent.IDEA_CREATED, payload={"id": 7, "title": "Reflective straps"}
    )


# --- signing and delivery ---------------------------------------------------------------


def test_a_delivery_is_signed_with_the_endpoint_secret(local_receivers_allowed, receiver, brand):
    delivery = _delivery(_endpoint(brand, receiver.url))

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    (request,) = receiver.requests
    headers = request["headers"]
    expected = hmac.new(delivery.endpoint.secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Cocreate-Signature"], f"sha256={expected}")
    assert headers["X-Cocreate-Event"] == "idea.created"
    assert headers["X-Cocreate-Delivery"] == str(delivery.pk)
    assert int(headers["X-Cocreate-Timestamp"]) > 0
    assert json.loads(request["body"])["data"] == {"id": 7, "title": "Reflective straps"}


def test_a_successful_delivery_is_logged(local_receivers_allowed, receiver, brand):
    delivery = _delivery(_endpoint(brand, receiver.url))

    outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert not outcome.retry
    assert delivery.status == WebhookDelivery.Status.SUCCESS
    assert delivery.response_status == 200
    assert delivery.response_body_excerpt == "ok"
    assert delivery.delivered_at is not None
    assert [entry["response_status"] for entry in delivery.attempt_log] == [200]


def test_a_delivered_event_is_not_sent_again(local_receivers_allowed, receiver, brand):
    delivery = _delivery(_endpoint(brand, receiver.url))
    webhooks.webhook_deliver(delivery_id=delivery.pk)

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_with_backoff_until_the_limit(local_receivers_allowed, receiver, brand):
    receiver.replies = [(500, b"boom")]
    delivery = _delivery(_endpoint(brand, receiver.url))

    with mock.patch.object(webhooks, "retry_countdown", wraps=webhooks.retry_countdown) as countdown:
        deliver_webhook_task.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert len(receiver.requests) == 5
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 5
    assert [entry["response_status"] for entry in delivery.attempt_log] == [500] * 5
    assert [c.args[0] for c in countdown.call_args_list] == [1, 2, 3, 4]


def test_a_receiver_that_recovers_gets_the_event(local_receivers_allowed, receiver, brand):
    receiver.replies = [(500, b""), (503, b""), (204, b"")]
    delivery = _delivery(_endpoint(brand, receiver.url))

    deliver_webhook_task.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCESS
    assert delivery.attempts == 3


def test_backoff_doubles_and_is_capped_below_ten_minutes(settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 600

    assert [webhooks.retry_countdown(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]


def test_only_a_capped_excerpt_of_a_large_reply_is_kept(local_receivers_allowed, receiver, brand, settings):
    settings.WEBHOOK_RESPONSE_MAX_BYTES = 100
    receiver.replies = [(200, b"y" * 100_000)]
    delivery = _delivery(_endpoint(brand, receiver.url))

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.response_body_excerpt == "y" * 100


def test_a_receiver_that_never_stops_talking_does_not_hold_the_worker(
    local_receivers_allowed, receiver, brand, settings
):
    settings.WEBHOOK_RESPONSE_MAX_BYTES = 1000
    receiver.endless = True
    delivery = _delivery(_endpoint(brand, receiver.url))

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCESS
    assert len(delivery.response_body_excerpt) == 1000


def test_redirects_are_not_followed(local_receivers_allowed, receiver, brand):
    receiver.replies = [(302, b"")]
    delivery = _delivery(_endpoint(brand, receiver.url))

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert [r["path"] for r in receiver.requests] == ["/hooks/"]
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.response_status == 302
    assert delivery.error


def test_a_disabled_endpoint_gets_nothing(local_receivers_allowed, receiver, brand):
    delivery = _delivery(_endpoint(brand, receiver.url, is_active=False))

    webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.FAILED


# --- emitting --------------------------------------------------------------------------


def test_an_event_goes_to_the_brands_subscribed_active_endpoints_after_commit(
    brand, other_brand, django_capture_on_commit_callbacks
):
    subscribed = _endpoint(brand, "https://hooks.example.com/a")
    _endpoint(brand, "https://hooks.example.com/b", events=[WebhookEvent.DRAFT_PUBLISHED])
    _endpoint(brand, "https://hooks.example.com/c", is_active=False)
    _endpoint(other_brand, "https://hooks.example.com/d")

    with mock.patch.object(deliver_webhook_task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            deliveries = webhooks.webhooks_emit(brand_id=brand.pk, event="idea.created", payload={"id": 1})
        delay.assert_not_called()
        for callback in callbacks:
            callback()

    assert [d.endpoint for d in deliveries] == [subscribed]
    delay.assert_called_once_with(deliveries[0].pk)


def test_submitting_an_idea_over_the_api_emits_idea_created(
    user, campaign, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(campaign.brand, "https://hooks.example.com/ideas")

    with (
        mock.patch.object(deliver_webhook_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = token_client(user).post(
            "/api/v1/ideas/",
            {"campaign": campaign.slug, "title": "Reflective straps", "body": "Seen at night."},
            format="json",
        )

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event == "idea.created"
    assert delivery.payload["id"] == response.json()["id"]
    assert delivery.payload["campaign"] == campaign.slug
    delay.assert_called_once_with(delivery.pk)


# --- the SSRF guard --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8000/hook",
        "http://0.0.0.0/hook",
        "http://192.168.1.20/hook",
        "http://100.64.0.1/hook",
        "http://224.0.0.1/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://[2002:7f00:1::]/hook",
    ],
)
def test_private_and_local_addresses_are_refused(url):
    with pytest.raises(webhooks.WebhookUrlRefused):
        webhooks.webhook_url_check(url)


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/", "file:///etc/passwd", "http://user:pw@93.184.215.14/", "http:///nohost"]
)
def test_other_schemes_credentials_and_missing_hosts_are_refused(url):
    with pytest.raises(webhooks.WebhookUrlRefused):
        webhooks.webhook_url_check(url)


def test_a_public_address_is_accepted():
    target = webhooks.webhook_url_check("https://93.184.215.14:8443/hooks?x=1")

    assert (target.ip, target.port, target.path) == ("93.184.215.14", 8443, "/hooks?x=1")


def test_registering_a_private_url_is_refused(brand):
    endpoint = WebhookEndpoint(brand=brand, url="http://169.254.169.254/", events=["idea.created"])

    with pytest.raises(ValidationError) as excinfo:
        endpoint.full_clean()

    assert "url" in excinfo.value.message_dict


def test_registering_unknown_events_is_refused(brand):
    endpoint = WebhookEndpoint(brand=brand, url="https://93.184.215.14/", events=["idea.liked"])

    with pytest.raises(ValidationError) as excinfo:
        endpoint.full_clean()

    assert list(excinfo.value.message_dict) == ["events"]


def test_a_private_url_stored_anyway_is_refused_at_delivery(brand):
    delivery = _delivery(_endpoint(brand, "http://10.0.0.1/hook"))

    with mock.patch("socket.create_connection") as connect:
        webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    connect.assert_not_called()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.error


def test_a_host_that_starts_resolving_to_loopback_is_refused_at_delivery(brand):
    delivery = _delivery(_endpoint(brand, "https://hooks.example.com/hook"))
    loopback = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))]

    with (
        mock.patch("socket.getaddrinfo", return_value=loopback),
        mock.patch("socket.create_connection") as connect,
    ):
        webhooks.webhook_deliver(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    connect.assert_not_called()
    assert delivery.status == WebhookDelivery.Status.FAILED


def test_the_connection_goes_to_the_checked_address_with_the_host_header(brand, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    delivery = _delivery(_endpoint(brand, "http://hooks.example.com:8080/hook"))
    public = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 8080))]

    with (
        mock.patch("socket.getaddrinfo", return_value=public),
        mock.patch("socket.create_connection", side_effect=ConnectionRefusedError) as connect,
    ):
        outcome = webhooks.webhook_deliver(delivery_id=delivery.pk)

    assert connect.call_args.args[0] == ("93.184.215.14", 8080)
    assert outcome.retry


def test_deliveries_go_to_their_own_queue_not_the_default_or_gpu_one():
    from cocreate.celery import app
    from core import queues

    route = app.amqp.router.route({}, deliver_webhook_task.name)

    assert route["queue"].name == queues.WEBHOOKS


# --- the admin ---------------------------------------------------------------------------


def test_a_merchant_registers_an_endpoint_and_sees_its_secret(client, brand):
    merchant = StaffFactory(brand=brand)
    client.force_login(merchant)

    client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {
            "brand": brand.pk,
            "url": "https://93.184.215.14/hooks",
            "events": ["idea.created"],
            "is_active": "on",
        },
    )

    endpoint = WebhookEndpoint.objects.get(brand=brand)
    page = client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert len(endpoint.secret) == 64
    assert endpoint.secret in page


def test_the_admin_refuses_a_private_url(client, brand):
    client.force_login(StaffFactory(brand=brand))

    response = client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"brand": brand.pk, "url": "http://169.254.169.254/latest", "events": ["idea.created"]},
    )

    assert response.status_code == 200  # the form again, with the error
    assert "must point to a public address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_merchants_see_only_their_brands_deliveries(client, brand, other_brand):
    ours = _delivery(_endpoint(brand, "https://hooks.example.com/ours"))
    theirs = _delivery(_endpoint(other_brand, "https://hooks.example.com/theirs"))
    client.force_login(StaffFactory(brand=brand))

    listing = client.get("/admin/webhooks/webhookdelivery/").content.decode()

    assert f"/admin/webhooks/webhookdelivery/{ours.pk}/change/" in listing
    assert f"/admin/webhooks/webhookdelivery/{theirs.pk}/change/" not in listing
    assert client.get(f"/admin/webhooks/webhookdelivery/{theirs.pk}/change/").status_code == 302


def test_the_delivery_log_is_read_only(client, brand):
    delivery = _delivery(_endpoint(brand, "https://hooks.example.com/ours"))
    client.force_login(StaffFactory(brand=brand))

    client.post(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/", {"status": "success"})

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert (
        "/admin/webhooks/webhookdelivery/add/"
        not in client.get("/admin/webhooks/webhookdelivery/").content.decode()
    )
