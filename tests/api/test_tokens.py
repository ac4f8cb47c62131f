"""API tokens: hashed at rest, revocable, managed from the admin and the command line."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import tokens
from accounts.models import ApiToken
from tests.api.helpers import assert_error_shape
from tests.factories import StaffFactory, UserFactory

ME = "/api/v1/me/"


def test_the_database_holds_no_plain_key(user):
    token, key = tokens.api_token_create(user=user, name="sync")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608 - a fixed table name
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_key_authenticates_as_its_user(api, user, keyword):
    _, key = tokens.api_token_create(user=user, name="sync")
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")

    response = api.get(ME)

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_a_wrong_key_is_401(api, user):
    _, key = tokens.api_token_create(user=user, name="sync")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key[:-1]}x")

    assert_error_shape(api.get(ME), 401, "authentication_failed")


def test_a_revoked_key_is_401(api, user):
    token, key = tokens.api_token_create(user=user, name="sync")
    tokens.api_token_revoke(token=token)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.get(ME)

    assert_error_shape(response, 401, "authentication_failed")
    assert "WWW-Authenticate" in response


def test_a_key_of_a_deleted_account_is_401(api, user):
    _, key = tokens.api_token_create(user=user, name="sync")
    user.is_active = False
    user.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert_error_shape(api.get(ME), 401, "authentication_failed")


def test_use_is_recorded(api, user):
    token, key = tokens.api_token_create(user=user, name="sync")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    api.get(ME)

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_command_creates_a_working_key_and_prints_it_once(api, user):
    out = StringIO()

    call_command("api_token", "create", user.username, "--name", "CI", stdout=out, stderr=StringIO())

    key = out.getvalue().strip()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ME).status_code == 200
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert key[:8] in listing.getvalue()
    assert key not in listing.getvalue()


def test_the_command_revokes_by_prefix(api, user):
    token, key = tokens.api_token_create(user=user, name="CI")

    call_command("api_token", "revoke", token.prefix, stdout=StringIO())

    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error_shape(api.get(ME), 401, "authentication_failed")


def test_no_key_starts_with_a_dash_so_every_prefix_can_be_revoked_from_the_command_line(
    api, user, monkeypatch
):
    keys = iter(["-" + "a" * 42, "b" * 43])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda nbytes: next(keys))

    token, key = tokens.api_token_create(user=user, name="CI")
    call_command("api_token", "revoke", token.prefix, stdout=StringIO())

    assert key == "b" * 43
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error_shape(api.get(ME), 401, "authentication_failed")


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        call_command("api_token", "create", "nobody", "--name", "CI", stdout=StringIO(), stderr=StringIO())


def test_the_admin_shows_a_new_key_once_and_stores_its_hash(client, superuser, user):
    client.force_login(superuser)

    response = client.post(
        "/admin/accounts/apitoken/add/", {"user": user.username, "name": "Zapier"}, follow=True
    )

    token = ApiToken.objects.get(name="Zapier")
    shown = [str(m) for m in get_messages(response.wsgi_request)] + [response.content.decode()]
    key = next(word for text in shown for word in text.split() if word.startswith(token.prefix))
    key = key.rstrip(".")
    assert token.user == user
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()


def test_staff_create_tokens_for_themselves_only(client, brand):
    merchant = StaffFactory(brand=brand)
    other = UserFactory()
    client.force_login(merchant)

    client.post("/admin/accounts/apitoken/add/", {"user": other.username, "name": "Mine"})

    assert ApiToken.objects.get(name="Mine").user == merchant


def test_staff_see_only_their_own_tokens_in_the_admin(client, brand):
    merchant = StaffFactory(brand=brand)
    tokens.api_token_create(user=merchant, name="mine")
    theirs, _ = tokens.api_token_create(user=UserFactory(), name="theirs")
    client.force_login(merchant)

    listing = client.get("/admin/accounts/apitoken/").content.decode()

    assert "mine" in listing
    assert theirs.prefix not in listing
    assert client.get(f"/admin/accounts/apitoken/{theirs.pk}/change/").status_code in (302, 404)


def test_the_admin_revokes_tokens(client, superuser, user):
    token, _ = tokens.api_token_create(user=user, name="old")
    client.force_login(superuser)

    client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_staff_of_no_brand_get_no_token_admin(client, db):
    client.force_login(StaffFactory())

    assert client.get("/admin/accounts/apitoken/").status_code == 403


def test_a_new_key_is_shown_once_in_the_page_and_travels_in_no_cookie_or_session(client, brand):
    merchant = StaffFactory(brand=brand)
    client.force_login(merchant)

    response = client.post("/admin/accounts/apitoken/add/", {"name": "Shop sync"})

    token = ApiToken.objects.get(name="Shop sync")
    page = response.content.decode()
    key = next(word for word in page.split() if word.startswith(token.prefix))
    assert response.status_code == 200
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert "no-store" in response["Cache-Control"]
    assert all(key not in morsel.OutputString() for morsel in response.cookies.values())
    assert all(key not in str(value) for value in client.session.values())
    for later in ("/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{token.pk}/change/", "/admin/"):
        answer = client.get(later)
        assert key not in answer.content.decode()
        assert all(key not in morsel.OutputString() for morsel in answer.cookies.values())
