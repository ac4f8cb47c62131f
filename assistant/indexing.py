"""What the assistant may answer from, and keeping the index of it current.

A brand's approved sources, and nothing else: its published FAQ and policy
entries, the briefs of its public campaigns and the drafts a person published
on them. Unpublished drafts, ideas, comments and other brands never become
passages, so no lookup can return them.

The index follows its sources lazily: every lookup first compares a
fingerprint of the brand's sources (a few aggregate queries) with the one of
the last sync, and re-syncs only when they differ, re-encoding only passages
whose text changed. A published draft, an edited brief or FAQ entry is
therefore answerable from the next question on, with no hook into the apps
below.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from assistant import retrieval
from assistant.models import IndexState, Passage, Source
from campaigns.models import Campaign
from generation.models import Draft
from generation.services import PUBLISHED_ANCHOR
from intelligence import embeddings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wanted:
    kind: str
    object_id: int
    language: str
    title: str
    url: str
    text: str

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.object_id, self.language)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.url}\n{self.text}".encode()).hexdigest()


def _public_campaigns(brand_id: int) -> Q:
    return Q(brand_id=brand_id) & ~Q(phase=Campaign.Phase.DRAFT)


def approved_texts(brand_id: int) -> Iterator[Wanted]:
    for source in Source.objects.filter(brand_id=brand_id, is_published=True).select_related("brand"):
        for language, title, body in (
            ("en", source.title_en, source.body_en),
            ("zh-hans", source.title_zh, source.body_zh),
        ):
            if body.strip():
                yield Wanted(
                    source.kind,
                    source.pk,
                    language,
                    title or source.title_en or source.title_zh,
                    source.get_absolute_url(),
                    body.strip(),
                )
    for campaign in Campaign.objects.filter(_public_campaigns(brand_id)):
        yield Wanted(
            Passage.Kind.BRIEF,
            campaign.pk,
            campaign.locale,
            f"{campaign.title} ({campaign.product_name})",
            campaign.get_absolute_url(),
            campaign.brief,
        )
    drafts = Draft.objects.filter(
        campaign__in=Campaign.objects.filter(_public_campaigns(brand_id)), status=Draft.Status.PUBLISHED
    ).select_related("campaign")
    for draft in drafts:
        yield Wanted(
            Passage.Kind.DRAFT,
            draft.pk,
            draft.campaign.locale,
            draft.campaign.product_name,
            f"{draft.campaign.get_absolute_url()}#{PUBLISHED_ANCHOR}",
            draft.text,
        )


def sources_fingerprint(brand_id: int) -> str:
    """Changes whenever an approved text of the brand may have changed."""
    parts = [
        Source.objects.filter(brand_id=brand_id).aggregate(n=Count("pk"), t=Max("updated_at"), m=Max("pk")),
        Campaign.objects.filter(brand_id=brand_id).aggregate(n=Count("pk"), t=Max("updated_at")),
        # Published drafts never change again (Draft.TRANSITIONS): their number and newest stamp do.
        Draft.objects.filter(campaign__brand_id=brand_id, status=Draft.Status.PUBLISHED).aggregate(
            n=Count("pk"), t=Max("published_at"), m=Max("pk")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _encode(texts: list[str]) -> list[tuple[bytes, str]]:
    """Vectors from the numpy encoder (no torch: the web syncs too); empty
    when the model is missing, and retrieval then uses BM25 alone."""
    try:
        encoder = embeddings.query_encoder()
    except embeddings.EmbeddingUnavailable:
        logger.warning("No sentence encoder: the assistant's index uses BM25 only", exc_info=True)
        return [(b"", "")] * len(texts)
    version = embeddings.model_version()
    return [(embeddings.to_bytes(encoder.encode([text])[0]), version) for text in texts]


@transaction.atomic
def passages_sync(*, brand_id: int) -> dict[str, int]:
    """Bring the brand's passages in line with its approved texts."""
    fingerprint = sources_fingerprint(brand_id)
    wanted = {w.key: w for w in approved_texts(brand_id)}
    existing = {
        (p.kind, p.object_id, p.language): p
        for p in Passage.objects.filter(brand_id=brand_id).only(
            "pk", "kind", "object_id", "language", "content_hash", "model_version"
        )
    }
    stale = [p.pk for key, p in existing.items() if key not in wanted]
    Passage.objects.filter(pk__in=stale).delete()
    version = embeddings.model_version()
    changed = [
        w
        for key, w in wanted.items()
        if key not in existing
        or existing[key].content_hash != w.content_hash
        or existing[key].model_version != version
    ]
    now = timezone.now()
    for w, (vector, model_version) in zip(
        changed, _encode([f"{w.title}. {w.text}" for w in changed]), strict=True
    ):
        Passage.objects.update_or_create(
            kind=w.kind,
            object_id=w.object_id,
            language=w.language,
            defaults={
                "brand_id": brand_id,
                "title": w.title[:300],
                "url": w.url,
                "text": w.text,
                "content_hash": w.content_hash,
                "vector": vector,
                "model_version": model_version,
                "updated_at": now,
            },
        )
    IndexState.objects.update_or_create(
        brand_id=brand_id, defaults={"fingerprint": fingerprint, "synced_at": now}
    )
    return {"removed": len(stale), "written": len(changed)}


def passages_sync_if_stale(brand_id: int) -> None:
    state = IndexState.objects.filter(brand_id=brand_id).values_list("fingerprint", flat=True).first()
    if state != sources_fingerprint(brand_id):
        passages_sync(brand_id=brand_id)


def _passages_version(brand_id: int) -> tuple[object, ...]:
    agg = Passage.objects.filter(brand_id=brand_id).aggregate(n=Count("pk"), t=Max("updated_at"), m=Max("pk"))
    return (agg["n"], agg["t"], agg["m"])


def brand_index(brand_id: int) -> retrieval.BrandIndex:
    """The brand's index, synced and cached in this process."""
    passages_sync_if_stale(brand_id)
    version = _passages_version(brand_id)
    index = retrieval.cached_index(brand_id, version)
    if index is None:
        rows = list(
            Passage.objects.filter(brand_id=brand_id)
            .order_by("pk")
            .values_list("pk", "kind", "object_id", "language", "title", "url", "text", "vector")
        )
        passages = [retrieval.Passage(*row[:7]) for row in rows]
        index = retrieval.build_index(passages, [bytes(row[7]) for row in rows], version=version)
        retrieval.cache_index(brand_id, index)
    return index


def query_vector(text: str):  # noqa: ANN201 - numpy array or None
    try:
        return embeddings.embed_query(text)
    except embeddings.EmbeddingUnavailable:
        return None


def retrieve(*, brand_id: int, question: str, limit: int) -> list[retrieval.Hit]:
    """The brand's passages that best match the question, best first."""
    return brand_index(brand_id).search(question, query_vector(question), limit=limit)
