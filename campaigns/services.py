"""Every write to community data. Site views, admin actions, API views and tasks
call these functions, so the rules (phases, blocks, moderation, counters) live
in one place. Each one is atomic."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import events, ranking
from campaigns.events import Notice
from campaigns.models import (
    Brand,
    BrandBlock,
    Campaign,
    Comment,
    Idea,
    ModerationAction,
    Report,
    TrustedAuthor,
    Vote,
)
from campaigns.page_cache import campaign_pages_changed
from campaigns.selectors import user_moderates_brand, user_owns_brand
from campaigns.visibility import LISTED_STATUSES, idea_is_listed
from core.exceptions import (
    AlreadyReported,
    AlreadyVoted,
    Blocked,
    InvalidTransition,
    NotAllowed,
    NotFound,
    NotVoted,
    PhaseClosed,
    VoteLimitReached,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- permissions (cheap checks shared by every interface) -----------------------


def _check_not_blocked(user: User, brand_id: int) -> None:
    if BrandBlock.objects.filter(brand_id=brand_id, user=user).exists():
        raise Blocked()


def _needs_premoderation(campaign: Campaign, author: User) -> bool:
    policy = campaign.moderation_policy
    if policy == Campaign.ModerationPolicy.NONE:
        return False
    if user_moderates_brand(author, campaign.brand_id):
        return False
    if policy == Campaign.ModerationPolicy.ALL:
        return True
    # New-users policy: someone the brand trusts, or who already has published
    # content in this brand, skips the queue.
    if TrustedAuthor.objects.filter(brand_id=campaign.brand_id, user=author).exists():
        return False
    return not (
        Idea.objects.filter(
            campaign__brand_id=campaign.brand_id,
            author=author,
            status__in=LISTED_STATUSES,
        ).exists()
        or Comment.objects.filter(
            idea__campaign__brand_id=campaign.brand_id,
            author=author,
            status=Comment.Status.PUBLISHED,
        ).exists()
    )


# --- ideas -------------------------------------------------------------------------


@transaction.atomic
def idea_submit(
    *,
    campaign: Campaign,
    author: User,
    title: str,
    body: str,
    consent_quote: bool = False,
    consent_ai: bool = False,
    consent_credit: bool = False,
) -> Idea:
    if not campaign.accepts_ideas:
        raise PhaseClosed(_("This campaign is not collecting ideas right now."))
    _check_not_blocked(author, campaign.brand_id)
    now = timezone.now()
    pending = _needs_premoderation(campaign, author)
    idea = Idea(
        campaign=campaign,
        author=author,
        title=title.strip(),
        body=body.strip(),
        consent_quote=consent_quote,
        consent_ai=consent_ai,
        consent_credit=consent_credit,
        status=Idea.Status.PENDING if pending else Idea.Status.PUBLISHED,
        created_at=now,
        score=ranking.score_initial(now),
    )
    idea.full_clean(exclude=["campaign", "author"])
    idea.save()
    campaign_pages_changed(campaign.pk)
    events.idea_submitted.emit(idea=idea)
    return idea


@transaction.atomic
def idea_update(*, idea: Idea, user: User, title: str, body: str) -> Idea:
    """Authors may edit their idea while it waits for moderation."""
    if idea.author_id != user.pk:
        raise NotAllowed()
    if idea.status != Idea.Status.PENDING:
        raise NotAllowed(_("Only ideas awaiting moderation can be edited."))
    idea.title, idea.body = title.strip(), body.strip()
    idea.full_clean(exclude=["campaign", "author"])
    idea.save(update_fields=["title", "body", "updated_at"])
    campaign_pages_changed(idea.campaign_id)
    events.idea_updated.emit(idea=idea)
    return idea


# What each of ModerationAction.CONTENT_ACTIONS does to the content's status.
_IDEA_TARGET_STATUS: dict[str, Idea.Status] = {
    ModerationAction.Action.APPROVE: Idea.Status.PUBLISHED,
    ModerationAction.Action.APPROVE_TRUST: Idea.Status.PUBLISHED,
    ModerationAction.Action.HIDE: Idea.Status.HIDDEN,
    ModerationAction.Action.DECLINE: Idea.Status.DECLINED,
    ModerationAction.Action.DECLINE_BLOCK: Idea.Status.DECLINED,
}
_COMMENT_TARGET_STATUS: dict[str, Comment.Status] = {
    ModerationAction.Action.APPROVE: Comment.Status.PUBLISHED,
    ModerationAction.Action.APPROVE_TRUST: Comment.Status.PUBLISHED,
    ModerationAction.Action.HIDE: Comment.Status.HIDDEN,
    ModerationAction.Action.DECLINE: Comment.Status.DECLINED,
    ModerationAction.Action.DECLINE_BLOCK: Comment.Status.DECLINED,
}


def _apply_author_consequence(*, action: str, brand: Brand, author: User, actor: User, reason: str) -> None:
    if action == ModerationAction.Action.APPROVE_TRUST:
        TrustedAuthor.objects.get_or_create(brand=brand, user=author)
    elif action == ModerationAction.Action.DECLINE_BLOCK:
        BrandBlock.objects.get_or_create(
            brand=brand, user=author, defaults={"created_by": actor, "reason": reason[:200]}
        )


def _resolve_reports(*, actor: User | None, idea: Idea | None = None, comment: Comment | None = None) -> None:
    Report.objects.filter(idea=idea, comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def idea_moderate(*, idea: Idea, actor: User, action: str, reason: str = "") -> Idea:
    """Approve, approve-and-trust, hide, decline or decline-and-block an idea."""
    if action not in _IDEA_TARGET_STATUS:
        raise InvalidTransition()
    idea = Idea.objects.select_for_update().select_related("campaign").get(pk=idea.pk)
    brand = idea.campaign.brand
    if not user_moderates_brand(actor, brand.pk):
        raise NotAllowed()
    if idea.status in (Idea.Status.MERGED, Idea.Status.ADOPTED):
        raise InvalidTransition(_("Merged and adopted ideas cannot be moderated."))
    new_status = _IDEA_TARGET_STATUS[action]
    old_status = idea.status
    idea.status = new_status
    idea.save(update_fields=["status", "updated_at"])
    campaign_pages_changed(idea.campaign_id)
    _apply_author_consequence(action=action, brand=brand, author=idea.author, actor=actor, reason=reason)
    _resolve_reports(actor=actor, idea=idea)
    ModerationAction.objects.create(actor=actor, brand=brand, action=action, idea=idea, detail=reason[:300])
    if old_status != new_status:
        kind = {
            Idea.Status.PUBLISHED: Notice.IDEA_PUBLISHED,
            Idea.Status.DECLINED: Notice.IDEA_DECLINED,
            Idea.Status.HIDDEN: Notice.CONTENT_HIDDEN,
        }[new_status]
        _tell(user_id=idea.author_id, kind=kind, idea=idea, message=reason, url=idea.get_absolute_url())
    return idea


@transaction.atomic
def ideas_adopt(
    *, ideas: Iterable[Idea], message: str, url: str, tell_authors_of: Collection[int] | None = None
) -> list[int]:
    """Mark ideas as adopted (their input shaped a published text) and tell their
    authors in-app and by e-mail; only of the ideas in `tell_authors_of` when
    given (the authors who allowed credit). Returns the ids that changed."""
    adopted: list[int] = []
    for idea in Idea.objects.select_for_update().filter(
        pk__in=[i.pk for i in ideas], status=Idea.Status.PUBLISHED
    ):
        idea.status = Idea.Status.ADOPTED
        idea.save(update_fields=["status", "updated_at"])
        campaign_pages_changed(idea.campaign_id)
        adopted.append(idea.pk)
        if tell_authors_of is not None and idea.pk not in tell_authors_of:
            continue
        _tell(
            user_id=idea.author_id,
            kind=Notice.IDEA_ADOPTED,
            idea=idea,
            message=message,
            url=url,
            email=True,
        )
    events.ideas_adopted.emit(idea_ids=adopted)
    return adopted


@transaction.atomic
def comment_moderate(*, comment: Comment, actor: User, action: str, reason: str = "") -> Comment:
    if action not in _COMMENT_TARGET_STATUS:
        raise InvalidTransition()
    comment = Comment.objects.select_for_update().select_related("idea__campaign__brand").get(pk=comment.pk)
    brand = comment.idea.campaign.brand
    if not user_moderates_brand(actor, brand.pk):
        raise NotAllowed()
    was_published = comment.status == Comment.Status.PUBLISHED
    comment.status = _COMMENT_TARGET_STATUS[action]
    comment.save(update_fields=["status"])
    _comment_count_changed(comment, was_published=was_published)
    _apply_author_consequence(action=action, brand=brand, author=comment.author, actor=actor, reason=reason)
    _resolve_reports(actor=actor, comment=comment)
    ModerationAction.objects.create(
        actor=actor, brand=brand, action=action, comment=comment, idea=comment.idea, detail=reason[:300]
    )
    if was_published and comment.status != Comment.Status.PUBLISHED:
        _tell(
            user_id=comment.author_id,
            kind=Notice.CONTENT_HIDDEN,
            comment=comment,
            idea=comment.idea,
            message=reason,
            url=comment.idea.get_absolute_url(),
        )
    return comment


def _tell(
    *,
    user_id: int,
    kind: str,
    idea: Idea | None = None,
    comment: Comment | None = None,
    message: str = "",
    url: str = "",
    email: bool = False,
) -> None:
    events.person_told.emit(
        user_id=user_id, kind=kind, idea=idea, comment=comment, message=message, url=url, email=email
    )


def _comment_count_changed(comment: Comment, *, was_published: bool) -> None:
    """Keep Idea.comment_count and the trending score in step with published comments."""
    is_published = comment.status == Comment.Status.PUBLISHED
    if was_published == is_published:
        return
    idea = Idea.objects.select_for_update().get(pk=comment.idea_id)
    if is_published:
        idea.comment_count = F("comment_count") + 1
        idea.score = ranking.score_add(idea.score, ranking.W_COMMENT, comment.created_at)
    else:
        idea.comment_count = F("comment_count") - 1
        idea.score = ranking.score_remove(
            idea.score, ranking.W_COMMENT, comment.created_at, floor=ranking.score_initial(idea.created_at)
        )
    idea.save(update_fields=["comment_count", "score"])
    campaign_pages_changed(idea.campaign_id)


# --- votes ---------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, idea: Idea, user: User) -> Vote:
    # The row lock serialises votes on one idea so the counter and score stay
    # exact; the unique constraint is the guard if anything slips past.
    idea = Idea.objects.select_for_update().select_related("campaign").get(pk=idea.pk)
    campaign = idea.campaign
    if not idea_is_listed(idea):
        raise NotFound(_("This idea is not open for votes."))
    if not campaign.accepts_votes:
        raise PhaseClosed(_("Voting is closed for this campaign."))
    _check_not_blocked(user, campaign.brand_id)
    if Vote.objects.filter(idea=idea, user=user).exists():
        raise AlreadyVoted()
    if campaign.vote_limit is not None:
        used = Vote.objects.filter(user=user, idea__campaign=campaign).count()
        if used >= campaign.vote_limit:
            raise VoteLimitReached(
                _("You have used all %(limit)s of your votes in this campaign. Withdraw one to vote again.")
                % {"limit": campaign.vote_limit}
            )
    now = timezone.now()
    try:
        with transaction.atomic():
            vote = Vote.objects.create(idea=idea, user=user, created_at=now)
    except IntegrityError as exc:
        raise AlreadyVoted() from exc
    idea.vote_count += 1
    idea.score = ranking.score_add(idea.score, ranking.W_VOTE, now)
    idea.save(update_fields=["vote_count", "score"])
    campaign_pages_changed(campaign.pk)
    events.vote_cast.emit(vote=vote)
    return vote


@transaction.atomic
def vote_withdraw(*, idea: Idea, user: User) -> None:
    idea = Idea.objects.select_for_update().select_related("campaign").get(pk=idea.pk)
    if not idea.campaign.accepts_votes:
        raise PhaseClosed(_("Voting is closed for this campaign."))
    vote = Vote.objects.filter(idea=idea, user=user).first()
    if vote is None:
        raise NotVoted()
    vote.delete()
    idea.vote_count -= 1
    idea.score = ranking.score_remove(
        idea.score, ranking.W_VOTE, vote.created_at, floor=ranking.score_initial(idea.created_at)
    )
    idea.save(update_fields=["vote_count", "score"])
    campaign_pages_changed(idea.campaign_id)


# --- comments --------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *,
    idea: Idea,
    author: User,
    body: str,
    stance: str = Comment.Stance.NEUTRAL,
    parent: Comment | None = None,
    consent_ai: bool = False,
) -> Comment:
    campaign = idea.campaign
    if not idea_is_listed(idea):
        raise NotFound(_("This idea is not open for comments."))
    if not campaign.accepts_comments:
        raise PhaseClosed(_("Comments are closed for this campaign."))
    _check_not_blocked(author, campaign.brand_id)
    depth = 0
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise NotAllowed(_("You can only reply to a comment on the same idea."))
        if parent.status != Comment.Status.PUBLISHED:
            raise NotFound(_("That comment is no longer available."))
        # Past the maximum depth, a reply joins its parent's thread level.
        if parent.depth + 1 > settings.COMMENT_MAX_DEPTH and parent.parent_id:
            parent = Comment.objects.get(pk=parent.parent_id)
        depth = parent.depth + 1
    status = Comment.Status.PENDING if _needs_premoderation(campaign, author) else Comment.Status.PUBLISHED
    comment = Comment(
        idea=idea,
        author=author,
        parent=parent,
        depth=depth,
        body=body.strip(),
        stance=stance,
        status=status,
        consent_ai=consent_ai,
    )
    comment.full_clean(exclude=["idea", "author", "parent"])
    comment.save()
    _comment_count_changed(comment, was_published=False)
    if status == Comment.Status.PUBLISHED:
        _notify_comment(comment)
    events.comment_added.emit(comment=comment)
    return comment


def _notify_comment(comment: Comment) -> None:
    idea = comment.idea
    url = comment.get_absolute_url()
    notified = {comment.author_id}
    parent = comment.parent
    if parent is not None and parent.author_id not in notified:
        _tell(
            user_id=parent.author_id,
            kind=Notice.NEW_REPLY,
            idea=idea,
            comment=comment,
            url=url,
        )
        notified.add(parent.author_id)
    if idea.author_id not in notified:
        _tell(user_id=idea.author_id, kind=Notice.NEW_COMMENT, idea=idea, comment=comment, url=url)


# --- reports ------------------------------------------------------------------------------


@transaction.atomic
def report_file(
    *,
    reporter: User,
    reason: str,
    note: str = "",
    idea: Idea | None = None,
    comment: Comment | None = None,
) -> Report:
    if (idea is None) == (comment is None):
        raise ValueError("report_file needs exactly one of idea or comment")
    target_idea = _idea_of(idea=idea, comment=comment)
    brand_id = target_idea.campaign.brand_id
    if reason not in Report.Reason.values:
        raise NotAllowed(_("Choose a reason for the report."))
    report = Report(
        reporter=reporter, idea=idea, comment=comment, brand_id=brand_id, reason=reason, note=note.strip()
    )
    report.full_clean(exclude=["reporter", "idea", "comment", "brand"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise AlreadyReported() from exc
    open_reporters = (
        Report.objects.filter(idea=idea, comment=comment, resolved_at__isnull=True)
        .values("reporter")
        .distinct()
        .count()
    )
    if open_reporters >= settings.REPORT_AUTOHIDE_THRESHOLD:
        _auto_hide(idea=idea, comment=comment, brand_id=brand_id)
    return report


def _idea_of(*, idea: Idea | None, comment: Comment | None) -> Idea:
    """The idea a report or a decision is about: the idea, or the comment's idea."""
    if idea is not None:
        return idea
    if comment is None:
        raise ValueError("needs one of idea or comment")
    return comment.idea


def _auto_hide(*, idea: Idea | None, comment: Comment | None, brand_id: int) -> None:
    if idea is not None:
        updated = Idea.objects.filter(pk=idea.pk, status=Idea.Status.PUBLISHED).update(
            status=Idea.Status.HIDDEN
        )
        campaign_pages_changed(idea.campaign_id)
        author_id, url = idea.author_id, idea.get_absolute_url()
    else:
        assert comment is not None
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        updated = 0
        if locked.status == Comment.Status.PUBLISHED:
            locked.status = Comment.Status.HIDDEN
            locked.save(update_fields=["status"])
            _comment_count_changed(locked, was_published=True)
            updated = 1
        author_id, url = comment.author_id, comment.idea.get_absolute_url()
    if updated:
        ModerationAction.objects.create(
            actor=None,
            brand_id=brand_id,
            action=ModerationAction.Action.AUTO_HIDE,
            idea=_idea_of(idea=idea, comment=comment),
            comment=comment,
            detail=_("Hidden after %(n)s reports") % {"n": settings.REPORT_AUTOHIDE_THRESHOLD},
        )
        _tell(user_id=author_id, kind=Notice.CONTENT_HIDDEN, idea=idea, comment=comment, url=url)


@transaction.atomic
def reports_dismiss(*, reports: Iterable[Report], actor: User) -> int:
    """Close reports without acting on the content. Content that the reports
    hid automatically is published again once no open report is left on it."""
    count = 0
    for report in reports:
        if not user_moderates_brand(actor, report.brand_id) or report.resolved_at is not None:
            continue
        report.resolved_at, report.resolved_by = timezone.now(), actor
        report.save(update_fields=["resolved_at", "resolved_by"])
        ModerationAction.objects.create(
            actor=actor,
            brand_id=report.brand_id,
            action=ModerationAction.Action.DISMISS_REPORTS,
            idea=_idea_of(idea=report.idea, comment=report.comment),
            comment=report.comment,
        )
        _restore_if_auto_hidden(idea=report.idea, comment=report.comment)
        count += 1
    return count


def _restore_if_auto_hidden(*, idea: Idea | None, comment: Comment | None) -> None:
    if Report.objects.filter(idea=idea, comment=comment, resolved_at__isnull=True).exists():
        return
    # Only an automatic hide is undone; a moderator's own decision stands.
    # A comment's decisions by the comment alone: a merge moves it to another
    # idea, and a moderator's hide recorded there must still count.
    decisions = (
        ModerationAction.objects.filter(idea=idea, comment__isnull=True)
        if comment is None
        else ModerationAction.objects.filter(comment=comment)
    )
    last_decision = (
        decisions.exclude(action=ModerationAction.Action.DISMISS_REPORTS)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last_decision is None or last_decision.action != ModerationAction.Action.AUTO_HIDE:
        return
    if comment is None:
        assert idea is not None
        Idea.objects.filter(pk=idea.pk, status=Idea.Status.HIDDEN).update(status=Idea.Status.PUBLISHED)
        campaign_pages_changed(idea.campaign_id)
        return
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.status == Comment.Status.HIDDEN:
        locked.status = Comment.Status.PUBLISHED
        locked.save(update_fields=["status"])
        _comment_count_changed(locked, was_published=False)


# --- brands and campaigns ------------------------------------------------------------------


def _only(fields: dict[str, Any], allowed: tuple[str, ...], service: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"{service} cannot set {sorted(unknown)}")


# A brand's own settings; its staff are BrandMemberships.
BRAND_EDITABLE_FIELDS = ("name", "slug", "description", "banned_phrases")


@transaction.atomic
def brand_create(*, actor: User, **fields: Any) -> Brand:
    """Brands are opened by a superuser, who then names their owners."""
    if not actor.is_superuser:
        raise NotAllowed()
    _only(fields, BRAND_EDITABLE_FIELDS, "brand_create")
    brand = Brand(**fields)
    brand.full_clean()
    brand.save()
    return brand


@transaction.atomic
def brand_update(*, brand: Brand, actor: User, **fields: Any) -> Brand:
    """Owners (and superusers) change their brand; its moderators only read it."""
    if not user_owns_brand(actor, brand.pk):
        raise NotAllowed()
    _only(fields, BRAND_EDITABLE_FIELDS, "brand_update")
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    for name, value in fields.items():
        setattr(brand, name, value)
    brand.full_clean()
    brand.save(update_fields=list(fields))
    # Every campaign page shows the brand's name: anonymous copies are stale.
    for campaign_id in Campaign.objects.filter(brand=brand).values_list("pk", flat=True):
        campaign_pages_changed(campaign_id)
    return brand


# What a merchant may set on an existing campaign; the phase moves through
# campaign_set_phase (audited) and the brand never changes. The admin and the
# API both build their forms from these.
CAMPAIGN_EDITABLE_FIELDS = (
    "title",
    "slug",
    "brief",
    "product_name",
    "locale",
    "tone",
    "opens_at",
    "closes_at",
    "moderation_policy",
    "vote_limit",
)
# Set once, when the campaign is opened.
CAMPAIGN_CREATE_ONLY_FIELDS = ("brand", "phase")


@transaction.atomic
def campaign_create(*, actor: User, brand: Brand, **fields: Any) -> Campaign:
    if not user_moderates_brand(actor, brand.pk):
        raise NotAllowed()
    _only(fields, (*CAMPAIGN_CREATE_ONLY_FIELDS, *CAMPAIGN_EDITABLE_FIELDS), "campaign_create")
    campaign = Campaign(brand=brand, **fields)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, **fields: Any) -> Campaign:
    if not user_moderates_brand(actor, campaign.brand_id):
        raise NotAllowed()
    _only(fields, CAMPAIGN_EDITABLE_FIELDS, "campaign_update")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save(update_fields=[*fields, "updated_at"])
    campaign_pages_changed(campaign.pk)
    return campaign


_PHASE_ORDER = [p.value for p in Campaign.Phase]


def campaign_phase_allowed(current: str, new: str) -> bool:
    """Forward to any later phase, or back one step (to reopen ideas or voting)."""
    i, j = _PHASE_ORDER.index(current), _PHASE_ORDER.index(new)
    return j > i or j == i - 1


@transaction.atomic
def campaign_set_phase(*, campaign: Campaign, phase: str, actor: User) -> Campaign:
    if phase not in _PHASE_ORDER:
        raise InvalidTransition()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not user_moderates_brand(actor, campaign.brand_id):
        raise NotAllowed()
    if not campaign_phase_allowed(campaign.phase, phase):
        raise InvalidTransition(
            _("A campaign cannot move from “%(old)s” to “%(new)s”.")
            % {"old": campaign.get_phase_display(), "new": Campaign.Phase(phase).label}
        )
    old = campaign.phase
    campaign.phase = phase
    if phase == Campaign.Phase.IDEAS and campaign.deadline_passed:
        campaign.closes_at = None  # reopening clears a deadline already passed
    campaign.save(update_fields=["phase", "closes_at", "updated_at"])
    campaign_pages_changed(campaign.pk)
    ModerationAction.objects.create(
        actor=actor,
        brand_id=campaign.brand_id,
        action=ModerationAction.Action.PHASE,
        campaign=campaign,
        detail=f"{old} -> {phase}",
    )
    return campaign
