"""Every write to the assistant's data. Site views, the admin, the API and the
tasks call these, so the rules live in one place.

A shopper's message goes through the hand-off rules first (assistant/handoff.py,
plain code); if none fires, answer_task writes the answer on a worker
(answer_write). Once a conversation is handed over, taken over or closed the
assistant never writes in it again: answer_write checks the status under a
lock, so a person who took over never has the bot talking over them. A
hand-off happens once, from the bot's state only, so a resolved conversation
cannot loop back into hand-offs; a closed one takes no more messages.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assistant import answering, handoff, indexing
from assistant.models import (
    MESSAGE_TEXT_MAX,
    AssistantSettings,
    Conversation,
    Message,
    Source,
)
from campaigns.models import TITLE_MAX, Brand, BrandMembership, Campaign, Idea
from campaigns.selectors import user_moderates_brand
from campaigns.services import idea_submit
from core.exceptions import ActionRefused, InvalidTransition, NotAllowed
from core.queueing import publish_after_commit
from generation.guardrails import redact
from notifications.models import Notification
from notifications.services import notification_create
from webhooks.models import WebhookEvent
from webhooks.services import webhooks_emit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from core.users import Viewer

logger = logging.getLogger(__name__)

ANSWER_TASK = "assistant.tasks.answer_task"
Status = Conversation.Status
Outcome = Message.Outcome


class MessageEmpty(ActionRefused):
    code = "message_empty"
    status_code = 400
    default_message = _lazy("Please write a question.")


class MessageTooLong(ActionRefused):
    code = "message_too_long"
    status_code = 400
    default_message = _lazy("Your message is too long: please keep it under %(max)s characters.")


class ConversationClosed(ActionRefused):
    code = "conversation_closed"
    status_code = 409
    default_message = _lazy("This conversation is closed. Please start a new one.")


# --- helpers -----------------------------------------------------------------------------


def assistant_settings(brand: Brand) -> AssistantSettings:
    found, _created = AssistantSettings.objects.get_or_create(brand=brand)
    return found


def message_clean(text: Any) -> str:
    """The shopper's text, stripped; refused when empty, oversized or not text."""
    if not isinstance(text, str) or not text.strip():
        raise MessageEmpty()
    text = text.strip()
    limit = min(settings.ASSISTANT_MESSAGE_MAX, MESSAGE_TEXT_MAX)
    if len(text) > limit:
        raise MessageTooLong(str(MessageTooLong.default_message) % {"max": limit})
    if "\x00" in text:
        raise MessageEmpty()
    return text


def _in(language: str, message: Any) -> str:
    with translation.override(language):
        return str(message)


def _system(conversation: Conversation, text: str) -> Message:
    return Message.objects.create(conversation=conversation, role=Message.Role.SYSTEM, text=text)


def _touch(conversation: Conversation, now: datetime) -> None:
    conversation.last_message_at = now
    fields = ["last_message_at"]
    if conversation.user_id is None:
        conversation.expires_at = now + timedelta(days=settings.ASSISTANT_RETENTION_DAYS)
        fields.append("expires_at")
    conversation.save(update_fields=fields)


def _check_staff(conversation: Conversation, actor: User) -> None:
    if not user_moderates_brand(actor, conversation.brand_id):
        raise NotAllowed()


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().select_related("brand").get(pk=conversation.pk)


def _staff_url(conversation: Conversation) -> str:
    from django.urls import reverse

    return reverse("admin:assistant_conversation_change", args=[conversation.pk])


def conversation_payload(conversation: Conversation) -> dict[str, Any]:
    """What a webhook carries: ids and states, never the shopper's words."""
    return {
        "id": str(conversation.key),
        "brand": conversation.brand.slug,
        "campaign": conversation.campaign.slug if conversation.campaign is not None else None,
        "status": conversation.status,
        "reason": conversation.handed_over_reason,
        "language": conversation.language,
        "created_at": conversation.created_at.isoformat(),
        "handed_over_at": conversation.handed_over_at.isoformat() if conversation.handed_over_at else None,
    }


# --- the shopper -------------------------------------------------------------------------


@transaction.atomic
def conversation_start(
    *, brand: Brand, language: str, user: Viewer = None, campaign: Campaign | None = None
) -> Conversation:
    if campaign is not None and campaign.brand_id != brand.pk:
        raise NotAllowed()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    now = timezone.now()
    conversation = Conversation(
        brand=brand,
        campaign=campaign,
        user=user if user is not None and user.is_authenticated else None,
        language=language,
        created_at=now,
        last_message_at=now,
    )
    if conversation.user is None:
        conversation.expires_at = now + timedelta(days=settings.ASSISTANT_RETENTION_DAYS)
    conversation.save()
    return conversation


@transaction.atomic
def message_post(*, conversation: Conversation, text: Any) -> Message:
    """A shopper's message: handed over by the rules, answered by a worker, or
    kept for the person who has the conversation."""
    cleaned = message_clean(text)
    conversation = _locked(conversation)
    if conversation.status == Status.CLOSED:
        raise ConversationClosed()
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.SHOPPER, text=redact(cleaned), created_at=now
    )
    _touch(conversation, now)
    if conversation.status != Status.BOT:
        message.outcome = Outcome.FOR_STAFF
        message.save(update_fields=["outcome"])
        if conversation.assigned_to_id:
            notification_create(
                user_id=conversation.assigned_to_id,
                kind=Notification.Kind.ASSISTANT_HANDOVER,
                message=_("A shopper wrote again in a conversation you took over."),
                url=_staff_url(conversation),
            )
        return message
    # The rules read what the shopper typed (redaction changes no rule's words).
    reason = handoff.handoff_reason(cleaned, topics=assistant_settings(conversation.brand).topics())
    if reason is not None:
        _handover(conversation, reason=reason, message=message)
        return message
    message.outcome = Outcome.PENDING
    message.save(update_fields=["outcome"])
    publish_after_commit(ANSWER_TASK, message.pk)
    return message


_HANDOVER_TEXT = _lazy(
    "I've passed this conversation to the %(brand)s team: a person will reply here, usually within a "
    "working day. The assistant won't answer in the meantime."
)


def _handover(conversation: Conversation, *, reason: str, message: Message | None) -> None:
    now = timezone.now()
    conversation.status = Status.HANDED_OVER
    conversation.handed_over_reason = reason
    conversation.handed_over_at = now
    conversation.save(update_fields=["status", "handed_over_reason", "handed_over_at"])
    if message is not None:
        message.outcome = Outcome.HANDED_OVER
        message.save(update_fields=["outcome"])
    # Never silent: the shopper reads that a person takes over, in their language.
    _system(conversation, _in(conversation.language, _HANDOVER_TEXT) % {"brand": conversation.brand.name})
    staff = BrandMembership.objects.filter(brand_id=conversation.brand_id).values_list("user_id", flat=True)
    label = Conversation.Reason(reason).label
    for user_id in staff:
        notification_create(
            user_id=user_id,
            kind=Notification.Kind.ASSISTANT_HANDOVER,
            message=_("A shopper needs a person (%(reason)s).") % {"reason": label},
            url=_staff_url(conversation),
        )
    webhooks_emit(
        brand_id=conversation.brand_id,
        event=WebhookEvent.CONVERSATION_HANDED_OVER,
        payload=conversation_payload(conversation),
    )


@transaction.atomic
def handover(*, conversation: Conversation, reason: str) -> Conversation:
    """Hand the conversation to the brand's team (a "talk to a person" button)."""
    conversation = _locked(conversation)
    if conversation.status == Status.CLOSED:
        raise ConversationClosed()
    if conversation.status == Status.BOT:
        _handover(conversation, reason=reason, message=None)
    return conversation


# --- the assistant -----------------------------------------------------------------------


@transaction.atomic
def answer_write(*, message_id: int, generator: answering.Generator | None) -> Message | None:
    """The assistant's answer to one shopper message, or None when it must stay
    silent (already answered, or a person has the conversation). Idempotent."""
    message = Message.objects.select_related("conversation").filter(pk=message_id).first()
    if message is None:
        return None
    conversation = _locked(message.conversation)
    message.refresh_from_db(fields=["outcome"])
    if message.outcome != Outcome.PENDING or Message.objects.filter(reply_to=message).exists():
        return None
    if conversation.status != Status.BOT:
        message.outcome = Outcome.FOR_STAFF
        message.save(update_fields=["outcome"])
        return None
    index = indexing.brand_index(conversation.brand_id)
    hits = index.search(message.text, indexing.query_vector(message.text), limit=settings.ASSISTANT_PASSAGES)
    answer = answering.compose(
        brand=conversation.brand.name,
        question=message.text,
        language=conversation.language,
        hits=hits,
        generator=generator,
        model_languages=settings.ASSISTANT_MODEL_LANGUAGES,
        weights=index.weights,
        max_new_tokens=settings.ASSISTANT_MAX_NEW_TOKENS,
    )
    message.outcome = Outcome.ANSWERED if answer.outcome == answering.ANSWERED else Outcome.NO_ANSWER
    message.save(update_fields=["outcome"])
    now = timezone.now()
    reply = Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        text=redact(answer.text)[:MESSAGE_TEXT_MAX],
        citations=answer.citations,
        reply_to=message,
        created_at=now,
    )
    _touch(conversation, now)
    return reply


def answers_publish_stranded(*, now: datetime | None = None) -> int:
    """Publish again the questions still waiting ASSISTANT_ANSWER_STRANDED_AFTER
    seconds on (their message never reached the broker); answer_write makes a
    duplicate a no-op."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ASSISTANT_ANSWER_STRANDED_AFTER)
    ids = list(
        Message.objects.filter(outcome=Outcome.PENDING, created_at__lt=cutoff).values_list("pk", flat=True)[
            :500
        ]
    )
    for pk in ids:
        publish_after_commit(ANSWER_TASK, pk)
    return len(ids)


# --- the brand's team --------------------------------------------------------------------


def _take(conversation: Conversation, actor: User) -> None:
    if conversation.status == Status.CLOSED:
        raise ConversationClosed()
    if conversation.status == Status.HUMAN and conversation.assigned_to_id == actor.pk:
        return
    if conversation.status == Status.BOT:
        conversation.handed_over_reason = Conversation.Reason.STAFF_TAKEOVER
        conversation.handed_over_at = timezone.now()
    conversation.status = Status.HUMAN
    conversation.assigned_to = actor
    conversation.save(update_fields=["status", "assigned_to", "handed_over_reason", "handed_over_at"])
    # Questions still waiting for the bot are now the person's; the bot stays silent.
    conversation.messages.filter(outcome=Outcome.PENDING).update(outcome=Outcome.FOR_STAFF)
    _system(
        conversation,
        _in(conversation.language, _lazy("A person from the %(brand)s team has joined the conversation."))
        % {"brand": conversation.brand.name},
    )


@transaction.atomic
def takeover(*, conversation: Conversation, actor: User) -> Conversation:
    _check_staff(conversation, actor)
    conversation = _locked(conversation)
    _take(conversation, actor)
    return conversation


@transaction.atomic
def staff_reply(*, conversation: Conversation, actor: User, text: Any) -> Message:
    """A person answers; replying takes the conversation over. The shopper is
    notified in-app when signed in."""
    _check_staff(conversation, actor)
    cleaned = message_clean(text)
    conversation = _locked(conversation)
    _take(conversation, actor)
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.STAFF, text=cleaned, author=actor, created_at=now
    )
    _touch(conversation, now)
    if conversation.user_id:
        notification_create(
            user_id=conversation.user_id,
            kind=Notification.Kind.ASSISTANT_REPLY,
            message=_in(conversation.language, _lazy("%(brand)s replied to your question."))
            % {"brand": conversation.brand.name},
            url=conversation.get_absolute_url(),
            email=True,
        )
    return message


@transaction.atomic
def close(*, conversation: Conversation, actor: User) -> Conversation:
    _check_staff(conversation, actor)
    conversation = _locked(conversation)
    if conversation.status == Status.CLOSED:
        raise InvalidTransition()
    conversation.status = Status.CLOSED
    conversation.save(update_fields=["status"])
    conversation.messages.filter(outcome=Outcome.PENDING).update(outcome=Outcome.FOR_STAFF)
    _system(conversation, _in(conversation.language, _lazy("This conversation was closed. Thank you!")))
    return conversation


def _question(message: Message, actor: User) -> str:
    if message.role != Message.Role.SHOPPER:
        raise ActionRefused(_("Only a shopper's question can become an FAQ entry or an idea."))
    _check_staff(message.conversation, actor)
    return message.text


@transaction.atomic
def faq_from_question(*, message: Message, actor: User) -> Source:
    """An unpublished FAQ entry titled with the shopper's question; the team
    writes the answer and publishes it."""
    question = _question(message, actor)
    field = "title_zh" if message.conversation.language == "zh-hans" else "title_en"
    title = Source._meta.get_field(field)
    assert isinstance(title, models.Field)  # a column, not a relation
    return Source.objects.create(
        brand_id=message.conversation.brand_id,
        kind=Source.Kind.FAQ,
        is_published=False,
        **{field: question[: title.max_length]},
    )


@transaction.atomic
def idea_from_question(*, message: Message, campaign: Campaign, actor: User) -> Idea:
    """The question as an idea on one of the brand's campaigns ("customers keep
    asking for X"), posted by the staff member: the co-creation loop."""
    question = _question(message, actor)
    if campaign.brand_id != message.conversation.brand_id:
        raise NotAllowed()
    with translation.override(campaign.locale):
        title = _("Customers ask: %(question)s") % {"question": question}
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return idea_submit(campaign=campaign, author=actor, title=title, body=question)


@transaction.atomic
def source_save(*, source: Source, actor: User) -> Source:
    """Create or change an FAQ or policy entry; the index follows on the next question."""
    if not user_moderates_brand(actor, source.brand_id):
        raise NotAllowed()
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_delete(*, source: Source, actor: User) -> None:
    if not user_moderates_brand(actor, source.brand_id):
        raise NotAllowed()
    source.delete()


@transaction.atomic
def assistant_settings_save(*, brand_settings: AssistantSettings, actor: User) -> AssistantSettings:
    if not user_moderates_brand(actor, brand_settings.brand_id):
        raise NotAllowed()
    brand_settings.full_clean()
    brand_settings.save()
    return brand_settings


# --- privacy -----------------------------------------------------------------------------


def conversations_expire(*, now: datetime | None = None) -> int:
    """Delete anonymous conversations past their retention (ASSISTANT_RETENTION_DAYS)."""
    deleted, _rows = Conversation.objects.filter(
        user__isnull=True, expires_at__lt=now or timezone.now()
    ).delete()
    return deleted


def conversations_export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "brand": c.brand.name,
            "started": c.created_at.isoformat(),
            "status": c.status,
            "messages": [
                {"role": m.role, "text": m.text, "sent": m.created_at.isoformat(), "citations": m.citations}
                for m in c.messages.all()
            ],
        }
        for c in Conversation.objects.filter(user=user).select_related("brand").prefetch_related("messages")
    ]


def conversations_erase(user: User) -> None:
    Conversation.objects.filter(user=user).delete()
