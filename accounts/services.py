"""Writes to accounts: sign-up and deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import get_random_string

from core import personal_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def user_signup(*, username: str, email: str, password: str) -> User:
    """A new customer account (the form has validated the password already)."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)


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
