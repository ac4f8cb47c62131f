"""Follows and e-mail preferences: the writes the hooks and the preferences
page share. Imports nothing from campaigns.services, so services.py can import
the hooks at module level without a cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Idea
from core.exceptions import NotAllowed
from notifications.models import Follow, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Frequency = NotificationPreference.Frequency


def preference_for(user: User) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def preference_set(*, user: User, frequency: str) -> NotificationPreference:
    if frequency not in Frequency.values:
        raise NotAllowed(_("Choose how often you want to hear from us."))
    preference = preference_for(user)
    preference.frequency = frequency
    preference.save(update_fields=["frequency", "updated_at"])
    return preference


def follow_add(*, user: User, idea: Idea | None = None, campaign: Campaign | None = None) -> Follow:
    if (idea is None) == (campaign is None):
        raise ValueError("follow_add needs exactly one of idea or campaign")
    preference_for(user)
    follow, _created = Follow.objects.get_or_create(user=user, idea=idea, campaign=campaign)
    return follow


def follow_remove(*, user: User, idea: Idea | None = None, campaign: Campaign | None = None) -> int:
    if (idea is None) == (campaign is None):
        raise ValueError("follow_remove needs exactly one of idea or campaign")
    deleted, _per_model = Follow.objects.filter(user=user, idea=idea, campaign=campaign).delete()
    return deleted


def wants_email(user_id: int) -> bool:
    """Whether a personal message may also go out by e-mail."""
    frequency = (
        NotificationPreference.objects.filter(user_id=user_id).values_list("frequency", flat=True).first()
    )
    return frequency != Frequency.NEVER


def user_follows(user: User) -> QuerySet[Follow]:
    """What a person follows, newest first, with the idea or campaign joined in."""
    return Follow.objects.filter(user=user).select_related("idea", "campaign").order_by("-created_at")
