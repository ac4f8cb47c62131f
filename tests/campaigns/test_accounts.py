"""Accounts on the site: sign-up, throttled login, logout, password reset,
data export, account deletion and the language switch."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.urls import resolve, reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts import services as account_services
from accounts import views as account_views
from campaigns import services, views
from core.exceptions import Throttled
from tests.campaigns.factories_site import messages_of, site_settings, throttle_rates  # noqa: F401 (autouse)
from tests.factories import CommentFactory, IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets
THROTTLED = str(Throttled.default_message)


def _signup_data(**overrides: str) -> dict[str, str]:
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **overrides,
    }


# --- sign-up ---------------------------------------------------------------------------


def test_signup_creates_the_user_and_logs_them_in(client):
    response = client.post(reverse("signup"), _signup_data())

    user = get_user_model().objects.get(username="newcomer")
    assert user.email == "newcomer@example.com"
    assert client.session[SESSION_KEY] == str(user.pk)
    assertRedirects(response, reverse("home"))


def test_signup_returns_to_a_safe_next(client, campaign):
    response = client.post(reverse("signup"), _signup_data(next=campaign.get_absolute_url()))

    assertRedirects(response, campaign.get_absolute_url())


def test_signup_refuses_an_email_that_already_has_an_account(client, user):
    response = client.post(reverse("signup"), _signup_data(email=user.email.upper()))

    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_signup_with_a_filled_honeypot_creates_no_user(client, db):
    response = client.post(reverse("signup"), _signup_data(homepage="http://spam.example"))

    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_signup_is_throttled(client, settings):
    throttle_rates(settings, signup=1)
    client.post(reverse("signup"), _signup_data(username="first", email="first@example.com"))
    client.logout()

    response = client.post(reverse("signup"), _signup_data())

    assert messages_of(response) == [THROTTLED]
    assert not get_user_model().objects.filter(username="newcomer").exists()


# --- login and logout -------------------------------------------------------------------


def test_the_login_url_is_the_throttled_login_view(db):
    match = resolve(reverse("login"))

    assert match.func.view_class is account_views.LoginView


def test_login_with_the_right_password_logs_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assertRedirects(response, reverse("home"))
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_is_throttled_with_429_after_repeated_failures(client, user, settings):
    throttle_rates(settings, login=3)
    for _ in range(3):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})

    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})

    assert response.status_code == 429
    assertContains(response, THROTTLED, status_code=429)


def test_a_throttled_login_does_not_log_in_even_with_the_right_password(client, user, settings):
    throttle_rates(settings, login=1)
    client.post(reverse("login"), {"username": user.username, "password": "wrong"})

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_login_is_throttled_per_username_across_addresses(client, user, settings):
    throttle_rates(settings, login=2)
    for address in ("10.0.0.1", "10.0.0.2"):
        client.post(reverse("login"), {"username": user.username, "password": "x"}, REMOTE_ADDR=address)

    response = client.post(
        reverse("login"), {"username": user.username.upper(), "password": "x"}, REMOTE_ADDR="10.0.0.3"
    )

    assert response.status_code == 429


def test_logout_is_a_post(client, user):
    client.force_login(user)

    response = client.post(reverse("logout"))

    assertRedirects(response, reverse("home"))
    assert SESSION_KEY not in client.session


def test_the_header_offers_logout_as_a_post_form(client, user):
    client.force_login(user)

    response = client.get(reverse("home"))

    assertContains(response, f'<form method="post" action="{reverse("logout")}">', html=False)


# --- passwords ---------------------------------------------------------------------------


def test_password_reset_sends_an_email_with_a_reset_link(client, user):
    response = client.post(reverse("password_reset"), {"email": user.email})

    assertRedirects(response, reverse("password_reset_done"))
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Reset your cocreate password"
    assert "http://testserver/accounts/reset/" in message.body


def test_the_password_change_page_renders_for_a_logged_in_user(client, user):
    client.force_login(user)

    response = client.get(reverse("password_change"))

    assertContains(response, "Change your password")


# --- export --------------------------------------------------------------------------------


def test_export_downloads_my_ideas_comments_and_votes_as_json(client, user, campaign):
    idea = IdeaFactory(campaign=campaign, author=user, title="Bottle pockets")
    comment = CommentFactory(author=user, idea=idea, body="Deep ones")
    liked = IdeaFactory(campaign=campaign)
    services.vote_cast(idea=liked, user=user)
    client.force_login(user)

    response = client.get(reverse("account_export"))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="cocreate-{user.username}.json"'
    data = json.loads(response.content)
    assert [i["title"] for i in data["ideas"]] == ["Bottle pockets"]
    assert [c["id"] for c in data["comments"]] == [comment.pk]
    assert [v["idea"] for v in data["votes"]] == [liked.pk]


def test_export_needs_login(client, db):
    response = client.get(reverse("account_export"))

    assert response.status_code == 302


# --- deletion ------------------------------------------------------------------------------


def test_account_deletion_asks_for_the_password(client, user):
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"password": "not-it"})

    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    user.refresh_from_db()
    assert user.is_active


def test_account_deletion_anonymises_and_logs_out(client, user):
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assertRedirects(response, reverse("home"))
    assert SESSION_KEY not in client.session
    user.refresh_from_db()
    assert not user.is_active
    assert user.email == ""


def test_a_deleted_users_idea_stays_shown_as_by_a_deleted_user(client, user, campaign):
    idea = IdeaFactory(campaign=campaign, author=user)
    client.force_login(user)

    client.post(reverse("account_delete"), {"password": PASSWORD})
    response = client.get(idea.get_absolute_url())

    assertContains(response, "Deleted user")
    assert user.username not in response.content.decode()


def test_account_deletion_keeps_the_users_votes_counted(client, user, idea):
    services.vote_cast(idea=idea, user=user)
    client.force_login(user)

    client.post(reverse("account_delete"), {"password": PASSWORD})

    idea.refresh_from_db()
    assert idea.vote_count == 1


def test_a_deleted_user_can_no_longer_log_in(client, user):
    username = user.username
    client.force_login(user)
    client.post(reverse("account_delete"), {"password": PASSWORD})

    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_deleted_users_comments_show_as_by_a_deleted_user(client, idea):
    author = UserFactory()
    CommentFactory(idea=idea, author=author, body="Looks great")
    account_services.account_delete(user=author)

    response = client.get(idea.get_absolute_url())

    assertContains(response, "<strong>Deleted user</strong>", html=True)


# --- language --------------------------------------------------------------------------------


def test_choosing_simplified_chinese_switches_the_page_language(client, db):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    response = client.get(reverse("home"))

    assertContains(response, '<html lang="zh-hans">', html=False)


def test_the_footer_language_form_keeps_the_current_page(client, campaign):
    response = client.get(campaign.get_absolute_url())

    assertContains(
        response, f'<input type="hidden" name="next" value="{campaign.get_absolute_url()}">', html=True
    )
