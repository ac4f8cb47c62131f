"""API views of AI drafting: brand staff queue generation requests and review
drafts (approve, reject, edit as a new version, regenerate, publish); everyone
else reads published drafts. Thin: scoped querysets, services for writes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api.permissions import IsMerchant
from campaigns.selectors import moderated_brand_ids
from core.api.errors import error_body
from core.api.filters import StrictFilterSet
from core.api.views import ListFiltersOnly, valid_data
from core.users import signed_in_user
from generation import guardrails, services
from generation.api import selectors
from generation.api.serializers import (
    ApproveSerializer,
    DraftDetailSerializer,
    DraftSerializer,
    EditSerializer,
    GenerationRequestCreateSerializer,
    GenerationRequestSerializer,
    OverrideSerializer,
    RejectSerializer,
)
from generation.models import Draft, GenerationRequest, Kind


@extend_schema_view(
    list=extend_schema(summary=_("Your brands' generation requests, newest first")),
    retrieve=extend_schema(summary=_("One generation request and its status")),
    create=extend_schema(
        summary=_("Ask for AI drafts (brand staff)"),
        request=GenerationRequestCreateSerializer,
        responses={201: GenerationRequestSerializer},
    ),
)
class GenerationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = GenerationRequestSerializer
    permission_classes = [IsMerchant]
    throttle_scopes = {"create": "generation"}

    def get_queryset(self) -> QuerySet[GenerationRequest]:
        return selectors.generation_requests_for_viewer(self.request.user)

    def create(self, request: Request) -> Response:
        data = valid_data(GenerationRequestCreateSerializer, request)
        created = services.generation_request_create(requested_by=signed_in_user(request), **data)
        return Response(
            GenerationRequestSerializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class DraftFilter(StrictFilterSet):
    campaign = filters.CharFilter(field_name="campaign__slug")
    status = filters.ChoiceFilter(choices=Draft.Status.choices)
    kind = filters.ChoiceFilter(choices=Kind.choices)

    class Meta:
        model = Draft
        fields = ["campaign", "status", "kind"]


@extend_schema_view(
    list=extend_schema(summary=_("Drafts: published ones, and all of your brands' (the review queue)")),
    retrieve=extend_schema(summary=_("One draft, with its sources and guardrail findings (brand staff)")),
)
class DraftViewSet(
    ListFiltersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    filterset_class = DraftFilter
    throttle_scopes = {"regenerate": "generation"}

    def get_queryset(self) -> QuerySet[Draft]:
        drafts = selectors.drafts_for_viewer(self.request.user)
        return drafts if self.action == "list" else selectors.draft_with_sources(drafts)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DraftSerializer if self.action == "list" else DraftDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "staff_brand_ids": moderated_brand_ids(self.request.user)}

    def _answer(self, draft: Draft, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=draft.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def _blocked(self, exc: services.DraftBlocked) -> Response:
        """409 in the one error shape; each blocking finding is named under
        override_reason, the field that lets the draft go on anyway."""
        findings = [
            f"{guardrails.CHECK_LABELS.get(f['code'], f['code'])} ({f['severity']}): {f['message']}"
            for f in exc.findings
        ]
        return Response(
            error_body(exc.code, exc.message, {"override_reason": findings}), status=exc.status_code
        )

    @extend_schema(
        summary=_("Approve a draft (brand staff); one with a blocking finding needs override_reason"),
        request=ApproveSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        data = valid_data(ApproveSerializer, request)
        try:
            approved = services.draft_approve(
                draft=draft,
                actor=signed_in_user(request),
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except services.DraftBlocked as exc:
            return self._blocked(exc)
        return self._answer(approved)

    @extend_schema(summary=_("Reject a draft, saying why (brand staff)"), request=RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        reason = valid_data(RejectSerializer, request)["reason"]
        return self._answer(services.draft_reject(draft=draft, actor=signed_in_user(request), reason=reason))

    @extend_schema(
        summary=_("Edit a draft: a new version to review; the edited one is kept (brand staff)"),
        request=EditSerializer,
        responses={201: DraftDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        text = valid_data(EditSerializer, request)["text"]
        new = services.draft_edit(draft=draft, actor=signed_in_user(request), text=text)
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_(
            "Publish an approved draft (brand staff); one with a blocking finding needs "
            "override_reason unless it was overridden when approved"
        ),
        request=OverrideSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        draft = self.get_object()
        reason = valid_data(OverrideSerializer, request)["override_reason"]
        try:
            published = services.draft_publish(
                draft=draft, actor=signed_in_user(request), override_reason=reason
            )
        except services.DraftBlocked as exc:
            return self._blocked(exc)
        return self._answer(published)

    @extend_schema(
        summary=_("Write new drafts with the same parameters (brand staff)"),
        request=None,
        responses={201: GenerationRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request: Request, pk: str) -> Response:
        created = services.draft_regenerate(draft=self.get_object(), actor=signed_in_user(request))
        answer = selectors.generation_requests_for_viewer(request.user).get(pk=created.pk)
        return Response(GenerationRequestSerializer(answer).data, status=status.HTTP_201_CREATED)
