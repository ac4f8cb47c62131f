"""API shapes of the store connection. Input rows are store/rows.py's (the
CSV import checks the same way); these are the answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import Campaign, Idea
from core.api.fields import count_field, id_field
from store.models import Product
from store.rows import EXTERNAL_ID_MAX, OrderSerializer, ProductRowSerializer


class ProductSerializer(serializers.ModelSerializer):
    # What `many=True` builds, spelled out: the stubs type that call as one field.
    campaigns = serializers.ManyRelatedField(
        child_relation=serializers.SlugRelatedField[Campaign](slug_field="slug", read_only=True),
        read_only=True,
    )
    launched_from = serializers.SlugRelatedField[Campaign](slug_field="slug", read_only=True)

    class Meta:
        model = Product
        fields = [
            "sku", "name", "description", "price", "currency", "stock", "language",
            "url", "image_url", "campaigns", "launched_from", "updated_at",
        ]  # fmt: skip


def _bulk(child: type[serializers.Serializer]) -> serializers.ListSerializer:
    # What `child(many=True, ...)` builds (none of these rows names its own
    # list_serializer_class), spelled out so its type is the ListSerializer.
    return serializers.ListSerializer(
        child=child(), allow_empty=False, max_length=settings.STORE_API_BULK_MAX
    )


class ProductBulkSerializer(serializers.Serializer):
    products = _bulk(ProductRowSerializer)


class OrderBulkSerializer(serializers.Serializer):
    orders = _bulk(OrderSerializer)


class UpsertResultSerializer(serializers.Serializer):
    received = count_field(help_text=_("Items sent; each was created or updated."))


class LinkTokenRequestSerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=EXTERNAL_ID_MAX)
    email = serializers.EmailField(required=False, allow_blank=True)


class LinkTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.URLField(help_text=_("Send the customer here; they sign in and confirm."))
    expires_in = count_field(help_text=_("Seconds the link stays valid."))


class IdeaDemandSerializer(serializers.ModelSerializer):
    votes = count_field(source="vote_count")
    verified_buyer_votes = count_field(source="verified_votes")

    class Meta:
        model = Idea
        fields = ["id", "title", "status", "votes", "verified_buyer_votes"]


class CampaignDemandSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    votes = count_field()
    verified_buyer_votes = count_field()
    verified_buyer_voters = count_field()


class VerifiedMarksSerializer(serializers.Serializer):
    """Yes or no per author: never what was bought, nor when."""

    idea = id_field()
    author_verified_buyer = serializers.BooleanField()
    comments = serializers.ListField(child=serializers.DictField())


class RecommendationSerializer(serializers.Serializer):
    type = serializers.CharField(source="kind")
    sku = serializers.SerializerMethodField()
    campaign = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.CharField()
    reason = serializers.CharField()
    personalised = serializers.BooleanField()

    def get_sku(self, obj: Any) -> str | None:
        return obj.product.sku if obj.product is not None else None

    def get_campaign(self, obj: Any) -> str | None:
        return obj.campaign.slug if obj.campaign is not None else None
