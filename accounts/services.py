"""Writes to accounts: sign-up and deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from core import personal_data
from core.text import validate_username

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# The largest id a database integer column holds: a link naming more is bad.
MAX_USER_ID = 2**63 - 1


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Links that confirm a new account; void once the account is active."""

    key_salt = "accounts.services.SignupTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


signup_tokens = SignupTokenGenerator()


def _awaits_confirmation(user: User) -> bool:
    return not user.is_active and user.last_login is None and user.has_usable_password()


def _confirm_url(user: User, next_url: str) -> str:
    path = reverse(
        "signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": signup_tokens.make_token(user),
        },
    )
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return f"{settings.SITE_URL}{path}{query}"


def _mail(user: User, template: str, context: dict[str, object]) -> None:
    subject = render_to_string(f"registration/{template}_subject.txt", context).strip()
    body = render_to_string(f"registration/{template}_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_signup(*, username: str, email: str, password: str, next_url: str = "") -> None:
    """Sign-up that answers the same whether or not the address has an account.

    A free address gets a new, inactive account and a link that confirms it.
    An address that has an account gets no second one: its owner is told by
    e-mail (with the confirmation link again if that account was never
    confirmed). The visitor sees "check your e-mail" either way, so sign-up
    does not tell who is registered, as password reset does not. The form has
    validated the username (taken names are public anyway) and the password.
    """
    validate_username(username)
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if existing is None:
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, is_active=False
        )
        _mail(user, "signup", {"user": user, "confirm_url": _confirm_url(user, next_url)})
        return
    confirm_url = _confirm_url(existing, next_url) if _awaits_confirmation(existing) else ""
    context = {
        "user": existing,
        "confirm_url": confirm_url,
        "login_url": f"{settings.SITE_URL}{reverse('login')}",
    }
    _mail(existing, "signup_exists", context)


def signup_link_user(*, uidb64: str, token: str, lock: bool = False) -> User | None:
    """The unconfirmed account a confirmation link names; None for a bad or used link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, UnicodeDecodeError):
        return None
    if not 0 < pk <= MAX_USER_ID:
        return None
    users = get_user_model().objects.filter(pk=pk)
    user = (users.select_for_update() if lock else users).first()
    if user is None or not _awaits_confirmation(user) or not signup_tokens.check_token(user, token):
        return None
    return user


@transaction.atomic
def signup_confirm(*, uidb64: str, token: str) -> User | None:
    """Activate the account a confirmation link names; None for a bad or used link."""
    user = signup_link_user(uidb64=uidb64, token=token, lock=True)
    if user is None:
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase a person's identity but keep the community's record.

    Every app lets go of what it holds about the person first (its section in
    core/personal_data.py: notifications, reports, memberships, API tokens...).
    Ideas and comments stay, shown as by a deleted user; votes keep counting
    (deleting them would silently change rankings others relied on). The user
    row is anonymised rather than deleted so those rows keep a valid author.
    """
    personal_data.erase_all(user)
    user.username = f"deleted-{get_random_string(12).lower()}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
