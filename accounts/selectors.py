"""Reads about accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import personal_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def user_export(*, user: User) -> dict[str, Any]:
    """Everything cocreate holds about a person, as JSON-ready data: one key per
    section that an app registered (core/personal_data.py)."""
    return personal_data.export_all(user)
