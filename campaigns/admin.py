"""Django admin for merchants: campaigns, the moderation queue, reports, the audit
log. Every admin here is scoped to the brands the user moderates (admin_scoping).

Decisions on content (approve, hide, decline, block) and campaign phases go
through campaigns.services from changelist actions and the queue, so they are
checked and audited the same way as from the site or the API; the change forms
of ideas, comments and reports are read-only.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from campaigns import services
from campaigns.admin_merging import merge_into_most_voted, unmerge
from campaigns.admin_moderation import (
    PHASE_ACTIONS,
    content_action,
    count_subquery,
    dismiss_reports,
    open_reports,
    phase_action,
    target_action,
)
from campaigns.admin_queue import queue_view
from campaigns.admin_scoping import (
    BrandScopedAdminMixin,
    BrandScopedModelAdmin,
    request_owned_brand_ids,
)
from campaigns.models import (
    Brand,
    BrandBlock,
    BrandMembership,
    Campaign,
    Comment,
    Idea,
    IdeaMerge,
    ModerationAction,
    Report,
    TrustedAuthor,
)
from core.users import signed_in_user

__all__ = ["BrandScopedAdminMixin", "BrandScopedModelAdmin"]

VIEW_ONLY = frozenset({"view"})
# Characters of community text shown in a list column.
EXCERPT_CHARS = 80


def _owns(request: HttpRequest, brand_id: int | None) -> bool:
    owned = request_owned_brand_ids(request)
    return owned is None or brand_id in owned


def _excerpt(text: str) -> str:
    return Truncator(text).chars(EXCERPT_CHARS)


@admin.register(Brand)
class BrandAdmin(BrandScopedModelAdmin):
    brand_lookup = "pk"
    scoped_permissions = frozenset({"view", "add", "change"})
    list_display = ("name", "slug", "created_at")
    readonly_fields = ("created_at",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Moderators read their brand's settings; owners change them.
        return super().has_change_permission(request, obj) and (obj is None or _owns(request, obj.pk))

    def save_model(self, request: HttpRequest, obj: Brand, form: Any, change: bool) -> None:
        actor = signed_in_user(request)
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.brand_update(brand=obj, actor=actor, **changed)
        else:
            fields = {name: form.cleaned_data[name] for name in services.BRAND_EDITABLE_FIELDS}
            obj.pk = services.brand_create(actor=actor, **fields).pk
        obj.refresh_from_db()


class MembershipForm(forms.ModelForm):
    # A username box rather than a list of every account: an owner names the
    # person they add and learns nothing about other brands' staff.
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        to_field_name=get_user_model().USERNAME_FIELD,
        widget=forms.TextInput,
        label=_("username"),
        help_text=_("The person needs a staff account to open this admin."),
        error_messages={"invalid_choice": _("No active account has this username.")},
    )

    class Meta:
        model = BrandMembership
        fields = ["user", "brand", "role"]


@admin.register(BrandMembership)
class BrandMembershipAdmin(BrandScopedModelAdmin):
    """Everyone sees who moderates their brands; owners add and remove
    moderators of their own brands; owner memberships are the superuser's."""

    brand_lookup = "brand"
    form = MembershipForm
    list_display = ("user", "brand", "role")
    list_filter = ("role", ("brand", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "brand")
    search_fields = ("user__username", "brand__name")

    def _manages(self, request: HttpRequest, obj: BrandMembership | None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(request_owned_brand_ids(request))
        return obj.role == BrandMembership.Role.MODERATOR and _owns(request, obj.brand_id)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and self._manages(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._manages(request, obj)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._manages(request, obj)  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        owned = request_owned_brand_ids(request)
        if db_field.name == "brand" and owned is not None:
            kwargs["queryset"] = Brand.objects.filter(pk__in=owned)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(BrandMembership.Role.MODERATOR.value, BrandMembership.Role.MODERATOR.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    # Deleting a campaign would take its community's ideas with it: not from here.
    scoped_permissions = frozenset({"view", "add", "change"})
    list_display = ("title", "brand", "phase", "opens_at", "closes_at", "idea_count")
    list_filter = ("phase", ("brand", admin.RelatedOnlyFieldListFilter), "locale")
    list_select_related = ("brand",)
    search_fields = ("title", "slug", "product_name")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at",)
    actions = [phase_action(phase, description) for phase, description in PHASE_ACTIONS]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return (
            super()
            .get_queryset(request)
            .annotate(idea_count=count_subquery(Idea.objects.all(), "pk", "campaign"))
        )

    @admin.display(description=_("ideas"), ordering="idea_count")
    def idea_count(self, obj: Campaign) -> int:
        return obj.idea_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Campaign, form: Any, change: bool) -> None:
        actor = signed_in_user(request)
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.campaign_update(campaign=obj, actor=actor, **changed)
        else:
            fields = {name: form.cleaned_data[name] for name in form.fields if name != "brand"}
            obj.pk = services.campaign_create(actor=actor, brand=form.cleaned_data["brand"], **fields).pk
        obj.refresh_from_db()

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        # An existing campaign keeps its brand, and its phase moves through the
        # actions, which audit it (services.campaign_set_phase).
        if obj is not None:
            return (*super().get_readonly_fields(request, obj), *services.CAMPAIGN_CREATE_ONLY_FIELDS)
        return super().get_readonly_fields(request, obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "generation_links": _generation_links(object_id)}
        return super().change_view(request, object_id, form_url, extra_context)


def _generation_links(campaign_pk: str) -> list[dict[str, str]]:
    """Links to the generation admin, for as much of it as is installed."""
    wanted = [
        (_("Generate drafts"), "admin:generation_generationrequest_add", f"?campaign={campaign_pk}"),
        (_("Review drafts"), "admin:generation_draft_changelist", f"?campaign__id__exact={campaign_pk}"),
    ]
    links = []
    for label, name, query in wanted:
        try:
            links.append({"label": str(label), "url": reverse(name) + query})
        except NoReverseMatch:
            continue
    return links


class _ReportedContentAdmin(BrandScopedModelAdmin):
    """What the idea and comment admins share: read-only change forms, the
    moderation actions, and the open report count of each row."""

    scoped_permissions = VIEW_ONLY
    actions = [content_action(action) for action in ModerationAction.CONTENT_ACTIONS]
    report_target = "idea"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        reports = count_subquery(open_reports(), "pk", self.report_target)
        return super().get_queryset(request).annotate(open_report_count=reports)

    @admin.display(description=_("open reports"), ordering="open_report_count")
    def open_report_column(self, obj: Idea | Comment) -> int:
        return obj.open_report_count  # type: ignore[union-attr]


@admin.register(Idea)
class IdeaAdmin(_ReportedContentAdmin):
    actions = [*_ReportedContentAdmin.actions, merge_into_most_voted, unmerge]
    list_display = (
        "title",
        "campaign",
        "author",
        "status",
        "vote_count",
        "comment_count",
        "open_report_column",
        "created_at",
    )
    list_filter = ("status", ("campaign", admin.RelatedOnlyFieldListFilter), "campaign__phase")
    list_select_related = ("campaign", "author")
    search_fields = ("title", "body", "author__username")
    date_hierarchy = "created_at"

    def get_urls(self) -> list[URLPattern]:
        queue = path(
            "queue/",
            self.admin_site.admin_view(self.queue_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_queue",
        )
        # Before the default routes, whose "<path:object_id>/" would swallow it.
        return [queue, *super().get_urls()]

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        return queue_view(self, request, partial(self.scope_queryset, request))


@admin.register(Comment)
class CommentAdmin(_ReportedContentAdmin):
    brand_lookup = "idea__campaign__brand"
    report_target = "comment"
    list_display = ("excerpt", "idea", "author", "stance", "status", "open_report_column", "created_at")
    list_filter = ("status", "stance", ("idea__campaign", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("idea", "author")
    search_fields = ("body", "author__username", "idea__title")
    date_hierarchy = "created_at"

    @admin.display(description=_("comment"))
    def excerpt(self, obj: Comment) -> str:
        return _excerpt(obj.body)


class ReportStateFilter(admin.SimpleListFilter):
    """Open reports by default: that is the work left to do."""

    title = _("state")
    parameter_name = "state"
    default = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> QuerySet[Report]:
        state = self.value() or self.default
        if state == "open":
            return queryset.filter(resolved_at__isnull=True)
        if state == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset

    def choices(self, changelist: Any) -> Any:
        # No "All" entry of Django's own: "all" is one of the lookups, and the
        # unfiltered page shows open reports.
        current = self.value() or self.default
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Report)
class ReportAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    scoped_permissions = VIEW_ONLY
    list_display = ("target_link", "reason", "note_excerpt", "reporter", "reports_on_target", "created_at")
    # The first column already links to the reported content.
    list_display_links = ("reason",)
    list_filter = (ReportStateFilter, "reason", ("brand", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("reporter", "idea", "comment")
    search_fields = ("note", "reporter__username", "idea__title", "comment__body")
    actions = [
        "dismiss",
        target_action(ModerationAction.Action.HIDE, _("Hide the reported content")),
        target_action(
            ModerationAction.Action.DECLINE_BLOCK, _("Decline the reported content and block its author")
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        # Open reports on the same idea or comment; a NULL target matches nothing.
        on_idea = count_subquery(open_reports(), "idea_id", "idea_id")
        on_comment = count_subquery(open_reports(), "comment_id", "comment_id")
        return super().get_queryset(request).annotate(target_open_reports=on_idea + on_comment)

    @admin.display(description=_("reported content"))
    def target_link(self, obj: Report) -> str:
        target = obj.target
        url = reverse(f"admin:campaigns_{target._meta.model_name}_change", args=[target.pk])
        # format_html escapes the community text it is given.
        return format_html('<a href="{}">{}: {}</a>', url, target._meta.verbose_name, _excerpt(str(target)))

    @admin.display(description=_("details"))
    def note_excerpt(self, obj: Report) -> str:
        return _excerpt(obj.note)

    @admin.display(description=_("open reports on it"), ordering="target_open_reports")
    def reports_on_target(self, obj: Report) -> int:
        return obj.target_open_reports  # type: ignore[attr-defined]

    @admin.action(description=_("Dismiss the selected reports"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        dismiss_reports(self, request, queryset)


@admin.register(ModerationAction)
class ModerationActionAdmin(BrandScopedModelAdmin):
    """The audit log: read-only for everyone, superusers included."""

    brand_lookup = "brand"
    scoped_permissions = VIEW_ONLY
    list_display = ("created_at", "action", "actor", "brand", "campaign", "idea", "comment_excerpt", "detail")
    list_filter = ("action", ("brand", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("actor", "brand", "campaign", "idea", "comment")
    search_fields = ("actor__username", "detail", "idea__title")
    date_hierarchy = "created_at"

    @admin.display(description=_("comment"))
    def comment_excerpt(self, obj: ModerationAction) -> str:
        return _excerpt(obj.comment.body) if obj.comment else ""


class _AuthorListAdmin(BrandScopedModelAdmin):
    """Blocked and trusted authors: written by the moderation actions; a merchant
    may only undo an entry (delete, recorded in the admin's log)."""

    brand_lookup = "brand"
    scoped_permissions = frozenset({"view", "delete"})
    list_filter = (("brand", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username",)


@admin.register(BrandBlock)
class BrandBlockAdmin(_AuthorListAdmin):
    list_display = ("user", "brand", "reason", "created_by", "created_at")
    list_select_related = ("user", "brand", "created_by")


@admin.register(TrustedAuthor)
class TrustedAuthorAdmin(_AuthorListAdmin):
    list_display = ("user", "brand", "created_at")
    list_select_related = ("user", "brand")


@admin.register(IdeaMerge)
class IdeaMergeAdmin(BrandScopedModelAdmin):
    """What each merge moved, and whether it was undone."""

    brand_lookup = "duplicate__campaign__brand"
    scoped_permissions = VIEW_ONLY
    list_display = ("duplicate", "survivor", "actor", "created_at", "undone_at", "undone_by")
    list_select_related = ("duplicate", "survivor", "actor", "undone_by")
    date_hierarchy = "created_at"
