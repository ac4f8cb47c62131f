"""Merchants' admin for marketing messages, scoped to their brands: create a
message campaign, preview it (audience after consent and caps, a sample of
rendered lines with their guardrail findings), approve it, and read its
results; coupon pools with generated or imported codes. Model and community
text is only ever rendered escaped (format_html)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.admin_scoping import BrandScopedAdminMixin, BrandScopedModelAdmin
from core.admin_actions import apply_each
from core.users import signed_in_user
from messaging import coupons, selectors, services
from messaging.models import CouponPool, MessageCampaign, Recipient

EDITABLE = (MessageCampaign.Status.DRAFT, MessageCampaign.Status.PREVIEWED)
# The results as the merchant reads them, in this order (selectors.message_campaign_results).
RESULT_LABELS = {
    "status": _("status"),
    "audience": _("audience"),
    "sent": _("sent"),
    # Sending is at most once: a send cut off midway is failed, never retried.
    "failed": _("failed (may not have been delivered)"),
    "skipped": _("skipped"),
    "line_origins": _("lines sent, by origin"),
    "clicks": _("clicks"),
    "coupons_issued": _("coupons issued"),
    "coupons_redeemed": _("coupons redeemed"),
    "ordered_share_messaged": _("share who ordered, messaged"),
    "ordered_share_control": _("share who ordered, control group"),
    "lift": _("lift"),
}


class CouponPoolForm(forms.ModelForm):
    generate = forms.IntegerField(
        label=_("generate this many new codes"), min_value=0, max_value=100_000, required=False
    )
    import_file = forms.FileField(label=_("import codes from a CSV file (first column)"), required=False)

    class Meta:
        model = CouponPool
        fields = ["brand", "name", "prefix", "expiry_days"]


@admin.register(CouponPool)
class CouponPoolAdmin(BrandScopedModelAdmin):
    form = CouponPoolForm
    brand_lookup = "brand"
    list_display = ["name", "brand", "prefix", "expiry_days", "codes", "free"]

    @admin.display(description=_("codes"))
    def codes(self, obj: CouponPool) -> int:
        return obj.coupons.count()

    @admin.display(description=_("not yet issued"))
    def free(self, obj: CouponPool) -> int:
        return obj.coupons.filter(recipient__isnull=True).count()

    def save_model(self, request: HttpRequest, obj: CouponPool, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("generate"):
            coupons.coupons_generate(pool=obj, count=form.cleaned_data["generate"])
        upload = form.cleaned_data.get("import_file")
        if upload:
            added, refused = coupons.coupons_import(pool=obj, text=upload.read().decode("utf-8", "replace"))
            self.message_user(
                request,
                gettext("%(added)d codes imported, %(refused)d refused (duplicates or too long).")
                % {"added": added, "refused": len(refused)},
            )


class RecipientInline(BrandScopedAdminMixin, admin.TabularInline):
    model = Recipient
    brand_lookup = "message_campaign__brand"
    scoped_permissions = frozenset({"view"})
    readonly_fields = fields = (
        "user",
        "segment",
        "language",
        "status",
        "skip_reason",
        "line_origin",
        "sent_at",
        "clicked_at",
    )
    extra = 0
    max_num = 0
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("user")


def _result_value(key: str, value: Any) -> str:
    """One result as the merchant reads it: choices by their labels, shares in per cent."""
    named = {
        "status": dict(MessageCampaign.Status.choices),
        "skipped": dict(Recipient.SkipReason.choices),
        "line_origins": dict(Recipient.LineOrigin.choices),
    }.get(key, {})
    if isinstance(value, dict):
        return ", ".join(f"{named.get(k, k)}: {n}" for k, n in sorted(value.items())) or "0"
    if value is None:
        return "—"
    if key == "lift":
        return gettext("%(points)+.1f percentage points") % {"points": value * 100}
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(named.get(value, value))


@admin.register(MessageCampaign)
class MessageCampaignAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    related_brand_lookups = {**BrandScopedModelAdmin.related_brand_lookups, CouponPool: "brand"}
    list_display = ["subject", "brand", "campaign", "occasion", "audience", "channel", "send_at", "status"]
    list_filter = ["status", "occasion", "channel"]
    fields = [
        "brand",
        "campaign",
        "occasion",
        "audience",
        "channel",
        "coupon_pool",
        "subject",
        "body",
        "send_at",
        "control_share",
        "status",
        "audience_size",
        "sample",
        "results",
    ]
    readonly_fields = ["status", "audience_size", "sample", "results"]
    actions = ["preview", "approve"]
    inlines = [RecipientInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        if obj is not None and obj.status not in EDITABLE:  # type: ignore[attr-defined]
            # Every entry of `fields` here is a plain name (no fieldset groups).
            return [
                f
                for f in self.fields
                if isinstance(f, str) and f not in ("audience_size", "sample", "results")
            ] + [
                "audience_size",
                "sample",
                "results",
            ]
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: MessageCampaign, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = signed_in_user(request)
        elif obj.status == MessageCampaign.Status.PREVIEWED:
            # A changed campaign must be previewed again before approval.
            obj.status = MessageCampaign.Status.DRAFT
        super().save_model(request, obj, form, change)

    @admin.display(description=_("audience after consent and caps"))
    def audience_size(self, obj: MessageCampaign) -> SafeString | str:
        if obj.pk is None or obj.status == MessageCampaign.Status.DRAFT:
            return gettext("Preview the campaign to see its audience.")
        counts = services.audience_summary(message_campaign=obj)
        labels = {"audience": gettext("audience"), "reachable": gettext("would receive it now")}
        labels.update({k: str(v) for k, v in Recipient.SkipReason.choices})
        return format_html_join(", ", "{}: {}", ((labels.get(k, k), n) for k, n in sorted(counts.items())))

    @admin.display(description=_("sample of rendered messages"))
    def sample(self, obj: MessageCampaign) -> SafeString | str:
        rows = Recipient.objects.filter(message_campaign=obj).exclude(line="").order_by("pk")[:20]
        if not rows:
            return gettext("No sample yet: preview the campaign; a worker writes the sample.")
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            gettext("segment"),
            gettext("language"),
            gettext("line"),
            gettext("guardrail findings"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}<br><small>{}</small></td><td>{}</td></tr>",
                (
                    (
                        r.get_segment_display(),
                        r.language,
                        r.line,
                        r.get_line_origin_display(),
                        "; ".join(f"{f['severity']}: {f['message']}" for f in r.findings) or "—",
                    )
                    for r in rows
                ),
            ),
        )

    @admin.display(description=_("results"))
    def results(self, obj: MessageCampaign) -> SafeString | str:
        if obj.pk is None or obj.status in EDITABLE:
            return "—"
        data = selectors.message_campaign_results(obj)
        rows = format_html_join(
            "<br>", "{}: {}", ((RESULT_LABELS[key], _result_value(key, value)) for key, value in data.items())
        )
        if not data["failed"]:
            return rows
        return format_html(
            "{}<br><small>{}</small>",
            rows,
            gettext(
                "A failed message was cut off while it was being sent (a worker stopped, or the mail "
                "server refused it). Messages are sent at most once, so it is not sent again: the "
                "person may or may not have received it."
            ),
        )

    @admin.action(description=_("Preview: build the audience and write a sample"))
    def preview(self, request: HttpRequest, queryset: QuerySet[MessageCampaign]) -> None:
        apply_each(
            self,
            request,
            queryset,
            lambda mc: services.message_campaign_preview(message_campaign=mc),
            label=_("previewed"),
        )

    @admin.action(description=_("Approve for sending at its send time"))
    def approve(self, request: HttpRequest, queryset: QuerySet[MessageCampaign]) -> None:
        user = signed_in_user(request)
        apply_each(
            self,
            request,
            queryset,
            lambda mc: services.message_campaign_approve(message_campaign=mc, user=user),
            label=_("approved"),
        )
