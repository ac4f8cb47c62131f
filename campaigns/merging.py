"""Merge a duplicate idea into a survivor, and undo it exactly.

A merge moves the duplicate's votes and comments to the survivor. A person who
voted for both keeps one vote on the survivor: their vote on the duplicate is
removed (so it no longer counts against the campaign's vote limit either) and
kept on the IdeaMerge record. The duplicate becomes `merged` with `merged_into`
set, and the site redirects it to the survivor. Counters and trending scores of
both ideas are recomputed from their rows, not adjusted, so they are exact.

An unmerge reads the record and puts back what moved: the votes (minus any
withdrawn since), the removed double votes, the comments and the replies made
to them since, and the duplicate's previous status. Merges undo in reverse
order: a survivor that was itself merged later must be unmerged first.

Only published ideas merge, into a published or adopted one: a merged idea
stays readable, so merging must never make public what a moderator has not
approved (campaigns/visibility.py). Only the brand's moderators, only within
one campaign; each step is audited in
ModerationAction (the existing actions, with the specifics in `detail`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import ranking
from campaigns.models import Comment, Idea, IdeaMerge, ModerationAction, Vote
from campaigns.page_cache import campaign_pages_changed
from campaigns.selectors import user_moderates_brand
from campaigns.visibility import idea_is_listed
from core.exceptions import InvalidTransition, NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def idea_score_from_rows(idea: Idea) -> float:
    """The trending score as if every vote and published comment had been
    counted one by one (campaigns.ranking), from the rows as they are now."""
    score = ranking.score_initial(idea.created_at)
    for at in Vote.objects.filter(idea=idea).values_list("created_at", flat=True):
        score = ranking.score_add(score, ranking.W_VOTE, at)
    published = Comment.objects.filter(idea=idea, status=Comment.Status.PUBLISHED)
    for at in published.values_list("created_at", flat=True):
        score = ranking.score_add(score, ranking.W_COMMENT, at)
    return score


def _recount(idea: Idea, *, extra_fields: tuple[str, ...] = ()) -> None:
    idea.vote_count = Vote.objects.filter(idea=idea).count()
    idea.comment_count = Comment.objects.filter(idea=idea, status=Comment.Status.PUBLISHED).count()
    idea.score = idea_score_from_rows(idea)
    idea.save(update_fields=["vote_count", "comment_count", "score", *extra_fields])
    campaign_pages_changed(idea.campaign_id)


def _lock_pair(first_id: int, second_id: int) -> dict[int, Idea]:
    # Always in primary-key order, so two merges of the same pair cannot deadlock.
    ideas = Idea.objects.select_for_update().select_related("campaign").filter(pk__in=[first_id, second_id])
    return {idea.pk: idea for idea in ideas.order_by("pk")}


def _audit(*, actor: User, idea: Idea, action: str, detail: str) -> None:
    ModerationAction.objects.create(
        actor=actor, brand_id=idea.campaign.brand_id, action=action, idea=idea, detail=detail[:300]
    )


@transaction.atomic
def idea_merge(*, duplicate: Idea, survivor: Idea, actor: User) -> IdeaMerge:
    if duplicate.pk == survivor.pk:
        raise InvalidTransition(_("An idea cannot be merged into itself."))
    locked = _lock_pair(duplicate.pk, survivor.pk)
    duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
    if not user_moderates_brand(actor, duplicate.campaign.brand_id):
        raise NotAllowed()
    if duplicate.campaign_id != survivor.campaign_id:
        raise InvalidTransition(_("Only ideas of the same campaign can be merged."))
    if duplicate.status in (Idea.Status.MERGED, Idea.Status.ADOPTED):
        raise InvalidTransition(_("Merged and adopted ideas cannot be merged again."))
    # A merged idea stays publicly readable (it points to its survivor), so
    # only an idea the public may already read can be merged: a pending,
    # hidden or declined duplicate is moderated instead (campaigns/visibility.py).
    if duplicate.status != Idea.Status.PUBLISHED:
        raise InvalidTransition(
            _("Only published ideas can be merged: “%(title)s” is %(status)s. Approve or decline it instead.")
            % {"title": duplicate.title, "status": duplicate.get_status_display().lower()}
        )
    if not idea_is_listed(survivor):
        raise InvalidTransition(_("An idea can only be merged into a published idea."))

    survivor_voters = set(Vote.objects.filter(idea=survivor).values_list("user_id", flat=True))
    moved_votes, folded_votes = [], []
    for vote in Vote.objects.filter(idea=duplicate).order_by("pk"):
        if vote.user_id in survivor_voters:
            folded_votes.append(vote)
        else:
            moved_votes.append(vote.pk)
    Vote.objects.filter(pk__in=moved_votes).update(idea=survivor)
    Vote.objects.filter(pk__in=[v.pk for v in folded_votes]).delete()
    moved_comments = list(Comment.objects.filter(idea=duplicate).order_by("pk").values_list("pk", flat=True))
    Comment.objects.filter(pk__in=moved_comments).update(idea=survivor)

    record = IdeaMerge.objects.create(
        duplicate=duplicate,
        survivor=survivor,
        actor=actor,
        previous_status=duplicate.status,
        moved_vote_ids=moved_votes,
        folded_votes=[{"user": v.user_id, "created_at": v.created_at.isoformat()} for v in folded_votes],
        moved_comment_ids=moved_comments,
    )
    duplicate.status, duplicate.merged_into = Idea.Status.MERGED, survivor
    _recount(duplicate, extra_fields=("status", "merged_into", "updated_at"))
    _recount(survivor)
    _audit(
        actor=actor,
        idea=duplicate,
        action=ModerationAction.Action.HIDE,
        detail=f"merge: into idea {survivor.pk}; {len(moved_votes)} votes and "
        f"{len(moved_comments)} comments moved, {len(folded_votes)} double votes folded",
    )
    return record


def _with_replies(comment_ids: set[int], idea: Idea) -> set[int]:
    """The comments plus every reply to them (at any depth) now on `idea`."""
    found, frontier = set(comment_ids), set(comment_ids)
    while frontier:
        frontier = set(
            Comment.objects.filter(idea=idea, parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found


@transaction.atomic
def idea_unmerge(*, idea: Idea, actor: User) -> IdeaMerge:
    record = (
        IdeaMerge.objects.select_for_update().filter(duplicate_id=idea.pk, undone_at__isnull=True).first()
    )
    if record is None:
        raise InvalidTransition(_("This idea is not merged."))
    locked = _lock_pair(record.duplicate_id, record.survivor_id)
    duplicate, survivor = locked[record.duplicate_id], locked[record.survivor_id]
    if not user_moderates_brand(actor, duplicate.campaign.brand_id):
        raise NotAllowed()
    if survivor.status == Idea.Status.MERGED:
        raise InvalidTransition(
            _("“%(title)s” was merged into another idea since: unmerge it first.") % {"title": survivor.title}
        )

    # Votes withdrawn since the merge stay withdrawn.
    Vote.objects.filter(pk__in=record.moved_vote_ids, idea=survivor).update(idea=duplicate)
    existing_users = set(
        get_user_model()
        .objects.filter(pk__in=[v["user"] for v in record.folded_votes])
        .values_list("pk", flat=True)
    )
    for folded in record.folded_votes:
        if folded["user"] in existing_users:
            Vote.objects.get_or_create(
                idea=duplicate,
                user_id=folded["user"],
                defaults={"created_at": datetime.fromisoformat(folded["created_at"])},
            )
    still_there = set(
        Comment.objects.filter(pk__in=record.moved_comment_ids, idea=survivor).values_list("pk", flat=True)
    )
    Comment.objects.filter(pk__in=_with_replies(still_there, survivor)).update(idea=duplicate)

    duplicate.status, duplicate.merged_into = record.previous_status, None
    _recount(duplicate, extra_fields=("status", "merged_into", "updated_at"))
    _recount(survivor)
    record.undone_at, record.undone_by = timezone.now(), actor
    record.save(update_fields=["undone_at", "undone_by"])
    _audit(
        actor=actor,
        idea=duplicate,
        action=ModerationAction.Action.APPROVE,
        detail=f"unmerge: out of idea {survivor.pk}; back to {record.previous_status}",
    )
    return record
