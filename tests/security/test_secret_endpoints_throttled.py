"""Every endpoint that checks a secret (a password, a reset token) or sends
e-mail has a limit, and every limit keys on the normalised identity: one
table of such endpoints, each fired past its limit, and a check that the
table names every URL of the kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import views as auth_views
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from core.exceptions import Throttled
from core.throttles import identity_key
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@dataclass(frozen=True)
class Endpoint:
    url_name: str
    path: str
    method: str = "post"
    # Builds the request's data from the signed-in user (None: anonymous).
    data: Callable[[Any], dict[str, str]] = lambda user: {}
    signed_in: bool = False
    staff: bool = False
    api: bool = False


ENDPOINTS = [
    Endpoint("login", "/accounts/login/", data=lambda u: {"username": "customer", "password": "wrong"}),
    Endpoint("admin_login", "/admin/login/", data=lambda u: {"username": "merchant", "password": "wrong"}),
    Endpoint("signup", "/accounts/signup/", data=lambda u: {"username": "new", "email": "new@example.com"}),
    Endpoint("password_reset", "/accounts/password_reset/", data=lambda u: {"email": "someone@example.com"}),
    Endpoint("password_reset_confirm", "/accounts/reset/MQ/set-password/", method="get"),
    Endpoint(
        "password_change",
        "/accounts/password_change/",
        data=lambda u: {
            "old_password": "wrong",
            "new_password1": "x-Long-pass-1",
            "new_password2": "x-Long-pass-1",
        },
        signed_in=True,
    ),
    Endpoint("account_delete", "/me/delete/", data=lambda u: {"password": "wrong"}, signed_in=True),
    Endpoint(
        "me-delete", "/api/v1/me/delete/", data=lambda u: {"password": "wrong"}, signed_in=True, api=True
    ),
    # E-mailed links that check a signed token, GET (the page) and POST alike.
    Endpoint("signup_confirm", "/accounts/signup/confirm/MQ/not-a-token/", method="get"),
    Endpoint("signup_confirm", "/accounts/signup/confirm/MQ/not-a-token/"),
    Endpoint("notifications:unsubscribe", "/unsubscribe/not-a-token/", method="get"),
    Endpoint(
        "notifications:unsubscribe",
        "/unsubscribe/not-a-token/",
        data=lambda u: {"List-Unsubscribe": "One-Click"},
    ),
    Endpoint("messaging:unsubscribe", "/m/unsubscribe/not-a-token/"),
    Endpoint("messaging:click", "/m/c/not-a-token/", method="get"),
    Endpoint("store:link", "/me/store/link/not-a-token/", method="get", signed_in=True),
]


@pytest.fixture
def low_limits(settings):
    settings.THROTTLE_RATES = {scope: f"{LIMIT}/h" for scope in settings.THROTTLE_RATES}


def _fire(client: Client, endpoint: Endpoint, user: Any) -> Any:
    send = getattr(client, endpoint.method)
    if endpoint.api:
        return send(endpoint.path, endpoint.data(user), content_type="application/json")
    return send(endpoint.path, endpoint.data(user))


def _refused(response: Any) -> bool:
    """429, or (sign-up's redirect, account deletion's form) the throttle's message."""
    if response.status_code == 429:
        return True
    shown = [str(m) for m in getattr(response.wsgi_request, "_messages", [])]
    shown.append(response.content.decode())
    return any(str(Throttled.default_message) in text for text in shown)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.url_name}-{e.method}")
def test_each_endpoint_that_checks_a_secret_or_sends_mail_is_limited(low_limits, client, endpoint):
    user = StaffFactory() if endpoint.staff else UserFactory()
    if endpoint.signed_in:
        client.force_login(user)

    responses = [_fire(client, endpoint, user) for _ in range(LIMIT + 1)]

    assert not any(_refused(r) for r in responses[:LIMIT])
    assert _refused(responses[LIMIT])


def _url_names(resolver: URLResolver, prefix: str = "") -> dict[str, tuple[Any, set[str]]]:
    """Each named URL: its view (class or function) and the names its route captures."""
    found: dict[str, tuple[Any, set[str]]] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found.update(
                _url_names(pattern, f"{prefix}{pattern.namespace + ':' if pattern.namespace else ''}")
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            captured = set(pattern.pattern.regex.groupindex)
            found.setdefault(f"{prefix}{pattern.name}", (getattr(callback, "view_class", callback), captured))
    return found


# Django's views that check a password or a token, or send e-mail.
SECRET_OR_MAIL_VIEWS = (
    auth_views.LoginView,
    auth_views.PasswordChangeView,
    auth_views.PasswordResetView,
    auth_views.PasswordResetConfirmView,
)
# The project's own, by URL name: they check a password or send e-mail.
PROJECT_SECRET_OR_MAIL_URLS = {"signup", "account_delete", "me-delete"}
# A route that captures a token (an e-mailed signed link) checks a secret.
TOKEN_PARAMETER = "token"


def _secret_or_mail_urls() -> set[str]:
    """URL names (namespaced where the URL is) of the views that check a secret or send e-mail."""
    return {
        name
        for name, (view, captured) in _url_names(get_resolver()).items()
        if (isinstance(view, type) and issubclass(view, SECRET_OR_MAIL_VIEWS)) or TOKEN_PARAMETER in captured
    } | PROJECT_SECRET_OR_MAIL_URLS


def test_the_table_names_every_url_that_checks_a_secret_or_sends_mail():
    secret_or_mail = _secret_or_mail_urls()

    assert secret_or_mail - {e.url_name for e in ENDPOINTS} == set()
    assert {"login", "admin_login", "password_reset", "password_change"} <= secret_or_mail


def test_every_url_that_takes_a_signed_token_counts_as_checking_a_secret():
    assert {
        "signup_confirm",
        "password_reset_confirm",
        "notifications:unsubscribe",
        "messaging:unsubscribe",
        "messaging:click",
        "store:link",
    } <= _secret_or_mail_urls()


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_change/"]
)
def test_djangos_own_unthrottled_views_are_never_the_ones_answering(path):
    assert resolve(path).func.view_class.__module__ == "accounts.views"


# --- one identity, however it is typed ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("ｃustomer", "customer"),
        ("Customer", "customer"),
        ("  customer ", "customer"),
        ("ＳＨＯＰ@Example.com", "shop@example.com"),
    ],
)
def test_variants_of_one_identity_share_a_counter(typed, same_as):
    assert identity_key("username", typed) == identity_key("username", same_as)


def test_a_full_width_username_does_not_walk_around_the_login_limit(low_limits, client):
    UserFactory(username="customer")
    for _ in range(LIMIT):
        client.post("/accounts/login/", {"username": "customer", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    # Another address, the same account typed with a full-width c.
    response = client.post(
        "/accounts/login/", {"username": "ｃustomer", "password": "wrong"}, REMOTE_ADDR="10.0.0.2"
    )

    assert response.status_code == 429


def test_password_reset_is_limited_per_address_across_addresses_of_senders(low_limits, client, mailoutbox):
    UserFactory(email="shopper@example.com")

    statuses = [
        client.post(
            "/accounts/password_reset/", {"email": "Shopper@Example.com"}, REMOTE_ADDR=f"10.0.1.{n}"
        ).status_code
        for n in range(LIMIT + 2)
    ]

    assert statuses[-1] == 429
    assert len(mailoutbox) == LIMIT


def test_a_throttled_password_change_does_not_check_the_password(low_limits, client):
    user = UserFactory()
    client.force_login(user)
    for _ in range(LIMIT):
        client.post("/accounts/password_change/", {"old_password": "wrong"})

    response = client.post(
        "/accounts/password_change/",
        {"old_password": "password", "new_password1": "x-Long-pass-1", "new_password2": "x-Long-pass-1"},
    )

    user.refresh_from_db()
    assert response.status_code == 429
    assert not user.check_password("x-Long-pass-1")
