"""Querysets scoped to the viewer, one per resource, used as every API view's
get_queryset: what a person may see is decided here and nowhere else.

Everyone sees public rows; a signed-in person also sees their own (pending
ideas, their comments awaiting moderation); a brand's staff see all of their
brand's rows; a superuser sees everything. Rows outside the scope are 404,
never 403, so an id reveals nothing.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from campaigns.models import Campaign, Comment, Idea
from campaigns.selectors import moderated_brand_ids, with_viewer_vote


def _public_idea(prefix: str = "") -> Q:
    """Ideas anyone may open: published, adopted, and merged ones (which point
    to their original), in campaigns that left the draft phase."""
    return Q(**{f"{prefix}status__in": [*Idea.VISIBLE_STATUSES, Idea.Status.MERGED]}) & ~Q(
        **{f"{prefix}campaign__phase": Campaign.Phase.DRAFT}
    )


def viewer_scope(viewer: AbstractBaseUser | None, *, public: Q, brand: str, owner: str | None) -> Q | None:
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


def campaigns_for_viewer(viewer: AbstractBaseUser | None) -> QuerySet[Campaign]:
    scope = viewer_scope(viewer, public=~Q(phase=Campaign.Phase.DRAFT), brand="brand_id", owner=None)
    return scoped(Campaign.objects.select_related("brand"), scope).order_by("-opens_at", "-id")


def ideas_for_viewer(viewer: AbstractBaseUser | None) -> QuerySet[Idea]:
    scope = viewer_scope(viewer, public=_public_idea(), brand="campaign__brand_id", owner="author")
    qs = scoped(Idea.objects.select_related("campaign", "author"), scope)
    return with_viewer_vote(qs, viewer)


def comments_for_viewer(viewer: AbstractBaseUser | None) -> QuerySet[Comment]:
    public = Q(status=Comment.Status.PUBLISHED) & _public_idea("idea__")
    scope = viewer_scope(viewer, public=public, brand="idea__campaign__brand_id", owner="author")
    return scoped(Comment.objects.select_related("idea__campaign", "author"), scope)
