"""Message campaigns: audience, preview, approval, preparation (lines, on the
gpu queue) and sending (the default queue). The only writer of
MessageCampaign and Recipient.

    draft --preview--> previewed --approve--> approved --(send_at)--> preparing
    --(every recipient prepared or skipped)--> sending --(none left)--> done

Resumable and idempotent: one Recipient row per person (unique), claimed in
chunks with a compare-and-set on its status; a claim left by a dead worker is
taken over after MESSAGING_CLAIM_STALE_SECONDS. Sending moves a row from
prepared to sending with a compare-and-set before anything goes out, so a
redelivered or duplicated send task can never send twice; an e-mail whose
worker died between that step and "sent" is marked failed, not resent
(at most once: a duplicate is worse than a miss for marketing).

Consent, unsubscribes and the frequency cap are checked at the moment of
sending, not only when the audience was built: a withdrawal is effective at once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import Comment, Idea, Vote
from core.exceptions import ActionRefused
from core.queueing import publish_after_commit
from generation.drafting.languages import parse_languages
from generation.drafting.types import Generator
from messaging import coupons, lines
from messaging.consent import consented_user_ids, unsubscribe_token, withdrawn_user_ids
from messaging.models import LINE_MAX, MarketingConsent, MessageCampaign, Purpose, Recipient
from notifications.email_cap import EmailKind, capped_user_ids, email_cap_claim, email_cap_release
from notifications.models import Follow, Notification
from notifications.services import campaign_participant_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Status = MessageCampaign.Status
RStatus = Recipient.Status
Skip = Recipient.SkipReason
Segment = Recipient.Segment
CLICK_SALT = "cocreate.messaging.click"
# Of 10,000 buckets, a recipient whose hash falls below control_share·100 is held out.
CONTROL_BUCKETS = 10_000
PERCENT = 100


class WrongStatus(ActionRefused):
    code = "wrong_status"
    status_code = 409


# --- audience -------------------------------------------------------------------------------


def audience_segments(message_campaign: MessageCampaign) -> dict[int, str]:
    """Everyone the audience names, each with their strongest segment."""
    campaign = message_campaign.campaign
    adopted = Idea.objects.filter(campaign=campaign, status=Idea.Status.ADOPTED)
    authors = set(adopted.values_list("author_id", flat=True))
    voters = set(Vote.objects.filter(idea__in=adopted).values_list("user_id", flat=True))
    followers = set(Follow.objects.filter(campaign=campaign).values_list("user_id", flat=True))
    Audience = MessageCampaign.Audience
    chosen = {
        Audience.ADOPTED_CONTRIBUTORS: authors,
        Audience.VOTERS_OF_ADOPTED: voters,
        Audience.PARTICIPANTS: campaign_participant_ids(campaign),
        Audience.FOLLOWERS: followers,
    }[Audience(message_campaign.audience)]
    active = set(get_user_model().objects.filter(pk__in=chosen, is_active=True).values_list("pk", flat=True))

    def segment(user_id: int) -> str:
        if user_id in authors:
            return Segment.ADOPTED_AUTHOR
        if user_id in voters:
            return Segment.ADOPTED_VOTER
        return (
            Segment.FOLLOWER
            if user_id in followers and message_campaign.audience == Audience.FOLLOWERS
            else Segment.PARTICIPANT
        )

    return {user_id: segment(user_id) for user_id in active}


def in_control_group(message_campaign: MessageCampaign, user_id: int) -> bool:
    """Deterministic per campaign and person: a rebuilt audience holds out the same people."""
    digest = hashlib.sha256(f"{message_campaign.pk}:{user_id}".encode()).digest()
    bucket = int.from_bytes(digest[:4], "big") % CONTROL_BUCKETS
    return bucket < message_campaign.control_share * CONTROL_BUCKETS // PERCENT


def _languages(message_campaign: MessageCampaign, user_ids: list[int]) -> dict[int, str]:
    given = dict(
        MarketingConsent.objects.filter(
            brand_id=message_campaign.brand_id, purpose=Purpose.MARKETING, user_id__in=user_ids
        ).values_list("user_id", "language")
    )
    return {uid: given.get(uid) or message_campaign.campaign.locale for uid in user_ids}


@transaction.atomic
def audience_build(*, message_campaign: MessageCampaign) -> int:
    """One Recipient row per person of the audience (existing rows stay)."""
    segments = audience_segments(message_campaign)
    languages = _languages(message_campaign, list(segments))
    rows = [
        Recipient(
            message_campaign=message_campaign,
            user_id=user_id,
            segment=segment,
            language=languages[user_id],
            in_control=in_control_group(message_campaign, user_id),
        )
        for user_id, segment in segments.items()
    ]
    Recipient.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def audience_summary(*, message_campaign: MessageCampaign, now: datetime | None = None) -> dict[str, int]:
    """How many of the audience a send would reach now, and why the others not."""
    recipients = list(
        Recipient.objects.filter(message_campaign=message_campaign).values("user_id", "in_control")
    )
    ids = [r["user_id"] for r in recipients]
    consented = consented_user_ids(message_campaign.brand_id, ids)
    withdrawn = withdrawn_user_ids(message_campaign.brand_id, ids)
    email = message_campaign.channel == MessageCampaign.Channel.EMAIL
    capped = capped_user_ids(ids, now=now) if email else set()
    counts: Counter[str] = Counter(audience=len(ids))
    for r in recipients:
        counts[_skip_reason(r["user_id"], r["in_control"], consented, withdrawn, capped) or "reachable"] += 1
    return dict(counts)


def _skip_reason(
    user_id: int, in_control: bool, consented: set[int], withdrawn: set[int], capped: set[int]
) -> str:
    if user_id in withdrawn:
        return Skip.UNSUBSCRIBED
    if user_id not in consented:
        return Skip.NO_CONSENT
    if in_control:
        return Skip.CONTROL_GROUP
    if user_id in capped:
        return Skip.CAPPED
    return ""


# --- lifecycle --------------------------------------------------------------------------------


def _move(message_campaign: MessageCampaign, frm: Sequence[str], to: str, **fields: Any) -> None:
    moved = MessageCampaign.objects.filter(pk=message_campaign.pk, status__in=frm).update(status=to, **fields)
    if not moved:
        raise WrongStatus(
            translation.gettext("This message campaign cannot do that while it is %(status)s.")
            % {"status": message_campaign.get_status_display()},
        )
    message_campaign.refresh_from_db()


@transaction.atomic
def message_campaign_preview(*, message_campaign: MessageCampaign) -> None:
    """Build the audience and have a sample of lines written (gpu queue)."""
    _move(message_campaign, [Status.DRAFT, Status.PREVIEWED], Status.PREVIEWED)
    audience_build(message_campaign=message_campaign)
    publish_after_commit("messaging.tasks.recipients_prepare_task", message_campaign.pk, "sample")


@transaction.atomic
def message_campaign_approve(*, message_campaign: MessageCampaign, user: User) -> None:
    """Nothing is sent unapproved, and only what was previewed is approved."""
    _move(message_campaign, [Status.PREVIEWED], Status.APPROVED, approved_by=user, approved_at=timezone.now())


def message_campaigns_due(*, now: datetime | None = None) -> list[int]:
    """Approved campaigns whose time has come start preparing; campaigns still
    preparing or sending (a worker may have died) are resumed. Ids to publish."""
    now = now or timezone.now()
    MessageCampaign.objects.filter(status=Status.APPROVED, send_at__lte=now).update(status=Status.PREPARING)
    return list(
        MessageCampaign.objects.filter(status__in=[Status.PREPARING, Status.SENDING]).values_list(
            "pk", flat=True
        )
    )


def sample_recipients(message_campaign: MessageCampaign) -> list[Recipient]:
    """At least MESSAGING_SAMPLE_SIZE recipients who would get a message, taken
    round-robin across (segment, language) so every kind is seen."""
    eligible = [
        r
        for r in Recipient.objects.filter(message_campaign=message_campaign, in_control=False).order_by("pk")
        if r.user_id in consented_user_ids(message_campaign.brand_id, [r.user_id])
    ]
    groups: dict[tuple[str, str], list[Recipient]] = {}
    for r in eligible:
        groups.setdefault((r.segment, r.language), []).append(r)
    picked: list[Recipient] = []
    while len(picked) < settings.MESSAGING_SAMPLE_SIZE and any(groups.values()):
        for group in groups.values():
            if group and len(picked) < settings.MESSAGING_SAMPLE_SIZE:
                picked.append(group.pop(0))
    return picked


# --- preparation (gpu queue) ---------------------------------------------------------------------


def recipients_claim(*, message_campaign_id: int, claim: str, now: datetime | None = None) -> list[Recipient]:
    """Take up to MESSAGING_CLAIM_CHUNK pending recipients (or ones a dead
    worker claimed) with a compare-and-set; the rows this claim won."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.MESSAGING_CLAIM_STALE_SECONDS)
    free = Q(status=RStatus.PENDING) | Q(status=RStatus.CLAIMED, claimed_at__lt=stale)
    ids = list(
        Recipient.objects.filter(free, message_campaign_id=message_campaign_id)
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.MESSAGING_CLAIM_CHUNK]
    )
    Recipient.objects.filter(free, pk__in=ids).update(status=RStatus.CLAIMED, claim=claim, claimed_at=now)
    return list(
        Recipient.objects.filter(pk__in=ids, claim=claim, status=RStatus.CLAIMED).select_related("user")
    )


def _titles_by_user(rows: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """(user id, title) rows as each user's titles, in order, each once."""
    titles: dict[int, dict[str, None]] = {}
    for user_id, title in rows:
        titles.setdefault(user_id, {})[title] = None
    return {user_id: tuple(t) for user_id, t in titles.items()}


def recipient_facts(
    message_campaign: MessageCampaign, recipients: Sequence[Recipient]
) -> dict[int, lines.Facts]:
    """Each recipient's facts: their adopted ideas, the adopted ideas they
    voted for, and those they commented on (published comments). Each list
    holds every idea of its relation, so a line's claim is checked against
    exactly what the person did."""
    campaign = message_campaign.campaign
    user_ids = [r.user_id for r in recipients]
    adopted = Idea.objects.filter(campaign=campaign, status=Idea.Status.ADOPTED)
    by_votes = ("-idea__vote_count", "idea_id")
    authored = _titles_by_user(
        adopted.filter(author_id__in=user_ids).order_by("-vote_count", "pk").values_list("author_id", "title")
    )
    voted = _titles_by_user(
        Vote.objects.filter(idea__in=adopted, user_id__in=user_ids)
        .order_by(*by_votes)
        .values_list("user_id", "idea__title")
    )
    discussed = _titles_by_user(
        Comment.objects.filter(idea__in=adopted, author_id__in=user_ids, status=Comment.Status.PUBLISHED)
        .order_by(*by_votes)
        .values_list("author_id", "idea__title")
    )
    return {
        r.pk: lines.Facts(
            language=r.language,
            product=campaign.product_name,
            campaign=campaign.title,
            brand=message_campaign.brand.name,
            occasion=message_campaign.occasion,
            authored=authored.get(r.user_id, ()),
            voted=voted.get(r.user_id, ()),
            discussed=discussed.get(r.user_id, ()),
        )
        for r in recipients
    }


def lines_write(
    facts: dict[int, lines.Facts], *, generator: Generator | None, model_languages: Collection[str]
) -> dict[int, lines.Line]:
    """Every recipient's line: one batched generate call for those the model writes for."""
    wanted = [pk for pk, f in facts.items() if f.language in model_languages and f.kind != lines.GENERIC]
    written: dict[int, str] = {}
    if wanted and generator is not None:
        outputs = generator.generate(
            [lines.prompt(facts[pk]) for pk in wanted],
            max_new_tokens=lines.LINE_MAX_NEW_TOKENS,
            temperature=lines.GREEDY,
            repetition_penalty=lines.NO_REPETITION_PENALTY,
        )
        written = {pk: out.text for pk, out in zip(wanted, outputs, strict=True)}
    return {pk: lines.choose(written.get(pk), f, model_languages=model_languages) for pk, f in facts.items()}


def model_languages() -> frozenset[str]:
    return parse_languages(settings.GENERATION_MODEL_LANGUAGES)


def recipients_prepare(
    *,
    message_campaign: MessageCampaign,
    recipients: Sequence[Recipient],
    generator: Generator | None,
    claim: str,
) -> int:
    """Write and verify the lines of claimed recipients; those who would be
    skipped anyway (no consent, control group) get no line and are skipped now."""
    ids = [r.user_id for r in recipients]
    consented = consented_user_ids(message_campaign.brand_id, ids)
    withdrawn = withdrawn_user_ids(message_campaign.brand_id, ids)
    to_write = []
    for r in recipients:
        reason = _skip_reason(r.user_id, r.in_control, consented, withdrawn, set())
        if reason:
            Recipient.objects.filter(pk=r.pk, claim=claim, status=RStatus.CLAIMED).update(
                status=RStatus.SKIPPED, skip_reason=reason
            )
        else:
            to_write.append(r)
    written = lines_write(
        recipient_facts(message_campaign, to_write), generator=generator, model_languages=model_languages()
    )
    for r in to_write:
        line = written[r.pk]
        Recipient.objects.filter(pk=r.pk, claim=claim, status__in=[RStatus.CLAIMED, RStatus.PENDING]).update(
            status=RStatus.PREPARED,
            line=line.text[:LINE_MAX],
            line_origin=line.origin,
            findings=line.findings,
        )
    return len(to_write)


def sample_prepare(*, message_campaign: MessageCampaign, generator: Generator | None) -> int:
    """Lines for the preview's sample; they are kept and sent as shown."""
    claim = f"sample-{uuid.uuid4()}"
    sample = [r for r in sample_recipients(message_campaign) if r.status == RStatus.PENDING]
    Recipient.objects.filter(pk__in=[r.pk for r in sample], status=RStatus.PENDING).update(
        status=RStatus.CLAIMED, claim=claim, claimed_at=timezone.now()
    )
    return recipients_prepare(
        message_campaign=message_campaign, recipients=sample, generator=generator, claim=claim
    )


def campaign_prepare(*, message_campaign_id: int, generator: Generator | None, claim: str) -> int:
    """Claim and prepare chunk after chunk until none is left; then send.
    Killed half-way, a later run (beat, redelivery) takes over the dead claims."""
    message_campaign = MessageCampaign.objects.select_related("campaign", "brand").get(pk=message_campaign_id)
    prepared = 0
    while message_campaign.status == Status.PREPARING:
        chunk = recipients_claim(message_campaign_id=message_campaign_id, claim=claim)
        if not chunk:
            break
        prepared += recipients_prepare(
            message_campaign=message_campaign, recipients=chunk, generator=generator, claim=claim
        )
        message_campaign.refresh_from_db(fields=["status"])
    if not Recipient.objects.filter(
        message_campaign_id=message_campaign_id, status__in=[RStatus.PENDING, RStatus.CLAIMED]
    ).exists():
        MessageCampaign.objects.filter(pk=message_campaign_id, status=Status.PREPARING).update(
            status=Status.SENDING
        )
        message_campaign.refresh_from_db(fields=["status"])
    if message_campaign.status == Status.SENDING:
        publish_after_commit("messaging.tasks.recipients_send_task", message_campaign_id)
    return prepared


# --- sending (default queue) ----------------------------------------------------------------------


def click_url(recipient_id: int) -> str:
    token = signing.dumps(recipient_id, salt=CLICK_SALT, compress=True)
    return _absolute(reverse("messaging:click", kwargs={"token": token}))


def click_record(token: str) -> Recipient | None:
    """The recipient of a signed click link, first click recorded; None for a bad link."""
    try:
        recipient_id = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    Recipient.objects.filter(pk=recipient_id, clicked_at__isnull=True).update(clicked_at=timezone.now())
    return Recipient.objects.select_related("message_campaign__campaign").filter(pk=recipient_id).first()


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}"


def unsubscribe_url(user_id: int, brand_id: int) -> str:
    token = unsubscribe_token(user_id=user_id, brand_id=brand_id)
    return _absolute(reverse("messaging:unsubscribe", kwargs={"token": token}))


def _skip(recipient: Recipient, reason: str) -> str:
    Recipient.objects.filter(pk=recipient.pk, status=RStatus.SENDING).update(
        status=RStatus.SKIPPED, skip_reason=reason
    )
    return reason


def recipient_send(*, recipient_id: int, now: datetime | None = None) -> str:
    """Send one prepared recipient's message at most once; what happened
    ("sent", a skip reason, "failed", or "" when someone else has it)."""
    now = now or timezone.now()
    if not Recipient.objects.filter(pk=recipient_id, status=RStatus.PREPARED).update(
        status=RStatus.SENDING, claimed_at=now
    ):
        return ""
    recipient = Recipient.objects.select_related(
        "user", "message_campaign__brand", "message_campaign__campaign"
    ).get(pk=recipient_id)
    mc = recipient.message_campaign
    user = recipient.user
    # Checked now, not when the audience was built: a withdrawal is effective at once.
    reason = _skip_reason(
        user.pk,
        recipient.in_control,
        consented_user_ids(mc.brand_id, [user.pk]),
        withdrawn_user_ids(mc.brand_id, [user.pk]),
        set(),
    )
    if reason:
        return _skip(recipient, reason)
    email = mc.channel == MessageCampaign.Channel.EMAIL
    if email and not (user.is_active and user.email):
        return _skip(recipient, Skip.NO_ADDRESS)
    cap = email_cap_claim(user, EmailKind.MARKETING, now=now) if email else None
    if email and cap is None:
        return _skip(recipient, Skip.CAPPED)
    coupon = (
        coupons.coupon_assign(recipient=recipient, pool=mc.coupon_pool, now=now) if mc.coupon_pool else None
    )
    try:
        with transaction.atomic():
            if email:
                _email(recipient, coupon)
            else:
                _in_app(recipient, coupon)
            Recipient.objects.filter(pk=recipient.pk).update(status=RStatus.SENT, sent_at=now)
    except Exception as exc:
        logger.exception("Message to recipient %s failed", recipient.pk)
        if cap is not None:
            email_cap_release(cap)
        coupons.coupon_release(recipient=recipient)
        Recipient.objects.filter(pk=recipient.pk).update(status=RStatus.FAILED, error=str(exc)[:300])
        return RStatus.FAILED
    return RStatus.SENT


def _context(recipient: Recipient, coupon: Any) -> dict[str, Any]:
    mc = recipient.message_campaign
    return {
        "recipient": recipient,
        "message_campaign": mc,
        "line": recipient.line,
        "coupon": coupon,
        "link": click_url(recipient.pk),
        "unsubscribe_url": unsubscribe_url(recipient.user_id, mc.brand_id),
    }


def _email(recipient: Recipient, coupon: Any) -> None:
    context = _context(recipient, coupon)
    with translation.override(recipient.language):
        body = render_to_string("messaging/email/message.txt", context)
    link = context["unsubscribe_url"]
    EmailMessage(
        subject=recipient.message_campaign.subject,
        body=body,
        to=[recipient.user.email],
        # RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    ).send()


def _in_app(recipient: Recipient, coupon: Any) -> None:
    context = _context(recipient, coupon)
    with translation.override(recipient.language):
        message = render_to_string("messaging/in_app.txt", context).strip()
    Notification.objects.create(
        user_id=recipient.user_id,
        kind=Notification.Kind.MARKETING,
        message=message[:300],
        url=reverse(
            "messaging:click", kwargs={"token": signing.dumps(recipient.pk, salt=CLICK_SALT, compress=True)}
        ),
    )


def campaign_send(*, message_campaign_id: int) -> dict[str, int]:
    """Send every prepared recipient (a chunk per call); done when none is left."""
    ids = list(
        Recipient.objects.filter(message_campaign_id=message_campaign_id, status=RStatus.PREPARED)
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.MESSAGING_SEND_CHUNK]
    )
    outcome = Counter(recipient_send(recipient_id=pk) for pk in ids)
    left = Recipient.objects.filter(
        message_campaign_id=message_campaign_id,
        status__in=[RStatus.PENDING, RStatus.CLAIMED, RStatus.PREPARED],
    )
    if not left.exists():
        # A row long "sending" belongs to a worker that died mid-send: whether
        # it went out is unknown, so it is failed, never resent.
        stale = timezone.now() - timedelta(seconds=settings.MESSAGING_CLAIM_STALE_SECONDS)
        Recipient.objects.filter(
            message_campaign_id=message_campaign_id, status=RStatus.SENDING, claimed_at__lt=stale
        ).update(status=RStatus.FAILED, error="interrupted while sending")
        if not Recipient.objects.filter(
            message_campaign_id=message_campaign_id, status=RStatus.SENDING
        ).exists():
            MessageCampaign.objects.filter(pk=message_campaign_id, status=Status.SENDING).update(
                status=Status.DONE
            )
    elif ids:
        publish_after_commit("messaging.tasks.recipients_send_task", message_campaign_id)
    return dict(outcome)
