"""Reads of notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("idea", "comment").order_by("-created_at")
