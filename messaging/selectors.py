"""Reads of marketing messages: a message campaign's results."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from messaging.models import Coupon, MessageCampaign, Recipient
from store.models import Order

RStatus = Recipient.Status


def message_campaigns_of(brand_ids: list[int] | None) -> Any:
    qs = MessageCampaign.objects.select_related("brand", "campaign")
    return qs if brand_ids is None else qs.filter(brand_id__in=brand_ids)


def _ordered_share(message_campaign: MessageCampaign, user_ids: set[int]) -> float | None:
    """Share of these people who ordered in the brand's store after the send time."""
    if not user_ids:
        return None
    buyers = set(
        Order.objects.filter(
            brand_id=message_campaign.brand_id,
            customer__user_id__in=user_ids,
            placed_at__gte=message_campaign.send_at,
        ).values_list("customer__user_id", flat=True)
    )
    return len(buyers) / len(user_ids)


def message_campaign_results(message_campaign: MessageCampaign) -> dict[str, Any]:
    """Sent, skipped by reason, line origins, clicks, redemptions, and lift:
    the share of people who ordered after the send among those messaged minus
    that among the held-out control group (who were consented and not capped
    but got nothing)."""
    recipients = Recipient.objects.filter(message_campaign=message_campaign)
    by_status = dict(recipients.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    skipped = dict(
        recipients.filter(status=RStatus.SKIPPED)
        .values_list("skip_reason")
        .annotate(n=Count("pk"))
        .values_list("skip_reason", "n")
    )
    origins = dict(
        recipients.filter(status=RStatus.SENT)
        .values_list("line_origin")
        .annotate(n=Count("pk"))
        .values_list("line_origin", "n")
    )
    sent_ids = set(recipients.filter(status=RStatus.SENT).values_list("user_id", flat=True))
    control_ids = set(
        recipients.filter(status=RStatus.SKIPPED, skip_reason=Recipient.SkipReason.CONTROL_GROUP).values_list(
            "user_id", flat=True
        )
    )
    treated, control = (
        _ordered_share(message_campaign, sent_ids),
        _ordered_share(message_campaign, control_ids),
    )
    coupons = Coupon.objects.filter(recipient__message_campaign=message_campaign).aggregate(
        issued=Count("pk"), redeemed=Count("pk", filter=Q(redeemed_at__isnull=False))
    )
    return {
        "status": message_campaign.status,
        "audience": recipients.count(),
        "sent": by_status.get(RStatus.SENT, 0),
        "failed": by_status.get(RStatus.FAILED, 0),
        "skipped": skipped,
        "line_origins": origins,
        "clicks": recipients.filter(clicked_at__isnull=False).count(),
        "coupons_issued": coupons["issued"],
        "coupons_redeemed": coupons["redeemed"],
        "ordered_share_messaged": treated,
        "ordered_share_control": control,
        "lift": None if treated is None or control is None else treated - control,
    }
