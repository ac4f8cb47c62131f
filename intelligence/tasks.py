"""Celery tasks of community intelligence, all on the `default` queue.

Thin: load by id, call a function, log.
The embedding model loads on the first task of each worker process, never at
import (worker_process_init must stay fast, and the web process imports this
module to enqueue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import DatabaseError

from intelligence import indexing, themes
from intelligence.embeddings import EmbeddingUnavailable

logger = logging.getLogger(__name__)

# Seconds. Embedding one idea or comment is quick once the model is loaded;
# the limits leave room for a cold CPU worker loading it first (BENCHMARKS.md,
# "Figures from code comments").
EMBED_SOFT_LIMIT, EMBED_HARD_LIMIT = 120, 150
# A backfill batch or a clustering run of THEMES_MAX_ITEMS on a CPU.
BATCH_SOFT_LIMIT, BATCH_HARD_LIMIT = 600, 660
# Database hiccups (a locked SQLite file, a Postgres failover) are retried.
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 3}


def _embed(compute: Callable[[], set[int]], what: str) -> None:
    """Run an embedding step, then start a themes run where one became due."""
    try:
        campaign_ids = compute()
    except EmbeddingUnavailable as exc:
        # Not retried: the model is missing until someone installs it; the
        # backfill picks these rows up then.
        logger.warning("Cannot embed %s: %s", what, exc)
        return
    for campaign_id in campaign_ids:
        if themes.themes_due(campaign_id=campaign_id):
            themes_compute_task.delay(campaign_id)


@shared_task(soft_time_limit=EMBED_SOFT_LIMIT, time_limit=EMBED_HARD_LIMIT, **RETRY)
def idea_embed_task(idea_id: int) -> None:
    _embed(lambda: indexing.ideas_embed(idea_ids=[idea_id]), f"idea {idea_id}")


@shared_task(soft_time_limit=EMBED_SOFT_LIMIT, time_limit=EMBED_HARD_LIMIT, **RETRY)
def comment_analyse_task(comment_id: int) -> None:
    _embed(lambda: indexing.comments_analyse(comment_ids=[comment_id]), f"comment {comment_id}")


@shared_task(soft_time_limit=BATCH_SOFT_LIMIT, time_limit=BATCH_HARD_LIMIT, **RETRY)
def embeddings_backfill_task() -> None:
    """One batch of ideas and comments the after-commit hooks missed."""
    ideas, comments = indexing.ideas_needing_vectors(), indexing.comments_needing_signals()
    _embed(lambda: indexing.ideas_embed(idea_ids=ideas), f"{len(ideas)} ideas")
    _embed(lambda: indexing.comments_analyse(comment_ids=comments), f"{len(comments)} comments")


@shared_task(soft_time_limit=BATCH_SOFT_LIMIT, time_limit=BATCH_HARD_LIMIT, **RETRY)
def themes_compute_task(campaign_id: int) -> None:
    found = themes.themes_compute(campaign_id=campaign_id)
    logger.info("Campaign %s: %d themes", campaign_id, len(found))
