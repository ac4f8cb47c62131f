"""The accounts app's part of a person's data: the account and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import ApiToken
from core import personal_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _account(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def _api_tokens(user: User) -> list[dict[str, Any]]:
    # Never the key itself: only its hash is stored.
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in ApiToken.objects.filter(user=user).order_by("created_at")
    ]


def _revoke_tokens(user: User) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def register_sections() -> None:
    personal_data.register(personal_data.Section("account", _account, models=("auth.User",)))
    personal_data.register(
        personal_data.Section("api_tokens", _api_tokens, erase=_revoke_tokens, models=("accounts.ApiToken",))
    )
