"""Factories and helpers for community-intelligence tests."""

from __future__ import annotations

import factory

from campaigns.models import Campaign, Idea
from intelligence import indexing
from notifications.models import Follow, NotificationPreference
from tests.factories import IdeaFactory, UserFactory


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    frequency = NotificationPreference.Frequency.DAILY


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    idea = factory.SubFactory(IdeaFactory)
    campaign = None


def embedded_ideas(campaign: Campaign, *pairs: tuple[str, str], **fields: object) -> list[Idea]:
    """Ideas (title, body) of a campaign, embedded by the worker's real encoder."""
    ideas = [IdeaFactory(campaign=campaign, title=title, body=body, **fields) for title, body in pairs]
    indexing.ideas_embed(idea_ids=[idea.pk for idea in ideas])
    return ideas
