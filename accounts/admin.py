"""Admin for API tokens: brand staff create and revoke their own (a superuser,
anyone's); the key is shown once, in the page that answers the add form, and
only its hash is kept. Never in a message: the default message storage keeps
messages in a signed but readable cookie."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from accounts import tokens
from accounts.models import ApiToken
from core.admin_access import is_merchant
from core.users import signed_in_user

# Where save_model leaves the new key for response_add, on the request object.
_NEW_KEY_ATTR = "_cocreate_new_api_key"


class ApiTokenForm(forms.ModelForm):
    # A user name box, as for memberships: no list of every account.
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        to_field_name=get_user_model().USERNAME_FIELD,
        widget=forms.TextInput,
        label=_("username"),
        error_messages={"invalid_choice": _("No active account has this username.")},
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None:
            return ("user", "name", *self.readonly_fields)
        # Staff make tokens for themselves; only a superuser names another account.
        return ("user", "name") if request.user.is_superuser else ("name",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None and request.user.is_superuser:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, change, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Brand staff and superusers, like the rest of cocreate's admin.
        return is_merchant(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a token is revoked, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # revoked tokens stay, for the record

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        user = obj.user if request.user.is_superuser else signed_in_user(request)
        token, key = tokens.api_token_create(user=user, name=obj.name)
        obj.pk = token.pk
        obj.refresh_from_db()
        obj._state.adding = False
        # Only on this request object, for response_add: no cookie, no session.
        setattr(request, _NEW_KEY_ATTR, key)

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> Any:
        key = getattr(request, _NEW_KEY_ATTR, None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Copy the new API key"),
            "token": obj,
            "key": key,
        }
        response = TemplateResponse(request, "admin/accounts/apitoken/key_once.html", context)
        add_never_cache_headers(response)  # no copy in a browser or proxy cache either
        return response

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            tokens.api_token_revoke(token=token)
        messages.success(request, _("The selected tokens are revoked."))
