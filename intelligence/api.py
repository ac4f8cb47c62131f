"""GET /api/v1/campaigns/{slug}/similar/?q=: similar ideas for a typed title.

For campaigns/api/urls.py (before the router's routes):

    path("campaigns/<slug:slug>/similar/", SimilarIdeasView.as_view(), name="campaign-similar"),

Throttled per user and per IP with the site's "similar" rate through the API's
action throttles (throttle_scopes).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors as campaign_selectors
from core.api.fields import count_field, id_field
from intelligence.duplicates import QUERY_MAX_CHARS, similar_ideas


class SimilarIdeaSerializer(serializers.Serializer):
    id = id_field()
    title = serializers.CharField()
    url = serializers.CharField()
    vote_count = count_field()
    similarity = serializers.FloatField(
        allow_null=True, help_text="Cosine similarity; null for a keyword match."
    )


class SimilarIdeasSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=["semantic", "keyword", "none"],
        help_text="semantic: sentence vectors; keyword: the model is unavailable; none: query too short.",
    )
    results = SimilarIdeaSerializer(many=True)


class SimilarIdeasView(APIView):
    throttle_scopes = {"get": "similar"}

    @extend_schema(
        operation_id="campaigns_similar",
        parameters=[
            OpenApiParameter(
                "q", str, required=True, description=f"The typed title (up to {QUERY_MAX_CHARS} characters)."
            )
        ],
        responses=SimilarIdeasSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        campaign = campaign_selectors.campaign_get_visible(slug=slug, viewer=request.user)
        if campaign is None:
            raise NotFound()
        return Response(similar_ideas(campaign=campaign, text=request.query_params.get("q", "")).as_dict())
