"""The admin's login page behind the site's login throttle.

Django's own admin login counts nothing, so a staff password could be guessed
there at full speed while the site's login answers 429. This view is the
site's throttled LoginView with the admin's form, template and context; the
root URLconf routes admin/login/ to it ahead of admin.site.urls.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import LoginForm
from accounts.views import LoginView


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's form (staff only); the view refuses a throttled attempt unchecked."""


class AdminLoginView(LoginView):
    authentication_form = AdminLoginForm
    template_name = "admin/login.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # As AdminSite.login: staff already logged in go straight to the index.
        if admin.site.has_permission(request):
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(self.request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "username": self.request.user.get_username(),
        }

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")
