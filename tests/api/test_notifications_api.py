"""The notifications API gives consumers the same readable text as the site's inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_create
from tests.api.helpers import token_client

pytestmark = pytest.mark.django_db


def test_a_notification_reads_as_a_sentence_not_an_empty_message(idea):
    notification_create(user_id=idea.author_id, kind=Notification.Kind.NEW_COMMENT, idea=idea)
    client = token_client(idea.author)

    row = client.get(reverse("api:notification-list")).json()["results"][0]

    assert row["message"] == ""
    assert row["title"] == "New comment on your idea"
    assert row["text"] == f"New comment on your idea: “{idea.title}”"


def test_the_text_carries_the_moderators_note(idea):
    notification_create(
        user_id=idea.author_id, kind=Notification.Kind.IDEA_DECLINED, idea=idea, message="Off topic."
    )
    client = token_client(idea.author)

    row = client.get(reverse("api:notification-list")).json()["results"][0]

    assert row["text"] == f"Your idea was declined: “{idea.title}”. Off topic."


def test_the_text_follows_the_requested_language(idea):
    notification_create(user_id=idea.author_id, kind=Notification.Kind.NEW_COMMENT, idea=idea)
    client = token_client(idea.author)

    row = client.get(reverse("api:notification-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]

    assert row["title"] != "New comment on your idea"
    assert idea.title in row["text"]
    assert row["text"].startswith(row["title"])
