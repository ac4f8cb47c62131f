"""Redis (the Celery broker) stops while customers submit ideas and a merchant
asks for drafts, then comes back empty (no persistence, as after a crash).

Nobody should see an error while it is down: every generation request is
saved as queued, and once Redis is back the outbox (generation/outbox.py, run
by beat) publishes the stranded requests and a real worker drafts each exactly
once: none is lost. Every idea is saved without an error too, and the
webhook delivery it queues is published by the stranded-delivery sweep.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Idea
from generation import outbox
from generation.models import GenerationRequest
from tests.api.helpers import token_client
from tests.factories import UserFactory
from tests.faults.harness import celery_worker, wait_for
from webhooks import services as webhooks
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REQUESTS = 2
VARIANTS = 1
DRAFTED_WITHIN_S = 120  # the worker reconnects with backoff after Redis is back


# Distinct ideas: the form asks to confirm one too similar to an existing idea.
IDEAS = [
    ("Magnetic sternum strap", "A buckle that closes one-handed with a magnet."),
    ("Rain cover in the base", "A rain cover stored in a zipped pocket at the bottom."),
    ("Reflective trim", "Reflective strips so cyclists see you on dark roads."),
]


def _submit_idea(client, campaign, title: str, body: str) -> int:
    return client.post(
        reverse("idea_submit", args=[campaign.slug]), {"title": title, "body": body}
    ).status_code


def test_generation_requests_made_while_redis_is_down_are_saved_and_drafted_once_it_is_back(
    shop, private_broker, tmp_path, settings
):
    merchant, campaign = shop
    api = token_client(merchant)

    with celery_worker(private_broker, tmp_path) as worker:
        private_broker.stop()
        statuses = [
            api.post(
                "/api/v1/generation-requests/",
                {"campaign": campaign.slug, "kind": "product_description", "variants": VARIANTS},
                format="json",
            ).status_code
            for _ in range(REQUESTS)
        ]
        queued_while_down = GenerationRequest.objects.filter(status=GenerationRequest.Status.QUEUED).count()

        private_broker.start()
        settings.GENERATION_OUTBOX_AFTER = 0
        republished = outbox.generation_requests_publish_stranded()

        def all_drafted() -> bool:
            worker.assert_alive()
            return not GenerationRequest.objects.filter(status__in=GenerationRequest.OPEN_STATUSES).exists()

        wait_for(all_drafted, within_s=DRAFTED_WITHIN_S, what="stranded requests drafted", log=worker.log)

    assert statuses == [201] * REQUESTS
    assert queued_while_down == REQUESTS
    assert republished == {"stranded": REQUESTS, "published": REQUESTS}
    requests = GenerationRequest.objects.all()
    assert [r.status for r in requests] == [GenerationRequest.Status.DONE] * REQUESTS
    assert [r.drafts.count() for r in requests] == [VARIANTS] * REQUESTS


def test_customers_submitting_ideas_while_redis_is_down_get_no_error_and_every_idea_is_saved(
    shop, private_broker, client, settings
):
    _merchant, campaign = shop
    # Each new idea enqueues a webhook delivery: the site's own enqueue path.
    WebhookEndpoint.objects.create(
        brand=campaign.brand, url="https://hooks.example.com/cocreate", events=[WebhookEvent.IDEA_CREATED]
    )
    private_broker.stop()

    statuses = []
    for (title, body), customer in zip(IDEAS, UserFactory.create_batch(len(IDEAS)), strict=True):
        client.force_login(customer)
        statuses.append(_submit_idea(client, campaign, title, body))

    assert statuses == [302] * len(IDEAS)
    assert set(Idea.objects.values_list("title", flat=True)) >= {title for title, _body in IDEAS}
    assert WebhookDelivery.objects.filter(event=WebhookEvent.IDEA_CREATED).count() == len(IDEAS)

    # Redis comes back empty: the sweep publishes every stranded delivery.
    private_broker.start()
    settings.WEBHOOK_STRANDED_AFTER = 0
    assert webhooks.webhooks_publish_stranded() == len(IDEAS)
