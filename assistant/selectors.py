"""Reads of the assistant's data, scoped to who may see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest

from assistant.models import Conversation, Message, Source
from campaigns.selectors import moderated_brand_ids

if TYPE_CHECKING:
    from uuid import UUID

    from django.contrib.auth.models import User

# The session key listing the conversations an anonymous visitor started.
SESSION_KEY = "assistant_conversations"
# Conversations an anonymous session remembers; the oldest are forgotten first.
SESSION_CONVERSATIONS_MAX = 20


def session_remember(request: HttpRequest, conversation: Conversation) -> None:
    keys = [k for k in request.session.get(SESSION_KEY, []) if k != str(conversation.key)]
    request.session[SESSION_KEY] = [*keys, str(conversation.key)][-SESSION_CONVERSATIONS_MAX:]


def conversation_for_shopper(request: HttpRequest, key: UUID) -> Conversation | None:
    """The conversation if this visitor started it: their account's, or one
    this browser session started anonymously."""
    conversation = Conversation.objects.select_related("brand", "campaign").filter(key=key).first()
    if conversation is None:
        return None
    if conversation.user_id is not None:
        return (
            conversation
            if request.user.is_authenticated and request.user.pk == conversation.user_id
            else None
        )
    return conversation if str(conversation.key) in request.session.get(SESSION_KEY, []) else None


def conversations_for_user(user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user).select_related("brand", "campaign")


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.order_by("created_at", "pk")


def inbox(staff: User) -> QuerySet[Conversation]:
    """The staff's brands' conversations: waiting for a person first, then
    those a person has, then the bot's, then closed; newest first within each."""
    ids = moderated_brand_ids(staff)
    qs = Conversation.objects.all() if ids is None else Conversation.objects.filter(brand_id__in=ids)
    order = Case(
        When(status=Conversation.Status.HANDED_OVER, then=Value(0)),
        When(status=Conversation.Status.HUMAN, then=Value(1)),
        When(status=Conversation.Status.BOT, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return qs.annotate(inbox_order=order).order_by("inbox_order", "-last_message_at")


def source_published(*, brand_slug: str, pk: int) -> Source | None:
    return (
        Source.objects.filter(brand__slug=brand_slug, pk=pk, is_published=True)
        .select_related("brand")
        .first()
    )
