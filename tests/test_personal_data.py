"""Everything stored about a person is in their export, and deletion lets go
of it: each app registers its part (core/personal_data.py)."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from accounts import selectors
from core import personal_data
from tests.factories import UserFactory

OURS = (
    "core",
    "accounts",
    "campaigns",
    "notifications",
    "intelligence",
    "webhooks",
    "generation",
    "store",
    "assistant",
    "messaging",
    "demo",
)


def _models_referencing_users() -> set[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = {user_model._meta.label}
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is user_model:
                found.add(model._meta.label)
    return found


def test_every_model_that_references_a_person_is_in_an_export_section():
    covered = {label for section in personal_data.sections() for label in section.models}
    missing = _models_referencing_users() - covered
    assert missing == set(), f"add these to a personal_data section: {sorted(missing)}"


def test_the_check_sees_the_models_that_reference_people():
    found = _models_referencing_users()
    assert {"notifications.Follow", "campaigns.Vote", "accounts.ApiToken"} <= found


@pytest.mark.django_db
def test_the_export_has_every_section(client):
    user = UserFactory()
    client.force_login(user)

    data = json.loads(client.get(reverse("account_export")).content)

    assert set(data) == {section.key for section in personal_data.sections()}
    assert data == json.loads(json.dumps(selectors.user_export(user=user)))


@pytest.mark.django_db
def test_the_export_shows_follows_and_email_preferences(idea):
    from notifications import follows

    user = UserFactory()
    follows.follow_add(user=user, idea=idea)
    follows.preference_set(user=user, frequency="weekly")

    data = selectors.user_export(user=user)

    assert data["follows"] == [
        {"idea": idea.pk, "campaign": None, "created_at": data["follows"][0]["created_at"]}
    ]
    assert data["email_preferences"]["frequency"] == "weekly"


@pytest.mark.django_db
def test_deleting_an_account_lets_go_of_follows_preferences_and_tokens(idea):
    from accounts import services, tokens
    from notifications import follows
    from notifications.models import Follow, NotificationPreference

    user = UserFactory()
    follows.follow_add(user=user, idea=idea)
    token, _key = tokens.api_token_create(user=user, name="shop")

    services.account_delete(user=user)

    assert not Follow.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
