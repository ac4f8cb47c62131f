"""Sign-up, login, the personal data export and account deletion (site pages)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, LoginForm, SignupForm
from core.exceptions import Throttled
from core.throttles import throttle_request
from core.views import form_data, refused, safe_next


class LoginView(auth_views.LoginView):
    """Django's login, throttled per IP and per submitted username; over the
    limit the form answers 429 without checking the password."""

    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        # Hashed: the username is whatever the client sent, and it becomes a cache key.
        username_key = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        try:
            throttle_request(request, "login", extra=f"username:{username_key}")
        except Throttled as exc:
            form = self.get_form()
            form.refusal = exc.message
            response = self.form_invalid(form)
            response.status_code = exc.status_code
            return response
        return super().post(request, *args, **kwargs)


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(form_data(request))
    if request.method == "POST":
        try:
            throttle_request(request, "signup")
        except Throttled as exc:
            return refused(request, exc, request.get_full_path())
        if form.is_valid():
            user = services.user_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            login(request, user)
            messages.success(request, _("Welcome to cocreate! Your account is ready."))
            return redirect(safe_next(request, "/"))
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": safe_next(request, "")}
    return render(request, "registration/signup.html", context, status=status)


@login_required
def account_export(request: HttpRequest) -> HttpResponse:
    data = selectors.user_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"cocreate-{request.user.get_username()}.json"
    )
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
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
