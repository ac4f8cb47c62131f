"""A comment reaches an AI prompt only with its author's consent, given on the
site or over the API, and withdrawn on everything they wrote when they delete
their account."""

from __future__ import annotations

from django.urls import reverse

from accounts.services import account_delete
from campaigns.models import Comment, Idea
from tests.api.helpers import token_client
from tests.factories import CommentFactory, IdeaFactory


def test_a_comment_form_stores_the_ai_consent_when_ticked(client, user, idea):
    client.force_login(user)

    client.post(
        reverse("comment_add", args=[idea.pk]),
        {"body": "Needs a rain cover", "stance": "for", "consent_ai": "on"},
    )

    assert Comment.objects.get(author=user).consent_ai is True


def test_a_comment_without_the_box_ticked_has_no_ai_consent(client, user, idea):
    client.force_login(user)

    client.post(reverse("comment_add", args=[idea.pk]), {"body": "Needs a rain cover", "stance": "for"})

    assert Comment.objects.get(author=user).consent_ai is False


def test_the_comment_form_shows_the_consent_box(client, user, idea):
    client.force_login(user)

    response = client.get(idea.get_absolute_url())

    assert 'name="consent_ai"' in response.content.decode()


def test_the_api_takes_and_shows_the_ai_consent_of_a_comment(user, idea):
    response = token_client(user).post(
        f"/api/v1/ideas/{idea.pk}/comments/", {"body": "Agreed!", "consent_ai": True}, format="json"
    )

    assert response.status_code == 201, response.content
    assert Comment.objects.get(pk=response.json()["id"]).consent_ai is True


def test_deleting_an_account_withdraws_consent_on_everything_the_person_wrote(user):
    idea = IdeaFactory(author=user, consent_ai=True, consent_quote=True)
    comment = CommentFactory(author=user, consent_ai=True)
    someone_elses = CommentFactory(idea=idea, consent_ai=True)

    account_delete(user=user)

    idea.refresh_from_db()
    assert (idea.consent_ai, idea.consent_quote) == (False, False)
    assert Comment.objects.get(pk=comment.pk).consent_ai is False
    assert Comment.objects.get(pk=someone_elses.pk).consent_ai is True
    assert Idea.objects.filter(author=user, consent_ai=True).count() == 0
