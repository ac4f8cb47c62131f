"""Layouts that must hold on the screens people use: the drafts review queue on
a 1280 px laptop, the campaign page's buttons on a laptop and a phone.

Each test measures the rendered page in Chromium (tests/e2e/conftest.py) and
saves a screenshot of what it measured under artifacts/e2e/.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from generation import guardrails
from generation.models import GenerationRequest
from tests.e2e.conftest import STEP_TIMEOUT_MS
from tests.factories import BrandFactory, CampaignFactory, StaffFactory, UserFactory
from tests.generation.factories import DraftFactory, GenerationRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the server thread must see the rows

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Below this, two buttons read as one control and a tap may hit the wrong one.
MIN_BUTTON_GAP_PX = 8
# A draft as long as the model's short product descriptions, so the queue's
# text column is measured with real-sized content.
DRAFT_TEXT = (
    "Meet the Trail 30L, a day pack built with the hikers who carry it. A padded hip belt "
    "with a phone pocket you can reach without stopping, a rain cover stored in the base, "
    "and a back panel that breathes on long climbs. Light, weatherproof and ready."
)
FINDINGS = [
    {
        "code": "unsupported_claim",
        "severity": guardrails.SEVERITY_MEDIUM,
        "message": "“weatherproof” is not in the brief.",
    },
    {"code": "repetition", "severity": guardrails.SEVERITY_LOW, "message": "“pack” appears often."},
]


def _page_as(chromium: Browser, site, user, viewport: dict[str, int]) -> Page:
    """A browser page already logged in as `user` (the test client's session)."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site.url,
            }
        ]
    )
    return context.new_page()


def _gap_px(a: dict[str, float], b: dict[str, float]) -> float:
    """Distance between two boxes: across if side by side, down if stacked."""
    across = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]))
    down = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]))
    return max(across, down)


def test_the_drafts_review_queue_fits_a_1280_px_screen(site, chromium, screenshots):
    brand = BrandFactory(name="Northpeak Outdoor")
    campaign = CampaignFactory(brand=brand, title="Help us design our next hiking backpack")
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    for rank in (1, 2, 3):
        DraftFactory(request=request, rank=rank, text=DRAFT_TEXT, findings=FINDINGS, perplexity=11.4 + rank)
    page = _page_as(chromium, site, StaffFactory(brand=brand), LAPTOP)

    page.goto(f"{site.url}{reverse('admin:generation_draft_changelist')}")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    screenshots.take(page, "drafts-queue-1280")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for column in ("excerpt", "findings_column", "status"):
        for cell in page.locator(f"#result_list .field-{column}").all():
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"], (column, box)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_submit_an_idea_and_follow_stand_apart(site, chromium, screenshots, viewport):
    campaign = CampaignFactory()
    page = _page_as(chromium, site, UserFactory(), viewport)

    page.goto(f"{site.url}{campaign.get_absolute_url()}")
    submit = page.get_by_role("link", name="Submit an idea")
    follow = page.get_by_role("button", name="Follow", exact=True)
    expect(follow).to_be_visible()
    screenshots.take(page, f"campaign-buttons-{viewport['width']}")

    assert _gap_px(submit.bounding_box(), follow.bounding_box()) >= MIN_BUTTON_GAP_PX
