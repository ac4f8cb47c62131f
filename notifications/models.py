"""Notifications, e-mail preferences and follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Comment, Idea

# These tables were created by the campaigns app before the apps were split; the
# models moved here and kept their table names (migrations/0001_initial.py).


class Notification(models.Model):
    class Kind(models.TextChoices):
        IDEA_PUBLISHED = "idea_published", _("Your idea was published")
        IDEA_DECLINED = "idea_declined", _("Your idea was declined")
        IDEA_ADOPTED = "idea_adopted", _("Your idea shaped a published text")
        NEW_COMMENT = "new_comment", _("New comment on your idea")
        NEW_REPLY = "new_reply", _("New reply to your comment")
        CONTENT_HIDDEN = "content_hidden", _("Your post was hidden")
        CAMPAIGN_PUBLISHED = "campaign_published", _("A campaign you took part in published its text")
        ASSISTANT_HANDOVER = "assistant_handover", _("A shopper's conversation was handed to your team")
        ASSISTANT_REPLY = "assistant_reply", _("A person replied to your question")
        WEBHOOK_DISABLED = "webhook_disabled", _("A webhook endpoint of your brand was disabled")
        MARKETING = "marketing", _("A message from a brand you follow")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "campaigns_notification"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.get_kind_display()


class NotificationPreference(models.Model):
    """How often a person hears by e-mail about what they follow."""

    class Frequency(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")
        NEVER = "never", _("Never")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        _("e-mail me about what I follow"), max_length=12, choices=Frequency.choices, default=Frequency.DAILY
    )
    # Activity after this moment goes into the next e-mail.
    last_sent_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "campaigns_notificationpreference"
        indexes = [models.Index(fields=["frequency", "last_sent_at"], name="notification_pref_due")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"


class Follow(models.Model):
    """A person following an idea or a campaign (one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="followers")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "campaigns_follow"
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(campaign__isnull=True))
                | (Q(idea__isnull=True) & Q(campaign__isnull=False)),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "idea"], condition=Q(idea__isnull=False), name="uniq_follow_idea"
            ),
            models.UniqueConstraint(
                fields=["user", "campaign"], condition=Q(campaign__isnull=False), name="uniq_follow_campaign"
            ),
        ]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        target = f"idea {self.idea_id}" if self.idea_id else f"campaign {self.campaign_id}"
        return f"{self.user_id} follows {target}"


class BulkEmailStamp(models.Model):
    """When a person last got a bulk e-mail (a digest or a marketing message):
    the one frequency cap every bulk sender checks and claims
    (notifications/email_cap.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk e-mail stamp")
        verbose_name_plural = _("bulk e-mail stamps")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_sent_at}"
