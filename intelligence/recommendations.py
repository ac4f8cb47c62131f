"""Ideas and campaigns you may like.

Three sources, blended:
- near your interests: ideas closest (cosine) to the mean vector of the ideas
  you voted for or commented on; campaigns whose ideas are closest to those of
  the campaigns you took part in;
- trending: the ranking's own score (ideas), the most ideas (campaigns);
- fresh: a fixed share of the slots (RECOMMENDATIONS_FRESH_SHARE) for ideas
  with few votes and newly opened campaigns, so new things are seen at all.

Never your own ideas, ones you already voted for, or any idea that is not
public; only campaigns open for ideas or votes, and not ones you are already
in. Without stored vectors (model missing, worker down, a new person) the
"near" source is empty and trending fills its slots.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Comment, Idea, Vote
from campaigns.visibility import LISTED_STATUSES, listed_ideas
from core.users import Viewer
from intelligence.embeddings import from_bytes, model_version
from intelligence.index import idea_index
from intelligence.models import IdeaEmbedding

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# A person's taste is read from their latest votes and comments.
PROFILE_INTERACTIONS = 50
# Open campaigns whose ideas are scanned for the home page's ideas, newest first.
CANDIDATE_CAMPAIGNS = 20
# Nearest ideas read per slot: some are the person's own or already voted.
OVERFETCH = 4

NEAR, TRENDING, FRESH = "near", "trending", "fresh"
T = TypeVar("T", Idea, Campaign)


@dataclass(frozen=True)
class Recommendation:
    item: Idea | Campaign
    reason: str  # NEAR, TRENDING or FRESH


def fresh_slots(limit: int) -> int:
    # Half up: 6 slots at 25 % give 2 fresh ones, 4 slots give 1.
    return int(limit * settings.RECOMMENDATIONS_FRESH_SHARE + 0.5)


def blend(
    *, near: Iterable[T], trending: Iterable[T], fresh: Iterable[T], limit: int
) -> list[Recommendation]:
    """Fill fresh_slots(limit) with fresh items and the rest with near, then
    trending ones; no item twice. Fresh items are spread through the list."""
    seen: set[int] = set()

    def take(items: Iterable[T], reason: str, count: int) -> list[Recommendation]:
        taken: list[Recommendation] = []
        for item in items:
            if len(taken) == count:
                break
            if item.pk not in seen:
                seen.add(item.pk)
                taken.append(Recommendation(item, reason))
        return taken

    fresh_list, near_list, trending_list = list(fresh), list(near), list(trending)
    new = take(fresh_list, FRESH, fresh_slots(limit))
    main = take(near_list, NEAR, limit - len(new))
    main += take(trending_list, TRENDING, limit - len(new) - len(main))
    # Fewer near and trending items than slots: fresh ones may fill the rest.
    new += take(fresh_list, FRESH, limit - len(new) - len(main))
    result, total = list(main), len(main) + len(new)
    for i, item in enumerate(new):
        result.insert((i + 1) * total // (len(new) + 1), item)
    return result


def _unit(vectors: Sequence[np.ndarray]) -> np.ndarray | None:
    if not len(vectors):
        return None
    mean = np.mean(np.stack(vectors), axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


def _open_campaigns() -> QuerySet[Campaign]:
    now = timezone.now()
    return Campaign.objects.filter(phase__in=[Campaign.Phase.IDEAS, Campaign.Phase.VOTING]).filter(
        Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    )


def _interest_idea_ids(user: User) -> list[int]:
    voted = Vote.objects.filter(user=user).order_by("-created_at").values_list("idea_id", flat=True)
    commented = Comment.objects.filter(author=user).order_by("-created_at").values_list("idea_id", flat=True)
    return list({*voted[:PROFILE_INTERACTIONS], *commented[:PROFILE_INTERACTIONS]})


def _idea_profile(user: User) -> np.ndarray | None:
    interests = _interest_idea_ids(user)
    if not interests:
        return None
    rows = IdeaEmbedding.objects.filter(idea_id__in=interests, model_version=model_version())
    profile = _unit([from_bytes(v) for v in rows.values_list("vector", flat=True)])
    if profile is None:
        logger.warning("No idea vectors for user %s's interests yet; recommending trending ideas", user.pk)
    return profile


def _nearest_ideas(profile: np.ndarray, campaign_ids: Iterable[int], k: int) -> list[int]:
    scored: list[tuple[float, int]] = []
    for campaign_id in campaign_ids:
        ids, vectors = idea_index().vectors(campaign_id)
        if len(ids):
            similarities = vectors @ profile
            best = np.argsort(-similarities)[:k]
            scored += [(float(similarities[i]), int(ids[i])) for i in best]
    return [idea_id for _, idea_id in sorted(scored, reverse=True)[:k]]


def ideas_you_may_like(
    *, user: Viewer, campaign: Campaign | None = None, limit: int | None = None
) -> list[Recommendation]:
    """Public ideas of open campaigns (or of `campaign`) for this person."""
    limit = limit or settings.RECOMMENDATIONS_COUNT
    base = listed_ideas(Idea.objects.select_related("campaign"))
    base = base.filter(campaign=campaign) if campaign else base.filter(campaign__in=_open_campaigns())
    near: list[Idea] = []
    if user is not None and user.is_authenticated:
        base = base.exclude(author=user).exclude(votes__user=user)
        profile = _idea_profile(user)
        if profile is not None:
            campaign_ids = (
                [campaign.pk]
                if campaign
                else _open_campaigns()
                .order_by("-opens_at")
                .values_list("pk", flat=True)[:CANDIDATE_CAMPAIGNS]
            )
            nearest = _nearest_ideas(profile, campaign_ids, limit * OVERFETCH)
            allowed = base.in_bulk(nearest)
            near = [allowed[i] for i in nearest if i in allowed]
    fresh = base.filter(vote_count__lte=settings.RECOMMENDATIONS_FRESH_MAX_VOTES).order_by(
        "-created_at", "-pk"
    )
    trending = base.order_by("-score", "-pk")
    # Twice the slots of each: some are also "near" and are skipped as seen.
    return blend(near=near, trending=trending[: 2 * limit], fresh=fresh[: 2 * limit], limit=limit)


def _campaign_centroids(campaign_ids: Iterable[int]) -> dict[int, np.ndarray]:
    centroids = {}
    for campaign_id in campaign_ids:
        _, vectors = idea_index().vectors(campaign_id)
        centroid = _unit(list(vectors))
        if centroid is not None:
            centroids[campaign_id] = centroid
    return centroids


def campaigns_you_may_like(*, user: Viewer, limit: int | None = None) -> list[Recommendation]:
    """Open campaigns the person has not taken part in yet."""
    limit = limit or settings.RECOMMENDATIONS_CAMPAIGNS_COUNT
    candidates = _open_campaigns().select_related("brand")
    candidates = candidates.annotate(idea_count=Count("ideas", filter=Q(ideas__status__in=LISTED_STATUSES)))
    near: list[Campaign] = []
    if user is not None and user.is_authenticated:
        joined = set(Idea.objects.filter(author=user).values_list("campaign_id", flat=True))
        joined |= set(Vote.objects.filter(user=user).values_list("idea__campaign_id", flat=True))
        joined |= set(Comment.objects.filter(author=user).values_list("idea__campaign_id", flat=True))
        candidates = candidates.exclude(pk__in=joined)
        profile = _unit(list(_campaign_centroids(joined).values()))
        if profile is not None:
            pool = list(candidates.order_by("-opens_at")[:CANDIDATE_CAMPAIGNS])
            centroids = _campaign_centroids(c.pk for c in pool)
            near = sorted(
                (c for c in pool if c.pk in centroids), key=lambda c: -float(centroids[c.pk] @ profile)
            )
    trending = candidates.order_by("-idea_count", "-opens_at")[: 2 * limit]
    fresh = candidates.order_by("-opens_at", "-pk")[: 2 * limit]
    return blend(near=near, trending=trending, fresh=fresh, limit=limit)
