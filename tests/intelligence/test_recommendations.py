from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from campaigns import ranking
from campaigns.models import Campaign, Idea, Vote
from intelligence.recommendations import (
    FRESH,
    NEAR,
    blend,
    campaigns_you_may_like,
    fresh_slots,
    ideas_you_may_like,
)
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, UserFactory, VoteFactory
from tests.intelligence.factories_intelligence import embedded_ideas


def _trending(campaign: Campaign, count: int, *, votes: int = 5) -> list[Idea]:
    """Ideas with many votes, hottest first."""
    now = timezone.now()
    ideas = []
    for i in range(count):
        idea = IdeaFactory(campaign=campaign, vote_count=votes, created_at=now - timedelta(days=2))
        idea.score = ranking.score_initial(now) + 10 - i
        idea.save(update_fields=["score"])
        ideas.append(idea)
    return ideas


def _ids(recommendations) -> list[int]:
    return [r.item.pk for r in recommendations]


@pytest.mark.parametrize(("limit", "fresh"), [(4, 1), (6, 2), (8, 2), (1, 0)])
def test_a_quarter_of_the_slots_go_to_fresh_ideas(settings, limit, fresh):
    settings.RECOMMENDATIONS_FRESH_SHARE = 0.25

    assert fresh_slots(limit) == fresh


def test_fresh_ideas_with_few_votes_get_their_share_even_when_trending_could_fill_every_slot(
    settings, campaign, user
):
    settings.RECOMMENDATIONS_FRESH_SHARE = 0.25
    _trending(campaign, 8)
    fresh = IdeaFactory(campaign=campaign, vote_count=0)

    found = ideas_you_may_like(user=user, campaign=campaign, limit=4)

    assert len(found) == 4
    assert [r.item.pk for r in found if r.reason == FRESH] == [fresh.pk]


def test_without_fresh_ideas_trending_fills_every_slot(settings, campaign, user):
    settings.RECOMMENDATIONS_FRESH_SHARE = 0.25
    hot = _trending(campaign, 6)

    found = ideas_you_may_like(user=user, campaign=campaign, limit=4)

    assert _ids(found) == [i.pk for i in hot[:4]]


def test_the_persons_own_ideas_and_ideas_they_voted_for_are_never_recommended(campaign, user):
    own = IdeaFactory(campaign=campaign, author=user, vote_count=0)
    voted = IdeaFactory(campaign=campaign, vote_count=0)
    VoteFactory(idea=voted, user=user)
    other = IdeaFactory(campaign=campaign, vote_count=0)

    found = ideas_you_may_like(user=user, campaign=campaign, limit=6)

    assert _ids(found) == [other.pk]
    assert own.pk not in _ids(found)


@pytest.mark.parametrize(
    "status", [Idea.Status.PENDING, Idea.Status.HIDDEN, Idea.Status.DECLINED, Idea.Status.MERGED]
)
def test_ideas_the_public_cannot_see_are_never_recommended(campaign, user, status):
    IdeaFactory(campaign=campaign, status=status, vote_count=0)

    assert ideas_you_may_like(user=user, campaign=campaign) == []


def test_ideas_of_closed_campaigns_are_not_recommended_on_the_home_page(brand, user):
    IdeaFactory(campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED))
    open_idea = IdeaFactory(campaign=CampaignFactory(brand=brand))

    assert _ids(ideas_you_may_like(user=user)) == [open_idea.pk]


@pytest.mark.slow
def test_ideas_close_to_what_the_person_voted_for_come_first(campaign, user, real_model):
    liked, near, far = embedded_ideas(
        campaign,
        ("Waterproof fabric and sealed zips", "Keep the rain out of the bag."),
        ("Built-in rain cover", "A cover in the bottom pocket for sudden showers."),
        ("Bright colours for the kids range", "Pink and yellow versions."),
    )
    Vote.objects.create(idea=liked, user=user)
    for idea in (near, far):
        idea.vote_count = 10
        idea.save(update_fields=["vote_count"])

    found = ideas_you_may_like(user=user, campaign=campaign, limit=2)

    assert (found[0].item.pk, found[0].reason) == (near.pk, NEAR)


@pytest.mark.slow
def test_a_person_whose_interests_have_no_vectors_yet_gets_trending_ideas_and_a_warning(
    campaign, user, caplog
):
    commented = IdeaFactory(campaign=campaign)
    CommentFactory(idea=commented, author=user)
    hot = _trending(campaign, 2)

    with caplog.at_level(logging.WARNING, logger="intelligence.recommendations"):
        found = ideas_you_may_like(user=user, campaign=campaign, limit=2)

    assert {r.item.pk for r in found} <= {commented.pk, *(i.pk for i in hot)}
    assert not any(r.reason == NEAR for r in found)
    assert "trending" in caplog.text


def test_anonymous_visitors_get_trending_and_fresh_ideas(campaign):
    hot = _trending(campaign, 3)
    fresh = IdeaFactory(campaign=campaign, vote_count=0)

    found = ideas_you_may_like(user=None, campaign=campaign, limit=4)

    assert set(_ids(found)) == {*(i.pk for i in hot), fresh.pk}


def test_blend_spreads_fresh_items_through_the_list(campaign):
    main = IdeaFactory.create_batch(4, campaign=campaign)
    fresh = IdeaFactory.create_batch(2, campaign=campaign)

    found = blend(near=main[:2], trending=main[2:], fresh=fresh, limit=6)

    assert [r.reason for r in found] == ["near", "near", "fresh", "trending", "fresh", "trending"]


# --- campaigns ---------------------------------------------------------------------------------


def test_campaigns_the_person_took_part_in_are_not_recommended(brand, user):
    joined = CampaignFactory(brand=brand)
    VoteFactory(idea=IdeaFactory(campaign=joined), user=user)
    other = CampaignFactory(brand=brand)

    assert _ids(campaigns_you_may_like(user=user)) == [other.pk]


@pytest.mark.parametrize("phase", [Campaign.Phase.DRAFT, Campaign.Phase.REVIEW, Campaign.Phase.CLOSED])
def test_only_campaigns_open_for_ideas_or_votes_are_recommended(brand, user, phase):
    CampaignFactory(brand=brand, phase=phase)

    assert campaigns_you_may_like(user=user) == []


def test_a_campaign_whose_deadline_passed_is_not_recommended(brand, user):
    CampaignFactory(
        brand=brand, opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )

    assert campaigns_you_may_like(user=user) == []


@pytest.mark.slow
def test_campaigns_like_the_ones_the_person_joined_come_first(brand, user, real_model):
    joined, similar, different = CampaignFactory.create_batch(3, brand=brand)
    for campaign in (similar, different):
        campaign.opens_at = timezone.now() - timedelta(days=1)
        campaign.save(update_fields=["opens_at"])
    (liked,) = embedded_ideas(joined, ("Waterproof hiking backpack", "Sealed zips for rain."))
    embedded_ideas(similar, ("Rain cover for a trekking pack", "Keeps the pack dry in storms."))
    embedded_ideas(different, ("Quieter coffee grinder", "Grind beans without waking the house."))
    Vote.objects.create(idea=liked, user=user)

    found = campaigns_you_may_like(user=user, limit=1)

    assert (found[0].item.pk, found[0].reason) == (similar.pk, NEAR)


# --- the partials -------------------------------------------------------------------------------


def test_the_home_page_partial_lists_ideas_you_may_like_with_their_campaign(campaign, user):
    idea = IdeaFactory(campaign=campaign, title="Hip-belt <pocket>", vote_count=0)
    request = RequestFactory().get("/")
    request.user = user

    html = Template("{% load intelligence %}{% ideas_you_may_like %}").render(Context({"request": request}))

    assert "Ideas you may like" in html
    assert idea.get_absolute_url() in html
    assert "Hip-belt &lt;pocket&gt;" in html
    assert campaign.title in html


def test_the_campaigns_partial_renders_campaign_cards(brand, user):
    campaign = CampaignFactory(brand=brand, title="Design our next tent")
    request = RequestFactory().get("/")
    request.user = UserFactory()

    html = Template("{% load intelligence %}{% campaigns_you_may_like %}").render(
        Context({"request": request})
    )

    assert "Campaigns you may like" in html
    assert campaign.get_absolute_url() in html


def test_the_partials_render_nothing_when_there_is_nothing_to_recommend(db):
    request = RequestFactory().get("/")
    request.user = UserFactory()

    html = Template("{% load intelligence %}{% ideas_you_may_like %}{% campaigns_you_may_like %}").render(
        Context({"request": request})
    )

    assert html.strip() == ""
