"""Security of the customer site: escaping, CSP, CSRF, redirects, throttles,
honeypots and who may see what."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns.models import Comment, Idea, Report, Vote
from core.exceptions import Throttled
from tests.campaigns.factories_site import messages_of, site_settings, throttle_rates  # noqa: F401 (autouse)
from tests.factories import CommentFactory, IdeaFactory, NotificationFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
THROTTLED = str(Throttled.default_message)


@pytest.fixture
def site_pages(user, idea, campaign) -> list[str]:
    """Pages a logged-in customer sees, one of each kind."""
    CommentFactory(idea=idea)
    return [
        reverse("home"),
        campaign.get_absolute_url(),
        idea.get_absolute_url(),
        reverse("idea_submit", args=[campaign.slug]),
        reverse("idea_report", args=[idea.pk]),
        reverse("my_contributions"),
        reverse("notifications:inbox"),
        reverse("account_delete"),
    ]


# --- escaping ---------------------------------------------------------------------------


def test_a_script_in_a_submitted_idea_renders_escaped_on_campaign_and_idea_pages(client, user, campaign):
    client.force_login(user)
    client.post(
        reverse("idea_submit", args=[campaign.slug]), {"title": f"{SCRIPT} title", "body": f"{SCRIPT} body"}
    )
    idea = Idea.objects.get(author=user)

    campaign_page = client.get(campaign.get_absolute_url())
    idea_page = client.get(idea.get_absolute_url())

    for response in (campaign_page, idea_page):
        assertContains(response, ESCAPED)
        assertNotContains(response, SCRIPT)


def test_a_script_in_a_comment_renders_escaped(client, idea):
    CommentFactory(idea=idea, body=SCRIPT)

    response = client.get(idea.get_absolute_url())

    assertContains(response, ESCAPED)
    assertNotContains(response, SCRIPT)


def test_a_notification_linking_off_site_is_not_a_link(client, user):
    NotificationFactory(user=user, url="https://evil.example/phish")
    client.force_login(user)

    response = client.get(reverse("notifications:inbox"))

    assertNotContains(response, "evil.example")


# --- CSP and inline code -------------------------------------------------------------------


def test_site_pages_carry_the_content_security_policy(client, user, site_pages, settings):
    client.force_login(user)

    for url in site_pages:
        assert client.get(url)["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_site_pages_have_no_inline_styles_or_scripts(client, user, site_pages):
    client.force_login(user)

    for url in site_pages:
        html = client.get(url).content.decode()
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url


# --- CSRF and redirects ------------------------------------------------------------------------


def test_a_vote_without_a_csrf_token_is_refused(user, idea):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[idea.pk]))

    assert response.status_code == 403
    assert not Vote.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_off_site_next_is_ignored(client, user, idea, target):
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[idea.pk]), {"next": target})

    assertRedirects(response, idea.get_absolute_url())


# --- visibility --------------------------------------------------------------------------------


def test_a_hidden_idea_is_404_for_other_customers(client, user, campaign):
    hidden = IdeaFactory(campaign=campaign, status=Idea.Status.HIDDEN)
    client.force_login(user)

    response = client.get(hidden.get_absolute_url())

    assert response.status_code == 404


def test_voting_on_an_idea_the_viewer_cannot_see_is_404(client, user, campaign):
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[pending.pk]))

    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_another_customers_pending_comment_is_not_shown(client, user, idea):
    CommentFactory(idea=idea, status=Comment.Status.PENDING, body="Not approved yet")
    client.force_login(user)

    response = client.get(idea.get_absolute_url())

    assertNotContains(response, "Not approved yet")


def test_a_hidden_comment_cannot_be_reported(client, user, idea):
    hidden = CommentFactory(idea=idea, status=Comment.Status.HIDDEN)
    client.force_login(user)

    response = client.post(reverse("comment_report", args=[hidden.pk]), {"reason": "spam"})

    assert response.status_code == 404
    assert not Report.objects.exists()


# --- honeypot -----------------------------------------------------------------------------------


def test_the_honeypot_is_labelled_for_screen_readers_and_hidden_by_css(client, user, campaign):
    client.force_login(user)

    response = client.get(reverse("idea_submit", args=[campaign.slug]))

    html = response.content.decode()
    honeypot = re.search(r'<div class="field hp">(.*?)</div>', html, re.S)
    assert honeypot is not None
    assert "Leave this field empty" in honeypot.group(1)
    assert 'tabindex="-1"' in honeypot.group(1)


# --- throttles -----------------------------------------------------------------------------------


def test_the_third_vote_within_the_window_is_throttled_and_not_saved(client, user, campaign, settings):
    throttle_rates(settings, vote=2)
    first, second, third = IdeaFactory.create_batch(3, campaign=campaign)
    client.force_login(user)
    client.post(reverse("idea_vote", args=[first.pk]))
    client.post(reverse("idea_vote", args=[second.pk]))

    response = client.post(reverse("idea_vote", args=[third.pk]))

    assert messages_of(response)[-1] == THROTTLED
    assert Vote.objects.filter(user=user).count() == 2
    assert not Vote.objects.filter(idea=third).exists()
    third.refresh_from_db()
    assert third.vote_count == 0


def test_comments_are_throttled(client, user, idea, settings):
    throttle_rates(settings, comment=1)
    client.force_login(user)
    client.post(reverse("comment_add", args=[idea.pk]), {"body": "First!", "stance": "for"})

    response = client.post(reverse("comment_add", args=[idea.pk]), {"body": "Second!", "stance": "for"})

    assert messages_of(response)[-1] == THROTTLED
    assert Comment.objects.count() == 1


def test_idea_submissions_are_throttled(client, user, campaign, settings):
    throttle_rates(settings, submit=1)
    client.force_login(user)
    data = {"title": "Hip-belt pockets", "body": "Big enough for a phone."}
    client.post(reverse("idea_submit", args=[campaign.slug]), data)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), data)

    assert messages_of(response)[-1] == THROTTLED
    assert Idea.objects.count() == 1


def test_reports_are_throttled(client, user, campaign, settings):
    throttle_rates(settings, report=1)
    first, second = IdeaFactory.create_batch(2, campaign=campaign)
    client.force_login(user)
    client.post(reverse("idea_report", args=[first.pk]), {"reason": "spam"})

    response = client.post(reverse("idea_report", args=[second.pk]), {"reason": "spam"})

    assert messages_of(response)[-1] == THROTTLED
    assert Report.objects.count() == 1
