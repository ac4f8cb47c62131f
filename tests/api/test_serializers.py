"""Serializers whose output is written by hand for speed answer exactly what
DRF's generic path through their declared fields would."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework import serializers

from campaigns.api.selectors import ideas_for_viewer
from campaigns.api.serializers import IdeaSerializer
from campaigns.merging import idea_merge
from campaigns.models import Idea
from tests.factories import IdeaFactory, VoteFactory


def _generic(idea: Idea) -> dict:
    return dict(serializers.Serializer.to_representation(IdeaSerializer(idea), idea))


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Shanghai"])
def test_an_idea_is_represented_as_by_its_declared_fields(idea, user, moderator, time_zone):
    VoteFactory(idea=idea, user=user)
    # Merged by a moderator, as only a published idea can be: it stays readable.
    merged = IdeaFactory(campaign=idea.campaign)
    idea_merge(duplicate=merged, survivor=idea, actor=moderator)
    rows = ideas_for_viewer(user).filter(pk__in=[idea.pk, merged.pk]).order_by("pk")

    with timezone.override(time_zone):
        pairs = [(IdeaSerializer(row).data, _generic(row)) for row in rows]

    for fast, generic in pairs:
        assert fast == generic
        assert list(fast) == IdeaSerializer.Meta.fields
    assert pairs[0][0]["has_voted"] is True
    assert pairs[1][0]["merged_into"] == idea.pk


def test_a_fresh_idea_without_the_viewer_annotation_is_represented_as_not_voted(idea):
    assert IdeaSerializer(idea).data == _generic(idea)
    assert IdeaSerializer(idea).data["has_voted"] is False
