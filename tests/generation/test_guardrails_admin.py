"""Guardrail findings as the review queue shows them: each check by its human name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.generation.factories import DraftFactory

pytestmark = pytest.mark.django_db


def test_a_drafts_page_names_each_finding_by_its_checks_label_and_severity(client, moderator, campaign):
    client.force_login(moderator)
    draft = DraftFactory(
        request__campaign=campaign,
        findings=[
            {
                "code": "off_task",
                "severity": "high",
                "message": "“Here is an example”: talks about the task.",
            },
            {"code": "unsupported_claim", "severity": "medium", "message": "“30 liter” is a claim."},
        ],
    )

    content = client.get(reverse("admin:generation_draft_change", args=[draft.pk])).content.decode()

    assert '<li class="finding-high"><strong>Off task</strong> (high):' in content
    assert '<li class="finding-medium"><strong>Unsupported claim</strong> (medium):' in content
    assert "off_task" not in content.split('class="finding-high"')[1].split("</li>")[0]
