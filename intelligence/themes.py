"""Themes: clusters of a campaign's ideas and comments.

Agglomerative clustering (average linkage, cosine distance) over the stored
vectors of the campaign's public ideas and published comments; merging stops
at THEMES_DISTANCE_THRESHOLD, so the number of themes follows the content
instead of being fixed in advance. The vectors are first centred: ideas on
the mean of the campaign's ideas, comments on the mean of its comments. What
every item of a campaign shares (its product, its language: MiniLM puts any
two Chinese texts close, mean cosine 0.6 in the demo's Chinese campaign against
0.2 in the English ones) and what sets a proposal apart from a short reaction
would otherwise outweigh the topic: uncentred, the demo's themes were one
Chinese blob, and ideas and comments fell into separate clusters. Clusters smaller than THEMES_MIN_SIZE are
noise, not themes. Each theme is labelled by its most central idea and carries
the shares of for / against / neutral stance and of positive / negative /
neutral sentiment among its comments.

A worker recomputes a campaign's themes once its items grew by
THEMES_RECOMPUTE_GROWTH since the last run (checked after every embedding).
scikit-learn is imported inside the clustering call only: the web process
imports this module for campaign_top_themes and the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign, Comment, Idea
from campaigns.visibility import listed_idea_q, public_comment_q
from intelligence.embeddings import from_bytes, model_version
from intelligence.models import CommentSignal, IdeaEmbedding, Theme, ThemeRun

logger = logging.getLogger(__name__)

# A run enqueued this long ago without finishing (worker down, task lost) no
# longer blocks a new one.
QUEUED_RUN_EXPIRY = timedelta(minutes=30)
# Ideas and comments a campaign needs before clustering says anything.
MIN_ITEMS = 4
# Cosine from which two vectors are the same text (float noise aside).
SAME_TEXT_COSINE = 0.999


@dataclass(frozen=True)
class _Item:
    kind: str  # "idea" or "comment"
    pk: int
    idea_id: int
    vector: np.ndarray
    stance: str = ""
    sentiment: str = ""


def centred(vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Unit vectors minus the mean of their group, renormalised (see the module
    docstring)."""
    shifted = vectors.astype(np.float32, copy=True)
    for group in np.unique(groups):
        rows = groups == group
        shifted[rows] -= shifted[rows].mean(0)
    return shifted / np.maximum(np.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)


def cluster_vectors(vectors: np.ndarray, groups: np.ndarray, *, distance_threshold: float) -> np.ndarray:
    """A cluster label per row of unit vectors, centred per group here."""
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    c = centred(vectors, groups)
    distances = np.clip(1.0 - c @ c.T, 0.0, 2.0)
    # The same text twice always shares a theme; centring alone would lose
    # that when every item is the same text (a flood of "+1": all at the mean).
    distances[vectors @ vectors.T >= SAME_TEXT_COSINE] = 0.0
    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance_threshold, metric="precomputed", linkage="average"
    )
    return model.fit_predict(distances)


def _public_ideas(campaign_id: int) -> Any:
    return IdeaEmbedding.objects.filter(
        listed_idea_q("idea__"), campaign_id=campaign_id, model_version=model_version()
    )


def _public_comments(campaign_id: int) -> Any:
    return CommentSignal.objects.filter(
        public_comment_q("comment__"),
        campaign_id=campaign_id,
        model_version=model_version(),
        vector__isnull=False,
    )


def campaign_item_count(campaign_id: int) -> int:
    return _public_ideas(campaign_id).count() + _public_comments(campaign_id).count()


def _items(campaign_id: int) -> list[_Item]:
    """Newest first, ideas before comments, at most THEMES_MAX_ITEMS (the
    clustering needs memory in the square of the count)."""
    limit = settings.THEMES_MAX_ITEMS
    items = [
        _Item("idea", idea_id, idea_id, from_bytes(vector))
        for idea_id, vector in _public_ideas(campaign_id)
        .order_by("-idea__created_at")
        .values_list("idea_id", "vector")[:limit]
    ]
    comments = (
        _public_comments(campaign_id)
        .order_by("-comment__created_at")
        .values_list("comment_id", "comment__idea_id", "vector", "comment__stance", "sentiment")
    )
    items += [
        _Item("comment", pk, idea_id, from_bytes(vector), stance, mood)
        for pk, idea_id, vector, stance, mood in comments[: max(0, limit - len(items))]
    ]
    return items


def _shares(values: list[str], choices: list[str]) -> dict[str, float]:
    return {c: (values.count(c) / len(values) if values else 0.0) for c in choices}


def _theme(campaign_id: int, members: list[_Item], titles: dict[int, str], now: Any) -> Theme:
    vectors = np.stack([m.vector for m in members])
    centroid = vectors.mean(0)
    closeness = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    ranked = [members[i] for i in np.argsort(-closeness, kind="stable")]
    ideas = [m for m in ranked if m.kind == "idea"]
    comments = [m for m in ranked if m.kind == "comment"]
    # The most central idea; a theme made only of comments takes the idea its
    # most central comment was written on.
    label_idea_id = ideas[0].pk if ideas else comments[0].idea_id
    stance = _shares([c.stance for c in comments], Comment.Stance.values)
    mood = _shares([c.sentiment for c in comments], CommentSignal.Sentiment.values)
    return Theme(
        campaign_id=campaign_id,
        label_idea_id=label_idea_id,
        label=titles.get(label_idea_id, ""),
        rank=0,
        size=len(members),
        idea_ids=[m.pk for m in ideas],
        comment_ids=[m.pk for m in comments],
        stance_for=stance[Comment.Stance.FOR],
        stance_against=stance[Comment.Stance.AGAINST],
        stance_neutral=stance[Comment.Stance.NEUTRAL],
        sentiment_positive=mood[CommentSignal.Sentiment.POSITIVE],
        sentiment_negative=mood[CommentSignal.Sentiment.NEGATIVE],
        sentiment_neutral=mood[CommentSignal.Sentiment.NEUTRAL],
        computed_at=now,
    )


def themes_compute(*, campaign_id: int) -> list[Theme]:
    """Recompute and replace a campaign's themes, largest first."""
    items = _items(campaign_id)
    now = timezone.now()
    themes: list[Theme] = []
    if len(items) >= MIN_ITEMS:
        labels = cluster_vectors(
            np.stack([i.vector for i in items]),
            np.array([i.kind for i in items]),
            distance_threshold=settings.THEMES_DISTANCE_THRESHOLD,
        )
        clusters = [[items[i] for i in np.flatnonzero(labels == label)] for label in np.unique(labels)]
        clusters = [c for c in clusters if len(c) >= settings.THEMES_MIN_SIZE]
        label_ids = {m.pk if m.kind == "idea" else m.idea_id for c in clusters for m in c}
        titles = dict(Idea.objects.filter(pk__in=label_ids).values_list("pk", "title"))
        themes = sorted((_theme(campaign_id, c, titles, now) for c in clusters), key=lambda t: -t.size)
        for rank, theme in enumerate(themes):
            theme.rank = rank
    with transaction.atomic():
        Theme.objects.filter(campaign_id=campaign_id).delete()
        Theme.objects.bulk_create(themes)
        ThemeRun.objects.update_or_create(
            campaign_id=campaign_id,
            defaults={"item_count": campaign_item_count(campaign_id), "computed_at": now, "queued_at": None},
        )
    return themes


def themes_due(*, campaign_id: int) -> bool:
    """True once the campaign's items grew by THEMES_RECOMPUTE_GROWTH since the
    last run (or it has enough for a first one), and no run is queued; marks
    the run queued, so only one caller enqueues it."""
    count = campaign_item_count(campaign_id)
    run, _ = ThemeRun.objects.get_or_create(campaign_id=campaign_id)
    if count < MIN_ITEMS or count < run.item_count * (1 + settings.THEMES_RECOMPUTE_GROWTH):
        return False
    now = timezone.now()
    not_queued = Q(queued_at__isnull=True) | Q(queued_at__lt=now - QUEUED_RUN_EXPIRY)
    return ThemeRun.objects.filter(not_queued, pk=run.pk).update(queued_at=now) == 1


def campaign_top_themes(campaign: Campaign, k: int) -> list[dict[str, Any]]:
    """The k largest themes of a campaign as plain data, e.g. for a prompt:
    label, size, idea and comment ids (most central first), stance and
    sentiment shares of the theme's comments. `label_consent_ai` says whether
    the label idea's author allowed AI use: quote the label only then."""
    return [
        {
            "label": theme.label,
            "label_idea_id": theme.label_idea_id,
            "label_consent_ai": bool(theme.label_idea and theme.label_idea.consent_ai),
            "size": theme.size,
            "idea_ids": theme.idea_ids,
            "comment_ids": theme.comment_ids,
            "stance": {
                "for": theme.stance_for,
                "against": theme.stance_against,
                "neutral": theme.stance_neutral,
            },
            "sentiment": {
                "positive": theme.sentiment_positive,
                "negative": theme.sentiment_negative,
                "neutral": theme.sentiment_neutral,
            },
        }
        for theme in Theme.objects.filter(campaign=campaign).select_related("label_idea").order_by("rank")[:k]
    ]
