"""Similar ideas for a typed title: "similar ideas already exist, vote for one instead?"

The typed text is embedded in the web process (numpy, no torch; embeddings.py)
and compared with the campaign's idea vectors (index.py) by cosine
similarity, from DUPLICATE_SIMILARITY_THRESHOLD up. Ideas the worker has not
embedded yet (just submitted, or the worker is down) are matched by keyword,
and when the model itself is missing the whole lookup is by keyword, with a
logged warning: the form never breaks because of this check.

Only public ideas (published or adopted) are suggested: they are the ones a
person can vote for instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns.models import Campaign, Idea
from campaigns.visibility import listed_ideas_of
from intelligence.embeddings import EmbeddingUnavailable, embed_query, model_version
from intelligence.index import idea_index
from intelligence.models import IdeaEmbedding

logger = logging.getLogger(__name__)

# Shorter than this, a title says too little to compare ("bag").
QUERY_MIN_CHARS = 5
# The title field's own limit; anything longer is not a title.
QUERY_MAX_CHARS = 140
# Vector hits read per suggestion shown: some hits are hidden or merged ideas,
# which the visibility filter then drops.
OVERFETCH = 4
# Keyword matching: a candidate must contain at least this share of the
# query's significant words, among the most-voted ideas containing any of them.
KEYWORD_MIN_OVERLAP = 0.5
KEYWORD_CANDIDATES = 200
KEYWORD_TERMS_QUERIED = 8
_WORD = re.compile(r"[^\W\d_]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Words too common in product feedback to say two ideas are alike.
_STOPWORDS = frozenset(
    "the and for with that this from your you are was were have has had not but can could would should "
    "will make made more less very much some any all our their its into onto also just than then them "
    "they what when which who how why let please add want need like bag product".split()
)


@dataclass(frozen=True)
class SimilarIdea:
    idea: Idea
    # Cosine similarity for a vector match; None for a keyword match.
    similarity: float | None


@dataclass(frozen=True)
class SimilarIdeas:
    ideas: list[SimilarIdea]
    # "semantic" (vectors, plus keywords for ideas not embedded yet), "keyword"
    # (no model here), or "none" (nothing to compare yet).
    method: str

    def as_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "results": [
                {
                    "id": s.idea.pk,
                    "title": s.idea.title,
                    "url": s.idea.get_absolute_url(),
                    "vote_count": s.idea.vote_count,
                    "similarity": None if s.similarity is None else round(s.similarity, 3),
                }
                for s in self.ideas
            ],
        }


def keyword_terms(text: str) -> set[str]:
    """Significant words (lower-cased, plural -s dropped) and, for Chinese,
    character pairs: enough to match "pocket for phone" with "phone pockets"."""
    terms = set()
    for word in _WORD.findall(text.lower()):
        if _CJK_RUN.fullmatch(word):
            terms |= {word[i : i + 2] for i in range(max(1, len(word) - 1))}
        elif len(word) >= 3 and word not in _STOPWORDS:
            terms.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return terms


def _keyword_matches(candidates: QuerySet[Idea], text: str, limit: int) -> list[SimilarIdea]:
    terms = keyword_terms(text)
    if not terms:
        return []
    queried = sorted(terms, key=len, reverse=True)[:KEYWORD_TERMS_QUERIED]
    contains = reduce(or_, (Q(title__icontains=t) | Q(body__icontains=t) for t in queried))
    scored = []
    for idea in candidates.filter(contains).order_by("-vote_count", "-pk")[:KEYWORD_CANDIDATES]:
        overlap = len(terms & keyword_terms(f"{idea.title} {idea.body}")) / len(terms)
        if overlap >= KEYWORD_MIN_OVERLAP:
            scored.append((overlap, idea.vote_count, idea))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [SimilarIdea(idea, None) for _, _, idea in scored[:limit]]


def similar_ideas(*, campaign: Campaign, text: str, limit: int | None = None) -> SimilarIdeas:
    limit = limit or settings.DUPLICATE_SUGGESTIONS_MAX
    text = text.strip()[:QUERY_MAX_CHARS]
    if len(text) < QUERY_MIN_CHARS:
        return SimilarIdeas([], "none")
    public = listed_ideas_of(campaign)
    try:
        query = embed_query(text)
    except EmbeddingUnavailable as exc:
        logger.warning("Similar ideas by keyword only: %s", exc)
        return SimilarIdeas(_keyword_matches(public, text, limit), "keyword")

    hits = idea_index().search(
        campaign.pk, query, k=limit * OVERFETCH, min_similarity=settings.DUPLICATE_SIMILARITY_THRESHOLD
    )
    by_id = public.in_bulk([idea_id for idea_id, _ in hits])
    found = [SimilarIdea(by_id[i], s) for i, s in hits if i in by_id][:limit]
    if len(found) < limit:
        embedded = IdeaEmbedding.objects.filter(idea=OuterRef("pk"), model_version=model_version())
        found += _keyword_matches(public.filter(~Exists(embedded)), text, limit - len(found))
    return SimilarIdeas(found, "semantic")
