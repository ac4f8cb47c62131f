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

from core.text import TEXT_VALIDATORS

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
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=TEXT_VALIDATORS)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    brief = models.TextField(
        _("brief"), max_length=BRIEF_MAX, validators=[MaxLengthValidator(BRIEF_MAX), *TEXT_VALIDATORS]
    )
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

    # Statuses the public sees in lists and can vote on. Whether an idea is
    # publicly readable is decided by campaigns/visibility.py, which uses these.
    VISIBLE_STATUSES = (Status.PUBLISHED, Status.ADOPTED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas")
    title = models.CharField(
        _("title"), max_length=TITLE_MAX, validators=[MinLengthValidator(5), *TEXT_VALIDATORS]
    )
    body = models.TextField(
        _("description"),
        max_length=IDEA_BODY_MAX,
        validators=[MaxLengthValidator(IDEA_BODY_MAX), *TEXT_VALIDATORS],
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
            # instead of sorting the campaign (BENCHMARKS.md, "Ranking at scale").
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
        validators=[MinLengthValidator(2), MaxLengthValidator(COMMENT_BODY_MAX), *TEXT_VALIDATORS],
    )
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, default=Stance.NEUTRAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    # Like Idea.consent_ai: a comment is quoted to the model only with it.
    consent_ai = models.BooleanField(_("may use my comment in AI-written texts"), default=False)
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
    note = models.CharField(_("details"), max_length=REPORT_NOTE_MAX, blank=True, validators=TEXT_VALIDATORS)
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
        target = self.idea or self.comment
        if target is None:
            # The report_exactly_one_target constraint makes this unreachable for a saved row.
            raise ValueError("A report is about an idea or a comment.")
        return target


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

    # The decisions a moderator takes on one idea or comment, in menu order:
    # the admin's actions and the API's choices both list these.
    CONTENT_ACTIONS = (
        Action.APPROVE,
        Action.APPROVE_TRUST,
        Action.HIDE,
        Action.DECLINE,
        Action.DECLINE_BLOCK,
    )

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
