"""The brand team's side: an inbox of conversations (handed-over ones first),
take over, reply as a person, close; FAQ and policy entries; sensitive topics;
unanswered questions turned into FAQ entries or campaign ideas. Brand-scoped
like every admin (campaigns.admin_scoping); every write goes through services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistant import selectors, services
from assistant.models import AssistantSettings, Conversation, Message, Source
from campaigns.admin_scoping import BrandScopedModelAdmin
from campaigns.models import Campaign
from core.admin_actions import apply_each
from core.exceptions import ActionRefused
from core.users import signed_in_user

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable


class MessageInline(admin.TabularInline):
    model = Message
    fields: ClassVar[tuple[str, ...]] = ("created_at", "role", "text", "citations", "outcome")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConversationForm(forms.ModelForm):
    reply = forms.CharField(
        label=_("Reply as a person"),
        required=False,
        max_length=settings.ASSISTANT_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the shopper under your brand's name; replying takes the conversation over."),
    )

    class Meta:
        model = Conversation
        fields: list[str] = []


@admin.register(Conversation)
class ConversationAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    scoped_permissions = frozenset({"view", "change"})
    form = ConversationForm
    list_display = ["__str__", "status", "handed_over_reason", "assigned_to", "language", "last_message_at"]
    list_filter = ["status", "handed_over_reason", "language"]
    readonly_fields = [
        "brand",
        "campaign",
        "status",
        "handed_over_reason",
        "assigned_to",
        "language",
        "created_at",
        "last_message_at",
        "handed_over_at",
        "expires_at",
    ]
    fields = [*readonly_fields, "reply"]
    inlines = [MessageInline]
    actions = ["take_over", "close"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        # The inbox order: waiting for a person first (selectors.inbox), scoped to the user's brands.
        return selectors.inbox(signed_in_user(request)).select_related("brand", "assigned_to")

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable]:
        return ["inbox_order", "-last_message_at"]

    def save_model(self, request: HttpRequest, obj: Conversation, form: Any, change: bool) -> None:
        text = form.cleaned_data.get("reply", "")
        if text.strip():
            services.staff_reply(conversation=obj, actor=signed_in_user(request), text=text)

    @admin.action(description=_("Take over (the assistant stops answering)"))
    def take_over(self, request: HttpRequest, queryset: QuerySet[Conversation]) -> None:
        apply_each(
            self,
            request,
            queryset,
            lambda c: services.takeover(conversation=c, actor=signed_in_user(request)),
            label=_("Took over"),
        )

    @admin.action(description=_("Close"))
    def close(self, request: HttpRequest, queryset: QuerySet[Conversation]) -> None:
        apply_each(
            self,
            request,
            queryset,
            lambda c: services.close(conversation=c, actor=signed_in_user(request)),
            label=_("Closed"),
        )


@admin.register(Message)
class QuestionAdmin(BrandScopedModelAdmin):
    """Shoppers' questions, the unanswered ones easy to find, with the actions
    that feed them back into the brand's FAQ and campaigns."""

    brand_lookup = "conversation__brand"
    scoped_permissions = frozenset({"view"})
    list_display = ["text", "outcome", "conversation", "created_at"]
    list_filter = ["outcome"]
    search_fields = ["text"]
    actions = ["to_faq", "to_idea"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return (
            super()
            .get_queryset(request)
            .filter(role=Message.Role.SHOPPER)
            .select_related("conversation__brand")
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The actions below need it; nothing on the row itself can be changed.
        return self.has_view_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["conversation", "role", "text", "citations", "outcome", "reply_to", "author", "created_at"]

    @admin.action(description=_("Turn into an FAQ entry (unpublished, to answer)"))
    def to_faq(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        if apply_each(
            self,
            request,
            queryset,
            lambda m: services.faq_from_question(message=m, actor=signed_in_user(request)),
            label=_("Turned into an FAQ entry"),
        ):
            self.message_user(
                request,
                _("Write each new entry's answer and publish it under Assistant sources."),
                messages.INFO,
            )

    @admin.action(description=_("Turn into an idea on the brand's campaign collecting ideas"))
    def to_idea(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        def apply(message: Message) -> None:
            conversation = message.conversation
            campaign = conversation.campaign
            if campaign is None or not campaign.accepts_ideas:
                campaign = next(
                    (c for c in Campaign.objects.filter(brand_id=conversation.brand_id) if c.accepts_ideas),
                    None,
                )
            if campaign is None:
                raise ActionRefused(gettext("None of this brand's campaigns is collecting ideas right now."))
            services.idea_from_question(message=message, campaign=campaign, actor=signed_in_user(request))

        apply_each(self, request, queryset, apply, label=_("Posted as an idea"))


@admin.register(Source)
class SourceAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    list_display = ["__str__", "kind", "is_published", "updated_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title_en", "title_zh", "body_en", "body_zh"]
    fields = ["brand", "kind", "title_en", "body_en", "title_zh", "body_zh", "is_published"]

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        services.source_save(source=obj, actor=signed_in_user(request))

    def delete_model(self, request: HttpRequest, obj: Source) -> None:
        services.source_delete(source=obj, actor=signed_in_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            services.source_delete(source=source, actor=signed_in_user(request))


@admin.register(AssistantSettings)
class AssistantSettingsAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    scoped_permissions = frozenset({"view", "add", "change"})
    list_display = ["brand"]
    fields = ["brand", "sensitive_topics"]

    def save_model(self, request: HttpRequest, obj: AssistantSettings, form: Any, change: bool) -> None:
        services.assistant_settings_save(brand_settings=obj, actor=signed_in_user(request))
