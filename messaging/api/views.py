"""The messaging REST API for a brand's store (brand staff, token or
session): check and redeem a coupon code, read a message campaign's results.
Another brand's slug answers 404, as if it did not exist. Checks and
redemptions share one throttle (THROTTLE_RATES["coupon"]): 429 past it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import count_field
from core.api.views import valid_data
from messaging import coupons, selectors
from messaging.models import MessageCampaign
from store.api.views import BrandStaffView

Redemption = coupons.Redemption


class RedeemSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


_CouponState = inline_serializer(
    "CouponState", {"code": serializers.CharField(), "state": serializers.CharField()}
)


class CouponView(BrandStaffView):
    # A check is a read, but reads of codes are what a guesser would make.
    throttle_scopes = {"get": "coupon"}

    @extend_schema(summary=_("Check a coupon code (brand staff)"), responses=_CouponState)
    def get(self, request: Request, brand: str, code: str) -> Response:
        state = coupons.coupon_state(brand=self.brand(), code=code)
        if state == Redemption.UNKNOWN:
            raise Http404
        return Response({"code": code.upper(), "state": state})


class CouponRedeemView(BrandStaffView):
    throttle_scopes = {"post": "coupon"}

    @extend_schema(
        summary=_("Redeem a coupon code once (brand staff)"), request=RedeemSerializer, responses=_CouponState
    )
    def post(self, request: Request, brand: str, code: str) -> Response:
        data = valid_data(RedeemSerializer, request)
        state = coupons.coupon_redeem(brand=self.brand(), code=code, reference=data["reference"])
        if state == Redemption.UNKNOWN:
            raise Http404
        code_status = status.HTTP_200_OK if state == Redemption.REDEEMED else status.HTTP_409_CONFLICT
        return Response({"code": code.upper(), "state": state}, status=code_status)


MessageCampaignResults = inline_serializer(
    "MessageCampaignResults",
    {
        "status": serializers.CharField(),
        "audience": count_field(),
        "sent": count_field(),
        "failed": count_field(
            help_text=_(
                "Messages cut off while being sent: sent at most once, never again, so they may or "
                "may not have been delivered."
            )
        ),
        "skipped": serializers.DictField(child=count_field(), help_text=_("Skipped, by reason.")),
        "line_origins": serializers.DictField(child=count_field(), help_text=_("Lines sent, by origin.")),
        "clicks": count_field(),
        "coupons_issued": count_field(),
        "coupons_redeemed": count_field(),
        "ordered_share_messaged": serializers.FloatField(allow_null=True),
        "ordered_share_control": serializers.FloatField(allow_null=True),
        "lift": serializers.FloatField(
            allow_null=True, help_text=_("Share who ordered, messaged minus control group.")
        ),
    },
)


class ResultsView(BrandStaffView):
    @extend_schema(summary=_("A message campaign's results (brand staff)"), responses=MessageCampaignResults)
    def get(self, request: Request, brand: str, pk: int) -> Response:
        message_campaign = get_object_or_404(MessageCampaign, pk=pk, brand=self.brand())
        return Response(selectors.message_campaign_results(message_campaign))
