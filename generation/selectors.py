"""Reads of generation data. Customers only ever see published drafts."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from campaigns.models import Campaign

from generation.models import Draft, DraftSource


def _credited_sources() -> QuerySet[DraftSource]:
    """Sources whose idea's author allowed public credit and still has an account."""
    return (
        DraftSource.objects.filter(
            idea__isnull=False, idea__consent_credit=True, idea__author__is_active=True
        )
        .select_related("idea__author")
        .order_by("position")
    )


def draft_list_published(*, campaign: Campaign) -> list[Draft]:
    """Published drafts of a campaign, newest first, each with `credits`: the
    names of the people to thank, in the order their ideas ranked. Two queries."""
    drafts = list(
        Draft.objects.filter(campaign=campaign, status=Draft.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .prefetch_related(Prefetch("sources", queryset=_credited_sources(), to_attr="credited_sources"))
    )
    for draft in drafts:
        draft.credits = list(dict.fromkeys(s.idea.author.username for s in draft.credited_sources))  # type: ignore[attr-defined]
    return drafts
