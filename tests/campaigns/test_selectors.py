from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors as account_selectors
from campaigns import selectors
from campaigns.models import Idea
from tests.factories import CommentFactory, IdeaFactory, UserFactory, VoteFactory

pytestmark = pytest.mark.django_db


def _evaluate_ranked_page(campaign, viewer):
    ideas = list(selectors.idea_list_ranked(campaign=campaign, sort="trending", viewer=viewer)[:100])
    # Touch what a list row renders: author, counts, the viewer's vote.
    return [(i.author.username, i.vote_count, i.comment_count, i.has_voted) for i in ideas]


@pytest.mark.parametrize("size", [1, 20, 100])
def test_the_ranked_list_costs_a_constant_number_of_queries(
    campaign, user, size, django_assert_max_num_queries
):
    ideas = IdeaFactory.create_batch(size, campaign=campaign)
    VoteFactory(idea=ideas[0], user=user)

    with django_assert_max_num_queries(1):
        rows = _evaluate_ranked_page(campaign, user)

    assert len(rows) == size
    assert sum(1 for r in rows if r[3]) == 1


def test_the_ranked_list_hides_pending_hidden_and_declined_ideas(campaign):
    shown = IdeaFactory(campaign=campaign)
    IdeaFactory(campaign=campaign, status=Idea.Status.ADOPTED)
    for status in (Idea.Status.PENDING, Idea.Status.HIDDEN, Idea.Status.DECLINED, Idea.Status.MERGED):
        IdeaFactory(campaign=campaign, status=status)

    ids = {i.pk for i in selectors.idea_list_ranked(campaign=campaign)}

    assert shown.pk in ids
    assert len(ids) == 2


def test_a_customer_cannot_see_another_customers_pending_idea(
    campaign, user, other_user, moderator, other_moderator
):
    idea = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)

    assert selectors.idea_get_visible(pk=idea.pk, viewer=other_user) is None
    assert selectors.idea_get_visible(pk=idea.pk, viewer=None) is None
    assert selectors.idea_get_visible(pk=idea.pk, viewer=other_moderator) is None
    assert selectors.idea_get_visible(pk=idea.pk, viewer=user) == idea
    assert selectors.idea_get_visible(pk=idea.pk, viewer=moderator) == idea


def test_the_comment_tree_is_threaded_in_one_query(idea, user, django_assert_num_queries):
    root = CommentFactory(idea=idea)
    reply = CommentFactory(idea=idea, parent=root, depth=1)
    CommentFactory(idea=idea, parent=reply, depth=2)
    CommentFactory(idea=idea, status="hidden")
    idea = selectors.idea_get_visible(pk=idea.pk, viewer=None)  # loads campaign with it

    with django_assert_num_queries(2):  # the viewer's brands + the comments
        tree = selectors.comment_tree(idea=idea, viewer=user)
        authors = [tree[0]["comment"].author.username]

    assert len(tree) == 1 and authors
    assert tree[0]["replies"][0]["comment"] == reply
    assert len(tree[0]["replies"][0]["replies"]) == 1


def test_the_viewer_sees_their_own_pending_comment_but_others_do_not(idea, user):
    CommentFactory(idea=idea, author=user, status="pending")

    assert len(selectors.comment_tree(idea=idea, viewer=user)) == 1
    assert selectors.comment_tree(idea=idea, viewer=UserFactory()) == []


def test_the_export_lists_everything_about_the_user(idea, user):
    VoteFactory(idea=idea, user=user)
    CommentFactory(idea=idea, author=user, body="my words")
    IdeaFactory(campaign=idea.campaign, author=user, title="My own idea")

    with CaptureQueriesContext(connection) as ctx:
        data = account_selectors.user_export(user=user)
    # More rows of each kind cost no more queries (no query per row).
    for n in range(3):
        other = IdeaFactory(campaign=idea.campaign)
        VoteFactory(idea=other, user=user)
        CommentFactory(idea=other, author=user)
        IdeaFactory(campaign=idea.campaign, author=user, title=f"More {n}")
    with CaptureQueriesContext(connection) as more:
        account_selectors.user_export(user=user)

    assert data["account"]["username"] == user.username
    assert [i["title"] for i in data["ideas"]] == ["My own idea"]
    assert data["comments"][0]["body"] == "my words"
    assert data["votes"][0]["idea"] == idea.pk
    assert len(more.captured_queries) == len(ctx.captured_queries)
