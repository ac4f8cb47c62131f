from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import ranking, selectors, services
from tests.factories import IdeaFactory, UserFactory

NOW = ranking.EPOCH + timedelta(days=400)


def test_a_vote_is_worth_half_as_much_after_one_half_life():
    created = NOW - timedelta(days=30)
    fresh = ranking.score_add(ranking.score_initial(created), ranking.W_VOTE, NOW)
    old = ranking.score_add(
        ranking.score_initial(created), ranking.W_VOTE, NOW - timedelta(seconds=ranking.HALF_LIFE_SECONDS)
    )
    base = ranking.trending_now(ranking.score_initial(created), NOW)

    fresh_gain = ranking.trending_now(fresh, NOW) - base
    old_gain = ranking.trending_now(old, NOW) - base

    assert fresh_gain == pytest.approx(1.0)
    assert old_gain == pytest.approx(0.5)


def test_the_stored_score_orders_ideas_the_same_as_decayed_activity_at_any_time():
    a = ranking.score_initial(NOW - timedelta(days=10))
    for days in (9, 9, 9, 8, 8):  # five votes, a week and more ago
        a = ranking.score_add(a, ranking.W_VOTE, NOW - timedelta(days=days))
    b = ranking.score_initial(NOW - timedelta(days=1))
    b = ranking.score_add(b, ranking.W_VOTE, NOW - timedelta(hours=2))

    for later in (NOW, NOW + timedelta(days=30)):
        assert (a < b) == (ranking.trending_now(a, later) < ranking.trending_now(b, later))
    assert b > a  # the fresh idea with one recent vote leads


def test_removing_an_event_undoes_adding_it():
    start = ranking.score_initial(NOW - timedelta(days=2))
    added = ranking.score_add(start, ranking.W_VOTE, NOW)

    assert ranking.score_remove(added, ranking.W_VOTE, NOW, floor=start) == pytest.approx(start)


def test_removal_never_goes_below_the_creation_floor():
    start = ranking.score_initial(NOW)

    assert ranking.score_remove(start, ranking.W_VOTE, NOW, floor=start) == start


def test_scores_stay_finite_decades_from_the_epoch():
    far = ranking.EPOCH + timedelta(days=365 * 50)
    score = ranking.score_add(ranking.score_initial(far), ranking.W_VOTE, far)

    assert math.isfinite(score)


@pytest.mark.django_db
def test_trending_top_and_new_order_ideas_differently(campaign):
    now = timezone.now()
    old_popular = IdeaFactory(campaign=campaign, created_at=now - timedelta(days=20), title="Old popular")
    old_popular.score = ranking.score_initial(old_popular.created_at)
    for i in range(6):
        old_popular.score = ranking.score_add(
            old_popular.score, ranking.W_VOTE, now - timedelta(days=19, hours=i)
        )
    old_popular.vote_count = 6
    old_popular.save()
    recent = IdeaFactory(campaign=campaign, created_at=now - timedelta(days=2), title="Recent")
    for voter in UserFactory.create_batch(2):
        services.vote_cast(idea=recent, user=voter)
    IdeaFactory(campaign=campaign, created_at=now, title="Newest")

    def order(sort):
        return [i.title for i in selectors.idea_list_ranked(campaign=campaign, sort=sort)]

    assert order("top") == ["Old popular", "Recent", "Newest"]
    assert order("new") == ["Newest", "Recent", "Old popular"]
    assert order("trending") == ["Recent", "Newest", "Old popular"]
    assert order("nonsense") == order("trending")
