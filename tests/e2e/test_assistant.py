"""End to end in a real browser: a shopper asks a brand on a campaign page, gets
an answer that cites its source, asks for a person, and a merchant takes the
conversation over in the admin and replies.

Chromium (Playwright) drives the site and the admin on 127.0.0.1. The answer
is written by a real Celery worker subprocess on a redis-server of the test's
own (tests/faults/worker.py: the project's app with the stand-in generation
engine, whose sentence the verifier drops, so the answer quotes the FAQ
entry). Screenshots of every step go to artifacts/e2e/.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.assistant.conftest import faq
from tests.assistant.test_worker import redis_broker
from tests.e2e.test_journey import PASSWORD, messages_of
from tests.factories import BrandFactory, CampaignFactory, StaffFactory
from tests.faults.harness import REDIS_SERVER, RedisServer, celery_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server program, as in CI"),
]

BRAND = "Trailhead Outfitters"
STAFF_REPLY = "Hi! Yes, a pack you have worn once is fine to return. I've sent you a label."


def test_a_shopper_gets_a_cited_answer_asks_for_a_person_and_a_merchant_replies(
    site, new_context, screenshots, tmp_path
):
    brand = BrandFactory(name=BRAND)
    campaign = CampaignFactory(brand=brand, title="Help us design our next hiking backpack")
    faq(
        brand,
        title_en="Returns",
        body_en="You can return unused items within 30 days of delivery. Return shipping is free within the EU.",
    )
    merchant = StaffFactory(username="trailhead-merchant", brand=brand)
    server = RedisServer()
    server.start()
    try:
        with redis_broker(server), celery_worker(server, tmp_path, queues="answers,gpu,default"):
            shopper = new_context().new_page()
            shopper.goto(f"{site.url}{campaign.get_absolute_url()}")
            shopper.locator(".ask-box").get_by_role("link", name=f"Ask {BRAND}").click()
            expect(shopper.get_by_role("heading", level=1)).to_have_text(f"Ask {BRAND}")
            shopper.get_by_label("Your question").fill("Can I return unused items?")
            screenshots.take(shopper, "ask")
            shopper.get_by_role("button", name="Ask", exact=True).click()

            # The page refreshes itself until the worker's answer is there.
            answer = shopper.locator(".chat__message--assistant")
            expect(answer).to_contain_text("30 days")
            expect(answer.locator(".chat__sources").get_by_role("link", name="Returns")).to_be_visible()
            screenshots.take(shopper, "cited-answer")

            shopper.get_by_label("Your message").fill("Can I talk to a human please?")
            shopper.get_by_role("button", name="Send").click()
            expect(shopper.locator(".chat__message--system")).to_contain_text("a person will reply here")
            screenshots.take(shopper, "handed-over")

        admin = new_context().new_page()
        admin.goto(f"{site.url}{reverse('admin:index')}")
        admin.get_by_label("Username").fill(merchant.username)
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Log in").click()
        admin.goto(f"{site.url}{reverse('admin:assistant_conversation_changelist')}")
        inbox = admin.locator("#result_list tbody tr")
        expect(inbox).to_have_count(1)
        expect(inbox.first).to_contain_text("Waiting for a person")
        inbox.first.locator("input[name=_selected_action]").check()
        admin.locator("select[name=action]").select_option(label="Take over (the assistant stops answering)")
        admin.get_by_role("button", name="Go").click()
        expect(messages_of(admin)).to_contain_text("Took over: done for 1 item.")
        screenshots.take(admin, "inbox-taken-over")
        inbox.first.locator("th a").click()
        admin.get_by_label("Reply as a person").fill(STAFF_REPLY)
        screenshots.take(admin, "reply")
        admin.get_by_role("button", name="Save", exact=True).click()
        expect(messages_of(admin)).to_be_visible()

        shopper.reload()
        reply = shopper.locator(".chat__message--staff")
        expect(reply).to_contain_text(STAFF_REPLY)
        expect(reply.locator(".chat__who")).to_have_text(f"{BRAND} team")
        screenshots.take(shopper, "staff-reply")
    finally:
        server.stop()
