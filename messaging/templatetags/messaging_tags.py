"""Template tags of marketing messages, so the preferences page shows the
per-brand marketing consent without the notifications app importing messaging:

    {% load messaging_tags %}
    {% marketing_consents %}
"""

from __future__ import annotations

from typing import Any

from django import template

from messaging import consent

register = template.Library()


@register.inclusion_tag("messaging/_consents.html", takes_context=True)
def marketing_consents(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "brands": consent.preference_brands(request.user) if request.user.is_authenticated else [],
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
