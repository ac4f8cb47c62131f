"""The moderation queue: pending ideas and comments and reported content of the
merchant's brands, oldest first, on one admin page with bulk decisions.

Served by IdeaAdmin at admin/campaigns/idea/queue/. Reading the queue costs a
fixed number of queries (ideas, comments, their open reports) whatever its size.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.admin_moderation import dismiss_reports, moderate_each, open_reports
from campaigns.models import Comment, Idea, ModerationAction, Report

# Oldest first, a page at a time: a moderator clears a page and reloads; a
# longer page only gets slower to render and to read.
QUEUE_PAGE_SIZE = 100

QUEUE_ACTIONS = (*ModerationAction.CONTENT_ACTIONS, ModerationAction.Action.DISMISS_REPORTS)

# Checkbox values: "idea-12", "comment-7".
_ITEM_KEY = re.compile(r"^(idea|comment)-(\d+)$")

Scope = Callable[[QuerySet[Any], str], QuerySet[Any]]


@dataclass
class QueueItem:
    content: Idea | Comment
    reports: list[Report] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "idea" if isinstance(self.content, Idea) else "comment"

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.content.pk}"

    @property
    def kind_label(self) -> str:
        return capfirst(str(self.content._meta.verbose_name))

    @property
    def idea(self) -> Idea:
        return self.content if isinstance(self.content, Idea) else self.content.idea

    @property
    def admin_url(self) -> str:
        return reverse(f"admin:campaigns_{self.kind}_change", args=[self.content.pk])

    @property
    def report_reasons(self) -> list[tuple[str, int]]:
        """[(reason label, how many reports gave it)], most frequent first."""
        counts = Counter(str(report.get_reason_display()) for report in self.reports)
        return counts.most_common()


def moderation_queue(scope: Scope, *, limit: int = QUEUE_PAGE_SIZE) -> tuple[list[QueueItem], bool]:
    """The oldest `limit` items waiting for a moderator, and whether more wait."""
    ideas = list(
        scope(
            Idea.objects.annotate(reported=Exists(open_reports().filter(idea=OuterRef("pk")))),
            "campaign__brand",
        )
        .filter(Q(status=Idea.Status.PENDING) | Q(reported=True))
        .select_related("campaign__brand", "author")
        .order_by("created_at", "pk")[: limit + 1]
    )
    comments = list(
        scope(
            Comment.objects.annotate(reported=Exists(open_reports().filter(comment=OuterRef("pk")))),
            "idea__campaign__brand",
        )
        .filter(Q(status=Comment.Status.PENDING) | Q(reported=True))
        .select_related("idea__campaign__brand", "author")
        .order_by("created_at", "pk")[: limit + 1]
    )
    items = {(type(c), c.pk): QueueItem(c) for c in [*ideas, *comments]}
    for report in open_reports().filter(Q(idea__in=ideas) | Q(comment__in=comments)):
        target = (Idea, report.idea_id) if report.idea_id else (Comment, report.comment_id)
        items[target].reports.append(report)
    ordered = sorted(items.values(), key=lambda item: (item.content.created_at, item.key))
    return ordered[:limit], len(ordered) > limit


class QueueActionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"), choices=[(a.value, a.label) for a in QUEUE_ACTIONS]
    )


def _selected(request: HttpRequest, scope: Scope) -> tuple[list[Idea], list[Comment]]:
    """The checked items, re-read through the merchant's scope: a forged id of
    another brand's content is simply not found."""
    pks: dict[str, list[int]] = {"idea": [], "comment": []}
    for key in request.POST.getlist("items"):
        match = _ITEM_KEY.match(key)
        if match:
            pks[match[1]].append(int(match[2]))
    ideas = list(scope(Idea.objects.filter(pk__in=pks["idea"]), "campaign__brand"))
    comments = list(scope(Comment.objects.filter(pk__in=pks["comment"]), "idea__campaign__brand"))
    return ideas, comments


def queue_view(modeladmin: ModelAdmin, request: HttpRequest, scope: Scope) -> HttpResponse:
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        return _queue_post(modeladmin, request, scope)
    items, truncated = moderation_queue(scope)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("Moderation queue"),
        "items": items,
        "truncated": truncated,
        "page_size": QUEUE_PAGE_SIZE,
        "action_form": QueueActionForm(),
    }
    return TemplateResponse(request, "admin/campaigns/moderation_queue.html", context)


def _queue_post(modeladmin: ModelAdmin, request: HttpRequest, scope: Scope) -> HttpResponse:
    form = QueueActionForm(request.POST)
    ideas, comments = _selected(request, scope)
    if not form.is_valid():
        modeladmin.message_user(request, _("Choose an action."), level=messages.WARNING)
    elif not ideas and not comments:
        modeladmin.message_user(request, _("Select at least one item."), level=messages.WARNING)
    elif form.cleaned_data["action"] == ModerationAction.Action.DISMISS_REPORTS:
        reports = scope(open_reports(), "brand").filter(Q(idea__in=ideas) | Q(comment__in=comments))
        dismiss_reports(modeladmin, request, reports)
    else:
        moderate_each(modeladmin, request, [*ideas, *comments], form.cleaned_data["action"])
    # Post/redirect/get: a reload never repeats the decisions.
    return HttpResponseRedirect(request.path)
