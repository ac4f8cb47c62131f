"""A per-process similarity index: one float32 matrix of idea vectors per campaign.

A lookup is one matrix-vector product, fast enough at 100k ideas on one core
that no approximate index is needed at this scale (bench/duplicates.py,
BENCHMARKS.md "Lookup speed"). Each
lookup first reads the rows written since the last one (an indexed range scan
on IdeaEmbedding(campaign, updated_at)), so every web process sees new ideas
within one request without any cross-process signalling.

The matrix holds every embedded idea of the campaign whatever its status;
callers re-read the hits from the database with the visibility rules, which
also drops ideas deleted since. Memory is bounded (SIMILARITY_INDEX_MAX_MB,
about 1.5 KB per idea): the least recently used campaigns are dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings

from intelligence.blas import one_thread
from intelligence.embeddings import DIMENSIONS, from_bytes, model_version
from intelligence.models import IdeaEmbedding

# Rows are stamped before their transaction commits, so a row stamped earlier
# can become visible after a later one was read: every refresh re-reads this
# window (rows already held are replaced, not duplicated).
REFRESH_LOOKBACK = timedelta(seconds=60)
_INITIAL_CAPACITY = 64

# (idea id, vector bytes: a memoryview on PostgreSQL, bytes on SQLite, stamp)
Row = tuple[int, bytes | memoryview, datetime]
Fetch = Callable[[int, datetime | None], Iterable[Row]]


def fetch_idea_vectors(campaign_id: int, since: datetime | None) -> Iterable[Row]:
    """Idea vectors of a campaign from the current model, stamped at or after `since`."""
    qs = IdeaEmbedding.objects.filter(campaign_id=campaign_id, model_version=model_version())
    if since is not None:
        qs = qs.filter(updated_at__gte=since - REFRESH_LOOKBACK)
    return qs.values_list("idea_id", "vector", "updated_at").iterator(chunk_size=2000)


@dataclass
class _CampaignMatrix:
    ids: np.ndarray = field(default_factory=lambda: np.zeros(_INITIAL_CAPACITY, dtype=np.int64))
    vectors: np.ndarray = field(
        default_factory=lambda: np.zeros((_INITIAL_CAPACITY, DIMENSIONS), dtype=np.float32)
    )
    size: int = 0
    rows: dict[int, int] = field(default_factory=dict)
    seen_until: datetime | None = None

    def put_many(self, rows: list[tuple[int, np.ndarray]]) -> None:
        """Add or replace vectors, growing the arrays once for the whole batch."""
        new_ids = {idea_id for idea_id, _ in rows if idea_id not in self.rows}
        needed = self.size + len(new_ids)
        if needed > len(self.ids):
            # Exact size plus 1/8 headroom: a 100k-idea campaign loads without
            # the doubling's up to 2x slack, and the next submissions fit.
            capacity = needed + max(_INITIAL_CAPACITY, needed // 8)
            self.ids = np.resize(self.ids, capacity)
            self.vectors = np.resize(self.vectors, (capacity, DIMENSIONS))
        for idea_id, vector in rows:
            row = self.rows.get(idea_id)
            if row is None:
                row = self.rows[idea_id] = self.size
                self.ids[row] = idea_id
                self.size += 1
            self.vectors[row] = vector

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.vectors.nbytes


class SimilarityIndex:
    def __init__(self, *, max_bytes: int, fetch: Fetch = fetch_idea_vectors) -> None:
        self.max_bytes = max_bytes
        self.fetch = fetch
        self._matrices: OrderedDict[int, _CampaignMatrix] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, campaign_id: int) -> tuple[np.ndarray, np.ndarray]:
        """(idea ids, their unit vectors) of a campaign, brought up to date.

        Read-only views: growth reallocates, so they stay valid while other
        threads refresh the campaign."""
        with self._lock:
            matrix = self._refresh(campaign_id)
            return matrix.ids[: matrix.size], matrix.vectors[: matrix.size]

    def search(
        self, campaign_id: int, query: np.ndarray, *, k: int, min_similarity: float
    ) -> list[tuple[int, float]]:
        """Up to k (idea id, cosine similarity) at or above min_similarity, best first."""
        ids, vectors = self.vectors(campaign_id)
        if not len(ids):
            return []
        with one_thread():
            similarities = vectors @ query.astype(np.float32)
        hits = np.flatnonzero(similarities >= min_similarity)
        if len(hits) > k:
            hits = hits[np.argpartition(-similarities[hits], k - 1)[:k]]
        hits = hits[np.argsort(-similarities[hits], kind="stable")]
        return [(int(ids[i]), float(similarities[i])) for i in hits]

    @property
    def nbytes(self) -> int:
        """Memory the index holds, all campaigns together."""
        with self._lock:
            return sum(m.nbytes for m in self._matrices.values())

    def clear(self) -> None:
        with self._lock:
            self._matrices.clear()

    def _refresh(self, campaign_id: int) -> _CampaignMatrix:
        matrix = self._matrices.get(campaign_id)
        if matrix is None:
            matrix = self._matrices[campaign_id] = _CampaignMatrix()
        self._matrices.move_to_end(campaign_id)
        rows = []
        for idea_id, data, updated_at in self.fetch(campaign_id, matrix.seen_until):
            vector = from_bytes(data)
            if vector.shape == (DIMENSIONS,):
                rows.append((idea_id, vector))
            if matrix.seen_until is None or updated_at > matrix.seen_until:
                matrix.seen_until = updated_at
        if rows:
            matrix.put_many(rows)
        self._evict(keep=campaign_id)
        return matrix

    def _evict(self, *, keep: int) -> None:
        total = sum(m.nbytes for m in self._matrices.values())  # under the lock already
        for campaign_id in list(self._matrices):
            if total <= self.max_bytes:
                break
            if campaign_id != keep:
                total -= self._matrices.pop(campaign_id).nbytes


_index: SimilarityIndex | None = None


def idea_index() -> SimilarityIndex:
    """This process's index of idea vectors."""
    global _index
    if _index is None:
        _index = SimilarityIndex(max_bytes=settings.SIMILARITY_INDEX_MAX_MB * 1024 * 1024)
    return _index
