"""Viewer-scoped querysets of the drafting API (see campaigns/api/selectors.py).

Generation requests are brand staff's alone. Drafts: everyone sees published
ones (of campaigns past the draft phase); a brand's staff see all of theirs,
in every status.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from campaigns.api.selectors import scoped, viewer_scope
from campaigns.models import Campaign
from core.users import Viewer
from generation.models import Draft, DraftSentence, DraftSentenceSource, DraftSource, GenerationRequest


def generation_requests_for_viewer(viewer: Viewer) -> QuerySet[GenerationRequest]:
    scope = viewer_scope(viewer, public=Q(pk__in=[]), brand="campaign__brand_id", owner=None)
    return (
        scoped(GenerationRequest.objects.select_related("campaign"), scope)
        .prefetch_related(Prefetch("drafts", queryset=Draft.objects.only("pk", "request_id").order_by("pk")))
        .order_by("-created_at", "-pk")
    )


def drafts_for_viewer(viewer: Viewer) -> QuerySet[Draft]:
    public = Q(status=Draft.Status.PUBLISHED) & ~Q(campaign__phase=Campaign.Phase.DRAFT)
    scope = viewer_scope(viewer, public=public, brand="campaign__brand_id", owner=None)
    # Newest request first; its variants best first (services rank them), each
    # edit after the text it replaced.
    return scoped(Draft.objects.select_related("campaign"), scope).order_by(
        "-request_id", "rank", "version", "pk"
    )


def draft_with_sources(queryset: QuerySet[Draft]) -> QuerySet[Draft]:
    """Drafts with their sources (idea or comment, and its author), and their
    sentences with theirs: three more queries."""
    sources = DraftSource.objects.select_related("idea__author", "comment__author").order_by("position")
    sentence_sources = DraftSentenceSource.objects.select_related("idea__author", "comment__author").order_by(
        "position"
    )
    sentences = DraftSentence.objects.order_by("position").prefetch_related(
        Prefetch("sources", queryset=sentence_sources)
    )
    return queryset.prefetch_related(
        Prefetch("sources", queryset=sources), Prefetch("sentences", queryset=sentences)
    )
