"""What the moderation admin actions and the moderation queue share: which
decisions a moderator takes, the report counts, and the bulk actions (each
runs its service once per item through core.admin_actions.apply_each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import ModelAdmin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from campaigns import services
from campaigns.models import Campaign, Comment, Idea, ModerationAction, Report
from core.admin_actions import apply_each
from core.users import signed_in_user

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

AdminAction = Callable[[ModelAdmin, HttpRequest, QuerySet[Any]], None]


def count_subquery(qs: QuerySet[Any], outer_field: str, inner_field: str) -> Coalesce:
    """COUNT(*) of qs rows whose inner_field equals the outer row's outer_field,
    as a subquery: one query for a whole changelist, no GROUP BY on its joins."""
    counted = (
        qs.filter(**{inner_field: OuterRef(outer_field)})
        .order_by()
        .values(inner_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def open_reports() -> QuerySet[Report]:
    return Report.objects.filter(resolved_at__isnull=True)


def moderate_content(content: Idea | Comment, *, actor: User, action: str) -> None:
    if isinstance(content, Idea):
        services.idea_moderate(idea=content, actor=actor, action=action)
    else:
        services.comment_moderate(comment=content, actor=actor, action=action)


def moderate_each(
    modeladmin: ModelAdmin, request: HttpRequest, contents: Iterable[Idea | Comment], action: str
) -> int:
    actor = signed_in_user(request)
    done = apply_each(
        modeladmin,
        request,
        contents,
        lambda content: moderate_content(content, actor=actor, action=action),
        label=ModerationAction.Action(action).label,
    )
    return len(done)


def dismiss_reports(modeladmin: ModelAdmin, request: HttpRequest, reports: QuerySet[Report]) -> int:
    # reports_dismiss reads each report's idea (or its comment's idea) for the audit row.
    dismissed = services.reports_dismiss(
        reports=reports.select_related("idea", "comment__idea"),
        actor=signed_in_user(request),
    )
    modeladmin.message_user(
        request,
        ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", dismissed)
        % {"count": dismissed},
        level=messages.SUCCESS if dismissed else messages.WARNING,
    )
    return dismissed


def content_action(action: ModerationAction.Action) -> AdminAction:
    """A changelist action that moderates each selected idea or comment."""

    @admin.action(description=action.label)
    def run(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        moderate_each(modeladmin, request, queryset, action)

    run.__name__ = f"moderate_{action.value}"
    return run


# Phase actions on the campaign changelist: phase changes go through the
# service so they are checked (campaign_phase_allowed) and audited.
PHASE_ACTIONS = (
    (Campaign.Phase.IDEAS, gettext_lazy("Open for ideas")),
    (Campaign.Phase.VOTING, gettext_lazy("Start voting")),
    (Campaign.Phase.REVIEW, gettext_lazy("Move to review")),
    (Campaign.Phase.CLOSED, gettext_lazy("Close")),
)


def phase_action(phase: Campaign.Phase, description: StrOrPromise) -> AdminAction:
    @admin.action(description=description)
    def run(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        apply_each(
            modeladmin,
            request,
            queryset,
            lambda campaign: services.campaign_set_phase(
                campaign=campaign, phase=phase, actor=signed_in_user(request)
            ),
            label=description,
        )

    run.__name__ = f"phase_{phase.value}"
    return run


def target_action(action: ModerationAction.Action, description: StrOrPromise) -> AdminAction:
    """A report changelist action that moderates the reported content, once per
    idea or comment however many of its reports were selected."""

    @admin.action(description=description)
    def run(modeladmin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        targets = {
            (type(report.target), report.target.pk): report.target
            for report in queryset.select_related("idea", "comment")
        }
        moderate_each(modeladmin, request, targets.values(), action)

    run.__name__ = f"target_{action.value}"
    return run
