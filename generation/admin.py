"""The drafting admin: the generation form, request status pages and the review
queue. Scoped to the merchant's brands like the community admin
(campaigns.admin_scoping); every decision goes through generation.services, so
it is checked and audited the same way as from the API.

Draft and community text is only ever rendered escaped (format_html and
Django's auto-escaping).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Model, Prefetch, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import now
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from campaigns.admin_scoping import BrandScopedAdminMixin, BrandScopedModelAdmin
from campaigns.models import Campaign
from core.admin_actions import apply_each
from core.exceptions import ActionRefused
from core.users import signed_in_user
from generation import guardrails, services
from generation.forms import DraftOverrideForm, DraftRejectForm, GenerationRequestForm
from generation.models import (
    Draft,
    DraftAuditEntry,
    DraftSentence,
    DraftSentenceSource,
    GenerationRequest,
    Kind,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.contrib.admin.filters import _ListFilterChoices
    from django.contrib.admin.views.main import ChangeList
    from django_stubs_ext import StrOrPromise

# Seconds between reloads of a request's page while it is queued or running.
STATUS_REFRESH_SECONDS = 3
# Characters of a draft shown in the review queue.
EXCERPT_CHARS = 90
# Characters of a source comment shown under a draft.
SOURCE_EXCERPT_CHARS = 160

SEVERITY_LABELS = {
    guardrails.SEVERITY_HIGH: _("high"),
    guardrails.SEVERITY_MEDIUM: _("medium"),
    guardrails.SEVERITY_LOW: _("low"),
}


def refusals_as_messages(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A service refusal inside an admin view (rare: forms check first, but a
    quota can fill between check and save) becomes a message, not a 500; the
    view's transaction has rolled back."""

    @wraps(view)
    def wrapper(self: admin.ModelAdmin, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(self, request, *args, **kwargs)
        except ActionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    return wrapper


class AuditInline(BrandScopedAdminMixin, admin.TabularInline):
    model = DraftAuditEntry
    scoped_permissions = frozenset({"view"})
    fields: ClassVar[tuple[str, ...]] = ("created_at", "action", "actor", "draft", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("audit trail")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DraftAuditEntry]:
        # Scoped through the parent page, which the parent admin has checked.
        return DraftAuditEntry.objects.select_related("actor", "draft")


class RequestAuditInline(AuditInline):
    fk_name = "request"


class DraftAuditInline(AuditInline):
    fk_name = "draft"
    fields = ("created_at", "action", "actor", "detail")
    readonly_fields = fields


# --- requests ------------------------------------------------------------------------------------


@admin.register(GenerationRequest)
class GenerationRequestAdmin(BrandScopedModelAdmin):
    """The add form is the generation form; a request's page is its read-only
    status, reloading itself until the drafts are there."""

    scoped_permissions = frozenset({"view", "add"})
    form = GenerationRequestForm
    list_display = ("__str__", "campaign", "kind", "status", "requested_by", "draft_count", "created_at")
    list_filter = ("status", "kind", ("campaign", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("campaign", "requested_by")
    date_hierarchy = "created_at"
    inlines = [RequestAuditInline]
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "campaign",
                    "kind",
                    "tone",
                    "length",
                    "keywords",
                    "language",
                    "variants",
                    "idempotency_key",
                )
            },
        ),
    )
    fieldsets = (
        (None, {"fields": ("campaign", "kind", "status_display", "requested_by", "params_display")}),
        (
            _("Progress"),
            {
                "fields": (
                    "created_at",
                    "started_at",
                    "finished_at",
                    "deliveries",
                    "error",
                    "regenerated_from",
                )
            },
        ),
        (_("Result"), {"fields": ("drafts_display", "model_name", "timings_display", "prompt_version")}),
        (_("Prompt"), {"fields": ("prompt_display",), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[GenerationRequest]:
        return super().get_queryset(request).annotate(draft_total=Count("drafts"))

    def get_fieldsets(self, request: HttpRequest, obj: GenerationRequest | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_inlines(self, request: HttpRequest, obj: GenerationRequest | None) -> list[Any]:
        return [] if obj is None else self.inlines

    def get_form(
        self, request: HttpRequest, obj: GenerationRequest | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        # The form checks the user's permission and quota in clean().
        return type(form.__name__, (form,), {"requested_by": request.user})

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """?campaign=<id> preselects the campaign and its tone and language."""
        initial = {"kind": Kind.PRODUCT_DESCRIPTION, **super().get_changeform_initial_data(request)}
        campaign_id = str(initial.get("campaign", ""))
        if campaign_id.isdigit():
            campaigns = self.scope_queryset(request, Campaign.objects.all(), "brand")
            campaign = campaigns.filter(pk=campaign_id).first()
            if campaign is not None:
                initial.update(tone=campaign.tone, language=campaign.locale)
        initial["idempotency_key"] = uuid.uuid4().hex
        return initial

    @refusals_as_messages
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "title": _("Generate drafts")}
        return super().add_view(request, form_url, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        refresh = STATUS_REFRESH_SECONDS if obj is not None and obj.is_open else None
        extra_context = {**(extra_context or {}), "auto_refresh_seconds": refresh}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_form(self, request: HttpRequest, form: ModelForm, change: bool) -> GenerationRequest:
        data = form.cleaned_data
        return services.generation_request_create(
            campaign=data["campaign"],
            requested_by=signed_in_user(request),
            kind=data["kind"],
            tone=data["tone"],
            length=data["length"],
            keywords=data["keywords"],
            language=data["language"],
            variants=data["variants"],
            idempotency_key=data["idempotency_key"] or None,
        )

    def save_model(self, request: HttpRequest, obj: GenerationRequest, form: ModelForm, change: bool) -> None:
        """Nothing to do: save_form's service call wrote the request."""

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        """Nothing to do: a request has no related rows to save from the form."""

    def response_add(
        self, request: HttpRequest, obj: GenerationRequest, post_url_continue: str | None = None
    ) -> HttpResponse:
        self.message_user(
            request,
            _("Queued. This page shows the progress and links to the drafts when they are ready."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:generation_generationrequest_change", args=[obj.pk]))

    @admin.display(description=_("drafts"), ordering="draft_total")
    def draft_count(self, obj: GenerationRequest) -> int:
        return obj.draft_total  # type: ignore[attr-defined]

    @admin.display(description=_("status"))
    def status_display(self, obj: GenerationRequest) -> str:
        if obj.status == GenerationRequest.Status.QUEUED:
            return format_html(
                "{} – {}",
                obj.get_status_display(),
                _("waiting for a worker for %(s)s s") % {"s": _age(obj.created_at)},
            )
        if obj.status == GenerationRequest.Status.RUNNING and obj.started_at:
            return format_html(
                "{} – {}", obj.get_status_display(), _("writing for %(s)s s") % {"s": _age(obj.started_at)}
            )
        return obj.get_status_display()

    @admin.display(description=_("parameters"))
    def params_display(self, obj: GenerationRequest) -> str:
        p = obj.params
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {} · {}: {}",
            _("tone"),
            p.get("tone"),
            _("length"),
            p.get("length"),
            _("language"),
            p.get("language"),
            _("variants"),
            p.get("variants"),
            _("keywords"),
            ", ".join(p.get("keywords", [])) or "–",
        )

    @admin.display(description=_("drafts"))
    def drafts_display(self, obj: GenerationRequest) -> str:
        # Best variant first (services rank them), each edit after the text it replaced.
        drafts = obj.drafts.order_by("rank", "version", "pk")
        if not drafts:
            return "–"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({}; {}; {})</li>',
                (
                    (
                        reverse("admin:generation_draft_change", args=[d.pk]),
                        str(d),
                        d.get_status_display(),
                        _("coverage of the top ideas: %(c)s") % {"c": _coverage(d)},
                        _fluency(d),
                    )
                    for d in drafts
                ),
            ),
        )

    @admin.display(description=_("timings"))
    def timings_display(self, obj: GenerationRequest) -> str:
        return _timings(obj)

    @admin.display(description=_("prompt"))
    def prompt_display(self, obj: GenerationRequest) -> str:
        return format_html('<pre class="generation-prompt">{}</pre>', obj.prompt) if obj.prompt else "–"


def _age(since: Any) -> int:
    return int((now() - since).total_seconds())


def _timings(request: GenerationRequest) -> str:
    t = request.timings
    if not t:
        return "–"
    labels = [
        ("queue_wait_s", _("waited %(v)s s")),
        ("generate_s", _("generated in %(v)s s")),
        ("prompt_tokens", _("%(v)s prompt tokens")),
        ("new_tokens", _("%(v)s new tokens")),
        ("batch_prompts", _("%(v)s prompts in the batch")),
    ]
    return " · ".join(str(label % {"v": t[key]}) for key, label in labels if key in t)


# --- drafts: the review queue ----------------------------------------------------------------------


class DraftStatusFilter(admin.SimpleListFilter):
    """Pending review unless another status (or all) is chosen: the changelist
    opens as the review queue."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, StrOrPromise]]:
        return [*Draft.Status.choices, (self.ALL, _("All"))]

    def value(self) -> str:
        return super().value() or Draft.Status.PENDING_REVIEW

    def queryset(self, request: HttpRequest, queryset: QuerySet[Draft]) -> QuerySet[Draft]:
        return queryset if self.value() == self.ALL else queryset.filter(status=self.value())

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


# Each review action on one draft: (service call, label for the result message).
# The reason is the rejection's, or the written override of blocking findings.
DRAFT_ACTIONS: dict[str, tuple[Callable[[Draft, Any, str], Any], Any]] = {
    "approve": (
        lambda draft, user, reason: services.draft_approve(draft=draft, actor=user, override_reason=reason),
        _("Approved"),
    ),
    "reject": (
        lambda draft, user, reason: services.draft_reject(draft=draft, actor=user, reason=reason),
        _("Rejected"),
    ),
    "publish": (
        lambda draft, user, reason: services.draft_publish(draft=draft, actor=user, override_reason=reason),
        _("Published"),
    ),
    "regenerate": (
        lambda draft, user, reason: services.draft_regenerate(draft=draft, actor=user),
        _("Queued for a new generation"),
    ),
}


@dataclass(frozen=True)
class ReasonPage:
    """An action that asks for a written reason on a page of its own first."""

    action: str  # the DRAFT_ACTIONS entry it runs
    form: type[forms.Form]
    title: Any
    template: str
    bulk_action: str  # the changelist action that posts the page back


REASON_PAGES = {
    "reject": ReasonPage(
        "reject", DraftRejectForm, _("Reject drafts"), "admin/generation/draft/reject.html", "reject_selected"
    ),
    "approve_override": ReasonPage(
        "approve",
        DraftOverrideForm,
        _("Approve despite blocking findings"),
        "admin/generation/draft/override.html",
        "approve_override_selected",
    ),
    "publish_override": ReasonPage(
        "publish",
        DraftOverrideForm,
        _("Publish despite blocking findings"),
        "admin/generation/draft/override.html",
        "publish_override_selected",
    ),
}
# The status an action needs to be allowed (regenerate works from any status).
ACTION_TARGET_STATUS = {
    "approve": Draft.Status.APPROVED,
    "publish": Draft.Status.PUBLISHED,
    "reject": Draft.Status.REJECTED,
}


@admin.register(Draft)
class DraftAdmin(BrandScopedModelAdmin):
    scoped_permissions = frozenset({"view", "change"})
    list_display = (
        "excerpt",
        "campaign",
        "kind",
        "rank",
        "version",
        "coverage_column",
        "findings_column",
        "fluency_column",
        "status",
        "created_at",
    )
    # A request's variants together, best first.
    ordering = ("-request_id", "rank", "-version")
    list_filter = (DraftStatusFilter, ("campaign", admin.RelatedOnlyFieldListFilter), "kind")
    list_select_related = ("campaign",)
    search_fields = ("text",)
    date_hierarchy = "created_at"
    actions = [
        "approve_selected",
        "approve_override_selected",
        "reject_selected",
        "publish_selected",
        "publish_override_selected",
        "regenerate_selected",
    ]
    inlines = [DraftAuditInline]
    fieldsets = (
        (None, {"fields": ("text", "status", "campaign", "kind", "version", "parent")}),
        (_("Guardrail findings on the whole text"), {"fields": ("findings_display",)}),
        (_("Built from"), {"fields": ("sources_display",)}),
        (_("Generation"), {"fields": ("generation_display",)}),
        (_("Review"), {"fields": ("reviewer", "reviewed_at", "review_note", "published_at")}),
    )
    readonly_fields = (
        "status",
        "campaign",
        "kind",
        "version",
        "parent",
        "findings_display",
        "sources_display",
        "generation_display",
        "reviewer",
        "reviewed_at",
        "review_note",
        "published_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Draft]:
        return super().get_queryset(request).select_related("request", "parent", "reviewer")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Only drafts still under review can be edited; the rest are a record."""
        return super().has_change_permission(request, obj) and (
            obj is None or (isinstance(obj, Draft) and obj.status in Draft.EDITABLE_STATUSES)
        )

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(self.draft_action_view),
                {"name": name},
                name="{}_{}_{}".format(*info, name),
            )
            for name in [*DRAFT_ACTIONS, *(n for n in REASON_PAGES if n not in DRAFT_ACTIONS)]
        ]
        # Before the default routes, whose "<path:object_id>/" would swallow them.
        return [*own, *super().get_urls()]

    # --- one draft: buttons on its page ---

    @refusals_as_messages
    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        draft = self.get_object(request, object_id)
        review = {} if draft is None else self._review_context(request, draft)
        extra_context = {**(extra_context or {}), **review}
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request: HttpRequest, draft: Draft) -> dict[str, Any]:
        """The sentence-by-sentence review: each sentence with its origin, its
        sources and its findings; the coverage; whether the model wrote it."""
        sentences = list(
            DraftSentence.objects.filter(draft=draft)
            .order_by("position")
            .prefetch_related(
                Prefetch(
                    "sources",
                    queryset=DraftSentenceSource.objects.select_related(
                        "idea__author", "comment__author"
                    ).order_by("position"),
                )
            )
        )
        blocking = services.draft_blocking_findings(draft)
        return {
            "draft_buttons": self._buttons(request, draft, blocked=bool(blocking)),
            "draft_sentences": [
                {
                    "position": s.position + 1,
                    "text": s.text,
                    "origin": s.get_origin_display(),
                    "template": s.origin == DraftSentence.Origin.TEMPLATE,
                    "sources": [_sentence_source(source) for source in s.sources.all()],
                    "findings": [_finding_row(f) for f in s.findings],
                }
                for s in sentences
            ],
            "draft_coverage": _coverage(draft),
            "draft_from_community": not draft.model_written,
            "draft_blocking": [_finding_row(f) for f in blocking],
            "draft_overridden": bool(blocking) and services.draft_is_overridden(draft),
        }

    def _buttons(self, request: HttpRequest, draft: Draft, *, blocked: bool) -> list[dict[str, Any]]:
        """Approve and publish ask for a written override while a blocking finding stands."""
        if not self.has_view_permission(request, draft):
            return []
        if blocked and not services.draft_is_overridden(draft):
            return self._blocked_buttons(draft)
        allowed = Draft.TRANSITIONS[draft.status]
        labels = {
            "approve": _("Approve"),
            "reject": _("Reject…"),
            "publish": _("Publish"),
            "regenerate": _("Regenerate"),
        }
        return [
            {
                "name": name,
                "label": labels[name],
                "url": reverse(f"admin:generation_draft_{name}", args=[draft.pk]),
                # Rejecting asks for a reason first: a page of its own, reached by GET.
                "method": "get" if name == "reject" else "post",
            }
            for name in DRAFT_ACTIONS
            if name not in ACTION_TARGET_STATUS or ACTION_TARGET_STATUS[name] in allowed
        ]

    def _blocked_buttons(self, draft: Draft) -> list[dict[str, Any]]:
        allowed = Draft.TRANSITIONS[draft.status]
        labels = {
            "approve_override": _("Approve despite blocking findings…"),
            "reject": _("Reject…"),
            "publish_override": _("Publish despite blocking findings…"),
            "regenerate": _("Regenerate"),
        }
        target = {
            **ACTION_TARGET_STATUS,
            "approve_override": Draft.Status.APPROVED,
            "publish_override": Draft.Status.PUBLISHED,
        }
        return [
            {
                "name": name,
                "label": label,
                "url": reverse(f"admin:generation_draft_{name}", args=[draft.pk]),
                "method": "get" if name in REASON_PAGES else "post",
            }
            for name, label in labels.items()
            if name not in target or target[name] in allowed
        ]

    def draft_action_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        draft = self.get_object(request, object_id)
        if draft is None or not self.has_view_permission(request, draft):
            raise Http404
        if name in REASON_PAGES:
            page = self._with_reason(
                request, self.get_queryset(request).filter(pk=draft.pk), name, bulk=False
            )
            assert page is not None  # only a bulk action goes back to the changelist
            return page
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        results = self._apply(request, [draft], name)
        if name == "regenerate" and results:
            return HttpResponseRedirect(
                reverse("admin:generation_generationrequest_change", args=[results[0].pk])
            )
        return HttpResponseRedirect(reverse("admin:generation_draft_change", args=[draft.pk]))

    # --- many drafts: changelist actions ---

    @admin.action(description=_("Approve selected drafts"), permissions=["change"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        self._apply(request, queryset, "approve")

    @admin.action(description=_("Approve selected drafts despite blocking findings…"), permissions=["change"])
    def approve_override_selected(
        self, request: HttpRequest, queryset: QuerySet[Draft]
    ) -> HttpResponse | None:
        return self._with_reason(request, queryset, "approve_override", bulk=True)

    @admin.action(description=_("Reject selected drafts…"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Draft]) -> HttpResponse | None:
        return self._with_reason(request, queryset, "reject", bulk=True)

    @admin.action(description=_("Publish selected drafts"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        self._apply(request, queryset, "publish")

    @admin.action(description=_("Publish selected drafts despite blocking findings…"), permissions=["change"])
    def publish_override_selected(
        self, request: HttpRequest, queryset: QuerySet[Draft]
    ) -> HttpResponse | None:
        return self._with_reason(request, queryset, "publish_override", bulk=True)

    @admin.action(description=_("Regenerate selected drafts (same parameters)"), permissions=["change"])
    def regenerate_selected(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        self._apply(request, queryset, "regenerate")

    # --- shared by both ---

    def _apply(self, request: HttpRequest, drafts: Iterable[Draft], name: str, reason: str = "") -> list[Any]:
        """Run one review action on each draft; refusals (a draft in the wrong
        status, a full quota) warn per draft."""
        action, label = DRAFT_ACTIONS[name]
        actor = signed_in_user(request)
        return apply_each(self, request, drafts, lambda draft: action(draft, actor, reason), label=label)

    def _with_reason(
        self, request: HttpRequest, queryset: QuerySet[Draft], name: str, *, bulk: bool
    ) -> HttpResponse | None:
        """Ask for the reason (a rejection's, an override's) on a page of its own, then act with it."""
        page = REASON_PAGES[name]
        form = page.form(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._apply(request, queryset, page.action, reason=form.cleaned_data["reason"])
            if bulk:
                return None  # back to the changelist
            return HttpResponseRedirect(reverse("admin:generation_draft_change", args=[queryset.get().pk]))
        drafts = list(queryset.prefetch_related("sentences"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": page.title,
            "drafts": [
                {
                    "draft": d,
                    "blocking": [_finding_row(f) for f in services.draft_blocking_findings(d)],
                }
                for d in drafts
            ],
            "form": form,
            "bulk": bulk,
            "bulk_action": page.bulk_action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, page.template, context)

    # --- columns and read-only fields ---

    def save_model(self, request: HttpRequest, obj: Draft, form: ModelForm, change: bool) -> None:
        """An edited text becomes a new version to review; this one is kept as it was."""
        if "text" in form.changed_data:
            obj.new_version = services.draft_edit(  # type: ignore[attr-defined]
                draft=obj, actor=signed_in_user(request), text=form.cleaned_data["text"]
            )

    def response_change(self, request: HttpRequest, obj: Draft) -> HttpResponse:
        new = getattr(obj, "new_version", None)
        if new is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _("Saved as version %(new)s for review; version %(old)s is kept unchanged.")
            % {"new": new.version, "old": obj.version},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:generation_draft_change", args=[new.pk]))

    @admin.display(description=_("text"))
    def excerpt(self, obj: Draft) -> str:
        return Truncator(obj.text).chars(EXCERPT_CHARS)

    @admin.display(description=_("coverage of the top ideas"), ordering="coverage")
    def coverage_column(self, obj: Draft) -> str:
        return _coverage(obj)

    @admin.display(description=_("findings"))
    def findings_column(self, obj: Draft) -> str:
        worst = guardrails.worst_severity(obj.findings)
        if worst is None:
            return "0"
        return format_html(
            '{} <span class="finding-{}">({})</span>', len(obj.findings), worst, SEVERITY_LABELS[worst]
        )

    @admin.display(description=_("findings"))
    def findings_display(self, obj: Draft) -> SafeString | str:
        if not obj.findings:
            return gettext("No findings.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li class="finding-{}"><strong>{}</strong> ({}): {}</li>',
                (
                    (
                        f["severity"],
                        guardrails.CHECK_LABELS.get(f["code"], f["code"]),
                        SEVERITY_LABELS.get(f["severity"], f["severity"]),
                        f["message"],
                    )
                    for f in obj.findings
                ),
            ),
        )

    @admin.display(description=_("ideas and comments"))
    def sources_display(self, obj: Draft) -> SafeString | str:
        sources = obj.sources.select_related("idea__author", "comment__author", "comment__idea")
        if not sources:
            return gettext("No community input: written from the brief only.")
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((_source_html(s),) for s in sources))
        )

    @admin.display(description=_("model and timings"))
    def generation_display(self, obj: Draft) -> SafeString:
        request = obj.request
        return format_html(
            '{} · <a href="{}">{}</a><br>{}<br>{}',
            request.model_name or "–",
            reverse("admin:generation_generationrequest_change", args=[request.pk]),
            str(request),
            _("Variant %(rank)s of its request, best first; %(fluency)s.")
            % {"rank": obj.rank, "fluency": _fluency(obj)},
            _timings(request),
        )

    @admin.display(description=_("fluency"), ordering="perplexity")
    def fluency_column(self, obj: Draft) -> str:
        return _fluency(obj)


def _coverage(draft: Draft) -> str:
    if draft.coverage is None:
        return gettext("not measured")
    return f"{draft.coverage:.0%}"


def _finding_row(finding: guardrails.Finding) -> dict[str, str]:
    """A finding as the review page shows it: its check's label, severity and message."""
    return {
        "severity": finding["severity"],
        "label": str(guardrails.CHECK_LABELS.get(finding["code"], finding["code"])),
        "severity_label": str(SEVERITY_LABELS.get(finding["severity"], finding["severity"])),
        "message": finding["message"],
    }


def _sentence_source(source: DraftSentenceSource) -> dict[str, Any]:
    """An idea (title, author, link) or a comment (an excerpt, author, link) beside a sentence."""
    if source.idea_id:
        idea = source.idea
        assert idea is not None
        return {
            "kind": gettext("Idea"),
            "url": reverse("admin:campaigns_idea_change", args=[idea.pk]),
            "text": idea.title,
            "author": idea.author.get_username(),
        }
    comment = source.comment
    assert comment is not None
    return {
        "kind": gettext("Comment"),
        "url": reverse("admin:campaigns_comment_change", args=[comment.pk]),
        "text": Truncator(comment.body).chars(SOURCE_EXCERPT_CHARS),
        "author": comment.author.get_username(),
    }


def _fluency(draft: Draft) -> str:
    if draft.perplexity is None:
        return gettext("perplexity not measured (edited text)")
    return gettext("perplexity %(p).1f, lower reads more fluently") % {"p": draft.perplexity}


def _source_html(source: Any) -> SafeString:
    if source.idea_id:
        idea = source.idea
        return format_html(
            '{} <a href="{}">{}</a> – {} ({})',
            _("Idea"),
            reverse("admin:campaigns_idea_change", args=[idea.pk]),
            idea.title,
            idea.author.username,
            ngettext("%(n)d vote", "%(n)d votes", idea.vote_count) % {"n": idea.vote_count},
        )
    comment = source.comment
    return format_html(
        '{} <a href="{}">{}</a> – {}, {}',
        _("Comment"),
        reverse("admin:campaigns_comment_change", args=[comment.pk]),
        Truncator(comment.body).chars(SOURCE_EXCERPT_CHARS),
        comment.author.username,
        comment.get_stance_display(),
    )
