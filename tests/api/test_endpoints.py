"""What each endpoint does, and whose data it shows."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from campaigns import services
from campaigns.models import Campaign, Comment, Idea, ModerationAction
from notifications.models import Notification
from tests.api.helpers import assert_error_shape, token_client
from tests.factories import CampaignFactory, IdeaFactory, NotificationFactory, StaffFactory, UserFactory

V1 = "/api/v1"


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- campaigns ------------------------------------------------------------------------


def test_a_merchant_opens_a_campaign_for_their_brand(moderator, brand):
    response = token_client(moderator).post(
        f"{V1}/campaigns/",
        {
            "brand": brand.slug,
            "title": "Our next rain jacket",
            "slug": "rain-jacket",
            "brief": "What keeps you dry?",
            "product_name": "Storm Shell",
            "phase": "ideas",
            "vote_limit": 3,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get(slug="rain-jacket")
    assert (campaign.brand, campaign.phase, campaign.vote_limit) == (brand, "ideas", 3)
    assert response.json()["brand"] == {"slug": brand.slug, "name": brand.name}


def test_a_merchant_edits_a_campaign_but_not_its_phase_that_way(moderator, campaign):
    response = token_client(moderator).patch(
        f"{V1}/campaigns/{campaign.slug}/", {"title": "A sharper title", "phase": "closed"}, format="json"
    )

    campaign.refresh_from_db()
    assert response.status_code == 200
    assert campaign.title == "A sharper title"
    assert campaign.phase == Campaign.Phase.IDEAS


def test_a_phase_change_is_audited(moderator, campaign):
    token_client(moderator).post(f"{V1}/campaigns/{campaign.slug}/phase/", {"phase": "voting"}, format="json")

    campaign.refresh_from_db()
    assert campaign.phase == Campaign.Phase.VOTING
    assert ModerationAction.objects.filter(campaign=campaign, action=ModerationAction.Action.PHASE).exists()


def test_draft_campaigns_are_listed_only_to_their_brand(user, moderator, brand):
    draft = CampaignFactory(brand=brand, phase=Campaign.Phase.DRAFT)

    public_slugs = [c["slug"] for c in token_client(user).get(f"{V1}/campaigns/").json()["results"]]
    staff_slugs = [c["slug"] for c in token_client(moderator).get(f"{V1}/campaigns/").json()["results"]]

    assert draft.slug not in public_slugs
    assert draft.slug in staff_slugs


# --- ideas ----------------------------------------------------------------------------


def test_the_idea_list_is_the_public_ranked_list_by_default(api, campaign):
    published = IdeaFactory(campaign=campaign)
    adopted = IdeaFactory(campaign=campaign, status=Idea.Status.ADOPTED)
    IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    IdeaFactory(campaign=campaign, status=Idea.Status.HIDDEN)

    response = api.get(f"{V1}/ideas/?campaign={campaign.slug}&sort=new")

    assert _ids(response) == [adopted.pk, published.pk]


def test_top_sorts_by_votes(api, campaign, user, other_user):
    low, high = IdeaFactory.create_batch(2, campaign=campaign)
    for voter in (user, other_user):
        services.vote_cast(idea=high, user=voter)
    services.vote_cast(idea=low, user=user)

    assert _ids(api.get(f"{V1}/ideas/?campaign={campaign.slug}&sort=top")) == [high.pk, low.pk]


def test_cursor_pages_cover_every_idea_once(api, campaign):
    ideas = IdeaFactory.create_batch(django_settings.IDEAS_PER_PAGE + 5, campaign=campaign)

    first = api.get(f"{V1}/ideas/?campaign={campaign.slug}&sort=new").json()
    second = api.get(first["next"]).json()

    seen = [row["id"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(i.pk for i in ideas)
    assert second["next"] is None


def test_a_customer_sees_only_their_own_pending_ideas(user, other_user, campaign):
    mine = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)
    IdeaFactory(campaign=campaign, author=other_user, status=Idea.Status.PENDING)

    response = token_client(user).get(f"{V1}/ideas/?status=pending")

    assert _ids(response) == [mine.pk]


def test_a_moderator_sees_their_brands_pending_ideas_only(moderator, campaign, other_brand):
    ours = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    IdeaFactory(campaign=CampaignFactory(brand=other_brand), status=Idea.Status.PENDING)

    response = token_client(moderator).get(f"{V1}/ideas/?status=pending")

    assert _ids(response) == [ours.pk]


def test_filters_by_author(api, campaign, user):
    mine = IdeaFactory(campaign=campaign, author=user)
    IdeaFactory(campaign=campaign)

    assert _ids(api.get(f"{V1}/ideas/?author={user.username}")) == [mine.pk]


def test_has_voted_shows_the_viewers_own_votes(user, campaign):
    voted, not_voted = IdeaFactory.create_batch(2, campaign=campaign)
    services.vote_cast(idea=voted, user=user)

    rows = token_client(user).get(f"{V1}/ideas/?campaign={campaign.slug}").json()["results"]

    assert {row["id"]: row["has_voted"] for row in rows} == {voted.pk: True, not_voted.pk: False}


def test_a_submitted_idea_is_stored_with_its_consents(user, campaign):
    response = token_client(user).post(
        f"{V1}/ideas/",
        {
            "campaign": campaign.slug,
            "title": "Reflective straps",
            "body": "Seen at night.",
            "consent_ai": True,
        },
        format="json",
    )

    idea = Idea.objects.get(pk=response.json()["id"])
    assert (idea.author, idea.title, idea.consent_ai, idea.consent_credit) == (
        user,
        "Reflective straps",
        True,
        False,
    )


def test_an_author_edits_a_pending_idea(user, campaign):
    idea = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)

    response = token_client(user).patch(
        f"{V1}/ideas/{idea.pk}/", {"body": "Now with details."}, format="json"
    )

    idea.refresh_from_db()
    assert response.status_code == 200
    assert idea.body == "Now with details."


def test_a_published_idea_can_no_longer_be_edited(user, campaign):
    idea = IdeaFactory(campaign=campaign, author=user)

    response = token_client(user).patch(f"{V1}/ideas/{idea.pk}/", {"title": "Changed title"}, format="json")

    assert_error_shape(response, 403, "not_allowed")


def test_a_vote_is_counted_and_withdrawn(user, idea):
    client = token_client(user)

    cast = client.post(f"{V1}/ideas/{idea.pk}/vote/")
    counted = Idea.objects.get(pk=idea.pk).vote_count
    withdrawn = client.delete(f"{V1}/ideas/{idea.pk}/vote/")

    assert cast.json() == {"idea": idea.pk, "vote_count": 1, "has_voted": True}
    assert counted == 1
    assert withdrawn.status_code == 204
    assert Idea.objects.get(pk=idea.pk).vote_count == 0


def test_moderating_an_idea_hides_it_and_tells_the_author(moderator, idea):
    response = token_client(moderator).post(
        f"{V1}/ideas/{idea.pk}/moderate/", {"action": "hide", "reason": "Off-topic"}, format="json"
    )

    assert response.json()["status"] == "hidden"
    assert Notification.objects.filter(user=idea.author, kind=Notification.Kind.CONTENT_HIDDEN).exists()


def test_an_unknown_moderation_action_is_refused(moderator, idea):
    response = token_client(moderator).post(
        f"{V1}/ideas/{idea.pk}/moderate/", {"action": "ban"}, format="json"
    )

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["action"]


# --- comments and reports -----------------------------------------------------------------


def test_comments_come_back_threaded(api, idea, user, other_user):
    root = services.comment_add(idea=idea, author=user, body="Make it blue.")
    reply = services.comment_add(idea=idea, author=other_user, body="Or green.", parent=root)

    tree = api.get(f"{V1}/ideas/{idea.pk}/comments/").json()

    assert [node["comment"]["id"] for node in tree] == [root.pk]
    assert [node["comment"]["id"] for node in tree[0]["replies"]] == [reply.pk]


def test_a_reply_is_stored_under_its_parent(user, other_user, idea):
    root = services.comment_add(idea=idea, author=other_user, body="Make it blue.")

    response = token_client(user).post(
        f"{V1}/ideas/{idea.pk}/comments/",
        {"body": "Agreed!", "stance": "for", "parent": root.pk},
        format="json",
    )

    comment = Comment.objects.get(pk=response.json()["id"])
    assert (comment.parent, comment.depth, comment.stance) == (root, 1, "for")


def test_replying_to_a_comment_of_another_idea_is_refused(user, idea, campaign):
    elsewhere = services.comment_add(idea=IdeaFactory(campaign=campaign), author=user, body="Elsewhere.")

    response = token_client(user).post(
        f"{V1}/ideas/{idea.pk}/comments/", {"body": "Hm.", "parent": elsewhere.pk}, format="json"
    )

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["parent"]


def test_reporting_a_comment_needs_exactly_one_target(user, idea):
    comment = services.comment_add(idea=idea, author=UserFactory(), body="Buy cheap watches!")

    both = token_client(user).post(
        f"{V1}/reports/", {"idea": idea.pk, "comment": comment.pk, "reason": "spam"}, format="json"
    )
    one = token_client(user).post(f"{V1}/reports/", {"comment": comment.pk, "reason": "spam"}, format="json")

    assert_error_shape(both, 400, "invalid")
    assert one.status_code == 201
    assert one.json()["comment"] == comment.pk


def test_an_idea_one_cannot_see_cannot_be_reported(user, campaign):
    hidden = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    response = token_client(user).post(f"{V1}/reports/", {"idea": hidden.pk, "reason": "spam"}, format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["idea"]


# --- notifications and the account -----------------------------------------------------------


def test_notifications_are_the_callers_own(user, other_user, idea):
    mine = NotificationFactory(user=user, idea=idea)
    NotificationFactory(user=other_user, idea=idea)

    assert _ids(token_client(user).get(f"{V1}/notifications/")) == [mine.pk]


def test_marking_read_by_id_touches_only_ones_own(user, other_user, idea):
    mine, also_mine = NotificationFactory.create_batch(2, user=user, idea=idea)
    theirs = NotificationFactory(user=other_user, idea=idea)

    response = token_client(user).post(
        f"{V1}/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]}, format="json"
    )

    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert Notification.objects.get(pk=also_mine.pk).read_at is None


def test_marking_read_without_ids_marks_all(user, idea):
    NotificationFactory.create_batch(3, user=user, idea=idea)

    response = token_client(user).post(f"{V1}/notifications/mark-read/", {}, format="json")

    assert response.json() == {"marked": 3}


def test_me_lists_the_brands_i_moderate(brand):
    merchant = StaffFactory(brand=brand)

    body = token_client(merchant).get(f"{V1}/me/").json()

    assert (body["username"], body["moderated_brands"]) == (merchant.username, [brand.slug])


def test_contributions_page_each_list_on_its_own_parameter(user, campaign):
    IdeaFactory.create_batch(django_settings.REST_FRAMEWORK["PAGE_SIZE"] + 1, campaign=campaign, author=user)

    first = token_client(user).get(f"{V1}/me/contributions/").json()
    second = token_client(user).get(f"{V1}/me/contributions/?ideas_page=2").json()

    assert first["ideas"]["count"] == django_settings.REST_FRAMEWORK["PAGE_SIZE"] + 1
    assert "ideas_page=2" in first["ideas"]["next"]
    assert len(second["ideas"]["results"]) == 1
    assert first["votes"] == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_export_holds_my_ideas(user, campaign):
    idea = IdeaFactory(campaign=campaign, author=user)

    body = token_client(user).get(f"{V1}/me/export/").json()

    assert body["account"]["username"] == user.username
    assert [i["id"] for i in body["ideas"]] == [idea.pk]


def test_deleting_the_account_needs_the_password(user):
    response = token_client(user).post(f"{V1}/me/delete/", {"password": "wrong"}, format="json")

    error = assert_error_shape(response, 400, "invalid")
    assert list(error["fields"]) == ["password"]
    user.refresh_from_db()
    assert user.is_active


def test_a_deleted_account_is_anonymised_and_its_tokens_stop_working(user):
    client = token_client(user)

    assert (
        client.post(f"{V1}/me/delete/", {"password": "correct-horse-battery"}, format="json").status_code
        == 204
    )

    user.refresh_from_db()
    assert not user.is_active
    assert user.email == ""
    assert client.get(f"{V1}/me/").status_code == 401


# --- sessions (the site's own JavaScript) --------------------------------------------------------


@pytest.fixture
def session_client(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_write_without_the_csrf_token_is_refused(session_client, idea):
    response = session_client.post(f"{V1}/ideas/{idea.pk}/vote/")

    assert_error_shape(response, 403, "permission_denied")
    assert not idea.votes.exists()


def test_a_session_write_with_the_csrf_token_is_accepted(session_client, idea):
    session_client.get("/accounts/login/")  # sets the CSRF cookie, as any site page does
    token = session_client.cookies["csrftoken"].value

    response = session_client.post(f"{V1}/ideas/{idea.pk}/vote/", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201
