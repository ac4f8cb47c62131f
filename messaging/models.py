"""Consented marketing messages: consent per brand and purpose (with its log),
message campaigns, their recipients, and coupons.

Consent is never assumed: no row means no consent. `MarketingConsent` is the
current state, `ConsentEvent` the append-only record of when and how it was
given or withdrawn. A `Recipient` row exists once per person per message
campaign (unique), so preparing and sending can be retried without anyone
getting a message twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Brand, Campaign

CODE_MAX = 32
LINE_MAX = 400
SUBJECT_MAX = 150
BODY_MAX = 2000
# The share of the audience held out for lift is a percentage: at most half.
CONTROL_SHARE_MAX = 50


class Purpose(models.TextChoices):
    # Service notifications (your idea was adopted) are not consent-based
    # marketing: they have their own preferences (notifications app).
    MARKETING = "marketing", _("Marketing messages")


class MarketingConsent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.MARKETING)
    granted = models.BooleanField(default=False)
    # The language the person used when they said yes: the language of their messages.
    language = models.CharField(max_length=8, default="en")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand", "purpose"], name="uniq_marketing_consent")
        ]
        verbose_name = _("marketing consent")
        verbose_name_plural = _("marketing consents")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.brand_id}: {self.granted}"


class ConsentEvent(models.Model):
    """Append-only: one row per change, never updated."""

    class Source(models.TextChoices):
        PREFERENCES = "preferences", _("Preferences page")
        UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")
        ONE_CLICK = "one_click", _("One-click unsubscribe (RFC 8058)")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.MARKETING)
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=Source.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.brand_id}: {self.granted} ({self.source})"


class CouponPool(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("code prefix"), max_length=8, blank=True)
    expiry_days = models.PositiveSmallIntegerField(_("valid for (days after sending)"), default=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coupon pool")
        verbose_name_plural = _("coupon pools")

    def __str__(self) -> str:
        return self.name


class MessageCampaign(models.Model):
    class Occasion(models.TextChoices):
        LAUNCH = "launch", _("The product launches")
        PROTOTYPE_VOLUNTEERS = "prototype_volunteers", _("A prototype test needs volunteers")
        CAMPAIGN_CLOSED = "campaign_closed", _("The campaign closes")
        THANK_YOU_REWARD = "thank_you_reward", _("Thank you, with a reward")

    class Audience(models.TextChoices):
        ADOPTED_CONTRIBUTORS = "adopted_contributors", _("Contributors whose ideas were adopted")
        VOTERS_OF_ADOPTED = "voters_of_adopted", _("Voters of adopted ideas")
        PARTICIPANTS = "participants", _("Everyone who took part")
        FOLLOWERS = "followers", _("Followers")

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In-app")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PREVIEWED = "previewed", _("Previewed")
        APPROVED = "approved", _("Approved")
        PREPARING = "preparing", _("Preparing")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(_("occasion"), max_length=24, choices=Occasion.choices)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    coupon_pool = models.ForeignKey(
        CouponPool,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coupons"),
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX)
    body = models.TextField(_("message"), max_length=BODY_MAX)
    send_at = models.DateTimeField(_("send at"), default=timezone.now)
    control_share = models.PositiveSmallIntegerField(
        _("control group (%)"), default=10, validators=[MaxValueValidator(CONTROL_SHARE_MAX)]
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message campaign")
        verbose_name_plural = _("message campaigns")

    def __str__(self) -> str:
        return self.subject


class Recipient(models.Model):
    class Segment(models.TextChoices):
        ADOPTED_AUTHOR = "adopted_author", _("Author of an adopted idea")
        ADOPTED_VOTER = "adopted_voter", _("Voted for an adopted idea")
        PARTICIPANT = "participant", _("Took part")
        FOLLOWER = "follower", _("Follows the campaign")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being prepared")
        PREPARED = "prepared", _("Prepared")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    class SkipReason(models.TextChoices):
        NO_CONSENT = "no_consent", _("No consent")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        CAPPED = "capped", _("Over the frequency cap")
        CONTROL_GROUP = "control_group", _("Control group")
        NO_ADDRESS = "no_address", _("No e-mail address")

    class LineOrigin(models.TextChoices):
        MODEL = "model", _("Written by the model, verified")
        FALLBACK = "fallback", _("Failed verification: approved template")
        TEMPLATE = "template", _("Language template with the recipient's facts")

    message_campaign = models.ForeignKey(MessageCampaign, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=16, choices=Segment.choices)
    language = models.CharField(max_length=8, default="en")
    in_control = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(max_length=16, choices=SkipReason.choices, blank=True)
    line = models.CharField(max_length=LINE_MAX, blank=True)
    line_origin = models.CharField(max_length=10, choices=LineOrigin.choices, blank=True)
    findings = models.JSONField(default=list, blank=True)
    claim = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_campaign", "user"], name="uniq_recipient_per_campaign")
        ]
        indexes = [models.Index(fields=["message_campaign", "status"], name="recipient_status")]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")

    def __str__(self) -> str:
        return f"{self.message_campaign_id}/{self.user_id}: {self.status}"


class Coupon(models.Model):
    pool = models.ForeignKey(CouponPool, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=CODE_MAX, unique=True)
    recipient = models.OneToOneField(
        Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="coupon"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["pool", "recipient"], name="coupon_free")]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")

    def __str__(self) -> str:
        return self.code
