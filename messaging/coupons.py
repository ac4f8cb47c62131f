"""Coupons: pools per brand, codes generated or imported, one per recipient,
single use. Redemption is one conditional UPDATE, so of two concurrent
redemptions of one code exactly one changes a row and succeeds, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Brand
from messaging.models import CODE_MAX, Coupon, CouponPool, Recipient

# No 0/O, 1/I/L: a code read aloud or copied from paper stays one code.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31^10 ≈ 8·10^14 codes: guessing one of a pool of a million takes ~10^8 tries,
# far beyond what the API's throttle allows.
RANDOM_PART = 10
# Codes generated per INSERT.
GENERATE_BATCH = 1000


class Redemption(StrEnum):
    VALID = "valid"  # issued, not redeemed, not expired: what a check answers
    REDEEMED = "redeemed"
    ALREADY_REDEEMED = "already_redeemed"
    EXPIRED = "expired"
    NOT_ISSUED = "not_issued"
    UNKNOWN = "unknown"


def new_code(prefix: str) -> str:
    return prefix.upper() + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_PART))


def coupons_generate(*, pool: CouponPool, count: int) -> int:
    """Add `count` new codes to the pool; a rare clash with an existing code is redrawn."""
    start = Coupon.objects.filter(pool=pool).count()
    while (made := Coupon.objects.filter(pool=pool).count() - start) < count:
        batch = [
            Coupon(pool=pool, code=new_code(pool.prefix)) for _ in range(min(GENERATE_BATCH, count - made))
        ]
        # ignore_conflicts drops a clashing code silently; the count above notices.
        Coupon.objects.bulk_create(batch, ignore_conflicts=True)
    return count


def coupons_import(*, pool: CouponPool, text: str) -> tuple[int, list[str]]:
    """Codes from CSV text, one per row in the first column (a header row
    "code" is skipped); the number added and the rows refused."""
    added, refused = 0, []
    for row in csv.reader(io.StringIO(text)):
        code = (row[0] if row else "").strip().upper()
        if not code or code == "CODE":
            continue
        if len(code) > CODE_MAX:
            refused.append(code[:CODE_MAX])
            continue
        try:
            with transaction.atomic():
                Coupon.objects.create(pool=pool, code=code)
            added += 1
        except IntegrityError:
            refused.append(code)
    return added, refused


def coupon_assign(*, recipient: Recipient, pool: CouponPool, now: datetime) -> Coupon | None:
    """Give the recipient a free code of the pool (theirs already, if a retry); None when the pool is empty."""
    existing = Coupon.objects.filter(recipient=recipient).first()
    if existing is not None:
        return existing
    expires = now + timedelta(days=pool.expiry_days)
    for candidate in Coupon.objects.filter(pool=pool, recipient__isnull=True).values_list("pk", flat=True)[
        :5
    ]:
        # Conditional: two senders racing for one code, one wins and the other tries the next.
        if Coupon.objects.filter(pk=candidate, recipient__isnull=True).update(
            recipient=recipient, assigned_at=now, expires_at=expires
        ):
            return Coupon.objects.get(pk=candidate)
    return None


def coupon_release(*, recipient: Recipient) -> None:
    Coupon.objects.filter(recipient=recipient, redeemed_at__isnull=True).update(
        recipient=None, assigned_at=None, expires_at=None
    )


def coupon_for(*, brand: Brand, code: str) -> Coupon | None:
    return Coupon.objects.filter(pool__brand=brand, code=code.strip().upper()).first()


def coupon_redeem(*, brand: Brand, code: str, reference: str = "", now: datetime | None = None) -> Redemption:
    now = now or timezone.now()
    code = code.strip().upper()
    usable = Q(
        pool__brand=brand, code=code, recipient__isnull=False, redeemed_at__isnull=True, expires_at__gt=now
    )
    # Filter on related fields cannot be updated in one statement; the pk list is one row at most.
    pks = list(Coupon.objects.filter(usable).values_list("pk", flat=True)[:1])
    if pks and Coupon.objects.filter(pk=pks[0], redeemed_at__isnull=True).update(
        redeemed_at=now, redeemed_reference=reference[:100]
    ):
        return Redemption.REDEEMED
    return coupon_state(brand=brand, code=code, now=now)


def coupon_state(*, brand: Brand, code: str, now: datetime | None = None) -> Redemption:
    coupon = coupon_for(brand=brand, code=code)
    now = now or timezone.now()
    if coupon is None:
        return Redemption.UNKNOWN
    if coupon.redeemed_at is not None:
        return Redemption.ALREADY_REDEEMED
    if coupon.recipient_id is None or coupon.expires_at is None:
        return Redemption.NOT_ISSUED
    if coupon.expires_at <= now:
        return Redemption.EXPIRED
    return Redemption.VALID
