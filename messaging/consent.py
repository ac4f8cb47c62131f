"""Marketing consent per brand: the only writer of MarketingConsent and its
append-only ConsentEvent log, and the signed one-click unsubscribe token.

No row means no consent: signing up, taking part or following never grants it.
Withdrawal is effective at once: every send checks consent right before it
goes out (services.recipient_send).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from campaigns.models import Brand, Campaign, Comment, Idea, Vote
from messaging.models import ConsentEvent, MarketingConsent, Purpose
from notifications.models import Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import User

UNSUBSCRIBE_SALT = "cocreate.messaging.unsubscribe"
Source = ConsentEvent.Source


@transaction.atomic
def consent_set(*, user: User, brand: Brand, granted: bool, source: str, language: str = "") -> bool:
    """Record a person's marketing consent for one brand; True if it changed.
    Every change appends one ConsentEvent (when and how)."""
    now = timezone.now()
    consent, created = MarketingConsent.objects.select_for_update().get_or_create(
        user=user, brand=brand, purpose=Purpose.MARKETING, defaults={"granted": granted, "updated_at": now}
    )
    if not created and consent.granted == granted:
        return False
    consent.granted, consent.updated_at = granted, now
    if granted and language:
        consent.language = language
    consent.save()
    ConsentEvent.objects.create(
        user=user, brand=brand, purpose=Purpose.MARKETING, granted=granted, source=source, at=now
    )
    return True


def consented_user_ids(brand_id: int, user_ids: list[int]) -> set[int]:
    return set(
        MarketingConsent.objects.filter(
            brand_id=brand_id, purpose=Purpose.MARKETING, granted=True, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )


def withdrawn_user_ids(brand_id: int, user_ids: list[int]) -> set[int]:
    """People who once consented to this brand and withdrew (unsubscribed)."""
    return set(
        MarketingConsent.objects.filter(
            brand_id=brand_id, purpose=Purpose.MARKETING, granted=False, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    ) & set(
        ConsentEvent.objects.filter(brand_id=brand_id, granted=True, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


def preference_brands(user: User) -> list[tuple[Brand, bool]]:
    """Brands a person took part with or has a consent record for, and whether
    they consent to its marketing: what the preferences page lists."""
    campaign_ids = set(Idea.objects.filter(author=user).values_list("campaign_id", flat=True))
    campaign_ids |= set(Vote.objects.filter(user=user).values_list("idea__campaign_id", flat=True))
    campaign_ids |= set(Comment.objects.filter(author=user).values_list("idea__campaign_id", flat=True))
    campaign_ids |= set(
        Follow.objects.filter(user=user, campaign__isnull=False).values_list("campaign_id", flat=True)
    )
    brand_ids = set(Campaign.objects.filter(pk__in=campaign_ids).values_list("brand_id", flat=True))
    granted = dict(
        MarketingConsent.objects.filter(user=user, purpose=Purpose.MARKETING).values_list(
            "brand_id", "granted"
        )
    )
    brands = Brand.objects.filter(pk__in=brand_ids | set(granted)).order_by("name")
    return [(brand, granted.get(brand.pk, False)) for brand in brands]


def unsubscribe_token(*, user_id: int, brand_id: int) -> str:
    # No expiry: an old e-mail's link must still work; the salt keeps tokens
    # signed for other purposes (notifications' unsubscribe) from counting here.
    return signing.dumps([user_id, brand_id], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_parse(token: str) -> tuple[User, Brand] | None:
    try:
        user_id, brand_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = get_user_model().objects.filter(pk=user_id).first()
    brand = Brand.objects.filter(pk=brand_id).first()
    return (user, brand) if user is not None and brand is not None else None


def unsubscribe(token: str, *, source: str) -> Brand | None:
    """Withdraw the token's person from the token's brand's marketing; the
    brand, or None for a bad token. Idempotent."""
    parsed = unsubscribe_parse(token)
    if parsed is None:
        return None
    user, brand = parsed
    consent_set(user=user, brand=brand, granted=False, source=source)
    return brand
