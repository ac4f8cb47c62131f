"""Helpers the site's views share (every app's HTML views use them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import ActionRefused


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` the form or link carried, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def form_data(request: HttpRequest) -> Any:
    """POST data for a bound form, None for an unbound one (an empty POST still binds)."""
    return request.POST if request.method == "POST" else None


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int, param: str = "page") -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def login_required_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required for POST-only actions: after logging in, the person goes
    back to the page the button was on (a GET of the action URL would be a 405)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(safe_next(request, request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


def refused(request: HttpRequest, exc: ActionRefused, fallback: str) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(safe_next(request, fallback))


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever a page links: the site's icon.
    Resolved per request, so the static manifest need not exist at import."""
    return redirect(static("favicon.svg"), permanent=True)
