"""One frequency cap for every bulk e-mail a person gets: digests here and
marketing messages (messaging/) alike, at most one per
MARKETING_EMAIL_MIN_HOURS per person (Klaviyo's "smart sending"; REFERENCE.md,
"Marketing messages"). Service e-mails (your idea was adopted) are not bulk:
they neither wait for the cap nor use it up.

A sender first claims the cap with a compare-and-set on the person's stamp,
so two senders racing for one person cannot both send; a send that then fails
gives the claim back. A message over the cap is skipped by its sender, never
queued for later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core import personal_data
from notifications.models import BulkEmailStamp

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class EmailKind(StrEnum):
    DIGEST = "digest"
    MARKETING = "marketing"
    SERVICE = "service"


CAPPED_KINDS = frozenset({EmailKind.DIGEST, EmailKind.MARKETING})


def _window() -> timedelta:
    return timedelta(hours=settings.MARKETING_EMAIL_MIN_HOURS)


def email_cap_allows(user: User | int, kind: str, *, now: datetime | None = None) -> bool:
    """Whether an e-mail of `kind` may go to the person now (a read; senders claim)."""
    if kind not in CAPPED_KINDS:
        return True
    user_id = user if isinstance(user, int) else user.pk
    last = BulkEmailStamp.objects.filter(user_id=user_id).values_list("last_sent_at", flat=True).first()
    return last is None or last <= (now or timezone.now()) - _window()


def capped_user_ids(user_ids: list[int], *, now: datetime | None = None) -> set[int]:
    """Of these people, those a bulk e-mail may not reach now (one query)."""
    since = (now or timezone.now()) - _window()
    return set(
        BulkEmailStamp.objects.filter(user_id__in=user_ids, last_sent_at__gt=since).values_list(
            "user_id", flat=True
        )
    )


@dataclass(frozen=True)
class CapClaim:
    """A claimed cap: what email_cap_release needs to give it back."""

    user_id: int
    claimed_at: datetime
    previous: datetime | None


def email_cap_claim(user: User | int, kind: str, *, now: datetime | None = None) -> CapClaim | None:
    """Take the person's cap for one e-mail of `kind`; None when capped."""
    now = now or timezone.now()
    user_id = user if isinstance(user, int) else user.pk
    if kind not in CAPPED_KINDS:
        return CapClaim(user_id, now, None)
    BulkEmailStamp.objects.get_or_create(user_id=user_id)
    stamp = BulkEmailStamp.objects.filter(user_id=user_id).values_list("last_sent_at", flat=True).first()
    due = Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - _window())
    if not BulkEmailStamp.objects.filter(due, user_id=user_id, last_sent_at=stamp).update(last_sent_at=now):
        # Capped, or another sender claimed it between the read and the update.
        return None
    return CapClaim(user_id, now, stamp)


def email_cap_release(claim: CapClaim) -> None:
    """Give back a claim whose e-mail was not sent."""
    BulkEmailStamp.objects.filter(user_id=claim.user_id, last_sent_at=claim.claimed_at).update(
        last_sent_at=claim.previous
    )


def _export(user: User) -> dict[str, Any] | None:
    stamp = BulkEmailStamp.objects.filter(user=user).first()
    if stamp is None or stamp.last_sent_at is None:
        return None
    return {"last_bulk_email_at": stamp.last_sent_at.isoformat()}


def _erase(user: User) -> None:
    BulkEmailStamp.objects.filter(user=user).delete()


def register_section() -> None:
    personal_data.register(
        personal_data.Section("bulk_email", _export, _erase, ("notifications.BulkEmailStamp",))
    )
