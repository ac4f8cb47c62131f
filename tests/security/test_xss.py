"""An XSS corpus planted everywhere people and the model write text, then read
back through the site, the admin and the API.

Every payload is at once an idea title and body, a comment, a reply, a report
note, a user name, a notification (message and link) and the text of an AI
draft (one published, one waiting for review), all written through the
services the site uses. Every page that shows them must keep them inert
(tests/security/payloads.py says what that means); the API must hand them back
verbatim as JSON, never as HTML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from campaigns import services as campaign_services
from campaigns.models import Campaign, Comment, Idea, Report
from core.text import validate_no_bidi_controls, validate_visible
from generation import services as generation_services
from generation.models import Draft, DraftSource, GenerationRequest
from notifications.models import Notification
from notifications.services import notification_create
from tests.api.helpers import token_client
from tests.factories import BrandFactory, CampaignFactory, StaffFactory, UserFactory
from tests.generation.factories import DraftFactory, GenerationRequestFactory
from tests.security.payloads import Payload, corpus, injected

pytestmark = pytest.mark.django_db

PAYLOADS = corpus()


def _storable(text: str) -> bool:
    """Whether the input rules let this text be saved at all (core/text.py)."""
    try:
        validate_no_bidi_controls(text)
        validate_visible(text)
    except ValidationError:
        return False
    return True


# What can be saved is planted; the rest is refused at input (tested below).
STORABLE = [p for p in PAYLOADS if _storable(p.text)]
# Large enough that every planted row is on the first page of every list.
ONE_PAGE = 500


@dataclass
class Planted:
    campaign: Campaign
    viewer: Any
    merchant: Any
    ideas: list[Idea]
    comments: list[Comment]
    drafts: list[Draft]
    requests: list[GenerationRequest]


@pytest.fixture
def planted(settings, monkeypatch) -> Planted:
    settings.IDEAS_PER_PAGE = ONE_PAGE
    monkeypatch.setattr("campaigns.views.CONTRIBUTIONS_PER_PAGE", ONE_PAGE)
    monkeypatch.setattr("notifications.views.NOTIFICATIONS_PER_PAGE", ONE_PAGE)
    brand = BrandFactory()
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.IDEAS)
    merchant = StaffFactory(brand=brand)
    viewer = UserFactory(username="viewer")
    ideas, comments, drafts, requests = [], [], [], []
    for payload in STORABLE:
        author = UserFactory(username=payload.text[:150])
        idea = campaign_services.idea_submit(
            campaign=campaign,
            author=author,
            title=payload.text,
            body=payload.text,
            consent_ai=True,
            consent_credit=True,
        )
        comment = campaign_services.comment_add(idea=idea, author=author, body=payload.text)
        campaign_services.comment_add(idea=idea, author=viewer, body=payload.text, parent=comment)
        campaign_services.vote_cast(idea=idea, user=viewer)
        campaign_services.report_file(
            reporter=viewer, reason=Report.Reason.SPAM, note=payload.text, idea=idea
        )
        notification_create(
            user_id=viewer.pk,
            kind=Notification.Kind.NEW_REPLY,
            idea=idea,
            message=payload.text,
            url=payload.text,
        )
        request = GenerationRequestFactory(
            campaign=campaign, requested_by=merchant, status=GenerationRequest.Status.DONE
        )
        published, pending = (DraftFactory(request=request, text=payload.text) for _ in range(2))
        for draft in (published, pending):
            DraftSource.objects.create(draft=draft, idea=idea, position=0)
        generation_services.draft_approve(draft=published, actor=merchant)
        generation_services.draft_publish(draft=published, actor=merchant)
        ideas.append(idea)
        comments.append(comment)
        drafts += [published, pending]
        requests.append(request)
    return Planted(campaign, viewer, merchant, ideas, comments, drafts, requests)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def _assert_inert(client: Client, urls: list[str]) -> None:
    findings = {url: found for url in urls if (found := injected(_page(client, url), PAYLOADS))}
    assert findings == {}


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.needs_escaping], ids=lambda p: p.marker)
def test_the_checker_flags_each_payload_rendered_unescaped(payload: Payload):
    assert injected(f"<div>{payload.text}</div>", PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.marker)
def test_the_checker_passes_each_payload_rendered_escaped(payload: Payload):
    assert injected(f'<div title="{escape(payload.text)}">{escape(payload.text)}</div>', PAYLOADS) == []


def test_the_corpus_has_at_least_twenty_payloads_with_distinct_markers():
    assert len(PAYLOADS) >= 20
    assert len({p.marker for p in PAYLOADS}) == len(PAYLOADS)


# --- the site -------------------------------------------------------------------------------------


def test_the_campaign_page_keeps_payload_titles_names_and_published_drafts_inert(client, planted):
    client.force_login(planted.viewer)

    _assert_inert(client, [planted.campaign.get_absolute_url()])


def test_idea_pages_keep_payload_titles_bodies_comments_and_names_inert(client, planted):
    client.force_login(planted.viewer)

    _assert_inert(client, [idea.get_absolute_url() for idea in planted.ideas])


def test_idea_pages_show_every_payload_as_typed_including_template_syntax(client, planted):
    pages = {idea.pk: _page(client, idea.get_absolute_url()) for idea in planted.ideas}

    missing = [idea.title for idea in planted.ideas if escape(idea.title) not in pages[idea.pk]]

    assert missing == []


def test_my_contributions_and_notifications_keep_payloads_inert(client, planted):
    client.force_login(planted.viewer)

    _assert_inert(client, [reverse("my_contributions"), reverse("notifications:inbox")])


def test_a_payload_notification_link_is_never_rendered_as_a_link(client, planted):
    client.force_login(planted.viewer)

    page = _page(client, reverse("notifications:inbox"))

    assert 'href="javascript' not in page.lower()
    assert [p.marker for p in PAYLOADS if f'href="{escape(p.text)}"' in page] == []


# --- the admin ------------------------------------------------------------------------------------


def _admin_urls(planted: Planted) -> list[str]:
    def change(obj: Any) -> str:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])

    return [
        reverse("admin:campaigns_idea_changelist"),
        reverse("admin:campaigns_idea_queue"),
        reverse("admin:campaigns_comment_changelist"),
        reverse("admin:campaigns_report_changelist"),
        reverse("admin:generation_draft_changelist"),
        reverse("admin:generation_draft_changelist") + "?status=all",
        reverse("admin:generation_generationrequest_changelist"),
        *[change(obj) for obj in [*planted.ideas, *planted.comments, *planted.drafts, *planted.requests]],
    ]


def test_admin_changelists_change_pages_and_queues_keep_payloads_inert(client, planted):
    client.force_login(planted.merchant)

    _assert_inert(client, _admin_urls(planted))


def test_the_review_queue_lists_every_pending_payload_draft(client, planted):
    client.force_login(planted.merchant)

    page = _page(client, reverse("admin:generation_draft_changelist"))

    pending = Draft.objects.filter(status=Draft.Status.PENDING_REVIEW).values_list("pk", flat=True)
    assert len(pending) == len(STORABLE)
    assert [pk for pk in pending if reverse("admin:generation_draft_change", args=[pk]) not in page] == []


# --- the API --------------------------------------------------------------------------------------


def _json_pages(client: Any, url: str) -> list[dict[str, Any]]:
    """Every item of a paginated (page or cursor) list, following `next`."""
    items: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        body = json.loads(response.content)
        items += body["results"]
        url = body["next"]
    return items


def test_the_api_returns_idea_titles_bodies_and_author_names_verbatim_as_json(client, planted):
    ideas = _json_pages(client, f"/api/v1/ideas/?campaign={planted.campaign.slug}")

    by_title = {i["title"]: i for i in ideas}
    assert sorted(by_title) == sorted(p.text for p in STORABLE)
    assert all(i["body"] == i["title"] == i["author"] for i in ideas)


def test_the_api_returns_comment_bodies_verbatim_as_json(client, planted):
    bodies = []
    for idea in planted.ideas:
        response = client.get(f"/api/v1/ideas/{idea.pk}/comments/")
        assert response["Content-Type"] == "application/json"
        bodies += [node["comment"]["body"] for node in json.loads(response.content)]

    assert sorted(bodies) == sorted(p.text for p in STORABLE)


def test_the_api_returns_draft_texts_verbatim_as_json(planted):
    drafts = _json_pages(token_client(planted.merchant), "/api/v1/drafts/")

    assert sorted(d["text"] for d in drafts) == sorted(p.text for p in STORABLE for _ in range(2))


def test_the_api_never_answers_html_even_when_a_browser_asks_for_it(client, planted):
    response = client.get(f"/api/v1/ideas/?campaign={planted.campaign.slug}", HTTP_ACCEPT="text/html")

    assert not response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p not in STORABLE], ids=lambda p: p.marker)
def test_a_payload_the_input_rules_refuse_is_never_saved(payload, campaign):
    with pytest.raises(ValidationError):
        campaign_services.idea_submit(
            campaign=campaign, author=UserFactory(), title=payload.text, body=payload.text
        )

    assert not Idea.objects.filter(title=payload.text).exists()


def test_most_payloads_are_planted_not_refused():
    assert len(STORABLE) >= len(PAYLOADS) - 2
