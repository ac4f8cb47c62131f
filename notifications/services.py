"""Notifications, follows, e-mail preferences, digests, one-click unsubscribe,
and the one mailer every personal e-mail goes through.

People follow ideas and campaigns (automatically when they submit, vote or
comment; see apps.py) and choose how often they hear about them by e-mail:
immediately, in a daily or weekly digest, or never. A digest is read from the
data itself (new public ideas in followed campaigns, new published comments
on followed ideas since the last e-mail), so no event log has to be kept in
step. "Immediately" is the same digest every DIGEST_IMMEDIATE_INTERVAL_SECONDS:
a burst of comments makes one e-mail, not ten.

Personal messages (your idea was adopted, a campaign you took part in
published its text) go to the in-app inbox always, and by e-mail, from a
worker after commit, unless the person chose "never". Every e-mail carries a signed one-click unsubscribe link
(List-Unsubscribe, RFC 8058) that works without logging in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Comment, Idea, Vote
from campaigns.visibility import listed_idea_q, public_comment_q
from core.queueing import publish_after_commit
from notifications import events
from notifications.email_cap import EmailKind, email_cap_claim, email_cap_release
from notifications.follows import wants_email
from notifications.models import Follow, Notification, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Frequency = NotificationPreference.Frequency

UNSUBSCRIBE_SALT = "cocreate.intelligence.unsubscribe"
# Notification.kind of the personal message sent when a campaign publishes.
CAMPAIGN_PUBLISHED_KIND = Notification.Kind.CAMPAIGN_PUBLISHED
# A digest is due once this share of its period has passed since the last one,
# so a beat that fires a few seconds early (or an e-mail stamped a few seconds
# late yesterday) does not skip a day.
DUE_SLACK_SHARE = 0.1


def notification_create(
    *,
    user_id: int,
    kind: str,
    idea: Idea | None = None,
    comment: Comment | None = None,
    message: str = "",
    url: str = "",
    email: bool = False,
) -> Notification:
    """An in-app notification; with email=True also an e-mail, sent by a worker
    after commit through the one mailer (personal_emails_send)."""
    notification = Notification.objects.create(
        user_id=user_id, kind=kind, idea=idea, comment=comment, message=message[:300], url=url[:300]
    )
    if email:
        _email_after_commit([notification.pk])
    return notification


def _email_after_commit(notification_ids: list[int]) -> None:
    publish_after_commit("notifications.tasks.personal_emails_send_task", notification_ids)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def digest_period(frequency: str) -> timedelta:
    return {
        Frequency.IMMEDIATELY: timedelta(seconds=settings.DIGEST_IMMEDIATE_INTERVAL_SECONDS),
        Frequency.DAILY: timedelta(days=1),
        Frequency.WEEKLY: timedelta(weeks=1),
    }[Frequency(frequency)]


# --- unsubscribe ------------------------------------------------------------------------------


def unsubscribe_token(user_id: int) -> str:
    # No expiry: an old e-mail's link must still work. The salt keeps tokens
    # signed for other purposes from being accepted here.
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user(token: str) -> User | None:
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}{url}"


def unsubscribe_url(user_id: int) -> str:
    return _absolute(reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id)}))


def _send(user: User, subject: str, template: str, context: dict[str, object]) -> None:
    link = unsubscribe_url(user.pk)
    body = render_to_string(
        template,
        {
            **context,
            "user": user,
            "unsubscribe_url": link,
            "preferences_url": _absolute(reverse("notifications:preferences")),
        },
    )
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.send()


# --- digests ------------------------------------------------------------------------------------


@dataclass
class Digest:
    ideas: list[Idea] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ideas or self.comments)


def digest_collect(*, user: User, since: datetime, until: datetime) -> Digest:
    """What happened on what the person follows in (since, until], by others."""
    limit = settings.DIGEST_ITEMS_MAX
    ideas = (
        Idea.objects.filter(
            listed_idea_q(),
            campaign__followers__user=user,
            # updated_at, not created_at: an idea approved by a moderator today
            # is news today even if it was submitted last week.
            updated_at__gt=since,
            updated_at__lte=until,
        )
        .exclude(author=user)
        .select_related("campaign")
        .order_by("campaign_id", "-created_at")[:limit]
    )
    comments = (
        Comment.objects.filter(
            public_comment_q(),
            idea__followers__user=user,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(author=user)
        .select_related("idea", "author")
        .order_by("idea_id", "created_at")[:limit]
    )
    return Digest(ideas=list(ideas), comments=list(comments))


def digest_send(*, preference: NotificationPreference, now: datetime) -> bool:
    """E-mail one person what happened since their last e-mail; True if one went out."""
    since = preference.last_sent_at
    # Claim the period first (compare-and-set), so two overlapping runs never
    # send the same digest twice.
    claimed = NotificationPreference.objects.filter(
        pk=preference.pk, last_sent_at=since, frequency=preference.frequency
    ).update(last_sent_at=now)
    if not claimed:
        return False
    user = preference.user
    digest = digest_collect(user=user, since=since, until=now)
    if not digest:
        return False
    # The one bulk-mail cap (email_cap.py): over it, the digest is skipped and
    # its period given back, so what happened goes out with a later digest.
    cap = email_cap_claim(user, EmailKind.DIGEST, now=now)
    if cap is None:
        NotificationPreference.objects.filter(pk=preference.pk, last_sent_at=now).update(last_sent_at=since)
        return False
    subject = _("What happened on cocreate since %(date)s") % {"date": since.date().isoformat()}
    try:
        _send(
            user,
            subject,
            "notifications/email/digest.txt",
            {
                "digest": digest,
                "since": since,
                "site_url": settings.SITE_URL.rstrip("/"),
                # Lines the apps above add ("for you" picks from the store).
                "extras": [line for lines in events.digest_extras.emit(user=user) if lines for line in lines],
            },
        )
    except Exception:
        # Give the period and the cap back: the next run sends it.
        NotificationPreference.objects.filter(pk=preference.pk, last_sent_at=now).update(last_sent_at=since)
        email_cap_release(cap)
        raise
    return True


def digests_send(*, frequency: str, now: datetime | None = None) -> int:
    """Send every due digest of one frequency; a failure skips that person only."""
    now = now or timezone.now()
    period = digest_period(frequency)
    due = (
        NotificationPreference.objects.filter(
            frequency=frequency,
            last_sent_at__lte=now - period * (1 - DUE_SLACK_SHARE),
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    sent = 0
    for preference in due.iterator(chunk_size=500):
        try:
            sent += digest_send(preference=preference, now=now)
        except Exception:
            logger.exception("Digest for user %s failed; it goes out with the next run", preference.user_id)
    return sent


# --- personal messages ----------------------------------------------------------------------------


def campaign_participant_ids(campaign: Campaign) -> set[int]:
    """Everyone who submitted, voted or commented in the campaign, or follows it."""
    ids = set(Idea.objects.filter(campaign=campaign).values_list("author_id", flat=True))
    ids |= set(Vote.objects.filter(idea__campaign=campaign).values_list("user_id", flat=True))
    ids |= set(Comment.objects.filter(idea__campaign=campaign).values_list("author_id", flat=True))
    ids |= set(Follow.objects.filter(campaign=campaign).values_list("user_id", flat=True))
    return ids


@transaction.atomic
def campaign_published_notify(
    campaign: Campaign, draft_url: str, *, exclude_user_ids: Iterable[int] = ()
) -> int:
    """Tell everyone who took part that the campaign published its text: in the
    inbox, and by e-mail (after commit, from a worker) unless they chose never.
    `exclude_user_ids`: people already told otherwise (authors of the adopted
    ideas). Returns the number of people notified."""
    message = _("“%(campaign)s”, a campaign you took part in, has published its text.") % {
        "campaign": campaign.title
    }
    recipients = campaign_participant_ids(campaign) - set(exclude_user_ids)
    users = get_user_model().objects.filter(pk__in=recipients, is_active=True)
    notification_ids = [
        notification_create(user_id=user.pk, kind=CAMPAIGN_PUBLISHED_KIND, message=message, url=draft_url).pk
        for user in users
    ]
    if notification_ids:
        _email_after_commit(notification_ids)
    return len(notification_ids)


def personal_emails_send(*, notification_ids: list[int]) -> int:
    """E-mail personal messages to those who did not choose "never"."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        user = notification.user
        if not (user.is_active and user.email and wants_email(user.pk)):
            continue
        subject = (
            _("News from a campaign you took part in")
            if notification.kind == CAMPAIGN_PUBLISHED_KIND
            else str(notification.get_kind_display())
        )
        _send(
            user,
            subject,
            "notifications/email/personal.txt",
            {"notification": notification, "link": _absolute(notification.url) if notification.url else ""},
        )
        sent += 1
    return sent
