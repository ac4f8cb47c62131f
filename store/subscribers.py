"""How the store answers the events of the apps below it (store/apps.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store import recommendations, selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def digest_extras(*, user: User) -> list[tuple[str, str]] | None:
    """ "For you" lines in a digest: only for a member who switched
    personalisation on, and only picks from their own history."""
    if not selectors.personalisation_granted(user):
        return None
    picks = [r for r in recommendations.for_user(user=user) if r.personalised and r.url]
    return [(f"{r.title} ({r.reason})", r.url) for r in picks] or None
