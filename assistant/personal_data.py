"""The shopper's conversations in their data export, and gone with their account."""

from __future__ import annotations

from assistant import services
from core.personal_data import Section
from core.personal_data import register as register_section


def register() -> None:
    register_section(
        Section(
            key="assistant_conversations",
            export=services.conversations_export,
            erase=services.conversations_erase,
            models=("assistant.Conversation", "assistant.Message"),
        )
    )
