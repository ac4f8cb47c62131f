"""The customer-facing pages and actions, through the test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from campaigns import services
from campaigns.merging import idea_merge
from campaigns.models import Campaign, Comment, Idea, Report, Vote
from generation.models import Draft
from notifications.models import Notification
from tests.campaigns.factories_site import messages_of, site_settings  # noqa: F401 (autouse fixture)
from tests.factories import (
    CampaignFactory,
    CommentFactory,
    IdeaFactory,
    NotificationFactory,
    UserFactory,
    VoteFactory,
)
from tests.generation.factories import DraftFactory, DraftSourceFactory

pytestmark = pytest.mark.django_db


def _idea_ids(response) -> list[int]:
    return [idea.pk for idea in response.context["page_obj"]]


# --- home -------------------------------------------------------------------------------


def test_home_lists_open_campaigns_with_brand_and_idea_count(client, campaign):
    IdeaFactory.create_batch(2, campaign=campaign)
    IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assertContains(response, campaign.title)
    assertContains(response, campaign.brand.name)
    assertContains(response, "2 ideas")


def test_home_shows_closed_campaigns_in_their_own_section(client, brand):
    closed = CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED)

    response = client.get(reverse("home"))

    assert list(response.context["closed_page"]) == [closed]
    assert list(response.context["open_page"]) == []
    assertContains(response, "Closed campaigns")


def test_home_never_lists_draft_campaigns(client, brand):
    draft = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT, title="Secret launch")

    response = client.get(reverse("home"))

    assertNotContains(response, draft.title)


def test_home_shows_an_empty_state_without_open_campaigns(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assertContains(response, "No campaigns are open right now")


def test_home_paginates_open_campaigns(client, brand, settings):
    settings.CAMPAIGNS_PER_PAGE = 2
    CampaignFactory.create_batch(3, brand=brand)

    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})

    assert len(first.context["open_page"]) == 2
    assert len(second.context["open_page"]) == 1
    assertContains(first, "Page 1 of 2")


def test_home_shows_a_campaigns_deadline(client, brand):
    closes_at = timezone.now() + timedelta(days=3, minutes=30)
    CampaignFactory(brand=brand, closes_at=closes_at)

    response = client.get(reverse("home"))

    assertContains(response, f'<time datetime="{closes_at.isoformat()}"', html=False)
    assertContains(response, "Closes 3\xa0days from now")


# --- campaign page --------------------------------------------------------------------


def test_campaign_page_shows_brief_product_and_ideas(client, campaign, idea):
    response = client.get(campaign.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, campaign.brief)
    assertContains(response, campaign.product_name)
    assertContains(response, idea.title)
    assertContains(response, idea.author.username)


def test_campaign_page_shows_an_empty_state_without_ideas(client, campaign):
    response = client.get(campaign.get_absolute_url())

    assertContains(response, "No ideas yet")


def test_campaign_collecting_ideas_offers_the_submit_button(client, campaign):
    response = client.get(campaign.get_absolute_url())

    assertContains(response, reverse("idea_submit", args=[campaign.slug]))


def test_campaign_in_voting_explains_why_ideas_are_closed(client, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.VOTING)

    response = client.get(campaign.get_absolute_url())

    assertNotContains(response, reverse("idea_submit", args=[campaign.slug]))
    assertContains(response, "Idea collection has ended")


def test_campaign_past_its_deadline_explains_that_it_passed(client, brand):
    campaign = CampaignFactory(
        brand=brand,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )

    response = client.get(campaign.get_absolute_url())

    assertContains(response, "The deadline for ideas has passed.")


def test_a_draft_campaign_is_404_for_customers(client, user, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT)
    client.force_login(user)

    response = client.get(campaign.get_absolute_url())

    assert response.status_code == 404


def test_a_draft_campaign_is_visible_to_the_brands_moderator(client, moderator, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT)
    client.force_login(moderator)

    response = client.get(campaign.get_absolute_url())

    assert response.status_code == 200


def test_sort_top_orders_ideas_by_vote_count(client, campaign):
    few = IdeaFactory(campaign=campaign, vote_count=1)
    many = IdeaFactory(campaign=campaign, vote_count=9)
    some = IdeaFactory(campaign=campaign, vote_count=4)

    response = client.get(campaign.get_absolute_url(), {"sort": "top"})

    assert _idea_ids(response) == [many.pk, some.pk, few.pk]


def test_sort_new_orders_ideas_newest_first(client, campaign):
    now = timezone.now()
    old = IdeaFactory(campaign=campaign, created_at=now - timedelta(days=2))
    newest = IdeaFactory(campaign=campaign, created_at=now)
    middle = IdeaFactory(campaign=campaign, created_at=now - timedelta(days=1))

    response = client.get(campaign.get_absolute_url(), {"sort": "new"})

    assert _idea_ids(response) == [newest.pk, middle.pk, old.pk]


def test_sort_trending_orders_ideas_by_score(client, campaign):
    low = IdeaFactory(campaign=campaign, score=1.0, vote_count=50)
    high = IdeaFactory(campaign=campaign, score=3.0, vote_count=0)
    mid = IdeaFactory(campaign=campaign, score=2.0, vote_count=10)

    response = client.get(campaign.get_absolute_url(), {"sort": "trending"})

    assert _idea_ids(response) == [high.pk, mid.pk, low.pk]


def test_an_unknown_sort_falls_back_to_trending(client, campaign):
    low = IdeaFactory(campaign=campaign, score=1.0, vote_count=50)
    high = IdeaFactory(campaign=campaign, score=3.0, vote_count=0)

    response = client.get(campaign.get_absolute_url(), {"sort": "bogus"})

    assert response.context["sort"] == "trending"
    assert _idea_ids(response) == [high.pk, low.pk]


def test_the_active_sort_is_marked_current(client, campaign):
    response = client.get(campaign.get_absolute_url(), {"sort": "new"})

    assertContains(response, '<a href="?sort=new" aria-current="page">', html=False)
    assertNotContains(response, '<a href="?sort=top" aria-current="page">', html=False)


def test_ideas_are_paginated(client, campaign, settings):
    settings.IDEAS_PER_PAGE = 2
    IdeaFactory.create_batch(3, campaign=campaign)

    first = client.get(campaign.get_absolute_url())
    second = client.get(campaign.get_absolute_url(), {"page": 2})

    assert len(_idea_ids(first)) == 2
    assert len(_idea_ids(second)) == 1


def test_the_idea_list_shows_that_the_viewer_has_voted(client, user, idea):
    VoteFactory(idea=idea, user=user)
    client.force_login(user)

    response = client.get(idea.campaign.get_absolute_url())

    assertContains(response, reverse("idea_unvote", args=[idea.pk]))
    assertNotContains(response, reverse("idea_vote", args=[idea.pk]))


def test_the_campaign_page_shows_published_drafts_with_credits(client, campaign):
    draft = DraftFactory(
        request__campaign=campaign,
        status=Draft.Status.PUBLISHED,
        published_at=timezone.now(),
        text="A pack that carries your day.",
    )
    DraftSourceFactory(draft=draft, idea__author__username="credited_hiker")

    response = client.get(campaign.get_absolute_url())

    assertContains(response, "Written with our community")
    assertContains(response, "A pack that carries your day.")
    assertContains(response, "credited_hiker")


def test_the_campaign_page_hides_drafts_not_yet_published(client, campaign):
    DraftFactory(request__campaign=campaign, text="Still in review.")

    response = client.get(campaign.get_absolute_url())

    assertNotContains(response, "Still in review.")
    assertNotContains(response, "Written with our community")


def test_the_viewers_pending_ideas_wait_in_their_own_box(client, user, campaign):
    pending = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)
    client.force_login(user)

    response = client.get(campaign.get_absolute_url())

    assert list(response.context["pending_ideas"]) == [pending]
    assertContains(response, "Waiting for moderation")
    assert pending.pk not in _idea_ids(response)


def test_another_customers_pending_idea_is_not_listed(client, user, other_user, campaign):
    pending = IdeaFactory(campaign=campaign, author=other_user, status=Idea.Status.PENDING)
    client.force_login(user)

    response = client.get(campaign.get_absolute_url())

    assertNotContains(response, pending.title)


def test_the_campaign_page_costs_the_same_queries_for_many_ideas(client, user, campaign):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(campaign.get_absolute_url())
        return len(ctx.captured_queries)

    client.force_login(user)
    VoteFactory(idea=IdeaFactory(campaign=campaign), user=user)
    one = page_queries()
    for idea in IdeaFactory.create_batch(5, campaign=campaign):
        VoteFactory(idea=idea, user=user)
        CommentFactory(idea=idea)

    assert page_queries() == one


# --- idea page --------------------------------------------------------------------------


def test_idea_page_shows_body_with_line_breaks_and_author(client, campaign):
    idea = IdeaFactory(campaign=campaign, body="First line\nSecond line")

    response = client.get(idea.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "First line<br>Second line")
    assertContains(response, idea.author.username)


def test_a_merged_idea_redirects_to_the_idea_it_was_merged_into(client, campaign, moderator):
    target = IdeaFactory(campaign=campaign)
    merged = IdeaFactory(campaign=campaign)
    idea_merge(duplicate=merged, survivor=target, actor=moderator)

    response = client.get(merged.get_absolute_url())

    assertRedirects(response, target.get_absolute_url())


def test_a_customer_cannot_see_another_customers_pending_idea(client, user, other_user, campaign):
    pending = IdeaFactory(campaign=campaign, author=other_user, status=Idea.Status.PENDING)
    client.force_login(user)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 404


def test_the_author_sees_their_pending_idea_with_its_status(client, user, campaign):
    pending = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)
    client.force_login(user)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "Awaiting moderation")


def test_the_brands_moderator_sees_a_pending_idea(client, moderator, campaign):
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    client.force_login(moderator)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 200


def test_another_brands_moderator_cannot_see_a_pending_idea(client, other_moderator, campaign):
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    client.force_login(other_moderator)

    response = client.get(pending.get_absolute_url())

    assert response.status_code == 404


def test_idea_page_threads_replies_under_their_comment_with_stances(client, idea):
    parent = CommentFactory(idea=idea, body="Make it waterproof", stance=Comment.Stance.FOR)
    reply = CommentFactory(idea=idea, parent=parent, depth=1, body="Heavier though", stance="against")

    response = client.get(idea.get_absolute_url())

    [root] = response.context["comments"]
    assert root["comment"] == parent
    assert [node["comment"] for node in root["replies"]] == [reply]
    html = response.content.decode()
    parent_at, reply_at = html.index(f'id="comment-{parent.pk}"'), html.index(f'id="comment-{reply.pk}"')
    assert parent_at < reply_at
    assertContains(response, 'class="stance stance--for"')
    assertContains(response, 'class="stance stance--against"')


def test_each_comment_has_a_reply_form_and_a_report_link(client, user, idea):
    comment = CommentFactory(idea=idea)
    client.force_login(user)

    response = client.get(idea.get_absolute_url())

    assertContains(response, f'name="parent" value="{comment.pk}"', html=False)
    assertContains(response, reverse("comment_report", args=[comment.pk]))
    assertContains(response, reverse("idea_report", args=[idea.pk]))


def test_idea_page_shows_an_empty_state_without_comments(client, idea):
    response = client.get(idea.get_absolute_url())

    assertContains(response, "No comments yet")


# --- voting -------------------------------------------------------------------------------


def test_voting_through_the_site_counts_the_vote(client, user, idea):
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[idea.pk]))

    idea.refresh_from_db()
    assert idea.vote_count == 1
    assertRedirects(response, idea.get_absolute_url())
    assert messages_of(response) == ["Your vote was counted."]


def test_withdrawing_a_vote_through_the_site_uncounts_it(client, user, idea):
    services.vote_cast(idea=idea, user=user)
    client.force_login(user)

    client.post(reverse("idea_unvote", args=[idea.pk]))

    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert not Vote.objects.filter(idea=idea, user=user).exists()


def test_an_anonymous_vote_redirects_to_login_with_next(client, idea):
    page = idea.campaign.get_absolute_url()

    response = client.post(reverse("idea_vote", args=[idea.pk]), {"next": page})

    assertRedirects(response, f"{reverse('login')}?next={page}", fetch_redirect_response=False)
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_a_duplicate_vote_shows_a_friendly_message(client, user, idea):
    services.vote_cast(idea=idea, user=user)
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[idea.pk]), follow=True)

    assert response.status_code == 200
    assertContains(response, "You have already voted for this idea.")
    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_voting_on_a_closed_campaign_shows_the_phase_message(client, user, brand):
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED))
    client.force_login(user)

    response = client.post(reverse("idea_vote", args=[idea.pk]))

    assert messages_of(response) == ["Voting is closed for this campaign."]
    assert not Vote.objects.filter(idea=idea).exists()


def test_a_vote_returns_to_the_page_it_came_from(client, user, idea):
    client.force_login(user)
    page = f"{idea.campaign.get_absolute_url()}?sort=top"

    response = client.post(reverse("idea_vote", args=[idea.pk]), {"next": page})

    assertRedirects(response, page, fetch_redirect_response=False)


def test_voting_needs_a_post(client, user, idea):
    client.force_login(user)

    response = client.get(reverse("idea_vote", args=[idea.pk]))

    assert response.status_code == 405


# --- submitting ideas -----------------------------------------------------------------------


def _idea_data(**overrides: object) -> dict[str, object]:
    return {"title": "Hip-belt pockets", "body": "Big enough for a phone.", **overrides}


def test_the_submit_page_shows_the_three_consent_checkboxes(client, user, campaign):
    client.force_login(user)

    response = client.get(reverse("idea_submit", args=[campaign.slug]))

    assert response.status_code == 200
    assertContains(response, "You may quote me")
    assertContains(response, "You may use my idea in AI-written texts")
    assertContains(response, "Credit me publicly by name")


def test_submitting_an_idea_saves_the_consent_flags(client, user, campaign):
    client.force_login(user)

    client.post(
        reverse("idea_submit", args=[campaign.slug]), _idea_data(consent_quote="on", consent_credit="on")
    )

    idea = Idea.objects.get(author=user)
    assert (idea.consent_quote, idea.consent_ai, idea.consent_credit) == (True, False, True)


def test_a_published_idea_redirects_to_its_page(client, user, campaign):
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data())

    assertRedirects(response, Idea.objects.get(author=user).get_absolute_url())


def test_a_premoderated_idea_says_it_awaits_a_moderator(client, user, brand):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.ALL)
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data())

    assertRedirects(response, campaign.get_absolute_url())
    assert messages_of(response) == ["Thanks! Your idea will appear once a moderator has approved it."]


def test_an_oversized_title_gets_an_error_beside_the_field_and_saves_nothing(client, user, campaign):
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data(title="x" * 141))

    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assertContains(response, "Ensure this value has at most 140 characters", status_code=400)
    assert not Idea.objects.exists()


def test_an_oversized_body_gets_an_error_and_saves_nothing(client, user, campaign):
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data(body="x" * 5001))

    assert response.context["form"].errors["body"]
    assert not Idea.objects.exists()


def test_an_empty_body_gets_an_error(client, user, campaign):
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data(body="   "))

    assert response.context["form"].errors["body"] == ["This field is required."]
    assert not Idea.objects.exists()


def test_a_filled_honeypot_saves_no_idea(client, user, campaign):
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data(homepage="http://spam"))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Idea.objects.exists()


def test_submitting_to_a_campaign_in_voting_shows_the_phase_message(client, user, brand):
    campaign = CampaignFactory(brand=brand, phase=Campaign.Phase.VOTING)
    client.force_login(user)

    response = client.post(reverse("idea_submit", args=[campaign.slug]), _idea_data())

    assert messages_of(response) == ["This campaign is not collecting ideas right now."]
    assert not Idea.objects.exists()


def test_the_submit_page_needs_login(client, campaign):
    url = reverse("idea_submit", args=[campaign.slug])

    response = client.get(url)

    assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


# --- comments --------------------------------------------------------------------------------


def test_a_comment_is_saved_with_its_stance(client, user, idea):
    client.force_login(user)

    response = client.post(
        reverse("comment_add", args=[idea.pk]), {"body": "Needs a rain cover", "stance": "against"}
    )

    comment = Comment.objects.get(author=user)
    assert (comment.body, comment.stance, comment.parent) == ("Needs a rain cover", "against", None)
    assertRedirects(response, comment.get_absolute_url(), fetch_redirect_response=False)


def test_a_reply_is_saved_under_its_parent(client, user, idea):
    parent = CommentFactory(idea=idea)
    client.force_login(user)

    client.post(
        reverse("comment_add", args=[idea.pk]), {"body": "Agreed", "stance": "for", "parent": parent.pk}
    )

    reply = Comment.objects.get(author=user)
    assert reply.parent == parent
    assert reply.depth == 1


def test_a_reply_to_another_ideas_comment_is_refused(client, user, idea, campaign):
    elsewhere = CommentFactory(idea=IdeaFactory(campaign=campaign))
    client.force_login(user)

    response = client.post(
        reverse("comment_add", args=[idea.pk]), {"body": "Agreed", "stance": "for", "parent": elsewhere.pk}
    )

    assert response.status_code == 400
    assert not Comment.objects.filter(author=user).exists()


def test_an_empty_comment_shows_the_error_beside_the_field(client, user, idea):
    client.force_login(user)

    response = client.post(reverse("comment_add", args=[idea.pk]), {"body": "", "stance": "for"})

    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert not Comment.objects.exists()


def test_commenting_on_a_closed_campaign_shows_the_phase_message(client, user, brand):
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED))
    client.force_login(user)

    response = client.post(reverse("comment_add", args=[idea.pk]), {"body": "Late idea", "stance": "for"})

    assert messages_of(response) == ["Comments are closed for this campaign."]
    assert not Comment.objects.exists()


def test_an_anonymous_comment_redirects_to_login(client, idea):
    response = client.post(reverse("comment_add", args=[idea.pk]), {"body": "Hi there", "stance": "for"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Comment.objects.exists()


# --- reports -------------------------------------------------------------------------------


def test_the_report_form_offers_the_reasons(client, user, idea):
    client.force_login(user)

    response = client.get(reverse("idea_report", args=[idea.pk]))

    assert response.status_code == 200
    assertContains(response, "Offensive or abusive")


def test_reporting_an_idea_files_a_report(client, user, idea):
    client.force_login(user)

    response = client.post(reverse("idea_report", args=[idea.pk]), {"reason": "spam", "note": "Ads"})

    report = Report.objects.get(reporter=user)
    assert (report.idea, report.reason, report.note) == (idea, "spam", "Ads")
    assertRedirects(response, idea.campaign.get_absolute_url(), fetch_redirect_response=False)


def test_reporting_a_comment_files_a_report(client, user, idea):
    comment = CommentFactory(idea=idea)
    client.force_login(user)

    client.post(reverse("comment_report", args=[comment.pk]), {"reason": "offensive"})

    assert Report.objects.get(reporter=user).comment == comment


def test_a_report_without_a_reason_is_a_form_error(client, user, idea):
    client.force_login(user)

    response = client.post(reverse("idea_report", args=[idea.pk]), {"note": "?"})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert not Report.objects.exists()


def test_reporting_twice_shows_a_friendly_message(client, user, idea):
    services.report_file(reporter=user, reason="spam", idea=idea)
    client.force_login(user)

    response = client.post(reverse("idea_report", args=[idea.pk]), {"reason": "spam"})

    assert messages_of(response) == ["You have already reported this."]


def test_the_third_distinct_reporter_hides_the_idea_from_others(client, idea, settings):
    settings.REPORT_AUTOHIDE_THRESHOLD = 3
    reporters = UserFactory.create_batch(3)
    for reporter in reporters:
        client.force_login(reporter)
        client.post(reverse("idea_report", args=[idea.pk]), {"reason": "spam"})
    client.force_login(UserFactory())

    response = client.get(idea.get_absolute_url())

    assert response.status_code == 404
    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN


# --- my contributions and notifications ---------------------------------------------------


def test_my_contributions_lists_my_ideas_comments_and_votes(client, user, campaign):
    mine = IdeaFactory(campaign=campaign, author=user, title="My own idea")
    CommentFactory(author=user, idea=mine, body="My own comment")
    VoteFactory(user=user, idea=IdeaFactory(campaign=campaign, title="An idea I liked"))
    IdeaFactory(campaign=campaign, title="Someone else's idea")
    client.force_login(user)

    response = client.get(reverse("my_contributions"))

    assert response.status_code == 200
    assertContains(response, "My own idea")
    assertContains(response, "My own comment")
    assertContains(response, "An idea I liked")
    assertNotContains(response, "Someone else")


def test_my_contributions_shows_empty_states(client, user):
    client.force_login(user)

    response = client.get(reverse("my_contributions"))

    assertContains(response, "You have not submitted any ideas yet.")
    assertContains(response, "You have not voted yet.")


def test_my_contributions_needs_login(client, db):
    response = client.get(reverse("my_contributions"))

    assert response.status_code == 302


def test_notifications_highlight_the_unread_ones(client, user, idea):
    NotificationFactory(user=user, idea=idea, url=idea.get_absolute_url())
    NotificationFactory(user=user, kind=Notification.Kind.IDEA_PUBLISHED, read_at=timezone.now())
    client.force_login(user)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assertContains(response, "notification--unread", count=1)
    assertContains(response, f'<a href="{idea.get_absolute_url()}">New comment on your idea</a>', html=True)


def test_the_header_shows_the_unread_count(client, user):
    NotificationFactory.create_batch(3, user=user)
    client.force_login(user)

    response = client.get(reverse("home"))

    assertContains(
        response,
        '<span class="badge badge--count">3<span class="visually-hidden"> unread</span></span>',
        html=True,
    )


def test_mark_all_read_marks_the_users_notifications_read(client, user, other_user):
    NotificationFactory.create_batch(2, user=user)
    theirs = NotificationFactory(user=other_user)
    client.force_login(user)

    response = client.post(reverse("notifications:mark_read"))

    assertRedirects(response, reverse("notifications:inbox"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_show_an_empty_state(client, user):
    client.force_login(user)

    response = client.get(reverse("notifications:inbox"))

    assertContains(response, "Nothing here yet.")
