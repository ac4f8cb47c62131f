"""Community data: brands, campaigns, ideas, votes, comments, reports, notifications.

Models hold fields, constraints and cheap properties. Every write goes through
campaigns/services.py; reads with annotations live in campaigns/selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Size limits: every text field is bounded, in the database and in forms.
TITLE_MAX = 140
BRIEF_MAX = 5000
IDEA_BODY_MAX = 5000
COMMENT_BODY_MAX = 2000
REPORT_NOTE_MAX = 500


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    banned_phrases = models.TextField(
        _("banned claims"),
        blank=True,
        max_length=5000,
        validators=[MaxLengthValidator(5000)],
        help_text=_("One phrase per line. AI drafts containing one are flagged for the reviewer."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class BrandMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MODERATOR = "moderator", _("Moderator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MODERATOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "brand"], name="uniq_membership_user_brand")]
        verbose_name = _("brand membership")
        verbose_name_plural = _("brand memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand} ({self.role})"


class BrandBlock(models.Model):
    """A person a brand's moderators blocked: no ideas, votes or comments there."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="blocks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_blocks")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="uniq_block_brand_user")]
        verbose_name = _("blocked user")
        verbose_name_plural = _("blocked users")

    def __str__(self) -> str:
        return f"{self.user} blocked by {self.brand}"


class TrustedAuthor(models.Model):
    """'Approve and trust': this author's future posts skip pre-moderation."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="trusted_authors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_by")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="uniq_trust_brand_user")]
        verbose_name = _("trusted author")
        verbose_name_plural = _("trusted authors")

    def __str__(self) -> str:
        return f"{self.user} trusted by {self.brand}"


class Campaign(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IDEAS = "ideas", _("Collecting ideas")
        VOTING = "voting", _("Voting")
        REVIEW = "review", _("In review")
        CLOSED = "closed", _("Closed")

    class Locale(models.TextChoices):
        EN = "en", _("English")
        ZH_HANS = "zh-hans", _("Simplified Chinese")

    class Tone(models.TextChoices):
        FRIENDLY = "friendly", _("Friendly")
        PROFESSIONAL = "professional", _("Professional")
        PLAYFUL = "playful", _("Playful")
        PREMIUM = "premium", _("Premium")
        TECHNICAL = "technical", _("Technical")

    class ModerationPolicy(models.TextChoices):
        NONE = "none", _("Publish at once")
        NEW_USERS = "new_users", _("Pre-moderate new contributors")
        ALL = "all", _("Pre-moderate everything")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    brief = models.TextField(_("brief"), max_length=BRIEF_MAX, validators=[MaxLengthValidator(BRIEF_MAX)])
    product_name = models.CharField(_("product name"), max_length=120)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices, default=Locale.EN)
    tone = models.CharField(_("tone"), max_length=16, choices=Tone.choices, default=Tone.FRIENDLY)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    moderation_policy = models.CharField(
        _("moderation policy"),
        max_length=16,
        choices=ModerationPolicy.choices,
        default=ModerationPolicy.NEW_USERS,
    )
    vote_limit = models.PositiveIntegerField(
        _("votes per person"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["phase", "-opens_at"], name="campaign_phase_opens")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opens",
            )
        ]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.phase != self.Phase.DRAFT

    @property
    def deadline_passed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()

    @property
    def accepts_ideas(self) -> bool:
        return self.phase == self.Phase.IDEAS and not self.deadline_passed

    @property
    def accepts_votes(self) -> bool:
        return self.phase in (self.Phase.IDEAS, self.Phase.VOTING) and not self.deadline_passed

    @property
    def accepts_comments(self) -> bool:
        return (
            self.phase in (self.Phase.IDEAS, self.Phase.VOTING, self.Phase.REVIEW)
            and not self.deadline_passed
        )


# Idea.VISIBLE_STATUSES as a condition for the list indexes (Meta cannot see class attributes).
_VISIBLE = Q(status__in=("published", "adopted"))


class Idea(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        MERGED = "merged", _("Merged")
        DECLINED = "declined", _("Declined")
        ADOPTED = "adopted", _("Adopted")

    # Statuses the public sees in lists and can vote on.
    VISIBLE_STATUSES = (Status.PUBLISHED, Status.ADOPTED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas")
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[MinLengthValidator(5)])
    body = models.TextField(
        _("description"), max_length=IDEA_BODY_MAX, validators=[MaxLengthValidator(IDEA_BODY_MAX)]
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_ideas"
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Trending score, in log space; see campaigns/ranking.py.
    score = models.FloatField(default=0.0)
    consent_quote = models.BooleanField(_("may quote me"), default=False)
    consent_ai = models.BooleanField(_("may use my idea in AI-written texts"), default=False)
    consent_credit = models.BooleanField(_("credit me publicly"), default=False)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The public lists (selectors.SORTS) over visible ideas only, ordered
            # exactly as their ORDER BY: a top-20 read walks 20 index entries
            # instead of sorting the campaign (580 ms at 1M ideas, BENCHMARKS.md).
            # The condition must equal the selectors' `status IN VISIBLE_STATUSES`.
            models.Index(
                fields=["campaign", "-score", "-id"], condition=_VISIBLE, name="idea_trending_visible"
            ),
            models.Index(
                fields=["campaign", "-vote_count", "-created_at", "-id"],
                condition=_VISIBLE,
                name="idea_top_visible",
            ),
            models.Index(
                fields=["campaign", "-created_at", "-id"], condition=_VISIBLE, name="idea_new_visible"
            ),
            models.Index(fields=["author", "-created_at"], name="idea_author"),
            models.Index(fields=["status", "-created_at"], name="idea_status"),
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("idea_detail", kwargs={"pk": self.pk})

    @property
    def is_visible(self) -> bool:
        return self.status in self.VISIBLE_STATUSES


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # The real guard against double votes; throttles are not a control.
            models.UniqueConstraint(fields=["idea", "user"], name="uniq_vote_idea_user")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="vote_user")]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.idea_id}"


class Comment(models.Model):
    class Stance(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        NEUTRAL = "neutral", _("Neutral")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        DECLINED = "declined", _("Declined")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(
        _("comment"),
        max_length=COMMENT_BODY_MAX,
        validators=[MinLengthValidator(2), MaxLengthValidator(COMMENT_BODY_MAX)],
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, default=Stance.NEUTRAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["idea", "status", "created_at"], name="comment_idea"),
            models.Index(fields=["author", "-created_at"], name="comment_author"),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.idea.get_absolute_url()}#comment-{self.pk}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        OFF_TOPIC = "off_topic", _("Off-topic")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    # The brand, denormalized so moderation queues scope with one join-free filter.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=REPORT_NOTE_MAX, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=False)),
                name="report_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=Q(idea__isnull=False),
                name="uniq_report_idea",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="uniq_report_comment",
            ),
        ]
        indexes = [models.Index(fields=["brand", "resolved_at"], name="report_queue")]
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.target}"

    @property
    def target(self) -> Idea | Comment:
        return self.idea if self.idea_id else self.comment  # type: ignore[return-value]


class Notification(models.Model):
    class Kind(models.TextChoices):
        IDEA_PUBLISHED = "idea_published", _("Your idea was published")
        IDEA_DECLINED = "idea_declined", _("Your idea was declined")
        IDEA_ADOPTED = "idea_adopted", _("Your idea shaped a published text")
        NEW_COMMENT = "new_comment", _("New comment on your idea")
        NEW_REPLY = "new_reply", _("New reply to your comment")
        CONTENT_HIDDEN = "content_hidden", _("Your post was hidden")
        CAMPAIGN_PUBLISHED = "campaign_published", _("A campaign you took part in published its text")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.get_kind_display()


class ModerationAction(models.Model):
    """Audit trail of every moderation decision (who, what, when, why)."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_TRUST = "approve_trust", _("Approve and trust author")
        HIDE = "hide", _("Hide")
        DECLINE = "decline", _("Decline")
        DECLINE_BLOCK = "decline_block", _("Decline and block author")
        AUTO_HIDE = "auto_hide", _("Hidden automatically after reports")
        DISMISS_REPORTS = "dismiss_reports", _("Dismiss reports")
        PHASE = "phase", _("Change campaign phase")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="moderation_actions")
    action = models.CharField(max_length=20, choices=Action.choices)
    idea = models.ForeignKey(Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor or 'system'}"


# --- The public REST API: tokens and webhooks -------------------------------------

# Characters of a token key kept in clear to find it again (and to show in lists).
API_TOKEN_PREFIX_LENGTH = 8
WEBHOOK_URL_MAX = 500
# Characters of a receiver's reply kept on a delivery, for the merchant's log.
WEBHOOK_RESPONSE_EXCERPT_MAX = 1024
WEBHOOK_ERROR_MAX = 500


class ApiToken(models.Model):
    """A key an API client sends as `Authorization: Token <key>`.

    Only the SHA-256 of the key is stored: a database leak gives no working key.
    The key is shown once, when it is created (campaigns/api/tokens.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("prefix"), max_length=API_TOKEN_PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    IDEA_CREATED = "idea.created", _("An idea was submitted")
    IDEA_ADOPTED = "idea.adopted", _("An idea was adopted")
    DRAFT_PENDING_REVIEW = "draft.pending_review", _("An AI draft awaits review")
    DRAFT_PUBLISHED = "draft.published", _("An AI draft was published")
    GENERATION_FAILED = "generation.failed", _("A generation request failed")


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

    class Meta:
        ordering = ["brand", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        # webhooks.py imports this module, hence the late import.
        from .webhooks import WebhookUrlRefused, webhook_url_check

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
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log")]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.status})"


# --- Community intelligence ---------------------------------------------------------
# Embeddings, merges, themes, comment signals, follows and e-mail preferences;
# the logic lives in campaigns/intelligence/. Vectors are raw float32 bytes, so
# one column type works on SQLite and PostgreSQL without an extension.

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
        indexes = [models.Index(fields=["campaign", "updated_at"], name="comment_signal_refresh")]
        verbose_name = _("comment signal")
        verbose_name_plural = _("comment signals")

    def __str__(self) -> str:
        return f"{self.sentiment} ({self.score:+.2f}) for comment {self.comment_id}"


class IdeaMerge(models.Model):
    """A duplicate folded into a survivor, with exactly what moved, so that an
    unmerge puts every vote and comment back where it was."""

    duplicate = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_out")
    survivor = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="merges_in")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    previous_status = models.CharField(max_length=16, choices=Idea.Status.choices)
    moved_vote_ids = models.JSONField(default=list)
    # Votes of people who had voted for both ideas: removed so that each person
    # counts once on the survivor, kept here as {"user": id, "created_at": iso}.
    folded_votes = models.JSONField(default=list)
    moved_comment_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(_("merged"), default=timezone.now)
    undone_at = models.DateTimeField(_("unmerged"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate"], condition=Q(undone_at__isnull=True), name="uniq_active_merge"
            )
        ]
        verbose_name = _("idea merge")
        verbose_name_plural = _("idea merges")

    def __str__(self) -> str:
        return f"{self.duplicate_id} -> {self.survivor_id}"


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
        verbose_name = _("theme run")
        verbose_name_plural = _("theme runs")

    def __str__(self) -> str:
        return f"themes of campaign {self.campaign_id}"


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
