"""The shopper's pages without JavaScript, the API, the admin inbox, throttles and bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tokens import api_token_create
from assistant import services
from assistant.models import Conversation, Message, Source
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_the_campaign_page_offers_ask_brand_and_says_an_ai_answers(client, campaign):
    page = client.get(campaign.get_absolute_url()).content.decode()

    assert reverse("assistant_ask", args=[campaign.brand.slug]) in page
    assert "AI assistant" in page


def test_a_shopper_asks_with_a_plain_form_and_reads_the_conversation(client, brand, published_tasks):
    response = client.post(reverse("assistant_ask", args=[brand.slug]), {"text": "Do you ship to Sweden?"})

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == conversation.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Do you ship to Sweden?" in page
    assert 'http-equiv="refresh"' in page
    assert "You are talking to an AI assistant" in page


def test_another_visitor_cannot_read_an_anonymous_conversation(client, brand, published_tasks):
    client.post(reverse("assistant_ask", args=[brand.slug]), {"text": "Do you ship to Sweden?"})
    conversation = Conversation.objects.get()
    client.cookies.clear()

    assert client.get(conversation.get_absolute_url()).status_code == 404


def test_an_empty_question_is_a_form_error(client, brand):
    response = client.post(reverse("assistant_ask", args=[brand.slug]), {"text": "  "})

    assert response.status_code == 200
    assert "Please write a question." in response.content.decode()
    assert not Conversation.objects.exists()


def test_asking_too_often_is_throttled(client, brand, settings, published_tasks):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "assistant_start": "2/h"}
    url = reverse("assistant_ask", args=[brand.slug])
    for _ in range(2):
        client.post(url, {"text": "Hello?"})

    response = client.post(url, {"text": "Hello?"}, follow=True)

    assert Conversation.objects.count() == 2
    assert "too often" in response.content.decode()


def test_the_talk_to_a_person_button_hands_over(client, brand, published_tasks):
    client.post(reverse("assistant_ask", args=[brand.slug]), {"text": "Do you ship to Sweden?"})
    conversation = Conversation.objects.get()

    client.post(reverse("assistant_person", args=[conversation.key]))

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HANDED_OVER


def _api(client, user):
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_the_api_creates_a_conversation_and_reads_the_answer_with_citations(
    client, brand, user, returns_faq, published_tasks
):
    headers = _api(client, user)
    created = client.post(
        "/api/v1/assistant/conversations/",
        {"brand": brand.slug, "text": "How many days do I have to return an item?"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    key = created.json()["id"]
    services.answer_write(message_id=Message.objects.get(role="shopper").pk, generator=None)

    read = client.get(f"/api/v1/assistant/conversations/{key}/", **headers).json()

    assert read["messages"][-1]["role"] == "assistant"
    assert read["messages"][-1]["citations"][0]["id"] == returns_faq.pk


@pytest.mark.parametrize("body", [{"text": ""}, {"text": 12}, {"text": "x" * 5000}, {}])
def test_the_api_refuses_bad_messages_with_a_clear_400(client, brand, user, body, published_tasks):
    headers = _api(client, user)
    conversation = services.conversation_start(brand=brand, user=user, language="en")

    response = client.post(
        f"/api/v1/assistant/conversations/{conversation.key}/messages/",
        body,
        content_type="application/json",
        **headers,
    )

    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]


def test_the_api_shows_nobody_elses_conversation(client, brand, user, other_user, published_tasks):
    conversation = services.conversation_start(brand=brand, user=other_user, language="en")

    response = client.get(f"/api/v1/assistant/conversations/{conversation.key}/", **_api(client, user))

    assert response.status_code == 404


def test_the_admin_inbox_lists_handed_over_first_and_only_the_own_brand(
    client, brand, other_brand, published_tasks
):
    staff = StaffFactory(brand=brand)
    waiting = services.conversation_start(brand=brand, language="en")
    services.message_post(conversation=waiting, text="Can I talk to a person?")
    services.conversation_start(brand=brand, language="en")
    services.conversation_start(brand=other_brand, language="en")
    client.force_login(staff)

    page = client.get(reverse("admin:assistant_conversation_changelist"))

    assert [c.pk for c in page.context["cl"].result_list][0] == waiting.pk
    assert {c.brand_id for c in page.context["cl"].result_list} == {brand.pk}


def test_a_reply_in_the_admin_takes_over_and_reaches_the_shopper(client, brand, published_tasks):
    staff = StaffFactory(brand=brand)
    conversation = services.conversation_start(brand=brand, language="en")
    client.force_login(staff)

    client.post(
        reverse("admin:assistant_conversation_change", args=[conversation.pk]), {"reply": "Hi, Kari here."}
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HUMAN
    assert conversation.messages.get(role="staff").text == "Hi, Kari here."


def _admin_action(client, model: str, action: str, pks):
    return client.post(
        reverse(f"admin:assistant_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def test_the_admin_take_over_and_close_actions_report_what_they_did(client, brand, published_tasks):
    staff = StaffFactory(brand=brand)
    conversation = services.conversation_start(brand=brand, language="en")
    client.force_login(staff)

    taken = _admin_action(client, "conversation", "take_over", [conversation.pk])
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.HUMAN
    assert "Took over: done for 1 item." in taken.content.decode()

    closed = _admin_action(client, "conversation", "close", [conversation.pk])
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.CLOSED
    assert "Closed: done for 1 item." in closed.content.decode()


def test_turning_a_question_into_an_faq_entry_says_what_to_do_next(client, brand, published_tasks):
    staff = StaffFactory(brand=brand)
    conversation = services.conversation_start(brand=brand, language="en")
    services.message_post(conversation=conversation, text="Do you sell replacement buckles?")
    question = conversation.messages.get(role="shopper")
    client.force_login(staff)

    page = _admin_action(client, "message", "to_faq", [question.pk]).content.decode()

    entry = Source.objects.get(brand=brand, title_en="Do you sell replacement buckles?")
    assert not entry.is_published
    assert "Turned into an FAQ entry: done for 1 item." in page
    assert "publish it under Assistant sources" in page


def test_a_question_cannot_become_an_idea_when_no_campaign_collects_ideas(client, brand, published_tasks):
    staff = StaffFactory(brand=brand)
    brand.campaigns.all().delete()
    conversation = services.conversation_start(brand=brand, language="en")
    services.message_post(conversation=conversation, text="Do you sell replacement buckles?")
    question = conversation.messages.get(role="shopper")
    client.force_login(staff)

    page = _admin_action(client, "message", "to_idea", [question.pk]).content.decode()

    assert "was skipped" in page
    assert "collecting ideas right now" in page
    assert "Posted as an idea" not in page
