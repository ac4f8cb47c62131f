from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import timezone

from campaigns import ranking, services
from campaigns.admin_merging import merge_into_most_voted, unmerge
from campaigns.merging import idea_merge, idea_unmerge
from campaigns.models import Comment, Idea, IdeaMerge, ModerationAction, Vote
from core.exceptions import InvalidTransition, NotAllowed
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, UserFactory


def _vote(idea: Idea, user) -> Vote:
    return services.vote_cast(idea=idea, user=user)


def _state(idea: Idea) -> tuple:
    idea.refresh_from_db()
    voters = sorted(Vote.objects.filter(idea=idea).values_list("user_id", flat=True))
    comments = sorted(Comment.objects.filter(idea=idea).values_list("pk", flat=True))
    return idea.status, idea.merged_into_id, idea.vote_count, idea.comment_count, voters, comments


@pytest.fixture
def pair(campaign):
    """Two ideas with overlapping voters: a and b voted for both, c and d for one each."""
    survivor = IdeaFactory(campaign=campaign, title="Phone pocket on the hip belt")
    duplicate = IdeaFactory(campaign=campaign, title="Hip-belt pocket for a phone")
    a, b, c, d = UserFactory.create_batch(4)
    for user in (a, b, c):
        _vote(survivor, user)
    for user in (a, b, d):
        _vote(duplicate, user)
    services.comment_add(idea=duplicate, author=c, body="Make it fit a big phone.")
    services.comment_add(idea=survivor, author=d, body="Yes, with a zip.")
    return duplicate, survivor, (a, b, c, d)


def test_merging_counts_each_voter_of_both_ideas_once(pair, moderator):
    duplicate, survivor, (a, b, c, d) = pair

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    survivor.refresh_from_db()
    assert survivor.vote_count == 4
    assert sorted(Vote.objects.filter(idea=survivor).values_list("user_id", flat=True)) == sorted(
        u.pk for u in (a, b, c, d)
    )


def test_a_voter_of_both_ideas_has_one_vote_left_in_the_campaign(pair, moderator):
    duplicate, survivor, (a, *_rest) = pair

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    assert Vote.objects.filter(user=a, idea__campaign=survivor.campaign).count() == 1


def test_merging_moves_comments_and_marks_the_duplicate_merged(pair, moderator):
    duplicate, survivor, _ = pair

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert duplicate.status == Idea.Status.MERGED
    assert duplicate.merged_into_id == survivor.pk
    assert (duplicate.vote_count, duplicate.comment_count) == (0, 0)
    assert survivor.comment_count == 2
    assert Comment.objects.filter(idea=survivor).count() == 2


def test_the_survivors_trending_score_counts_every_vote_and_comment_it_now_has(pair, moderator):
    duplicate, survivor, (_a, _b, _c, d) = pair
    events = [(ranking.W_VOTE, v.created_at) for v in Vote.objects.filter(idea=survivor)]
    events.append((ranking.W_VOTE, Vote.objects.get(idea=duplicate, user=d).created_at))
    events += [
        (ranking.W_COMMENT, c.created_at) for c in Comment.objects.filter(idea__in=[survivor, duplicate])
    ]
    expected = ranking.score_initial(survivor.created_at)
    for weight, at in events:
        expected = ranking.score_add(expected, weight, at)

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    survivor.refresh_from_db()
    assert survivor.score == pytest.approx(expected, abs=1e-9)


def test_the_site_redirects_a_merged_idea_to_the_survivor(client, pair, moderator):
    duplicate, survivor, _ = pair
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    response = client.get(duplicate.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == survivor.get_absolute_url()


def test_unmerging_restores_both_ideas_exactly(pair, moderator):
    duplicate, survivor, _ = pair
    before = (_state(duplicate), _state(survivor), duplicate.score, survivor.score)
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    idea_unmerge(idea=duplicate, actor=moderator)

    after = (_state(duplicate), _state(survivor), duplicate.score, survivor.score)
    assert after[:2] == before[:2]
    assert after[2] == pytest.approx(before[2], abs=1e-9)
    assert after[3] == pytest.approx(before[3], abs=1e-9)


def test_unmerging_restores_the_double_votes_with_their_original_time(pair, moderator):
    duplicate, survivor, (a, *_rest) = pair
    voted_at = Vote.objects.get(idea=duplicate, user=a).created_at
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    idea_unmerge(idea=duplicate, actor=moderator)

    assert Vote.objects.get(idea=duplicate, user=a).created_at == voted_at


def test_a_vote_withdrawn_after_the_merge_stays_withdrawn_after_unmerge(pair, moderator):
    duplicate, survivor, (_a, _b, _c, d) = pair
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)
    services.vote_withdraw(idea=survivor, user=d)

    idea_unmerge(idea=duplicate, actor=moderator)

    duplicate.refresh_from_db()
    assert not Vote.objects.filter(user=d, idea__campaign=duplicate.campaign).exists()
    assert duplicate.vote_count == 2


def test_replies_made_after_the_merge_go_back_with_their_thread(pair, moderator, other_user):
    duplicate, survivor, _ = pair
    moved = Comment.objects.get(idea=duplicate)
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)
    moved.refresh_from_db()
    reply = services.comment_add(idea=survivor, author=other_user, body="Agreed.", parent=moved)

    idea_unmerge(idea=duplicate, actor=moderator)

    reply.refresh_from_db()
    duplicate.refresh_from_db()
    assert reply.idea_id == duplicate.pk
    assert duplicate.comment_count == 2


def test_merge_and_unmerge_are_audited(pair, moderator):
    duplicate, survivor, _ = pair

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)
    idea_unmerge(idea=duplicate, actor=moderator)

    details = list(
        ModerationAction.objects.filter(idea=duplicate).order_by("pk").values_list("detail", flat=True)
    )
    assert details[0].startswith(f"merge: into idea {survivor.pk}")
    assert details[1].startswith(f"unmerge: out of idea {survivor.pk}")
    assert IdeaMerge.objects.get(duplicate=duplicate).undone_by == moderator


def test_a_moderator_of_another_brand_cannot_merge(pair, other_moderator):
    duplicate, survivor, _ = pair

    with pytest.raises(NotAllowed):
        idea_merge(duplicate=duplicate, survivor=survivor, actor=other_moderator)


def test_a_customer_cannot_merge(pair, user):
    duplicate, survivor, _ = pair

    with pytest.raises(NotAllowed):
        idea_merge(duplicate=duplicate, survivor=survivor, actor=user)


def test_ideas_of_different_campaigns_cannot_be_merged(campaign, moderator):
    other = CampaignFactory(brand=campaign.brand)

    with pytest.raises(InvalidTransition):
        idea_merge(
            duplicate=IdeaFactory(campaign=campaign), survivor=IdeaFactory(campaign=other), actor=moderator
        )


def test_an_idea_cannot_be_merged_into_itself(idea, moderator):
    with pytest.raises(InvalidTransition):
        idea_merge(duplicate=idea, survivor=idea, actor=moderator)


def test_an_idea_cannot_be_merged_into_a_hidden_one(campaign, moderator):
    hidden = IdeaFactory(campaign=campaign, status=Idea.Status.HIDDEN)

    with pytest.raises(InvalidTransition):
        idea_merge(duplicate=IdeaFactory(campaign=campaign), survivor=hidden, actor=moderator)


def test_an_idea_that_is_not_merged_cannot_be_unmerged(idea, moderator):
    with pytest.raises(InvalidTransition):
        idea_unmerge(idea=idea, actor=moderator)


def test_merges_are_undone_in_reverse_order(campaign, moderator):
    first, second, third = IdeaFactory.create_batch(3, campaign=campaign)
    idea_merge(duplicate=first, survivor=second, actor=moderator)
    idea_merge(duplicate=second, survivor=third, actor=moderator)

    with pytest.raises(InvalidTransition):
        idea_unmerge(idea=first, actor=moderator)

    idea_unmerge(idea=second, actor=moderator)
    idea_unmerge(idea=first, actor=moderator)
    first.refresh_from_db()
    assert first.status == Idea.Status.PUBLISHED


@pytest.mark.parametrize("status", [Idea.Status.PENDING, Idea.Status.HIDDEN, Idea.Status.DECLINED])
def test_an_idea_a_moderator_has_not_approved_cannot_be_merged(campaign, moderator, status):
    unapproved = IdeaFactory(campaign=campaign, status=status)

    with pytest.raises(InvalidTransition, match="Only published ideas can be merged"):
        idea_merge(duplicate=unapproved, survivor=IdeaFactory(campaign=campaign), actor=moderator)

    unapproved.refresh_from_db()
    assert (unapproved.status, unapproved.merged_into_id) == (status, None)


def test_a_pending_duplicate_merged_before_the_refusal_returns_to_the_queue_when_unmerged(
    campaign, moderator
):
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    survivor = IdeaFactory(campaign=campaign)
    # A merge recorded before merging refused unapproved ideas.
    IdeaMerge.objects.create(duplicate=pending, survivor=survivor, previous_status=Idea.Status.PENDING)
    Idea.objects.filter(pk=pending.pk).update(status=Idea.Status.MERGED, merged_into=survivor)

    idea_unmerge(idea=pending, actor=moderator)

    pending.refresh_from_db()
    assert (pending.status, pending.merged_into_id) == (Idea.Status.PENDING, None)


def test_hidden_comments_move_but_do_not_count(campaign, moderator):
    survivor, duplicate = IdeaFactory.create_batch(2, campaign=campaign)
    CommentFactory(idea=duplicate, status=Comment.Status.HIDDEN)

    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    survivor.refresh_from_db()
    assert Comment.objects.filter(idea=survivor).count() == 1
    assert survivor.comment_count == 0


# --- admin actions ---------------------------------------------------------------------------------


def _admin_request(user):
    request = RequestFactory().post("/admin/campaigns/idea/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_the_admin_action_merges_the_selection_into_the_most_voted_idea(campaign, moderator):
    top = IdeaFactory(campaign=campaign, created_at=timezone.now() - timedelta(days=1))
    _vote(top, UserFactory())
    others = IdeaFactory.create_batch(2, campaign=campaign)
    modeladmin = admin.site._registry[Idea]

    merge_into_most_voted(modeladmin, _admin_request(moderator), Idea.objects.filter(campaign=campaign))

    assert set(Idea.objects.filter(merged_into=top).values_list("pk", flat=True)) == {o.pk for o in others}


def test_the_admin_action_keeps_the_most_voted_published_idea_and_skips_unapproved_ones(campaign, moderator):
    hidden = IdeaFactory(campaign=campaign, status=Idea.Status.HIDDEN)
    for voter in UserFactory.create_batch(2):
        Vote.objects.create(idea=hidden, user=voter)
    Idea.objects.filter(pk=hidden.pk).update(vote_count=2)
    published, duplicate = IdeaFactory.create_batch(2, campaign=campaign)
    _vote(published, UserFactory())
    request = _admin_request(moderator)

    merge_into_most_voted(admin.site._registry[Idea], request, Idea.objects.filter(campaign=campaign))

    hidden.refresh_from_db()
    duplicate.refresh_from_db()
    assert (hidden.status, duplicate.merged_into_id) == (Idea.Status.HIDDEN, published.pk)
    assert any("Only published ideas can be merged" in str(m) for m in request._messages)


def test_the_admin_action_says_so_when_no_selected_idea_is_published(campaign, moderator):
    IdeaFactory.create_batch(2, campaign=campaign, status=Idea.Status.PENDING)
    request = _admin_request(moderator)

    merge_into_most_voted(admin.site._registry[Idea], request, Idea.objects.filter(campaign=campaign))

    assert not Idea.objects.filter(status=Idea.Status.MERGED).exists()
    assert "No selected idea is published" in str(list(request._messages)[0])


def test_the_admin_action_refuses_a_selection_across_campaigns(campaign, moderator):
    ideas = [IdeaFactory(campaign=campaign), IdeaFactory(campaign=CampaignFactory(brand=campaign.brand))]
    request = _admin_request(moderator)

    merge_into_most_voted(
        admin.site._registry[Idea], request, Idea.objects.filter(pk__in=[i.pk for i in ideas])
    )

    assert not Idea.objects.filter(status=Idea.Status.MERGED).exists()
    assert "one campaign" in str(list(request._messages)[0])


def test_the_unmerge_action_undoes_the_selected_merges(campaign, moderator):
    survivor, duplicate = IdeaFactory.create_batch(2, campaign=campaign)
    idea_merge(duplicate=duplicate, survivor=survivor, actor=moderator)

    unmerge(admin.site._registry[Idea], _admin_request(moderator), Idea.objects.filter(pk=duplicate.pk))

    duplicate.refresh_from_db()
    assert duplicate.status == Idea.Status.PUBLISHED


def test_the_unmerge_action_says_so_when_nothing_selected_is_merged(idea, moderator):
    request = _admin_request(moderator)

    unmerge(admin.site._registry[Idea], request, Idea.objects.filter(pk=idea.pk))

    assert "None of the selected ideas is merged." in str(list(request._messages)[0])
