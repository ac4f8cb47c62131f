"""Community intelligence: idea and comment vectors, comment sentiment, themes.

Vectors are raw float32 bytes, so one column type works on SQLite and
PostgreSQL without an extension.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import TITLE_MAX, Campaign, Comment, Idea

# These tables were created by the campaigns app before the apps were split; the
# models moved here and kept their table names (migrations/0001_initial.py).

EMBEDDING_VERSION_MAX = 64


class IdeaEmbedding(models.Model):
    """The sentence embedding of an idea's title and description."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="embedding")
    # Denormalized: the per-process similarity index refreshes a campaign with
    # one range scan on (campaign, updated_at).
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    vector = models.BinaryField()
    model_version = models.CharField(max_length=EMBEDDING_VERSION_MAX)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "campaigns_ideaembedding"
        indexes = [models.Index(fields=["campaign", "updated_at"], name="idea_embedding_refresh")]
        verbose_name = _("idea embedding")
        verbose_name_plural = _("idea embeddings")

    def __str__(self) -> str:
        return f"embedding of idea {self.idea_id}"


class CommentSignal(models.Model):
    """What the community-intelligence worker read in a comment: its sentiment
    and its embedding (themes cluster comments with ideas)."""

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        NEUTRAL = "neutral", _("Neutral")

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="signal")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=Sentiment.choices)
    # From -1 (negative) to 1 (positive).
    score = models.FloatField(_("sentiment score"), default=0.0)
    method = models.CharField(_("method"), max_length=32)
    vector = models.BinaryField(null=True)
    model_version = models.CharField(max_length=EMBEDDING_VERSION_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "campaigns_commentsignal"
        indexes = [models.Index(fields=["campaign", "updated_at"], name="comment_signal_refresh")]
        verbose_name = _("comment signal")
        verbose_name_plural = _("comment signals")

    def __str__(self) -> str:
        return f"{self.sentiment} ({self.score:+.2f}) for comment {self.comment_id}"


class Theme(models.Model):
    """A cluster of a campaign's ideas and comments, labelled by its most central idea."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="themes")
    label_idea = models.ForeignKey(Idea, on_delete=models.SET_NULL, null=True, related_name="+")
    # The label idea's title when the theme was computed; it stays readable if
    # that idea is later edited away or deleted.
    label = models.CharField(_("label"), max_length=TITLE_MAX)
    rank = models.PositiveSmallIntegerField(_("rank"))
    size = models.PositiveIntegerField(_("size"))
    idea_ids = models.JSONField(default=list)
    comment_ids = models.JSONField(default=list)
    # Shares (0..1) of the theme's comments, by stance and by sentiment.
    stance_for = models.FloatField(_("for"), default=0.0)
    stance_against = models.FloatField(_("against"), default=0.0)
    stance_neutral = models.FloatField(_("neutral stance"), default=0.0)
    sentiment_positive = models.FloatField(_("positive"), default=0.0)
    sentiment_negative = models.FloatField(_("negative"), default=0.0)
    sentiment_neutral = models.FloatField(_("neutral sentiment"), default=0.0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        db_table = "campaigns_theme"
        ordering = ["campaign", "rank"]
        indexes = [models.Index(fields=["campaign", "rank"], name="theme_campaign_rank")]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label


class ThemeRun(models.Model):
    """When a campaign's themes were last computed and over how many items, so
    a new run starts only once enough new ideas and comments have come in."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="theme_run")
    item_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Set when a run is enqueued, so a burst of comments enqueues it once.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "campaigns_themerun"
        verbose_name = _("theme run")
        verbose_name_plural = _("theme runs")

    def __str__(self) -> str:
        return f"themes of campaign {self.campaign_id}"
