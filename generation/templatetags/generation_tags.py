"""Template tags of the generation app, so that community pages can show
published drafts without the community app importing generation."""

from __future__ import annotations

from typing import Any

from django import template

from campaigns.models import Campaign
from generation.selectors import draft_list_published

register = template.Library()


@register.inclusion_tag("generation/_published_drafts.html")
def published_drafts(campaign: Campaign) -> dict[str, Any]:
    """The campaign's published texts ("written with our community"), with credits."""
    return {"drafts": draft_list_published(campaign=campaign)}
