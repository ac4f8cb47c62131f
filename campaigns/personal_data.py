"""The community app's part of a person's data (core/personal_data.py).

Ideas, comments and votes stay after an account is deleted (shown as by a
deleted user; votes keep counting); reports, brand memberships, blocks and
trust records about the person go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campaigns.models import (
    BrandBlock,
    BrandMembership,
    Comment,
    Idea,
    ModerationAction,
    Report,
    TrustedAuthor,
)
from campaigns.page_cache import campaign_pages_changed
from campaigns.selectors import user_contributions
from core import personal_data

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _ideas(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "campaign": i.campaign.slug,
            "title": i.title,
            "body": i.body,
            "status": i.status,
            "votes": i.vote_count,
            "consent_quote": i.consent_quote,
            "consent_ai": i.consent_ai,
            "consent_credit": i.consent_credit,
            "created_at": i.created_at.isoformat(),
        }
        for i in user_contributions(user=user)["ideas"]
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": cm.pk,
            "idea": cm.idea_id,
            "parent": cm.parent_id,
            "body": cm.body,
            "stance": cm.stance,
            "consent_ai": cm.consent_ai,
            "status": cm.status,
            "created_at": cm.created_at.isoformat(),
        }
        for cm in user_contributions(user=user)["comments"]
    ]


def _votes(user: User) -> list[dict[str, Any]]:
    return [
        {"idea": v.idea_id, "campaign": v.idea.campaign.slug, "created_at": v.created_at.isoformat()}
        for v in user_contributions(user=user)["votes"]
    ]


def _reports(user: User) -> list[dict[str, Any]]:
    return [
        {
            "idea": r.idea_id,
            "comment": r.comment_id,
            "reason": r.reason,
            "note": r.note,
            "created_at": r.created_at.isoformat(),
        }
        for r in Report.objects.filter(reporter=user).order_by("created_at")
    ]


def _brands(user: User) -> dict[str, Any]:
    """The person's roles in brands, and brands' records about them (blocked,
    trusted): what a brand decided about someone is data about them."""
    return {
        "memberships": [
            {"brand": m.brand.slug, "role": m.role}
            for m in BrandMembership.objects.filter(user=user).select_related("brand")
        ],
        "blocked_by": [b.brand.slug for b in BrandBlock.objects.filter(user=user).select_related("brand")],
        "trusted_by": [t.brand.slug for t in TrustedAuthor.objects.filter(user=user).select_related("brand")],
        "moderation_actions_taken": ModerationAction.objects.filter(actor=user).count(),
    }


def _erase_ideas(user: User) -> None:
    # Deleting the account withdraws consent on everything the person wrote:
    # no prompt quotes it and no draft quotes them from now on.
    Idea.objects.filter(author=user).update(consent_ai=False, consent_quote=False)
    Comment.objects.filter(author=user).update(consent_ai=False)
    # Their ideas are now shown as by a deleted user: anonymous pages change.
    for campaign_id in Idea.objects.filter(author=user).values_list("campaign_id", flat=True).distinct():
        campaign_pages_changed(campaign_id)


def _erase_reports(user: User) -> None:
    Report.objects.filter(reporter=user).delete()


def _erase_brands(user: User) -> None:
    BrandMembership.objects.filter(user=user).delete()


def register_sections() -> None:
    s = personal_data.Section
    register = personal_data.register
    register(s("ideas", _ideas, erase=_erase_ideas, models=("campaigns.Idea",)))
    register(s("comments", _comments, models=("campaigns.Comment",)))
    register(s("votes", _votes, models=("campaigns.Vote",)))
    register(s("reports", _reports, erase=_erase_reports, models=("campaigns.Report",)))
    register(
        s(
            "brands",
            _brands,
            erase=_erase_brands,
            models=(
                "campaigns.BrandMembership",
                "campaigns.BrandBlock",
                "campaigns.TrustedAuthor",
                "campaigns.ModerationAction",
                "campaigns.IdeaMerge",
            ),
        )
    )
