"""The store's REST API. A brand's staff (token or session) import products
and orders, issue store-link tokens, read demand and ask for a customer's
recommendations, for their own brands only: another brand's slug answers 404,
as if it did not exist. The verified-buyer marks are public, like the marks
on the site. Views are thin: rows.py checks, services write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api.permissions import IsMerchant
from campaigns.models import Brand, Campaign
from campaigns.selectors import idea_get_visible
from core.api.pagination import PagePagination
from core.api.views import valid_data
from store import recommendations, selectors, services
from store.api.serializers import (
    CampaignDemandSerializer,
    IdeaDemandSerializer,
    LinkTokenRequestSerializer,
    LinkTokenSerializer,
    OrderBulkSerializer,
    ProductBulkSerializer,
    ProductSerializer,
    RecommendationSerializer,
    UpsertResultSerializer,
    VerifiedMarksSerializer,
)
from store.rows import OrderSerializer, ProductRowSerializer, order_from, product_from

T = TypeVar("T")

DEMAND_ORDERINGS = {"verified": "-verified_votes", "votes": "-vote_count"}


class BrandStaffView(APIView):
    permission_classes = [IsAuthenticated, IsMerchant]

    def brand(self) -> Brand:
        brand = selectors.staff_brand(user=self.request.user, slug=self.kwargs["brand"])  # type: ignore[arg-type]
        if brand is None:
            raise Http404
        return brand


def _items(
    request: Request,
    bulk: type[serializers.Serializer],
    key: str,
    one: type[serializers.Serializer],
    convert: Callable[[dict[str, Any]], T],
) -> list[T]:
    """A body {"<key>": [...]} is a bulk call; any other body is one item."""
    if isinstance(request.data, dict) and key in request.data:
        return [convert(item) for item in valid_data(bulk, request)[key]]
    return [convert(valid_data(one, request))]


class ProductsView(BrandStaffView):
    @extend_schema(summary=_("Your store's products (brand staff)"), responses=ProductSerializer(many=True))
    def get(self, request: Request, brand: str) -> Response:
        paginator = PagePagination()
        page = paginator.paginate_queryset(
            selectors.products_of(self.brand()).prefetch_related("campaigns"), request, self
        )
        return paginator.get_paginated_response(ProductSerializer(page, many=True).data)

    @extend_schema(
        summary=_('Create or update products by SKU: one, or {"products": [...]}'),
        request=ProductBulkSerializer,
        responses=UpsertResultSerializer,
    )
    def post(self, request: Request, brand: str) -> Response:
        products = _items(request, ProductBulkSerializer, "products", ProductRowSerializer, product_from)
        received = services.products_upsert(brand=self.brand(), products=products)
        return Response({"received": received}, status=status.HTTP_200_OK)


class OrdersView(BrandStaffView):
    @extend_schema(
        summary=_('Create or replace orders by order id: one, or {"orders": [...]}'),
        request=OrderBulkSerializer,
        responses=UpsertResultSerializer,
    )
    def post(self, request: Request, brand: str) -> Response:
        orders = _items(request, OrderBulkSerializer, "orders", OrderSerializer, order_from)
        received = services.orders_upsert(brand=self.brand(), orders=orders)
        return Response({"received": received}, status=status.HTTP_200_OK)


class LinkTokenView(BrandStaffView):
    @extend_schema(
        summary=_("A signed link for one store customer to link their account"),
        request=LinkTokenRequestSerializer,
        responses=LinkTokenSerializer,
    )
    def post(self, request: Request, brand: str) -> Response:
        data = valid_data(LinkTokenRequestSerializer, request)
        _customer, token = services.link_token_issue(
            brand=self.brand(), customer_id=data["customer_id"], email=data.get("email", "")
        )
        url = request.build_absolute_uri(reverse("store:link", kwargs={"token": token}))
        return Response(
            {"token": token, "url": url, "expires_in": settings.STORE_LINK_TOKEN_MAX_AGE},
            status=status.HTTP_201_CREATED,
        )


class DemandView(BrandStaffView):
    @extend_schema(
        summary=_("Votes from verified buyers beside all votes, per idea of a campaign"),
        parameters=[
            OpenApiParameter(
                "ordering", str, enum=list(DEMAND_ORDERINGS), description=_("verified (default) or votes")
            ),
            OpenApiParameter("verified_only", bool, description=_("Only ideas with a verified buyer's vote")),
        ],
        responses=IdeaDemandSerializer(many=True),
    )
    def get(self, request: Request, brand: str, slug: str) -> Response:
        campaign = get_object_or_404(Campaign, brand=self.brand(), slug=slug)
        ordering = request.query_params.get("ordering", "verified")
        verified_only = request.query_params.get("verified_only", "false")
        errors = {}
        if ordering not in DEMAND_ORDERINGS:
            errors["ordering"] = [_("Use “verified” or “votes”.")]
        if verified_only not in ("true", "false"):
            errors["verified_only"] = [_("Use “true” or “false”.")]
        if errors:
            raise serializers.ValidationError(errors)
        demand = selectors.campaign_demand(campaign)
        ideas = selectors.campaign_ideas_by_demand(
            campaign, verified_only=verified_only == "true", ordering=DEMAND_ORDERINGS[ordering]
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(ideas, request, self)
        response = paginator.get_paginated_response(IdeaDemandSerializer(page, many=True).data)
        response.data["campaign"] = CampaignDemandSerializer(
            {
                "campaign": campaign.slug,
                "votes": demand.votes,
                "verified_buyer_votes": demand.verified_votes,
                "verified_buyer_voters": demand.verified_voters,
            }
        ).data
        return response


class CustomerRecommendationsView(BrandStaffView):
    @extend_schema(
        summary=_("Products and campaigns to show one of your store customers, with reasons"),
        responses=RecommendationSerializer(many=True),
    )
    def get(self, request: Request, brand: str, customer_id: str) -> Response:
        customer = selectors.customer_of(brand=self.brand(), external_id=customer_id)
        if customer is None:
            raise Http404
        picks = recommendations.for_customer(customer=customer)
        return Response({"results": RecommendationSerializer(picks, many=True).data})


class VerifiedMarksView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("Which authors of an idea and its comments are verified buyers"),
        responses=VerifiedMarksSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        idea = idea_get_visible(pk=pk, viewer=request.user)
        if idea is None:
            raise Http404
        verified = selectors.verified_buyer_ids(idea.campaign_id)
        comments = selectors.comment_author_ids(idea)
        return Response(
            {
                "idea": idea.pk,
                "author_verified_buyer": idea.author_id in verified,
                "comments": [
                    {"id": pk, "author_verified_buyer": author in verified} for pk, author in comments.items()
                ],
            }
        )
