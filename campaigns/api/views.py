"""API views of the community app: thin. Each reads through a viewer-scoped
queryset (campaigns/api/selectors.py), validates with a serializer, writes
through a service and answers with the stored object. Refusals from services
(ActionRefused) become JSON errors in core/api/errors.py."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import page_cache, services
from campaigns import selectors as campaign_selectors
from campaigns.api import selectors
from campaigns.api.filters import CampaignFilter, IdeaFilter
from campaigns.api.pagination import IdeaCursorPagination
from campaigns.api.permissions import IsMerchantOrReadOnly
from campaigns.api.serializers import (
    CampaignCreateSerializer,
    CampaignSerializer,
    CampaignUpdateSerializer,
    CommentCreateSerializer,
    CommentNodeSerializer,
    CommentSerializer,
    ContributionsSerializer,
    IdeaCreateSerializer,
    IdeaSerializer,
    IdeaUpdateSerializer,
    MeSerializer,
    ModerateSerializer,
    PhaseSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    VoteContributionSerializer,
    VoteResultSerializer,
)
from campaigns.models import Campaign, Comment, Idea, Report
from core.api.pagination import PagePagination
from core.api.views import ListFiltersOnly, valid_data
from core.users import signed_in_user

# Verbs the API serves; PUT is left out: every update is partial (PATCH).
HTTP_METHODS = ["get", "post", "patch", "delete", "head", "options"]


@extend_schema_view(
    list=extend_schema(summary=_("Campaigns: public ones, plus your brands' drafts")),
    retrieve=extend_schema(summary=_("One campaign")),
    create=extend_schema(
        summary=_("Open a campaign (brand staff)"),
        request=CampaignCreateSerializer,
        responses=CampaignSerializer,
    ),
    partial_update=extend_schema(
        summary=_("Edit a campaign (brand staff)"),
        request=CampaignUpdateSerializer,
        responses=CampaignSerializer,
    ),
)
class CampaignViewSet(
    ListFiltersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CampaignSerializer
    permission_classes = [IsMerchantOrReadOnly]
    filterset_class = CampaignFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = HTTP_METHODS

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaigns_for_viewer(self.request.user)

    def create(self, request: Request) -> Response:
        data = valid_data(CampaignCreateSerializer, request)
        campaign = services.campaign_create(actor=signed_in_user(request), **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        serializer = CampaignUpdateSerializer(campaign, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        campaign = services.campaign_update(
            campaign=campaign, actor=signed_in_user(request), **serializer.validated_data
        )
        return Response(CampaignSerializer(campaign).data)

    @extend_schema(summary=_("Move a campaign to another phase (brand staff)"), request=PhaseSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request: Request, slug: str) -> Response:
        campaign = self.get_object()
        data = valid_data(PhaseSerializer, request)
        campaign = services.campaign_set_phase(
            campaign=campaign, phase=data["phase"], actor=signed_in_user(request)
        )
        return Response(CampaignSerializer(campaign).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("Ideas, ranked (sort=trending|top|new); public ones unless you ask a status")
    ),
    retrieve=extend_schema(summary=_("One idea")),
    create=extend_schema(summary=_("Submit an idea"), request=IdeaCreateSerializer, responses=IdeaSerializer),
    partial_update=extend_schema(
        summary=_("Edit your idea while it awaits moderation"),
        request=IdeaUpdateSerializer,
        responses=IdeaSerializer,
    ),
)
class IdeaViewSet(
    ListFiltersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter
    pagination_class = IdeaCursorPagination
    http_method_names = HTTP_METHODS
    throttle_scopes = {"create": "submit", "vote": "vote", "unvote": "vote", "comment_create": "comment"}

    def get_queryset(self) -> QuerySet[Idea]:
        # A list's `campaign` scopes the query itself (the filter set only
        # validates it): see selectors.ideas_for_viewer.
        campaign = self.request.query_params.get("campaign") if self.action == "list" else None
        return selectors.ideas_for_viewer(self.request.user, campaign_slug=campaign or None)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # One campaign's public list, the page its visitors' browsers poll.
        respond = partial(super().dispatch, request, *args, **kwargs)
        if self.action_map.get((request.method or "").lower()) != "list":
            return respond()
        return page_cache.anonymous_page(request, campaign_slug=request.GET.get("campaign"), respond=respond)

    def _answer(self, idea: Idea, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the scoped queryset: fresh counters and has_voted.
        return Response(IdeaSerializer(self.get_queryset().get(pk=idea.pk)).data, status=status_code)

    def create(self, request: Request) -> Response:
        data = valid_data(IdeaCreateSerializer, request)
        idea = services.idea_submit(author=signed_in_user(request), **data)
        return self._answer(idea, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        idea = self.get_object()
        serializer = IdeaUpdateSerializer(idea, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {"title": idea.title, "body": idea.body, **serializer.validated_data}
        return self._answer(services.idea_update(idea=idea, user=signed_in_user(request), **changes))

    @extend_schema(summary=_("Vote for an idea"), request=None, responses={201: VoteResultSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str) -> Response:
        idea = self.get_object()
        services.vote_cast(idea=idea, user=signed_in_user(request))
        return Response(self._vote_result(idea, has_voted=True), status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Withdraw your vote"), request=None, responses={204: None})
    @vote.mapping.delete
    def unvote(self, request: Request, pk: str) -> Response:
        services.vote_withdraw(idea=self.get_object(), user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _vote_result(self, idea: Idea, *, has_voted: bool) -> dict[str, Any]:
        vote_count = Idea.objects.values_list("vote_count", flat=True).get(pk=idea.pk)
        return VoteResultSerializer({"idea": idea.pk, "vote_count": vote_count, "has_voted": has_voted}).data

    @extend_schema(summary=_("Comments on an idea, threaded"), responses=CommentNodeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def comments(self, request: Request, pk: str) -> Response:
        tree = campaign_selectors.comment_tree(idea=self.get_object(), viewer=request.user)
        return Response(CommentNodeSerializer(tree, many=True).data)

    @extend_schema(
        summary=_("Comment on an idea, or reply to a comment"),
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
    )
    @comments.mapping.post
    def comment_create(self, request: Request, pk: str) -> Response:
        idea = self.get_object()
        data = valid_data(CommentCreateSerializer, request, idea=idea)
        comment = services.comment_add(idea=idea, author=signed_in_user(request), **data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Approve, hide or decline an idea (brand staff)"), request=ModerateSerializer)
    @action(detail=True, methods=["post"])
    def moderate(self, request: Request, pk: str) -> Response:
        idea = self.get_object()
        data = valid_data(ModerateSerializer, request)
        return self._answer(services.idea_moderate(idea=idea, actor=signed_in_user(request), **data))


class CommentViewSet(viewsets.GenericViewSet):
    serializer_class = CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        return selectors.comments_for_viewer(self.request.user)

    @extend_schema(summary=_("Approve, hide or decline a comment (brand staff)"), request=ModerateSerializer)
    @action(detail=True, methods=["post"])
    def moderate(self, request: Request, pk: str) -> Response:
        comment = self.get_object()
        data = valid_data(ModerateSerializer, request)
        comment = services.comment_moderate(comment=comment, actor=signed_in_user(request), **data)
        return Response(CommentSerializer(comment).data)


class ReportViewSet(viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    throttle_scopes = {"create": "report"}
    # Create only: nothing is read, the model is named for the schema.
    queryset = Report.objects.none()

    @extend_schema(
        summary=_("Report an idea or a comment"),
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
    )
    def create(self, request: Request) -> Response:
        report = services.report_file(
            reporter=signed_in_user(request), **valid_data(ReportCreateSerializer, request)
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary=_("Your account"), responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class ContributionsView(APIView):
    permission_classes = [IsAuthenticated]
    # A paginator per list, each on its own page parameter, like the site's page.
    sections = {
        "ideas": IdeaSerializer,
        "comments": CommentSerializer,
        "votes": VoteContributionSerializer,
    }

    def _querysets(self, request: Request) -> dict[str, QuerySet[Any]]:
        lists = campaign_selectors.user_contributions(user=signed_in_user(request))
        return {
            "ideas": selectors.with_viewer_vote(lists["ideas"].select_related("author"), request.user),
            "comments": lists["comments"].select_related("author"),
            "votes": lists["votes"],
        }

    @extend_schema(
        summary=_("Your ideas, comments and votes"),
        responses=ContributionsSerializer,
        parameters=[
            OpenApiParameter(f"{name}_page", OpenApiTypes.INT, description=_("Page of this list."))
            for name in sections
        ],
    )
    def get(self, request: Request) -> Response:
        answer = {}
        for name, queryset in self._querysets(request).items():
            paginator = PagePagination()
            paginator.page_query_param = f"{name}_page"
            page = paginator.paginate_queryset(queryset, request, view=self)
            answer[name] = paginator.get_paginated_response(self.sections[name](page, many=True).data).data
        return Response(answer)
