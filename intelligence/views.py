"""Site views of community intelligence: the similar-ideas check while typing
and before an idea is saved."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigns import selectors as campaign_selectors
from campaigns.models import Campaign
from core.exceptions import Throttled
from core.throttles import throttle_request
from intelligence.duplicates import SimilarIdeas, similar_ideas

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
    return render(request, "intelligence/_similar_ideas.html", {"similar": found})


def similar_ideas_before_submit(*, campaign: Campaign, data: QueryDict) -> SimilarIdeas | None:
    """For the submit form's POST, once the form is valid: the similar ideas to
    show (with "submit anyway") before saving, or None to go ahead."""
    if data.get(CONFIRM_FIELD):
        return None
    found = similar_ideas(campaign=campaign, text=data.get("title", ""))
    return found if found.ideas else None
