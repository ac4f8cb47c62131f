"""Sign-up, login, the personal data export and account deletion (site pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, LoginForm, SignupForm
from core.exceptions import Throttled
from core.throttles import (
    form_refused,
    identity_key,
    throttle_request,
    throttle_signed_link,
    throttled_response,
)
from core.users import SignedInRequest
from core.views import form_data, refused, safe_next


class ThrottledFormView:
    """A form view whose POST counts against `throttle_scope` per IP, per
    signed-in user and per the identity the form names (`identity_field`,
    normalised by core.throttles.identity_key); over the limit the form
    answers 429 with the refusal, unchecked: no password is tried, no e-mail sent."""

    throttle_scope = "login"
    identity_field = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        typed = request.POST.get(self.identity_field, "") if self.identity_field else ""
        try:
            throttle_request(
                request, self.throttle_scope, extra=identity_key(self.identity_field, typed) if typed else ""
            )
        except Throttled as exc:
            form = form_refused(self.get_form(), exc.message)  # type: ignore[attr-defined]
            response = self.form_invalid(form)  # type: ignore[attr-defined]
            response.status_code = exc.status_code
            return response
        return super().post(request, *args, **kwargs)  # type: ignore[misc]


class LoginView(ThrottledFormView, auth_views.LoginView):
    """Django's login, throttled per IP and per typed username (normalised as
    the form normalises it, so `ｃustomer` counts as `customer`)."""

    authentication_form = LoginForm
    identity_field = "username"


class PasswordChangeView(ThrottledFormView, auth_views.PasswordChangeView):
    """Django's password change, which checks the old password: throttled
    like a login, per user and IP."""


class PasswordResetView(ThrottledFormView, auth_views.PasswordResetView):
    """Django's password reset, which e-mails whatever address is typed:
    limited per address and per IP, the same for registered addresses and
    others, so the limit tells nothing about who has an account."""

    throttle_scope = "password_reset"
    identity_field = "email"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link checks a token on every request: limited per IP."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return throttled_response(request, "password_reset") or super().dispatch(request, *args, **kwargs)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(form_data(request))
    if request.method == "POST":
        try:
            throttle_request(request, "signup", extra=identity_key("email", request.POST.get("email", "")))
        except Throttled as exc:
            return refused(request, exc, request.get_full_path())
        if form.is_valid():
            # The same answer whether or not the address has an account.
            services.user_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                next_url=safe_next(request, ""),
            )
            return redirect("signup_done")
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": safe_next(request, "")}
    return render(request, "registration/signup.html", context, status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html")


@throttle_signed_link
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link: a page with a button, so a mail scanner's GET changes nothing."""
    if request.method == "POST":
        user = services.signup_confirm(uidb64=uidb64, token=token)
        if user is not None:
            login(request, user)
            messages.success(request, _("Welcome to cocreate! Your account is ready."))
            return redirect(safe_next(request, "/"))
    valid = services.signup_link_user(uidb64=uidb64, token=token) is not None
    context = {"valid": valid, "next": safe_next(request, "")}
    return render(request, "registration/signup_confirm.html", context, status=200 if valid else 400)


@login_required
def account_export(request: SignedInRequest) -> HttpResponse:
    data = selectors.user_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"cocreate-{request.user.get_username()}.json"
    )
    return response


@login_required
def account_delete(request: SignedInRequest) -> HttpResponse:
    form = AccountDeleteForm(form_data(request), request=request)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request,
            _("Your account was deleted. Your ideas and comments stay, shown as by a deleted user."),
        )
        return redirect("home")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/account_delete.html", {"form": form}, status=status)
