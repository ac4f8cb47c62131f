"""Site views of notifications: the inbox, e-mail preferences and follows,
and the one-click unsubscribe. Thin: they read through selectors and write
through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from core.throttles import throttle_signed_link
from core.users import SignedInRequest
from core.views import login_required_action, paginate, safe_next
from notifications import follows, selectors, services
from notifications.forms import FollowForm, PreferenceForm
from notifications.models import NotificationPreference

# Notifications are one or two lines each: 25 is about two phone screens.
NOTIFICATIONS_PER_PAGE = 25


@login_required
def notifications(request: SignedInRequest) -> HttpResponse:
    page = paginate(request, selectors.notification_list(user=request.user), NOTIFICATIONS_PER_PAGE)
    return render(request, "notifications/notifications.html", {"page_obj": page})


@require_POST
@login_required_action
def notifications_mark_read(request: SignedInRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    preference = follows.preference_for(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial={"frequency": preference.frequency}
    )
    if request.method == "POST" and form.is_valid():
        follows.preference_set(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    context = {"form": form, "follows": follows.user_follows(request.user)}
    status = 400 if form.is_bound else 200
    return render(request, "notifications/preferences.html", context, status=status)


@require_POST
@login_required
def follow(request: SignedInRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        raise Http404
    target: dict[str, Any] = {}
    if form.cleaned_data["target"] == "idea":
        idea = campaign_selectors.idea_get_visible(pk=form.cleaned_data["pk"], viewer=request.user)
        if idea is None:
            raise Http404
        target["idea"], fallback = idea, idea.get_absolute_url()
    else:
        campaign = (
            Campaign.objects.filter(pk=form.cleaned_data["pk"]).exclude(phase=Campaign.Phase.DRAFT).first()
        )
        if campaign is None:
            raise Http404
        target["campaign"], fallback = campaign, campaign.get_absolute_url()
    if form.cleaned_data["follow"]:
        follows.follow_add(user=request.user, **target)
        messages.success(request, _("You follow it now."))
    else:
        follows.follow_remove(user=request.user, **target)
        messages.success(request, _("You no longer follow it."))
    return redirect(safe_next(request, fallback))


# No login and no CSRF token: the signed token is the credential, and mail
# clients send RFC 8058 one-click POSTs without cookies. A GET only shows the
# confirmation, so link scanners that open every URL unsubscribe nobody.
@csrf_exempt
@throttle_signed_link
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = services.unsubscribe_user(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        follows.preference_set(user=user, frequency=NotificationPreference.Frequency.NEVER)
        return render(request, "notifications/unsubscribed.html", {"unsubscribed_user": user})
    return render(request, "notifications/unsubscribe.html", {"unsubscribed_user": user, "token": token})
