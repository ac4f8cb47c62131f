"""Reads of generation data. Customers only ever see published drafts."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from campaigns.models import Campaign, Comment, Idea
from campaigns.selectors import idea_list_ranked
from campaigns.visibility import public_comments, public_ideas
from generation.drafting.types import CommentInput, DraftingInput, IdeaInput
from generation.models import Draft, DraftSource
from generation.prompts import COMMENTS_PER_STANCE, TOP_THEMES
from intelligence.themes import campaign_top_themes


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
    drafts: list[Draft] = list(
        Draft.objects.filter(campaign=campaign, status=Draft.Status.PUBLISHED)
        .order_by("-published_at", "-pk")
        .prefetch_related(Prefetch("sources", queryset=_credited_sources(), to_attr="credited_sources"))
    )
    for draft in drafts:
        # credited_sources (to_attr above) hold only sources with an idea.
        draft.credits = list(dict.fromkeys(s.idea.author.username for s in draft.credited_sources))  # type: ignore[attr-defined]
    return drafts


def _quotable_comments(ideas: list[Idea]) -> list[Comment]:
    """A few published comments per stance on the chosen ideas, oldest first.
    They are only read under ideas whose authors allowed AI use."""
    comments: list[Comment] = []
    for stance in Comment.Stance.values:
        comments.extend(
            public_comments(Comment.objects.filter(idea__in=ideas, stance=stance, consent_ai=True))
            .select_related("author")
            .order_by("created_at", "id")[:COMMENTS_PER_STANCE]
        )
    return comments


def brand_input(*, campaign: Campaign) -> DraftingInput:
    """What the brand itself says about a campaign, with no community input:
    what a draft's checks rest on when no prompt is built (an edit). No query
    when the campaign's brand is loaded."""
    return DraftingInput(
        campaign_pk=campaign.pk,
        title=campaign.title,
        product_name=campaign.product_name,
        brand_name=campaign.brand.name,
        brief=campaign.brief,
        banned_phrases=campaign.brand.banned_phrases,
        ideas=(),
    )


def drafting_input(*, campaign: Campaign) -> DraftingInput:
    """What a campaign's drafts are written from, as plain data: its top
    ranked ideas whose authors allowed AI use (each with the consenting
    duplicates merged into it), quotable comments on them, its largest themes
    and the brief. Four queries and the themes'."""
    ideas = list(
        idea_list_ranked(campaign=campaign, sort="top").filter(consent_ai=True)[
            : settings.GENERATION_TOP_K_IDEAS
        ]
    )
    duplicates: dict[int, list[Idea]] = {}
    for duplicate in (
        public_ideas(Idea.objects.filter(merged_into__in=ideas, status=Idea.Status.MERGED, consent_ai=True))
        .select_related("author")
        .order_by("-vote_count", "pk")
    ):
        duplicates.setdefault(duplicate.merged_into_id, []).append(duplicate)  # type: ignore[arg-type]
    comments = _quotable_comments(ideas)

    def plain_idea(idea: Idea, rank: int) -> IdeaInput:
        return IdeaInput(
            pk=idea.pk,
            title=idea.title,
            body=idea.body,
            rank=rank,
            vote_count=idea.vote_count,
            duplicates=tuple(plain_idea(d, rank) for d in duplicates.get(idea.pk, ())),
        )

    authors = [i.author.username for i in ideas]
    authors += [d.author.username for ds in duplicates.values() for d in ds]
    authors += [c.author.username for c in comments]
    return replace(
        brand_input(campaign=campaign),
        ideas=tuple(plain_idea(idea, rank) for rank, idea in enumerate(ideas, start=1)),
        comments=tuple(CommentInput(c.pk, c.idea_id, c.body, c.stance) for c in comments),
        themes=tuple(campaign_top_themes(campaign, TOP_THEMES)),
        member_names=frozenset(authors),
    )
