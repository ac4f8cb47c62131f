"""Admin for notifications: read-only, scoped to the merchant's brands."""

from __future__ import annotations

from django.contrib import admin

from campaigns.admin_scoping import BrandScopedModelAdmin
from notifications.models import Notification

VIEW_ONLY = frozenset({"view"})


@admin.register(Notification)
class NotificationAdmin(BrandScopedModelAdmin):
    """Notifications about the brand's ideas, for answering "did they get told?"."""

    brand_lookup = "idea__campaign__brand"
    scoped_permissions = VIEW_ONLY
    list_display = ("kind", "user", "idea", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("user", "idea")
    search_fields = ("user__username", "idea__title")
    date_hierarchy = "created_at"
