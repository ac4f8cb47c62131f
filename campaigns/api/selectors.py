"""Querysets scoped to the viewer, one per resource, used as every API view's
get_queryset: what a person may see is decided here and nowhere else.

Everyone sees public rows; a signed-in person also sees their own (pending
ideas, their comments awaiting moderation); a brand's staff see all of their
brand's rows; a superuser sees everything. Rows outside the scope are 404,
never 403, so an id reveals nothing.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from campaigns.models import Campaign, Comment, Idea
from campaigns.selectors import moderated_brand_ids, user_moderates_brand, with_viewer_vote
from campaigns.visibility import idea_status_public_q, public_comment_q, public_idea_q
from core.users import Viewer


def viewer_scope(viewer: Viewer, *, public: Q, brand: str, owner: str | None) -> Q | None:
    """Public rows, the viewer's own and their brands'; None means no limit."""
    if viewer is None or not viewer.is_authenticated:
        return public
    brand_ids = moderated_brand_ids(viewer)
    if brand_ids is None:
        return None
    scope = public | Q(**{f"{brand}__in": brand_ids})
    if owner is not None:
        scope |= Q(**{owner: viewer})
    return scope


def scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    return qs if scope is None else qs.filter(scope)


def campaigns_for_viewer(viewer: Viewer) -> QuerySet[Campaign]:
    scope = viewer_scope(viewer, public=~Q(phase=Campaign.Phase.DRAFT), brand="brand_id", owner=None)
    return scoped(Campaign.objects.select_related("brand"), scope).order_by("-opens_at", "-id")


def ideas_for_viewer(viewer: Viewer, *, campaign_slug: str | None = None) -> QuerySet[Idea]:
    """Ideas the viewer may see; with `campaign_slug`, only that campaign's."""
    qs = Idea.objects.select_related("campaign", "author")
    if campaign_slug is None:
        scope = viewer_scope(viewer, public=public_idea_q(), brand="campaign__brand_id", owner="author")
        return with_viewer_vote(scoped(qs, scope), viewer)
    campaign = Campaign.objects.filter(slug=campaign_slug).first()
    if campaign is None:
        return with_viewer_vote(Idea.objects.none(), viewer)
    qs = scoped(qs.filter(campaign_id=campaign.pk), _idea_scope_in(campaign, viewer))
    return with_viewer_vote(qs, viewer)


def _idea_scope_in(campaign: Campaign, viewer: Viewer) -> Q | None:
    """viewer_scope's ideas of one campaign, its phase and brand known: the same
    rows, with no condition on the campaign's columns left for the database.

    A join condition on the campaign (phase, brand) keeps PostgreSQL from
    walking the campaign's partial index in the list's order: it sorted the
    whole campaign instead, 0.75-3 s at 1M ideas (BENCHMARKS.md, "Ranking at
    scale"). Without it the public list's WHERE is `campaign_id = %s AND (status
    IN LISTED_STATUSES OR <merged while public>)`, the indexes' own predicate
    as one branch.
    """
    if user_moderates_brand(viewer, campaign.brand_id):
        return None
    own = Q(author=viewer) if viewer is not None and viewer.is_authenticated else None
    if campaign.phase == Campaign.Phase.DRAFT:
        return own if own is not None else Q(pk__in=[])
    public = idea_status_public_q()
    return public if own is None else public | own


def comments_for_viewer(viewer: Viewer) -> QuerySet[Comment]:
    public = public_comment_q()
    scope = viewer_scope(viewer, public=public, brand="idea__campaign__brand_id", owner="author")
    return scoped(Comment.objects.select_related("idea__campaign", "author"), scope)
