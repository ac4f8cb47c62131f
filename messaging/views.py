"""Site views of marketing messages: per-brand consent on the preferences
page, one-click unsubscribe (RFC 8058) and signed click links. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.throttles import throttle_signed_link
from core.views import safe_next
from messaging import consent, services
from messaging.models import ConsentEvent


@login_required
@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    """The preferences page's marketing section: one checkbox per brand listed."""
    chosen = set(request.POST.getlist("brand"))
    for brand, _granted in consent.preference_brands(request.user):  # type: ignore[arg-type]
        consent.consent_set(
            user=request.user,  # type: ignore[arg-type]
            brand=brand,
            granted=str(brand.pk) in chosen,
            source=ConsentEvent.Source.PREFERENCES,
            language=get_language() or "",
        )
    messages.success(request, _("Your marketing choices are saved."))
    return redirect(safe_next(request, reverse("notifications:preferences")))


# The one-click POST comes from a mail provider, without a session or CSRF token:
# the signed token is the proof (RFC 8058). GET only shows a confirmation, so a
# link scanner that opens the URL unsubscribes no one.
@csrf_exempt
@throttle_signed_link
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    parsed = consent.unsubscribe_parse(token)
    if parsed is None:
        return HttpResponseBadRequest(_("This unsubscribe link is not valid."))
    _user, brand = parsed
    if request.method == "POST":
        source = (
            ConsentEvent.Source.ONE_CLICK
            if request.POST.get("List-Unsubscribe") == "One-Click"
            else ConsentEvent.Source.UNSUBSCRIBE_LINK
        )
        consent.unsubscribe(token, source=source)
        return render(request, "messaging/unsubscribed.html", {"brand": brand})
    return render(request, "messaging/unsubscribe_confirm.html", {"brand": brand, "token": token})


@throttle_signed_link
def click(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link in a message: the first click is counted, then the campaign page."""
    recipient = services.click_record(token)
    if recipient is None:
        return HttpResponseBadRequest(_("This link is not valid."))
    return redirect(recipient.message_campaign.campaign.get_absolute_url())
