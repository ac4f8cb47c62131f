"""What each app stores about a person, for the data export and account deletion.

Every app that keeps rows about a user registers one `Section` in its
`AppConfig.ready()`: how to export them and how to erase them. The account
services (accounts/services.py) walk the registry, so a new app cannot forget
to appear in the export or to let go of a deleted person's data, and a test
compares the registered sections with the models that reference the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Section:
    """One part of a person's data: `key` names it in the export."""

    key: str
    export: Callable[[User], Any]
    # Called inside the deletion's transaction, before the account row is
    # anonymised; None for data that stays (anonymised through the user row).
    erase: Callable[[User], None] | None = None
    # Models (as "app_label.ModelName") whose rows about the person this
    # section covers, for the completeness test.
    models: tuple[str, ...] = field(default_factory=tuple)


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def sections() -> list[Section]:
    return list(_sections.values())


def export_all(user: User) -> dict[str, Any]:
    return {s.key: s.export(user) for s in _sections.values()}


def erase_all(user: User) -> None:
    for s in _sections.values():
        if s.erase is not None:
            s.erase(user)
