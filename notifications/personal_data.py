"""The notifications app's part of a person's data: their notifications, what
they follow and their e-mail preference (core/personal_data.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import personal_data
from notifications.models import Follow, Notification, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _notifications(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "message": n.message,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
        }
        for n in Notification.objects.filter(user=user).order_by("-created_at")
    ]


def _follows(user: User) -> list[dict[str, Any]]:
    return [
        {
            "idea": f.idea_id,
            "campaign": f.campaign.slug if f.campaign is not None else None,
            "created_at": f.created_at.isoformat(),
        }
        for f in Follow.objects.filter(user=user).select_related("campaign").order_by("created_at")
    ]


def _email_preferences(user: User) -> dict[str, Any] | None:
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None:
        return None
    return {"frequency": preference.frequency, "last_sent_at": preference.last_sent_at.isoformat()}


def _erase_notifications(user: User) -> None:
    Notification.objects.filter(user=user).delete()


def _erase_follows(user: User) -> None:
    Follow.objects.filter(user=user).delete()


def _erase_preferences(user: User) -> None:
    NotificationPreference.objects.filter(user=user).delete()


def register_sections() -> None:
    s, register = personal_data.Section, personal_data.register
    register(
        s("notifications", _notifications, erase=_erase_notifications, models=("notifications.Notification",))
    )
    register(s("follows", _follows, erase=_erase_follows, models=("notifications.Follow",)))
    register(
        s(
            "email_preferences",
            _email_preferences,
            erase=_erase_preferences,
            models=("notifications.NotificationPreference",),
        )
    )
