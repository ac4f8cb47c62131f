"""Changelist actions for the Idea admin: merge duplicates, and undo a merge.

Add them to campaigns.admin.IdeaAdmin:

    from campaigns.admin_merging import merge_into_most_voted, unmerge
    actions = [*(content_action(a) for a in ModerationAction.CONTENT_ACTIONS), merge_into_most_voted, unmerge]

Both call the merging services, which check the moderator's brand, the
campaign and the statuses (only published ideas merge); a refused item is
skipped with a warning that says why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.merging import idea_merge, idea_unmerge
from campaigns.models import Idea
from campaigns.visibility import idea_is_listed
from core.admin_actions import apply_each
from core.users import signed_in_user


@admin.action(description=gettext_lazy("Merge selected ideas into the one with most votes"))
def merge_into_most_voted(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    ideas = list(queryset.exclude(status=Idea.Status.MERGED).order_by("-vote_count", "created_at", "pk"))
    if len(ideas) < 2 or len({idea.campaign_id for idea in ideas}) > 1:
        modeladmin.message_user(
            request,
            _("Select two or more unmerged ideas of one campaign: the one with most votes keeps them all."),
            level=messages.WARNING,
        )
        return
    # Only a published idea can keep the others (campaigns/merging.py); the
    # unapproved ones among the selection are skipped with the service's reason.
    survivor = next((idea for idea in ideas if idea_is_listed(idea)), None)
    if survivor is None:
        modeladmin.message_user(
            request,
            _("No selected idea is published: only published ideas can be merged."),
            level=messages.WARNING,
        )
        return
    duplicates = [idea for idea in ideas if idea.pk != survivor.pk]
    apply_each(
        modeladmin,
        request,
        duplicates,
        lambda duplicate: idea_merge(duplicate=duplicate, survivor=survivor, actor=signed_in_user(request)),
        label=_("Merged into “%(title)s”") % {"title": survivor.title},
    )


@admin.action(description=gettext_lazy("Unmerge selected ideas"))
def unmerge(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    merged = queryset.filter(status=Idea.Status.MERGED)
    if not merged.exists():
        modeladmin.message_user(request, _("None of the selected ideas is merged."), level=messages.WARNING)
        return
    apply_each(
        modeladmin,
        request,
        merged.order_by("-pk"),
        lambda idea: idea_unmerge(idea=idea, actor=signed_in_user(request)),
        label=_("Unmerged"),
    )
