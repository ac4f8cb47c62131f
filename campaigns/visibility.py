"""Whether an idea or a comment is publicly readable: the one rule.

Every surface that shows community text to someone who is not its author or
the brand's staff (site pages, the API's public scope, similar ideas,
recommendations, themes, digests, generation prompts) filters with these
functions and nothing else, so a new status or transition is decided here once.

- An idea is public when its campaign has left the draft phase and a
  moderator (or the campaign's "publish at once" policy) approved it and
  nothing took that back: status published or adopted. A merged idea stays
  readable (its page points to the survivor) only if it was public when it
  was merged, read from its active IdeaMerge's previous_status. Merging
  refuses anything else (campaigns/merging.py); the record check also covers
  merges made before that refusal existed.
- Lists (rankings, suggestions, digests, prompts) show *listed* ideas: public
  and not merged, since a merged idea's votes and comments live on its survivor.
- A comment is public when it is published and its idea is public.

Authors and brand staff see more than this; the callers' scopes add that.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from campaigns.models import Campaign, Comment, Idea, IdeaMerge

# Statuses that mean "approved and current": the partial list indexes in
# campaigns/models.py carry exactly this condition.
LISTED_STATUSES = Idea.VISIBLE_STATUSES


def _merged_while_public(prefix: str) -> Q:
    was_public = IdeaMerge.objects.filter(
        duplicate=OuterRef(f"{prefix}pk"), undone_at__isnull=True, previous_status__in=LISTED_STATUSES
    )
    return Q(**{f"{prefix}status": Idea.Status.MERGED}) & Q(Exists(was_public))


def idea_status_public_q(prefix: str = "") -> Q:
    """The status half of the rule, for a caller that already knows the
    campaign is public (it keeps the campaign's columns out of the query)."""
    return Q(**{f"{prefix}status__in": LISTED_STATUSES}) | _merged_while_public(prefix)


def public_idea_q(prefix: str = "") -> Q:
    """Ideas anyone may read; `prefix` reaches them through a relation ("idea__")."""
    return idea_status_public_q(prefix) & ~Q(**{f"{prefix}campaign__phase": Campaign.Phase.DRAFT})


def listed_idea_q(prefix: str = "") -> Q:
    """Public ideas that appear in lists: not merged."""
    return Q(**{f"{prefix}status__in": LISTED_STATUSES}) & ~Q(
        **{f"{prefix}campaign__phase": Campaign.Phase.DRAFT}
    )


def public_comment_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Comment.Status.PUBLISHED}) & public_idea_q(f"{prefix}idea__")


def public_ideas(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    return qs.filter(public_idea_q())


def listed_ideas(qs: QuerySet[Idea]) -> QuerySet[Idea]:
    return qs.filter(listed_idea_q())


def listed_ideas_of(campaign: Campaign, qs: QuerySet[Idea] | None = None) -> QuerySet[Idea]:
    """A known campaign's listed ideas, with the WHERE the partial indexes match
    (`campaign_id = %s AND status IN LISTED_STATUSES`, no join)."""
    qs = Idea.objects.all() if qs is None else qs
    if not campaign.is_public:
        return qs.none()
    return qs.filter(campaign=campaign, status__in=LISTED_STATUSES)


def public_comments(qs: QuerySet[Comment]) -> QuerySet[Comment]:
    return qs.filter(public_comment_q())


def idea_is_public(idea: Idea) -> bool:
    if not idea.campaign.is_public:
        return False
    if idea.status in LISTED_STATUSES:
        return True
    return idea.status == Idea.Status.MERGED and public_ideas(Idea.objects.filter(pk=idea.pk)).exists()


def idea_is_listed(idea: Idea) -> bool:
    return idea.campaign.is_public and idea.status in LISTED_STATUSES


def comment_is_public(comment: Comment) -> bool:
    return comment.status == Comment.Status.PUBLISHED and idea_is_public(comment.idea)
