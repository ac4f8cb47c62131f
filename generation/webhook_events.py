"""The generation app's webhook events: a draft awaits review or was
published, a request failed. Payloads carry ids and states, never text."""

from __future__ import annotations

from typing import Any

from generation.models import Draft, GenerationRequest
from webhooks.models import WebhookEvent
from webhooks.services import webhooks_emit


def draft_payload(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "campaign": draft.campaign.slug,
        "request": draft.request_id,
        "kind": draft.kind,
        "status": draft.status,
        "version": draft.version,
        "findings": len(draft.findings),
        "created_at": draft.created_at.isoformat(),
        "published_at": draft.published_at.isoformat() if draft.published_at else None,
    }


def webhooks_emit_draft(draft: Draft, event: str) -> None:
    """draft.pending_review (a draft was written) or draft.published."""
    webhooks_emit(brand_id=draft.campaign.brand_id, event=event, payload=draft_payload(draft))


def webhooks_emit_generation_failed(request: GenerationRequest) -> None:
    webhooks_emit(
        brand_id=request.campaign.brand_id,
        event=WebhookEvent.GENERATION_FAILED,
        payload={
            "id": request.pk,
            "campaign": request.campaign.slug,
            "kind": request.kind,
            "error": request.error,
            "created_at": request.created_at.isoformat(),
        },
    )
