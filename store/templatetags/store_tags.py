"""Template tags of the store connection, so the community's templates show
its marks without the campaigns app importing the store:

    {% load store_tags %}
    {% verified_buyer idea.author_id idea.campaign_id %}   the mark, or nothing
    {% for_you %} / {% for_you campaign.brand_id %}        "for you" picks
    {% personalisation_switch %}                           the preferences switch

The mark says only "verified buyer": never which product, nor when.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from store import recommendations, selectors

register = template.Library()


def _verified_ids(context: template.Context, campaign_id: int) -> set[int]:
    """One query per campaign per request, however many rows show a mark."""
    holder = context.get("request") or context.render_context
    cache: dict[int, set[int]] = getattr(holder, "_store_verified", None) or {}
    if campaign_id not in cache:
        cache[campaign_id] = selectors.verified_buyer_ids(campaign_id)
        holder._store_verified = cache  # type: ignore[union-attr]
    return cache[campaign_id]


@register.simple_tag(takes_context=True)
def verified_buyer(
    context: template.Context, user_id: int | None, campaign_id: int | None
) -> SafeString | str:
    if not user_id or not campaign_id or user_id not in _verified_ids(context, campaign_id):
        return ""
    return format_html(
        '<span class="badge badge--verified" title="{}">{}</span>',
        _("Bought a product this campaign redesigns"),
        _("Verified buyer"),
    )


@register.inclusion_tag("store/_for_you.html", takes_context=True)
def for_you(context: template.Context, brand_id: int | None = None) -> dict[str, Any]:
    user = context["request"].user
    if not user.is_authenticated:
        return {"picks": []}
    picks = recommendations.for_user(user=user, brand_ids=[brand_id] if brand_id else None)
    return {"picks": picks, "personalised": selectors.personalisation_granted(user)}


@register.inclusion_tag("store/_personalisation_switch.html", takes_context=True)
def personalisation_switch(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "granted": selectors.personalisation_granted(request.user),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
