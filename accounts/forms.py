"""Forms of the account pages: sign-up, login, account deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.passwords import password_confirm
from core.exceptions import ActionRefused
from core.forms import HoneypotMixin, SiteFormMixin
from core.text import validate_username


class SignupForm(SiteFormMixin, HoneypotMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("Used only to reset your password and, if you like, to tell you when your idea is used."),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    # No check that the e-mail is free here: accounts.services.user_signup keeps
    # one account per address without telling the visitor which addresses exist.

    def clean_username(self) -> str:
        # Django's own check NFKC-normalises and compares case-insensitively.
        username = super().clean_username()
        if username:  # None when taken: that error is already on the field
            validate_username(username)
        return username


class LoginForm(SiteFormMixin, AuthenticationForm):
    """Django's login form in the site's style. A throttled attempt never
    reaches its checks: views.ThrottledFormView refuses it first
    (core.throttles.form_refused)."""


class AccountDeleteForm(SiteFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            password_confirm(request=self.request, password=password)
        except ActionRefused as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return password
