"""Admin for webhooks: endpoints and their delivery log, scoped to the
merchant's brands; the log is read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.admin_scoping import BrandScopedModelAdmin
from webhooks import services
from webhooks.models import WEBHOOK_URL_MAX, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=WEBHOOK_URL_MAX,
        assume_scheme="https",
        help_text=_("A public http(s) address; private networks are refused."),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple, label=_("events")
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["brand", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    form = WebhookEndpointForm
    list_display = ("url", "brand", "is_active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("is_active", ("brand", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("brand",)
    search_fields = ("url",)
    readonly_fields = ("secret", "created_at", "consecutive_failures", "disabled_at", "disabled_reason")
    actions = ["enable"]

    @admin.action(description=_("Turn the selected endpoints back on"), permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        endpoint_ids = list(queryset.values_list("pk", flat=True))
        for endpoint_id in endpoint_ids:
            services.webhook_endpoint_enable(endpoint_id=endpoint_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d endpoint turned back on.", "%(count)d endpoints turned back on.", len(endpoint_ids)
            )
            % {"count": len(endpoint_ids)},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Ticking "active" again is the same re-enabling as the action: the count starts over.
        if change and obj.is_active and "is_active" in form.changed_data:
            services.webhook_endpoint_enable(endpoint_id=obj.pk)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BrandScopedModelAdmin):
    brand_lookup = "endpoint__brand"
    scoped_permissions = frozenset({"view"})
    list_display = (
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "delivered_at",
    )
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "response_status",
        "response_body_excerpt",
        "error",
        "attempt_log",
        "created_at",
        "delivered_at",
    )
