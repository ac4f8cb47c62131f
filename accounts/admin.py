"""Admin for API tokens: brand staff create and revoke their own (a superuser,
anyone's); the key is shown once, in a message after creation, and only its
hash is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import tokens
from accounts.models import ApiToken
from core.admin_access import is_merchant


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

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            return ["user", "name", *self.readonly_fields]
        # Staff make tokens for themselves; only a superuser names another account.
        return ["user", "name"] if request.user.is_superuser else ["name"]

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
        user = obj.user if request.user.is_superuser else request.user
        token, key = tokens.api_token_create(user=user, name=obj.name)
        obj.pk = token.pk
        obj.refresh_from_db()
        obj._state.adding = False
        messages.warning(
            request,
            _("The key of “%(name)s” is %(key)s. Copy it now: it is not stored and will not be shown again.")
            % {"name": token.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            tokens.api_token_revoke(token=token)
        messages.success(request, _("The selected tokens are revoked."))
