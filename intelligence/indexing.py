"""Writes of what the default worker computes: idea vectors, and for comments
a vector plus a sentiment reading. Called by tasks only (they load torch).

Every function is idempotent: computing a row again replaces it, so a
redelivered task or an overlapping backfill does no harm.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from campaigns.models import Comment, Idea
from intelligence import sentiment
from intelligence.embeddings import comment_text, embed_texts, idea_text, model_version, to_bytes
from intelligence.models import CommentSignal, IdeaEmbedding

# Rows embedded per backfill step: one forward pass per 32 texts on the worker,
# and a task that finishes well inside its time limit on a CPU.
BACKFILL_BATCH = 128


def ideas_embed(*, idea_ids: Iterable[int]) -> set[int]:
    """(Re)compute the vectors of these ideas; returns the campaigns touched.
    Raises EmbeddingUnavailable when the model cannot be loaded."""
    ideas = list(Idea.objects.filter(pk__in=list(idea_ids)).only("pk", "campaign_id", "title", "body"))
    if not ideas:
        return set()
    vectors = embed_texts([idea_text(i.title, i.body) for i in ideas])
    version = model_version()
    for idea, vector in zip(ideas, vectors, strict=True):
        IdeaEmbedding.objects.update_or_create(
            idea=idea,
            defaults={"campaign_id": idea.campaign_id, "vector": to_bytes(vector), "model_version": version},
        )
    return {idea.campaign_id for idea in ideas}


def comments_analyse(*, comment_ids: Iterable[int]) -> set[int]:
    """(Re)compute vector and sentiment of these comments; returns the campaigns touched."""
    comments = list(Comment.objects.filter(pk__in=list(comment_ids)).select_related("idea"))
    if not comments:
        return set()
    vectors = embed_texts([comment_text(c.body) for c in comments])
    version = model_version()
    for comment, vector in zip(comments, vectors, strict=True):
        reading = sentiment.read_comment(comment.body, vector=vector, embed=embed_texts)
        CommentSignal.objects.update_or_create(
            comment=comment,
            defaults={
                "campaign_id": comment.idea.campaign_id,
                "sentiment": reading.sentiment,
                "score": reading.score,
                "method": reading.method,
                "vector": to_bytes(vector),
                "model_version": version,
            },
        )
    return {comment.idea.campaign_id for comment in comments}


def ideas_needing_vectors() -> list[int]:
    """Ideas with no vector, one from another model, or edited since embedding."""
    current = IdeaEmbedding.objects.filter(
        idea=OuterRef("pk"), model_version=model_version(), updated_at__gte=OuterRef("updated_at")
    )
    stale = Idea.objects.exclude(status=Idea.Status.MERGED).filter(~Exists(current))
    return list(stale.order_by("-created_at").values_list("pk", flat=True)[:BACKFILL_BATCH])


def comments_needing_signals() -> list[int]:
    """Comments with no signal or one from another model (comments are never edited)."""
    current = CommentSignal.objects.filter(comment=OuterRef("pk"), model_version=model_version())
    stale = Comment.objects.filter(~Exists(current))
    return list(stale.order_by("-created_at").values_list("pk", flat=True)[:BACKFILL_BATCH])
