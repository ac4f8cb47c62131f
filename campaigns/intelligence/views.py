"""Site views of community intelligence: the similar-ideas check, e-mail
preferences and follows, and the one-click unsubscribe. Thin: they read
through the package's selectors and write through its services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import selectors as campaign_selectors
from campaigns.exceptions import Throttled
from campaigns.models import Campaign, NotificationPreference
from campaigns.throttles import throttle_request

from . import follows, notifications
from .duplicates import SimilarIdeas, similar_ideas
from .forms import FollowForm, PreferenceForm

# Set by the similar-ideas warning (and by the live check once it showed
# suggestions): the person saw them and submits anyway.
CONFIRM_FIELD = "confirm_similar"


def _campaign_or_404(request: HttpRequest, slug: str) -> Campaign:
    campaign = campaign_selectors.campaign_get_visible(slug=slug, viewer=request.user)
    if campaign is None:
        raise Http404
    return campaign


@require_GET
def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Similar ideas for ?q=: an HTML fragment for the submit form's script, or
    JSON with ?format=json."""
    campaign = _campaign_or_404(request, slug)
    as_json = request.GET.get("format") == "json"
    try:
        throttle_request(request, "similar")
    except Throttled as exc:
        # Typing faster than the limit only pauses the suggestions.
        response = JsonResponse({"detail": exc.message}) if as_json else HttpResponse("")
        response.status_code = exc.status_code
        response["Retry-After"] = str(exc.wait_seconds)
        return response
    found = similar_ideas(campaign=campaign, text=request.GET.get("q", ""))
    if as_json:
        return JsonResponse(found.as_dict())
    return render(request, "campaigns/intelligence/_similar_ideas.html", {"similar": found})


def similar_ideas_before_submit(*, campaign: Campaign, data: QueryDict) -> SimilarIdeas | None:
    """For the submit form's POST, once the form is valid: the similar ideas to
    show (with "submit anyway") before saving, or None to go ahead."""
    if data.get(CONFIRM_FIELD):
        return None
    found = similar_ideas(campaign=campaign, text=data.get("title", ""))
    return found if found.ideas else None


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    preference = follows.preference_for(request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial={"frequency": preference.frequency}
    )
    if request.method == "POST" and form.is_valid():
        follows.preference_set(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("intelligence:preferences")
    context = {"form": form, "follows": follows.user_follows(request.user)}
    status = 400 if form.is_bound else 200
    return render(request, "campaigns/intelligence/preferences.html", context, status=status)


@require_POST
@login_required
def follow(request: HttpRequest) -> HttpResponse:
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
    next_url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    return redirect(next_url if safe else fallback)


# No login and no CSRF token: the signed token is the credential, and mail
# clients send RFC 8058 one-click POSTs without cookies. A GET only shows the
# confirmation, so link scanners that open every URL unsubscribe nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = notifications.unsubscribe_user(token)
    if user is None:
        raise Http404
    if request.method == "POST":
        follows.preference_set(user=user, frequency=NotificationPreference.Frequency.NEVER)
        return render(request, "campaigns/intelligence/unsubscribed.html", {"unsubscribed_user": user})
    return render(
        request, "campaigns/intelligence/unsubscribe.html", {"unsubscribed_user": user, "token": token}
    )
