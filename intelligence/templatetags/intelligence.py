"""Template tags for the community-intelligence partials, so a page adds one
line instead of its view computing the context:

    {% load intelligence %}
    {% ideas_you_may_like %}                 (home: ideas from every open campaign)
    {% ideas_you_may_like campaign %}        (a campaign page: ideas of that campaign)
    {% campaigns_you_may_like %}
"""

from __future__ import annotations

from typing import Any

from django import template

from campaigns.models import Campaign
from intelligence.recommendations import campaigns_you_may_like as recommend_campaigns
from intelligence.recommendations import ideas_you_may_like as recommend_ideas

register = template.Library()


@register.inclusion_tag("intelligence/_ideas_you_may_like.html", takes_context=True)
def ideas_you_may_like(context: template.Context, campaign: Campaign | None = None) -> dict[str, Any]:
    user = context["request"].user
    return {
        "recommendations": recommend_ideas(user=user, campaign=campaign),
        "show_campaign": campaign is None,
    }


@register.inclusion_tag("intelligence/_campaigns_you_may_like.html", takes_context=True)
def campaigns_you_may_like(context: template.Context) -> dict[str, Any]:
    return {"recommendations": recommend_campaigns(user=context["request"].user)}
