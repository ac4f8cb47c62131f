"""Reads of notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("idea", "comment").order_by("-created_at")


def notification_text(notification: Notification) -> str:
    """One readable line, in the active language: what happened, about which
    idea, and the note that came with it (the inbox page shows the same)."""
    text = str(notification.get_kind_display())
    if notification.idea is not None:
        text = _("%(what)s: “%(idea)s”") % {"what": text, "idea": notification.idea.title}
    if notification.message:
        text = (
            f"{text}. {notification.message}"
            if not text.endswith((".", "。"))
            else f"{text} {notification.message}"
        )
    return text
