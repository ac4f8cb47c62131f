"""Thin wrappers that add webhooks to generation services, until those emit
the events themselves (listed in the API's hand-over report)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from campaigns import webhooks
from campaigns.models import Idea, WebhookEvent
from generation import services
from generation.models import Draft

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def draft_publish(*, draft: Draft, actor: User) -> Draft:
    """services.draft_publish, then draft.published and idea.adopted (for the
    source ideas this publication adopted) to the brand's webhooks."""
    before = set(draft.sources.filter(idea__status=Idea.Status.PUBLISHED).values_list("idea_id", flat=True))
    draft = services.draft_publish(draft=draft, actor=actor)
    webhooks.webhooks_emit_draft(draft, WebhookEvent.DRAFT_PUBLISHED)
    adopted = Idea.objects.filter(pk__in=before, status=Idea.Status.ADOPTED).values_list("pk", flat=True)
    webhooks.webhooks_emit_ideas_adopted(adopted)
    return draft
