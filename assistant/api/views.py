"""API of the shopper assistant: an API consumer (token) starts conversations,
posts questions and reads the answers with their citations. Thin: the
services do the writing, the queryset is the consumer's own conversations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from assistant import selectors, services
from assistant.api.serializers import (
    ConversationCreateSerializer,
    ConversationSerializer,
    MessageCreateSerializer,
    MessageSerializer,
)
from assistant.models import Conversation
from core.api.views import valid_data
from core.users import signed_in_user


@extend_schema_view(
    list=extend_schema(summary=_("Your conversations with brands' assistants, newest first")),
    retrieve=extend_schema(summary=_("One conversation: its messages and the answers' citations")),
    create=extend_schema(
        summary=_("Ask a brand a question (starts a conversation)"),
        request=ConversationCreateSerializer,
        responses={201: ConversationSerializer},
    ),
)
class ConversationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConversationSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "key"
    lookup_value_regex = "[0-9a-f-]{36}"
    throttle_scopes = {"create": "assistant_start", "messages": "assistant_message"}

    def get_queryset(self) -> QuerySet[Conversation]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Conversation.objects.none()
        return selectors.conversations_for_user(signed_in_user(self.request)).prefetch_related("messages")

    def create(self, request: Request) -> Response:
        data = valid_data(ConversationCreateSerializer, request)
        conversation = services.conversation_start(
            brand=data["brand"], campaign=data["campaign"], user=request.user, language=data["language"]
        )
        services.message_post(conversation=conversation, text=data["text"])
        return Response(
            ConversationSerializer(self.get_queryset().get(pk=conversation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary=_("Ask a follow-up question"),
        request=MessageCreateSerializer,
        responses={201: MessageSerializer},
    )
    @action(detail=True, methods=["post"])
    def messages(self, request: Request, key: str) -> Response:
        conversation = self.get_object()
        data = valid_data(MessageCreateSerializer, request)
        message = services.message_post(conversation=conversation, text=data["text"])
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
