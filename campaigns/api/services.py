"""Writes the API needs that campaigns/services.py does not offer yet.

Each is the minimal version on top of the existing services and belongs in
campaigns/services.py (listed in the API's hand-over report); the API calls
them so that no view saves a model itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from campaigns import services, webhooks
from campaigns.exceptions import NotAllowed
from campaigns.models import Brand, Campaign, Idea

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a merchant may set on an existing campaign; the phase moves through
# campaign_set_phase (audited) and the brand never changes.
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


@transaction.atomic
def campaign_create(*, actor: User, brand: Brand, **fields: Any) -> Campaign:
    if not services.user_moderates_brand(actor, brand.pk):
        raise NotAllowed()
    campaign = Campaign(brand=brand, **fields)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, **fields: Any) -> Campaign:
    if not services.user_moderates_brand(actor, campaign.brand_id):
        raise NotAllowed()
    unknown = set(fields) - set(CAMPAIGN_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"campaign_update cannot change {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save(update_fields=[*fields, "updated_at"])
    return campaign


@transaction.atomic
def idea_submit(**kwargs: Any) -> Idea:
    """services.idea_submit, then `idea.created` to the brand's webhooks (after
    commit). Once idea_submit emits the event itself, call it directly."""
    idea = services.idea_submit(**kwargs)
    webhooks.webhooks_emit_idea(idea)
    return idea
