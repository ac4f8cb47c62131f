"""The shopper's side: "Ask <brand>" as plain forms and pages (post/redirect/get),
so it works without JavaScript; a pending answer is picked up by refreshing."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from assistant import selectors, services
from assistant.forms import QuestionForm
from assistant.models import Conversation, Message
from campaigns.models import Brand
from campaigns.selectors import campaign_list_public
from core.exceptions import ActionRefused
from core.throttles import throttle_request
from core.views import refused

# Seconds between refreshes while the assistant writes (the page's meta refresh).
PENDING_REFRESH_SECONDS = 3


def _language() -> str:
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


def ask(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = get_object_or_404(Brand, slug=brand_slug)
    campaign = campaign_list_public().filter(brand=brand, slug=request.GET.get("campaign") or "").first()
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_list_public().filter(brand=brand, slug=request.POST.get("campaign") or "").first()
        try:
            throttle_request(request, "assistant_start")
            throttle_request(request, "assistant_message")
            conversation = services.conversation_start(
                brand=brand, campaign=campaign, user=request.user, language=_language()
            )
            services.message_post(conversation=conversation, text=form.cleaned_data["text"])
        except ActionRefused as exc:
            return refused(request, exc, request.path)
        selectors.session_remember(request, conversation)
        return redirect(conversation)
    return render(request, "assistant/ask.html", {"brand": brand, "campaign": campaign, "form": form})


def _conversation(request: HttpRequest, key: UUID) -> Conversation:
    conversation = selectors.conversation_for_shopper(request, key)
    if conversation is None:
        raise Http404
    return conversation


def conversation_detail(request: HttpRequest, key: UUID) -> HttpResponse:
    conversation = _conversation(request, key)
    messages = list(selectors.messages_of(conversation))
    waiting = any(m.outcome == Message.Outcome.PENDING for m in messages)
    return render(
        request,
        "assistant/conversation.html",
        {
            "conversation": conversation,
            "brand": conversation.brand,
            "chat": messages,
            "waiting": waiting,
            "refresh_seconds": PENDING_REFRESH_SECONDS,
            "form": QuestionForm(),
        },
    )


@require_POST
def message_post(request: HttpRequest, key: UUID) -> HttpResponse:
    conversation = _conversation(request, key)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages = list(selectors.messages_of(conversation))
        return render(
            request,
            "assistant/conversation.html",
            {"conversation": conversation, "brand": conversation.brand, "chat": messages, "form": form},
            status=400,
        )
    try:
        throttle_request(request, "assistant_message")
        services.message_post(conversation=conversation, text=form.cleaned_data["text"])
    except ActionRefused as exc:
        return refused(request, exc, conversation.get_absolute_url())
    return redirect(conversation)


@require_POST
def person_request(request: HttpRequest, key: UUID) -> HttpResponse:
    conversation = _conversation(request, key)
    try:
        services.handover(conversation=conversation, reason=Conversation.Reason.PERSON_REQUESTED)
    except ActionRefused as exc:
        return refused(request, exc, conversation.get_absolute_url())
    return redirect(conversation)


def source_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    source = selectors.source_published(brand_slug=brand_slug, pk=pk)
    if source is None:
        raise Http404
    return render(request, "assistant/source.html", {"source": source, "brand": source.brand})
