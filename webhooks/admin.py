"""Admin for webhooks: endpoints and their delivery log, scoped to the
merchant's brands; the log is read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns.admin_scoping import BrandScopedModelAdmin
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
    list_display = ("url", "brand", "is_active", "created_at")
    list_filter = ("is_active", ("brand", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("brand",)
    search_fields = ("url",)
    readonly_fields = ("secret", "created_at")


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
