"""Webhooks: a brand's endpoints and every delivery to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Brand
from webhooks.guard import WebhookUrlRefused, webhook_url_check

# These tables were created by the campaigns app before the apps were split; the
# models moved here and kept their table names (migrations/0001_initial.py).

WEBHOOK_URL_MAX = 500
# Characters of a receiver's reply kept on a delivery, for the merchant's log.
WEBHOOK_RESPONSE_EXCERPT_MAX = 1024
WEBHOOK_ERROR_MAX = 500
# Why an endpoint was turned off, shown to the merchant in the admin.
WEBHOOK_DISABLED_REASON_MAX = 500


class WebhookEvent(models.TextChoices):
    IDEA_CREATED = "idea.created", _("An idea was submitted")
    IDEA_ADOPTED = "idea.adopted", _("An idea was adopted")
    DRAFT_PENDING_REVIEW = "draft.pending_review", _("An AI draft awaits review")
    DRAFT_PUBLISHED = "draft.published", _("An AI draft was published")
    GENERATION_FAILED = "generation.failed", _("A generation request failed")
    CONVERSATION_HANDED_OVER = (
        "conversation.handed_over",
        _("A shopper's conversation was handed to a person"),
    )


def _webhook_secret() -> str:
    import secrets

    # 256 bits: the receiver's only proof that a request came from cocreate.
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """A URL of a brand's that cocreate POSTs signed events to."""

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("brand")
    )
    url = models.URLField(
        _("URL"),
        max_length=WEBHOOK_URL_MAX,
        help_text=_("A public http(s) address; private networks are refused."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=64,
        default=_webhook_secret,
        editable=False,
        help_text=_("Verify X-Cocreate-Signature with this: sha256=HMAC-SHA256(secret, raw body)."),
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Deliveries in a row that failed for good; a success resets it, and
    # settings.WEBHOOK_DISABLE_AFTER_FAILURES of them turn the endpoint off.
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(
        _("why it was disabled"), max_length=WEBHOOK_DISABLED_REASON_MAX, blank=True
    )

    class Meta:
        db_table = "campaigns_webhookendpoint"
        ordering = ["brand", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(self.events, list) or not self.events:
            errors["events"] = [str(_("Choose at least one event."))]
        elif unknown := sorted({str(e) for e in self.events} - set(WebhookEvent.values)):
            errors["events"] = [str(_("Unknown events: %(events)s.") % {"events": ", ".join(unknown)})]
        if self.url:
            try:
                webhook_url_check(self.url)
            except WebhookUrlRefused as exc:
                errors["url"] = [exc.message]
        if errors:
            raise ValidationError(errors)


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint, with every attempt logged."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCESS = "success", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body_excerpt = models.TextField(
        _("response body (excerpt)"), blank=True, max_length=WEBHOOK_RESPONSE_EXCERPT_MAX
    )
    error = models.CharField(_("error"), max_length=WEBHOOK_ERROR_MAX, blank=True)
    # [{"attempt": n, "at": iso, "response_status": int|None, "error": str}], one per attempt.
    attempt_log = models.JSONField(_("attempts log"), default=list, blank=True)
    # Set when an attempt starts (it is counted and logged before anything is
    # sent) and cleared when its outcome is written: a worker killed between
    # the two leaves it set, and the stranded sweep closes that attempt.
    attempt_started_at = models.DateTimeField(_("attempt in flight since"), null=True, blank=True)
    # When the next attempt is due; the sweep republishes a retry whose message was lost.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        db_table = "campaigns_webhookdelivery"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.status})"
