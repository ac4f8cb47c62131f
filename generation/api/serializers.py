"""Serializers of the drafting API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.selectors import campaigns_for_viewer
from campaigns.api.serializers import SafeSlugRelatedField
from campaigns.models import Campaign
from campaigns.selectors import moderated_brand_ids
from core.api.fields import count_field, id_field
from generation.models import (
    DRAFT_TEXT_MAX,
    IDEMPOTENCY_KEY_MAX,
    REVIEW_NOTE_MAX,
    CommunitySource,
    Draft,
    DraftSentence,
    GenerationRequest,
    Kind,
    Length,
)
from generation.services import KEYWORD_CHARS_MAX, KEYWORDS_MAX, keywords_split

# Characters of a source comment quoted in a draft's detail.
SOURCE_EXCERPT_CHARS = 200
DEFAULT_VARIANTS = 2


class _StaffCampaignField(SafeSlugRelatedField):
    """A campaign, by slug, of a brand the viewer moderates."""

    def get_queryset(self) -> QuerySet[Campaign]:
        user = self.context["request"].user
        ids = moderated_brand_ids(user)
        campaigns = campaigns_for_viewer(user)
        return campaigns if ids is None else campaigns.filter(brand_id__in=ids)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string", "maxLength": KEYWORD_CHARS_MAX}},
            {"type": "string"},
        ]
    }
)
class KeywordsField(serializers.ListField):
    """A list of keywords, or the admin form's comma-separated text."""

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = keywords_split(data)
        return super().to_internal_value(data)


class GenerationRequestCreateSerializer(serializers.Serializer):
    """The admin's generation form: what to write, and how."""

    campaign = _StaffCampaignField(slug_field="slug")
    kind = serializers.ChoiceField(choices=Kind.choices)
    tone = serializers.ChoiceField(
        choices=Campaign.Tone.choices, required=False, help_text=_("Defaults to the campaign's tone.")
    )
    length = serializers.ChoiceField(choices=Length.choices, default=Length.SHORT)
    keywords = KeywordsField(
        child=serializers.CharField(max_length=KEYWORD_CHARS_MAX),
        max_length=KEYWORDS_MAX,
        default=list,
        help_text=_(
            "Words the text should use: a list of strings, or one string separated by commas "
            "(as in the admin's form)."
        ),
    )
    language = serializers.ChoiceField(
        choices=Campaign.Locale.choices, required=False, help_text=_("Defaults to the campaign's language.")
    )
    variants = serializers.IntegerField(
        min_value=1, max_value=settings.GENERATION_MAX_VARIANTS, default=DEFAULT_VARIANTS
    )
    idempotency_key = serializers.CharField(
        max_length=IDEMPOTENCY_KEY_MAX,
        required=False,
        help_text=_("Send the same key when retrying: the first request is returned, not queued twice."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        campaign = attrs["campaign"]
        attrs.setdefault("tone", campaign.tone)
        attrs.setdefault("language", campaign.locale)
        return attrs


def _listed(child: serializers.Serializer, items: QuerySet[Any]) -> list[dict[str, Any]]:
    # What `Serializer(items, many=True).data` returns, spelled out: the stubs
    # type that call's data as one object's.
    return serializers.ListSerializer(items, child=child).data


class GenerationRequestSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField[Campaign](slug_field="slug", read_only=True)
    # What `many=True` builds, spelled out: the stubs type that call as one field.
    drafts = serializers.ManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField[Draft](read_only=True), read_only=True
    )

    class Meta:
        model = GenerationRequest
        fields = [
            "id",
            "campaign",
            "kind",
            "params",
            "status",
            "error",
            "drafts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["high", "medium", "low"])
    message = serializers.CharField()


class _StaffOnly:
    """Review details (findings, notes, sources) go to the brand's staff only;
    others get null. The view puts the viewer's brands in the context."""

    context: dict[str, Any]

    def is_staff_for(self, draft: Draft) -> bool:
        brand_ids = self.context["staff_brand_ids"]
        return brand_ids is None or draft.campaign.brand_id in brand_ids


class DraftSerializer(_StaffOnly, serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField[Campaign](slug_field="slug", read_only=True)
    findings = serializers.SerializerMethodField()
    review_note = serializers.SerializerMethodField()
    coverage = serializers.SerializerMethodField()

    class Meta:
        model = Draft
        fields = [
            "id",
            "campaign",
            "request",
            "kind",
            "text",
            "status",
            "version",
            "parent",
            "rank",
            "perplexity",
            "coverage",
            "model_written",
            "findings",
            "review_note",
            "reviewed_at",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True, allow_null=True))
    def get_findings(self, draft: Draft) -> list[dict[str, str]] | None:
        """Guardrail findings, for the brand's reviewers; null for everyone else."""
        return draft.findings if self.is_staff_for(draft) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_note(self, draft: Draft) -> str | None:
        return draft.review_note if self.is_staff_for(draft) else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_coverage(self, draft: Draft) -> float | None:
        """Share (0..1) of the campaign's top ideas a sentence realises, for the
        brand's reviewers; null for everyone else and for drafts never measured."""
        return draft.coverage if self.is_staff_for(draft) else None


class DraftSourceSerializer(serializers.Serializer):
    position = count_field()
    idea = id_field(source="idea_id", allow_null=True)
    comment = id_field(source="comment_id", allow_null=True)
    author = serializers.CharField()
    excerpt = serializers.CharField()

    def to_representation(self, source: CommunitySource) -> dict[str, Any]:
        content = source.idea or source.comment
        text = source.idea.title if source.idea else source.comment.body  # type: ignore[union-attr]
        return {
            "position": source.position,
            "idea": source.idea_id,
            "comment": source.comment_id,
            "author": content.author.get_username(),  # type: ignore[union-attr]
            "excerpt": Truncator(text).chars(SOURCE_EXCERPT_CHARS),
        }


class DraftSentenceSerializer(serializers.Serializer):
    position = count_field()
    text = serializers.CharField()
    origin = serializers.ChoiceField(choices=DraftSentence.Origin.choices)
    sources = DraftSourceSerializer(many=True)
    findings = FindingSerializer(many=True)

    def to_representation(self, sentence: DraftSentence) -> dict[str, Any]:
        return {
            "position": sentence.position,
            "text": sentence.text,
            "origin": sentence.origin,
            "sources": DraftSourceSerializer(sentence.sources.all(), many=True).data,
            "findings": sentence.findings,
        }


class DraftDetailSerializer(DraftSerializer):
    sources = serializers.SerializerMethodField()
    sentences = serializers.SerializerMethodField()
    credits = serializers.SerializerMethodField()

    class Meta(DraftSerializer.Meta):
        fields = [*DraftSerializer.Meta.fields, "sources", "sentences", "credits"]
        read_only_fields = fields

    @extend_schema_field(DraftSourceSerializer(many=True, allow_null=True))
    def get_sources(self, draft: Draft) -> list[dict[str, Any]] | None:
        """The ideas and comments the prompt quoted, for the brand's reviewers."""
        if not self.is_staff_for(draft):
            return None
        return _listed(DraftSourceSerializer(), draft.sources.all())

    @extend_schema_field(DraftSentenceSerializer(many=True, allow_null=True))
    def get_sentences(self, draft: Draft) -> list[dict[str, Any]] | None:
        """The text sentence by sentence, each with its origin, the ideas and
        comments it realises and its own findings, for the brand's reviewers."""
        if not self.is_staff_for(draft):
            return None
        return _listed(DraftSentenceSerializer(), draft.sentences.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_credits(self, draft: Draft) -> list[str]:
        """Who to thank: authors of source ideas who allowed public credit."""
        if draft.status != Draft.Status.PUBLISHED:
            return []
        names = (
            s.idea.author.get_username()
            for s in draft.sources.all()
            if s.idea is not None and s.idea.consent_credit and s.idea.author.is_active
        )
        return list(dict.fromkeys(names))


class ReviewNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REVIEW_NOTE_MAX, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REVIEW_NOTE_MAX, help_text=_("Kept in the audit trail."))


class OverrideSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        max_length=REVIEW_NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Needed when the draft has a blocking (high) finding: why it may go on anyway. "
            "Kept in the audit trail."
        ),
    )


class ApproveSerializer(ReviewNoteSerializer, OverrideSerializer):
    pass


class EditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=DRAFT_TEXT_MAX)
