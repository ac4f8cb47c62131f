from __future__ import annotations

import logging
from unittest import mock

import pytest

from campaigns.models import Comment
from intelligence import tasks
from intelligence.models import CommentSignal, IdeaEmbedding, Theme, ThemeRun
from tests.factories import CommentFactory, IdeaFactory


@pytest.mark.slow
def test_the_embed_task_stores_the_ideas_vector(idea, real_model):
    tasks.idea_embed_task(idea.pk)

    stored = IdeaEmbedding.objects.get(idea=idea)
    assert stored.campaign_id == idea.campaign_id
    assert stored.model_version == real_model.model_version()


@pytest.mark.slow
def test_the_embed_task_starts_a_themes_run_once_a_campaign_has_enough_items(campaign, real_model):
    ideas = IdeaFactory.create_batch(4, campaign=campaign)
    for idea in ideas[:3]:
        tasks.idea_embed_task(idea.pk)

    with mock.patch.object(tasks.themes_compute_task, "delay") as delay:
        tasks.idea_embed_task(ideas[3].pk)

    delay.assert_called_once_with(campaign.pk)


@pytest.mark.slow
def test_the_analyse_task_stores_the_comments_sentiment(idea, real_model):
    comment = CommentFactory(idea=idea, body="Love this idea, exactly what I need!")

    tasks.comment_analyse_task(comment.pk)

    assert CommentSignal.objects.get(comment=comment).sentiment == CommentSignal.Sentiment.POSITIVE


def test_without_the_model_the_embed_task_logs_and_stores_nothing(idea, model_missing, caplog):
    with caplog.at_level(logging.WARNING, logger="intelligence.tasks"):
        tasks.idea_embed_task(idea.pk)

    assert not IdeaEmbedding.objects.exists()
    assert f"Cannot embed idea {idea.pk}" in caplog.text


@pytest.mark.slow
def test_the_backfill_embeds_what_the_hooks_missed(campaign, real_model):
    idea = IdeaFactory(campaign=campaign)
    comment = CommentFactory(idea=idea, status=Comment.Status.PUBLISHED)

    tasks.embeddings_backfill_task()

    assert IdeaEmbedding.objects.filter(idea=idea).exists()
    assert CommentSignal.objects.filter(comment=comment).exists()


@pytest.mark.slow
def test_the_backfill_re_embeds_an_idea_edited_since(idea, real_model):
    tasks.idea_embed_task(idea.pk)
    before = IdeaEmbedding.objects.get(idea=idea).vector
    idea.title, idea.body = "Completely different now", "A coffee grinder."
    idea.save()

    tasks.embeddings_backfill_task()

    assert bytes(IdeaEmbedding.objects.get(idea=idea).vector) != bytes(before)


@pytest.mark.slow
def test_the_themes_task_stores_themes(campaign, real_model):
    for title in ("Waterproof zips", "Rainproof fabric", "Phone pocket", "Pocket for the phone"):
        tasks.idea_embed_task(IdeaFactory(campaign=campaign, title=title, body=title).pk)

    tasks.themes_compute_task(campaign.pk)

    assert Theme.objects.filter(campaign=campaign).exists()
    assert ThemeRun.objects.get(campaign=campaign).item_count == 4
