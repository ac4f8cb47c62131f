"""What one product, order or order line looks like on the way in, checked the
same way for the API and for a CSV file (one serializer per shape), and the
plain data the services take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns.models import Campaign
from core.api.fields import MAX_DB_INT32
from store.models import (
    CURRENCY_LENGTH,
    EXTERNAL_ID_MAX,
    PRICE_DECIMALS,
    PRICE_DIGITS,
    PRODUCT_DESCRIPTION_MAX,
    PRODUCT_NAME_MAX,
    SKU_MAX,
    URL_MAX,
)

# Columns a CSV file must have, by kind; others are optional.
PRODUCT_COLUMNS = ("sku", "name", "price")
ORDER_LINE_COLUMNS = ("order_id", "customer_id", "placed_at", "sku", "quantity", "price")


@dataclass(frozen=True)
class ProductData:
    sku: str
    name: str
    price: Decimal
    description: str = ""
    currency: str = "EUR"
    stock: int = 0
    language: str = "en"
    url: str = ""
    image_url: str = ""


@dataclass(frozen=True)
class LineData:
    sku: str
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class OrderData:
    external_id: str
    customer_id: str
    placed_at: datetime
    lines: tuple[LineData, ...]
    customer_email: str = ""


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=PRICE_DIGITS, decimal_places=PRICE_DECIMALS, min_value=Decimal(0)
    )


class ProductRowSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=SKU_MAX)
    name = serializers.CharField(max_length=PRODUCT_NAME_MAX)
    description = serializers.CharField(max_length=PRODUCT_DESCRIPTION_MAX, required=False, allow_blank=True)
    price = _money()
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        max_length=CURRENCY_LENGTH,
        required=False,
        error_messages={"invalid": _("A three-letter ISO currency code, such as EUR.")},
    )
    stock = serializers.IntegerField(min_value=0, max_value=MAX_DB_INT32, required=False)
    language = serializers.ChoiceField(choices=Campaign.Locale.choices, required=False)
    url = serializers.URLField(max_length=URL_MAX, required=False, allow_blank=True)
    image_url = serializers.URLField(max_length=URL_MAX, required=False, allow_blank=True)

    def to_data(self) -> ProductData:
        return product_from(self.validated_data)


class LineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=SKU_MAX)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_DB_INT32)
    price = _money()


class _OrderFields(serializers.Serializer):
    customer_id = serializers.CharField(max_length=EXTERNAL_ID_MAX)
    customer_email = serializers.EmailField(required=False, allow_blank=True)
    placed_at = serializers.DateTimeField()


class OrderSerializer(_OrderFields):
    """One order with its lines (the API)."""

    external_id = serializers.CharField(max_length=EXTERNAL_ID_MAX)
    lines = LineSerializer(many=True, allow_empty=False)

    def validate_lines(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        skus = [line["sku"] for line in lines]
        if len(set(skus)) != len(skus):
            raise serializers.ValidationError(_("Each SKU may appear once per order; add up the quantities."))
        return lines

    def to_data(self) -> OrderData:
        return order_from(self.validated_data)


class OrderLineRowSerializer(_OrderFields, LineSerializer):
    """One CSV row: an order line with its order's fields repeated."""

    order_id = serializers.CharField(max_length=EXTERNAL_ID_MAX)


def order_data(fields: dict[str, Any], lines: list[LineData]) -> OrderData:
    return OrderData(
        external_id=fields.get("external_id") or fields["order_id"],
        customer_id=fields["customer_id"],
        customer_email=(fields.get("customer_email") or "").lower(),
        placed_at=fields["placed_at"],
        lines=tuple(lines),
    )


def product_from(validated: dict[str, Any]) -> ProductData:
    return ProductData(**validated)


def order_from(validated: dict[str, Any]) -> OrderData:
    """An API order (with its lines) as the services take it."""
    fields = dict(validated)
    return order_data(fields, [LineData(**line) for line in fields.pop("lines")])
