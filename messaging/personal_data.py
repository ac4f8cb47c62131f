"""Marketing messages' part of a person's data (core/personal_data.py): their
consents with the log of every change, and the messages they were sent.
Deleting an account withdraws every consent and erases the log and the
personal lines; the recipient rows stay, anonymised with the account, for
the brands' counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from core import personal_data
from messaging.models import ConsentEvent, MarketingConsent, MessageCampaign, Recipient

RStatus = Recipient.Status

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _consents(user: User) -> dict[str, Any]:
    return {
        "current": [
            {
                "brand": c.brand.slug,
                "purpose": c.purpose,
                "granted": c.granted,
                "language": c.language,
                "updated_at": c.updated_at.isoformat(),
            }
            for c in MarketingConsent.objects.filter(user=user).select_related("brand").order_by("pk")
        ],
        "log": [
            {
                "brand": e.brand.slug,
                "purpose": e.purpose,
                "granted": e.granted,
                "source": e.source,
                "at": e.at.isoformat(),
            }
            for e in ConsentEvent.objects.filter(user=user).select_related("brand")
        ],
    }


def _messages(user: User) -> list[dict[str, Any]]:
    return [
        {
            "brand": r.message_campaign.brand.slug,
            "subject": r.message_campaign.subject,
            "status": r.status,
            "skip_reason": r.skip_reason,
            "line": r.line,
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "clicked_at": r.clicked_at.isoformat() if r.clicked_at else None,
        }
        for r in Recipient.objects.filter(user=user).select_related("message_campaign__brand").order_by("pk")
    ]


def _campaigns_run(user: User) -> list[dict[str, Any]]:
    """Message campaigns a brand's staff member created or approved (kept,
    like moderation records, with the anonymised account)."""
    qs = MessageCampaign.objects.filter(Q(created_by=user) | Q(approved_by=user)).select_related("brand")
    return [{"brand": mc.brand.slug, "subject": mc.subject, "status": mc.status} for mc in qs.order_by("pk")]


def _erase_consents(user: User) -> None:
    MarketingConsent.objects.filter(user=user).delete()
    ConsentEvent.objects.filter(user=user).delete()


def _erase_messages(user: User) -> None:
    # Anything not yet sent never will be; what was sent keeps its status, not its words.
    Recipient.objects.filter(user=user).exclude(
        status__in=[RStatus.SENT, RStatus.SKIPPED, RStatus.FAILED]
    ).update(status=RStatus.SKIPPED, skip_reason=Recipient.SkipReason.NO_CONSENT)
    Recipient.objects.filter(user=user).update(line="", findings=[])


def register_sections() -> None:
    s, register = personal_data.Section, personal_data.register
    register(
        s(
            "marketing_consents",
            _consents,
            _erase_consents,
            ("messaging.MarketingConsent", "messaging.ConsentEvent"),
        )
    )
    register(s("marketing_messages", _messages, _erase_messages, ("messaging.Recipient",)))
    register(s("message_campaigns_run", _campaigns_run, None, ("messaging.MessageCampaign",)))
