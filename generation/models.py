"""AI drafting: generation requests, the drafts they produce, where each draft's
input came from, and an audit trail of everything done to them.

Models hold fields, constraints and the status tables. Every write goes through
generation/services.py, which enforces the tables; reads live in
generation/selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Comment, Idea
from generation.drafting.types import SentenceOrigin, SourceKind, SourceText

# A draft is a product description or a short story: a few paragraphs at most.
# Reviewers may lengthen it by hand, within this bound.
DRAFT_TEXT_MAX = 5000
# Request errors are shown to merchants; tracebacks go to the logs.
ERROR_MAX = 2000
REVIEW_NOTE_MAX = 500
AUDIT_DETAIL_MAX = 500
IDEMPOTENCY_KEY_MAX = 64
MODEL_NAME_MAX = 200


class Kind(models.TextChoices):
    PRODUCT_DESCRIPTION = "product_description", _("Product description")
    USER_STORY = "user_story", _("User story")


class Length(models.TextChoices):
    SHORT = "short", _("Short")
    MEDIUM = "medium", _("Medium")
    LONG = "long", _("Long")


# New tokens the model may write per length. SmolLM2-135M drifts after a few
# sentences, so even "long" stays near the 80-150 tokens where it writes well
# (REFERENCE.md, "Generation speed").
# Nearly twice the target word count in tokens: room to end the last sentence (at 80
# tokens for "short", nearly every draft of the default model was cut off).
MAX_NEW_TOKENS: dict[str, int] = {Length.SHORT: 96, Length.MEDIUM: 144, Length.LONG: 192}
# The word count the prompt asks for; a draft far above it is flagged.
TARGET_WORDS: dict[str, int] = {Length.SHORT: 50, Length.MEDIUM: 80, Length.LONG: 110}


class GenerationRequest(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # Allowed status changes; generation/services.py refuses every other one.
    # running -> queued is the sweeper putting back a request whose worker died.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED, Status.QUEUED}),
        Status.DONE: frozenset(),
        Status.FAILED: frozenset(),
    }
    OPEN_STATUSES = (Status.QUEUED, Status.RUNNING)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="generation_requests")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="generation_requests",
        verbose_name=_("requested by"),
    )
    # tone, length, keywords (list), language, variants; validated by the service.
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # How many task runs claimed this request; past GENERATION_MAX_DELIVERIES it fails.
    deliveries = models.PositiveSmallIntegerField(_("deliveries"), default=0)
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX, null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    prompt = models.TextField(_("prompt"), blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=64, blank=True)
    model_name = models.CharField(_("model"), max_length=MODEL_NAME_MAX, blank=True)
    # queue_wait_s, generate_s, prompt_tokens, new_tokens, seed
    timings = models.JSONField(_("timings"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, max_length=ERROR_MAX)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    regenerated_from = models.ForeignKey(
        "Draft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regenerations",
        verbose_name=_("regenerated from"),
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="uniq_generation_idempotency_key",
            ),
        ]
        indexes = [
            # The claim takes the oldest queued requests; the sweeper scans running ones.
            models.Index(fields=["status", "created_at"], name="genreq_status_created"),
            # The per-user quota counts a user's open requests.
            models.Index(fields=["requested_by", "status"], name="genreq_user_status"),
            models.Index(fields=["campaign", "-created_at"], name="genreq_campaign"),
        ]
        verbose_name = _("generation request")
        verbose_name_plural = _("generation requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} – {self.campaign}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Draft(models.Model):
    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")
        # Replaced by an edited version; kept unchanged for the record.
        SUPERSEDED = "superseded", _("Superseded by an edit")

    # Allowed status changes; generation/services.py refuses every other one.
    # A rejected draft stays rejected: regenerating makes a new request.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING_REVIEW: frozenset({Status.APPROVED, Status.REJECTED, Status.SUPERSEDED}),
        Status.APPROVED: frozenset({Status.PUBLISHED, Status.REJECTED, Status.SUPERSEDED}),
        Status.REJECTED: frozenset(),
        Status.PUBLISHED: frozenset(),
        Status.SUPERSEDED: frozenset(),
    }
    EDITABLE_STATUSES = (Status.PENDING_REVIEW, Status.APPROVED)

    request = models.ForeignKey(
        GenerationRequest, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("request")
    )
    # Denormalised from the request so the review queue scopes and filters join-free.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    text = models.TextField(
        _("text"), max_length=DRAFT_TEXT_MAX, validators=[MaxLengthValidator(DRAFT_TEXT_MAX)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING_REVIEW
    )
    # [{"code": ..., "severity": "high"|"medium"|"low", "message": ...}] from generation/guardrails.py
    findings = models.JSONField(_("guardrail findings"), default=list, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=REVIEW_NOTE_MAX, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Variants of one request, best first: the most coverage of the top ideas,
    # then fewest blocking findings, then fewest findings, then the most fluent
    # (lowest perplexity). Edits keep their rank.
    rank = models.PositiveSmallIntegerField(
        _("rank among the variants"), default=1, help_text=_("1 is the best variant of its request.")
    )
    perplexity = models.FloatField(
        _("perplexity"),
        null=True,
        blank=True,
        help_text=_(
            "How surprised the model was by its own text: lower reads more fluently. Empty for edits."
        ),
    )
    # Share (0..1) of the campaign's top ideas that a sentence of this text
    # realises (generation/provenance.py); empty for drafts written before it was measured.
    coverage = models.FloatField(
        _("coverage of the top ideas"),
        null=True,
        blank=True,
        help_text=_("Share of the campaign's top ideas that a sentence of this text realises."),
    )
    # False when the model does not write the campaign's language and the draft
    # was composed from the community's own words in templates.
    model_written = models.BooleanField(_("written by the model"), default=True)
    parent = models.ForeignKey(
        "self",
        # An edited-from version is never deleted on its own, only with its request.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("edited from"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Version 1 is the model's text; every later version is an edit of its parent.
            models.CheckConstraint(
                condition=(Q(version=1) & Q(parent__isnull=True))
                | (Q(version__gt=1) & Q(parent__isnull=False)),
                name="draft_version_matches_parent",
            ),
        ]
        indexes = [
            # The review queue: a brand's pending drafts, newest first.
            models.Index(fields=["campaign", "status", "-created_at"], name="draft_review_queue"),
            models.Index(fields=["status", "-created_at"], name="draft_status_created"),
            # The campaign page: published drafts, newest first.
            models.Index(fields=["campaign", "status", "-published_at"], name="draft_published"),
        ]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"#{self.pk} v{self.version} {self.get_kind_display()}"


class DraftSentence(models.Model):
    """One sentence of a draft, in order, with where it came from and what the
    checks found in it alone. Its sources (DraftSentenceSource) are the ideas
    and comments it realises; a draft's DraftSource rows are their union."""

    class Origin(models.TextChoices):
        MODEL = SentenceOrigin.MODEL.value, _("Written by the model")
        FALLBACK = (
            SentenceOrigin.FALLBACK.value,
            _("From the community's own words (the model's attempts failed)"),
        )
        TEMPLATE = SentenceOrigin.TEMPLATE.value, _("Template")
        COMMUNITY = SentenceOrigin.COMMUNITY.value, _("From the community's own words")
        EDITED = SentenceOrigin.EDITED.value, _("Written by a reviewer")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="sentences")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"), max_length=DRAFT_TEXT_MAX)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    # Findings on this sentence alone, same shape as Draft.findings.
    findings = models.JSONField(_("guardrail findings"), default=list, blank=True)

    class Meta:
        ordering = ["draft", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "position"], name="draftsentence_unique_position"),
        ]
        verbose_name = _("draft sentence")
        verbose_name_plural = _("draft sentences")

    def __str__(self) -> str:
        return f"draft {self.draft_id} sentence {self.position}"


class CommunitySource(models.Model):
    """One idea or comment that a text realises: exactly one of the two. A
    sentence's sources and a draft's (their union) are both kinds of it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(comment__isnull=True))
                | (Q(idea__isnull=True) & Q(comment__isnull=False)),
                name="%(class)s_exactly_one_target",
            ),
        ]

    @staticmethod
    def target_ids(source: SourceText) -> dict[str, int | None]:
        """The idea_id and comment_id of a row for one source."""
        is_idea = source.kind == SourceKind.IDEA
        return {"idea_id": source.pk if is_idea else None, "comment_id": None if is_idea else source.pk}

    def allows_ai_use(self) -> bool:
        """Whether the author of the idea or comment allows AI use now."""
        target = self.idea or self.comment
        return target is not None and target.consent_ai

    def target_label(self) -> str:
        return f"idea {self.idea_id}" if self.idea_id else f"comment {self.comment_id}"


class DraftSentenceSource(CommunitySource):
    """One idea or comment a sentence realises; `position` 0 is the closest."""

    sentence = models.ForeignKey(DraftSentence, on_delete=models.CASCADE, related_name="sources")

    class Meta(CommunitySource.Meta):
        ordering = ["sentence", "position"]
        verbose_name = _("sentence source")
        verbose_name_plural = _("sentence sources")

    def __str__(self) -> str:
        return f"sentence {self.sentence_id}: {self.target_label()}"


class DraftSource(CommunitySource):
    """One idea or comment that a sentence of the draft realises: the union of
    its sentences' sources, written with them by generation/services.py, and
    what publishing credits; `position` is the order of first use in the text."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="sources")

    class Meta(CommunitySource.Meta):
        ordering = ["draft", "position"]
        verbose_name = _("draft source")
        verbose_name_plural = _("draft sources")

    def __str__(self) -> str:
        return f"draft {self.draft_id}: {self.target_label()}"


class DraftAuditEntry(models.Model):
    """Who did what to a request or draft, when, and why. Never edited."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        STARTED = "started", _("Started")
        GENERATED = "generated", _("Generated")
        FAILED = "failed", _("Failed")
        REQUEUED = "requeued", _("Requeued")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EDITED = "edited", _("Edited")
        REGENERATED = "regenerated", _("Regenerated")
        PUBLISHED = "published", _("Published")
        # Approved or published despite a blocking finding; the detail is the reviewer's reason.
        OVERRIDDEN = "overridden", _("Blocking findings overridden")

    request = models.ForeignKey(GenerationRequest, on_delete=models.CASCADE, related_name="audit_entries")
    # Empty for request-level entries (requested, started, failed...).
    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    # Empty when the system acted (a worker, the sweeper).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=AUDIT_DETAIL_MAX, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["draft", "created_at"], name="audit_draft"),
            models.Index(fields=["request", "created_at"], name="audit_request"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor or 'system'}"
