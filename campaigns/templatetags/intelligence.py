"""Template tags for the community-intelligence partials, so a page adds one
line instead of its view computing the context:

    {% load intelligence %}
    {% ideas_you_may_like %}                 (home: ideas from every open campaign)
    {% ideas_you_may_like campaign %}        (a campaign page: ideas of that campaign)
    {% campaigns_you_may_like %}
    {% follow_button idea=idea %} / {% follow_button campaign=campaign %}
"""

from __future__ import annotations

from typing import Any

from django import template

from campaigns.intelligence.recommendations import campaigns_you_may_like as recommend_campaigns
from campaigns.intelligence.recommendations import ideas_you_may_like as recommend_ideas
from campaigns.models import Campaign, Follow, Idea

register = template.Library()


@register.inclusion_tag("campaigns/intelligence/_ideas_you_may_like.html", takes_context=True)
def ideas_you_may_like(context: template.Context, campaign: Campaign | None = None) -> dict[str, Any]:
    user = context["request"].user
    return {
        "recommendations": recommend_ideas(user=user, campaign=campaign),
        "show_campaign": campaign is None,
    }


@register.inclusion_tag("campaigns/intelligence/_campaigns_you_may_like.html", takes_context=True)
def campaigns_you_may_like(context: template.Context) -> dict[str, Any]:
    return {"recommendations": recommend_campaigns(user=context["request"].user)}


@register.inclusion_tag("campaigns/intelligence/_follow_button.html", takes_context=True)
def follow_button(
    context: template.Context, idea: Idea | None = None, campaign: Campaign | None = None
) -> dict[str, Any]:
    request = context["request"]
    target, obj = ("idea", idea) if idea is not None else ("campaign", campaign)
    following = (
        request.user.is_authenticated and Follow.objects.filter(user=request.user, **{target: obj}).exists()
    )
    return {"request": request, "user": request.user, "target": target, "pk": obj.pk, "following": following}
