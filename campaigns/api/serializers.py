"""Serializers: the shapes of requests and responses. They validate input and
render output; writes happen in services, called by the views."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api import selectors
from campaigns.models import REPORT_NOTE_MAX, Brand, Campaign, Comment, Idea, ModerationAction, Report
from campaigns.selectors import moderated_brand_ids
from campaigns.services import CAMPAIGN_CREATE_ONLY_FIELDS, CAMPAIGN_EDITABLE_FIELDS
from core.api.fields import BoundedPrimaryKeyRelatedField, count_field, id_field

# ModerationAction.detail holds the reason a moderator gives.
MODERATION_REASON_MAX = 300


# --- brands and campaigns ---------------------------------------------------------------


class BrandSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["slug", "name"]


class CampaignSerializer(serializers.ModelSerializer):
    brand = BrandSummarySerializer(read_only=True)
    accepts_ideas = serializers.BooleanField(read_only=True)
    accepts_votes = serializers.BooleanField(read_only=True)
    accepts_comments = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "title",
            "brand",
            "brief",
            "product_name",
            "locale",
            "tone",
            "phase",
            "opens_at",
            "closes_at",
            "moderation_policy",
            "vote_limit",
            "accepts_ideas",
            "accepts_votes",
            "accepts_comments",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.STR)
class SafeSlugRelatedField(serializers.SlugRelatedField):
    """A related object by slug; a slug holding NUL is simply invalid."""

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL text cannot hold NUL: refuse it here rather than as a 500 there.
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class _BrandsOfViewerField(SafeSlugRelatedField):
    """A brand, by slug, among those the viewer moderates."""

    def get_queryset(self) -> QuerySet[Brand]:
        ids = moderated_brand_ids(self.context["request"].user)
        return Brand.objects.all() if ids is None else Brand.objects.filter(pk__in=ids)


class CampaignCreateSerializer(serializers.ModelSerializer):
    brand = _BrandsOfViewerField(slug_field="slug")

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_CREATE_ONLY_FIELDS, *CAMPAIGN_EDITABLE_FIELDS]


class CampaignUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = list(CAMPAIGN_EDITABLE_FIELDS)


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Campaign.Phase.choices)


# --- ideas ---------------------------------------------------------------------------------

# DRF's own formatting (ISO 8601 in the current time zone) for hand-written representations.
_DATETIME = serializers.DateTimeField()


class IdeaSerializer(serializers.ModelSerializer):
    campaign: serializers.SlugRelatedField[Campaign] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    author = serializers.CharField(source="author.get_username", read_only=True)
    has_voted = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Idea
        fields = [
            "id",
            "campaign",
            "title",
            "body",
            "status",
            "author",
            "merged_into",
            "vote_count",
            "comment_count",
            "has_voted",
            "consent_quote",
            "consent_ai",
            "consent_credit",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_voted(self, idea: Idea) -> bool:
        # Annotated by the viewer-scoped querysets; a fresh idea has no votes.
        return bool(getattr(idea, "has_voted", False))

    def to_representation(self, idea: Idea) -> dict[str, Any]:
        """The fields above, read straight off the row. DRF's generic path builds
        the sixteen field objects anew for each request and inspects each row's
        callable sources (inspect.signature): about a third of the ideas list's
        time. tests/api/test_serializers.py holds this equal to that path."""
        return {
            "id": idea.pk,
            "campaign": idea.campaign.slug,
            "title": idea.title,
            "body": idea.body,
            "status": str(idea.status),
            "author": idea.author.get_username(),
            "merged_into": idea.merged_into_id,
            "vote_count": idea.vote_count,
            "comment_count": idea.comment_count,
            "has_voted": self.get_has_voted(idea),
            "consent_quote": idea.consent_quote,
            "consent_ai": idea.consent_ai,
            "consent_credit": idea.consent_credit,
            "created_at": _DATETIME.to_representation(idea.created_at),
            "updated_at": _DATETIME.to_representation(idea.updated_at),
            "url": idea.get_absolute_url(),
        }


class _CampaignsOfViewerField(SafeSlugRelatedField):
    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaigns_for_viewer(self.context["request"].user)


class IdeaCreateSerializer(serializers.ModelSerializer):
    campaign = _CampaignsOfViewerField(slug_field="slug")

    class Meta:
        model = Idea
        fields = ["campaign", "title", "body", "consent_quote", "consent_ai", "consent_credit"]


class IdeaUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Idea
        fields = ["title", "body"]


class VoteResultSerializer(serializers.Serializer):
    idea = id_field()
    vote_count = count_field()
    has_voted = serializers.BooleanField()


class ModerateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in ModerationAction.CONTENT_ACTIONS])
    reason = serializers.CharField(
        max_length=MODERATION_REASON_MAX, required=False, allow_blank=True, default=""
    )


# --- comments ------------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "idea",
            "parent",
            "depth",
            "author",
            "body",
            "stance",
            "consent_ai",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class CommentNodeSerializer(serializers.Serializer):
    """One comment of selectors.comment_tree and its replies, recursively."""

    comment = CommentSerializer(read_only=True)


# Declared after the class: a serializer cannot name itself in its own body.
CommentNodeSerializer._declared_fields["replies"] = CommentNodeSerializer(many=True, read_only=True)


class _CommentsOfIdeaField(BoundedPrimaryKeyRelatedField):
    """A comment on the idea in the context, to reply to."""

    def get_queryset(self) -> QuerySet[Comment]:
        return Comment.objects.filter(idea=self.context["idea"])


class CommentCreateSerializer(serializers.ModelSerializer):
    # DRF's serializer metaclass pops declared fields off the class, so this
    # never shadows Field.parent (the enclosing serializer).
    parent = _CommentsOfIdeaField(required=False, allow_null=True, default=None)  # type: ignore[assignment]  # see above

    class Meta:
        model = Comment
        fields = ["body", "stance", "consent_ai", "parent"]


# --- reports ------------------------------------------------------------------------------


class _IdeasOfViewerField(BoundedPrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Idea]:
        return selectors.ideas_for_viewer(self.context["request"].user)


class _CommentsOfViewerField(BoundedPrimaryKeyRelatedField):
    def get_queryset(self) -> QuerySet[Comment]:
        return selectors.comments_for_viewer(self.context["request"].user)


class ReportCreateSerializer(serializers.ModelSerializer):
    idea = _IdeasOfViewerField(required=False, allow_null=True, default=None)
    comment = _CommentsOfViewerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=REPORT_NOTE_MAX, required=False, allow_blank=True, default="")

    class Meta:
        model = Report
        fields = ["idea", "comment", "reason", "note"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("idea") is None) == (attrs.get("comment") is None):
            raise serializers.ValidationError(_("Report exactly one idea or one comment."), code="one_target")
        return attrs


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "idea", "comment", "reason", "note", "created_at"]
        read_only_fields = fields


# --- notifications and the account ------------------------------------------------------


class MeSerializer(serializers.ModelSerializer):
    moderated_brands = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "first_name", "last_name", "date_joined", "moderated_brands"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_moderated_brands(self, user: Any) -> list[str]:
        """Slugs of the brands this account moderates (every brand for a superuser)."""
        ids = moderated_brand_ids(user)
        brands = Brand.objects.all() if ids is None else Brand.objects.filter(pk__in=ids)
        return list(brands.values_list("slug", flat=True))


class VoteContributionSerializer(serializers.Serializer):
    idea = id_field(source="idea_id")
    campaign = serializers.CharField(source="idea.campaign.slug")
    created_at = serializers.DateTimeField()


def _page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": count_field(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": item(many=True),
        },
    )


class ContributionsSerializer(serializers.Serializer):
    """The site's "My contributions": three lists, each paged on its own
    parameter (ideas_page, comments_page, votes_page)."""

    ideas = _page_of(IdeaSerializer, "IdeaContributionPage")()
    comments = _page_of(CommentSerializer, "CommentContributionPage")()
    votes = _page_of(VoteContributionSerializer, "VoteContributionPage")()
