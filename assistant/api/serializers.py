"""Serializers of the assistant API: conversations, messages and their citations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assistant.models import Conversation, Message
from campaigns.api.serializers import SafeSlugRelatedField
from campaigns.models import Brand, Campaign
from campaigns.selectors import campaign_list_public
from core.api.fields import id_field


class CitationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = id_field()
    url = serializers.CharField()
    title = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "role", "text", "citations", "outcome", "created_at"]
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="key", read_only=True)
    brand: serializers.SlugRelatedField[Brand] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    campaign: serializers.SlugRelatedField[Campaign] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    messages = MessageSerializer(many=True, read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "brand",
            "campaign",
            "language",
            "status",
            "handed_over_reason",
            "created_at",
            "messages",
        ]
        read_only_fields = fields


class _QuestionField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=settings.ASSISTANT_MESSAGE_MAX,
            help_text=_("The shopper's question, in English or Chinese."),
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ConversationCreateSerializer(serializers.Serializer):
    brand = SafeSlugRelatedField(slug_field="slug", queryset=Brand.objects.all())
    campaign = serializers.SlugField(required=False, allow_blank=True, max_length=100)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    text = _QuestionField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        slug = attrs.pop("campaign", "")
        attrs["campaign"] = None
        if slug:
            campaign = campaign_list_public().filter(brand=attrs["brand"], slug=slug).first()
            if campaign is None:
                raise serializers.ValidationError(
                    {"campaign": [_("No public campaign of this brand has that slug.")]}
                )
            attrs["campaign"] = campaign
        return attrs


class MessageCreateSerializer(serializers.Serializer):
    text = _QuestionField()
