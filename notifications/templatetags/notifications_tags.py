"""Template tags of notifications:

{% load notifications_tags %}
{% follow_button idea=idea %} / {% follow_button campaign=campaign %}
"""

from __future__ import annotations

from typing import Any

from django import template

from campaigns.models import Campaign, Idea
from notifications.models import Follow

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(
    context: template.Context, idea: Idea | None = None, campaign: Campaign | None = None
) -> dict[str, Any]:
    request = context["request"]
    obj: Idea | Campaign
    if idea is not None:
        target, obj = "idea", idea
    elif campaign is not None:
        target, obj = "campaign", campaign
    else:
        raise template.TemplateSyntaxError("follow_button needs an idea or a campaign")
    following = (
        request.user.is_authenticated and Follow.objects.filter(user=request.user, **{target: obj}).exists()
    )
    return {"request": request, "user": request.user, "target": target, "pk": obj.pk, "following": following}
