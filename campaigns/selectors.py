"""Reads: querysets with the annotations each page needs, scoped to the viewer.

A list costs a constant number of queries whatever its length: related rows
come by select_related, the viewer's own votes by one Exists() annotation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value

from campaigns.models import Brand, BrandMembership, Campaign, Comment, Idea, Vote
from campaigns.visibility import idea_is_public, listed_ideas_of, public_comment_q
from core.users import Viewer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SORTS = {
    "trending": ("-score", "-id"),
    "top": ("-vote_count", "-created_at", "-id"),
    "new": ("-created_at", "-id"),
}
DEFAULT_SORT = "trending"


def moderated_brand_ids(user: Viewer) -> list[int] | None:
    """Brands the user moderates; None means every brand (superuser)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    return list(BrandMembership.objects.filter(user=user).values_list("brand_id", flat=True))


def owned_brand_ids(user: Viewer) -> list[int] | None:
    """Brands the user owns; None means every brand (superuser)."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return None
    memberships = BrandMembership.objects.filter(user=user, role=BrandMembership.Role.OWNER)
    return list(memberships.values_list("brand_id", flat=True))


def user_owns_brand(viewer: Viewer, brand_id: int) -> bool:
    """Whether the viewer may change the brand's own settings (an owner, a superuser)."""
    ids = owned_brand_ids(viewer)
    return ids is None or brand_id in ids


def brands_for_staff(user: Viewer) -> QuerySet[Brand]:
    ids = moderated_brand_ids(user)
    qs = Brand.objects.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def campaign_list_public() -> QuerySet[Campaign]:
    return (
        Campaign.objects.exclude(phase=Campaign.Phase.DRAFT)
        .select_related("brand")
        .order_by("phase", "-opens_at")
    )


def campaign_list_open() -> QuerySet[Campaign]:
    return campaign_list_public().filter(
        phase__in=[Campaign.Phase.IDEAS, Campaign.Phase.VOTING, Campaign.Phase.REVIEW]
    )


def campaign_get_visible(*, slug: str, viewer: Viewer) -> Campaign | None:
    campaign = Campaign.objects.select_related("brand").filter(slug=slug).first()
    if campaign is None:
        return None
    if campaign.phase == Campaign.Phase.DRAFT and not user_moderates_brand(viewer, campaign.brand_id):
        return None
    return campaign


def user_moderates_brand(viewer: Viewer, brand_id: int) -> bool:
    """Whether the viewer may see everything of the brand (its staff, a superuser)."""
    ids = moderated_brand_ids(viewer)
    return ids is None or brand_id in ids


def with_viewer_vote(qs: QuerySet[Idea], viewer: Viewer) -> QuerySet[Idea]:
    if viewer is None or not viewer.is_authenticated:
        return qs.annotate(has_voted=Value(False, output_field=BooleanField()))
    return qs.annotate(has_voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), user=viewer)))


def idea_list_ranked(
    *, campaign: Campaign, sort: str = DEFAULT_SORT, viewer: Viewer = None
) -> QuerySet[Idea]:
    """Published and adopted ideas of a campaign, ranked; unknown sorts fall back."""
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    qs = listed_ideas_of(campaign).select_related("author").order_by(*order)
    return with_viewer_vote(qs, viewer)


def idea_list_own_pending(*, campaign: Campaign, viewer: Viewer) -> QuerySet[Idea]:
    if viewer is None or not viewer.is_authenticated:
        return Idea.objects.none()
    return Idea.objects.filter(campaign=campaign, author=viewer, status=Idea.Status.PENDING).order_by(
        "-created_at"
    )


def idea_get_visible(*, pk: int, viewer: Viewer) -> Idea | None:
    """An idea if the viewer may see it: public ones to all; pending, hidden and
    declined ones to their author and the brand's moderators only."""
    qs = with_viewer_vote(Idea.objects.select_related("campaign__brand", "author", "merged_into"), viewer)
    idea = qs.filter(pk=pk).first()
    if idea is None:
        return None
    if idea_is_public(idea):
        return idea
    if viewer is not None and viewer.is_authenticated and idea.author_id == viewer.pk:
        return idea
    if user_moderates_brand(viewer, idea.campaign.brand_id):
        return idea
    return None


def comment_tree(*, idea: Idea, viewer: Viewer) -> list[dict[str, Any]]:
    """Threaded comments in one query: [{"comment": c, "replies": [...]}, ...].

    Viewers see published comments, plus their own pending ones; moderators see
    everything. A reply whose parent is not visible is not shown.
    """
    qs = Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "id")
    if not user_moderates_brand(viewer, idea.campaign.brand_id):
        visible = public_comment_q()
        if viewer is not None and viewer.is_authenticated:
            visible |= Q(author=viewer, status=Comment.Status.PENDING)
        qs = qs.filter(visible)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for comment in qs:
        node = {"comment": comment, "replies": []}
        nodes[comment.pk] = node
        if comment.parent_id is None:
            roots.append(node)
        elif comment.parent_id in nodes:
            nodes[comment.parent_id]["replies"].append(node)
    return roots


def user_contributions(*, user: User) -> dict[str, QuerySet[Any]]:
    return {
        "ideas": Idea.objects.filter(author=user).select_related("campaign").order_by("-created_at"),
        "comments": Comment.objects.filter(author=user)
        .select_related("idea__campaign")
        .order_by("-created_at"),
        "votes": Vote.objects.filter(user=user).select_related("idea__campaign").order_by("-created_at"),
    }
