from __future__ import annotations

from typing import Any

from django import template

from campaigns.models import Brand, Campaign

register = template.Library()


@register.inclusion_tag("assistant/_ask_box.html")
def ask_brand(brand: Brand, campaign: Campaign | None = None) -> dict[str, Any]:
    """The "Ask <brand>" box of a brand's or campaign's page."""
    return {"brand": brand, "campaign": campaign}
