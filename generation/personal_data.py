"""The generation app's part of a person's data (core/personal_data.py): the
drafting requests they made and the review decisions they took (brand staff)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import personal_data
from generation.models import Draft, DraftAuditEntry, GenerationRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _generation(user: User) -> dict[str, Any]:
    return {
        "requests": [
            {"id": r.pk, "campaign": r.campaign.slug, "kind": r.kind, "created_at": r.created_at.isoformat()}
            for r in GenerationRequest.objects.filter(requested_by=user).select_related("campaign")
        ],
        "drafts_reviewed": Draft.objects.filter(reviewer=user).count(),
        "review_actions": DraftAuditEntry.objects.filter(actor=user).count(),
    }


def register_sections() -> None:
    personal_data.register(
        personal_data.Section(
            "generation",
            _generation,
            models=("generation.GenerationRequest", "generation.Draft", "generation.DraftAuditEntry"),
        )
    )
