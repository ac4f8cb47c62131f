"""Accounts on the site: sign-up, throttled login, logout, password reset,
data export, account deletion and the language switch."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.urls import resolve, reverse
from pytest_django.asserts import assertContains, assertRedirects

from accounts import services as account_services
from accounts import views as account_views
from campaigns import services
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


def _confirm_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/accounts/signup/confirm/" in line)


def test_signup_creates_an_inactive_user_and_emails_a_confirmation_link(client):
    response = client.post(reverse("signup"), _signup_data())

    user = get_user_model().objects.get(username="newcomer")
    assert (user.email, user.is_active) == ("newcomer@example.com", False)
    assert SESSION_KEY not in client.session
    assertRedirects(response, reverse("signup_done"))
    assert mail.outbox[0].to == ["newcomer@example.com"]
    assert _confirm_link(mail.outbox[0]).startswith("http")


def test_the_confirmation_link_activates_the_account_and_logs_in(client):
    client.post(reverse("signup"), _signup_data())
    link = _confirm_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]

    assert client.get(f"/{link}").status_code == 200  # a page with a button: a GET changes nothing
    response = client.post(f"/{link}")

    user = get_user_model().objects.get(username="newcomer")
    assert user.is_active
    assert client.session[SESSION_KEY] == str(user.pk)
    assertRedirects(response, reverse("home"))


def test_a_confirmation_link_works_once(client):
    client.post(reverse("signup"), _signup_data())
    link = "/" + _confirm_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    client.post(link)
    client.logout()

    response = client.post(link)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_unconfirmed_account_cannot_log_in(client):
    client.post(reverse("signup"), _signup_data())

    response = client.post(
        reverse("login"), {"username": "newcomer", "password": "a-long-unusual-passphrase"}
    )

    assert SESSION_KEY not in client.session
    assert response.status_code == 200


def test_signup_returns_to_a_safe_next_after_confirmation(client, campaign):
    client.post(reverse("signup"), _signup_data(next=campaign.get_absolute_url()))
    link = "/" + _confirm_link(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]

    response = client.post(link.split("?")[0], {"next": campaign.get_absolute_url()})

    assertRedirects(response, campaign.get_absolute_url())


def test_signup_with_a_registered_email_makes_no_second_account_and_tells_the_owner(client, user):
    response = client.post(reverse("signup"), _signup_data(email=user.email.upper()))

    assertRedirects(response, reverse("signup_done"))
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert mail.outbox[0].to == [user.email]
    assert user.username in mail.outbox[0].body and "/accounts/signup/confirm/" not in mail.outbox[0].body


def test_signup_answers_the_same_for_a_registered_and_a_free_email(client, user):
    def answer(email: str, username: str) -> tuple:
        response = client.post(reverse("signup"), _signup_data(email=email, username=username), follow=True)
        # The CSRF token of the page's forms is masked afresh on every render.
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return response.status_code, response.redirect_chain, page, SESSION_KEY in client.session

    taken = answer(user.email, "newcomer")
    free = answer("someone-new@example.com", "newcomer2")

    assert taken == free
    assert len(mail.outbox) == 2  # one to the owner, one to the new address


def test_signing_up_again_before_confirming_resends_the_link(client):
    client.post(reverse("signup"), _signup_data())

    client.post(reverse("signup"), _signup_data(username="another"))

    assert get_user_model().objects.filter(email="newcomer@example.com").count() == 1
    assert "/accounts/signup/confirm/" in mail.outbox[1].body


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
