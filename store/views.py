"""Site views of the store connection: linking a store account (a signed link
from the store, or an e-mail match confirmed through the member's mailbox),
unlinking it, and the personalisation switch. Thin: selectors read, services
write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import ActionRefused
from core.throttles import throttle_request
from core.views import login_required_action, refused, safe_next
from store import selectors, services

# Opening a link checks a secret: throttled like a login.
LINK_THROTTLE_SCOPE = "store_link"


@login_required
def store_accounts(request: HttpRequest) -> HttpResponse:
    context = {
        "linked": selectors.linked_customers(request.user),  # type: ignore[arg-type]
        "matches": selectors.email_matches(request.user),  # type: ignore[arg-type]
    }
    return render(request, "store/store_accounts.html", context)


@login_required
def link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows whose store account this is; POST links it."""
    user = request.user
    try:
        throttle_request(request, LINK_THROTTLE_SCOPE)
        customer = services.token_customer(token=token, user=user)  # type: ignore[arg-type]
        if request.method == "POST":
            services.customer_link(user=user, token=token)  # type: ignore[arg-type]
            messages.success(
                request, _("Your %(brand)s store account is linked.") % {"brand": customer.brand.name}
            )
            return redirect("store:accounts")
    except ActionRefused as exc:
        return render(request, "store/link_invalid.html", {"message": exc.message}, status=exc.status_code)
    return render(request, "store/link_confirm.html", {"customer": customer, "token": token})


@require_POST
@login_required_action
def email_match(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(selectors.email_matches(request.user), pk=pk)  # type: ignore[arg-type]
    token = services.email_link_token(user=request.user, customer=customer)  # type: ignore[arg-type]
    url = request.build_absolute_uri(reverse("store:link", kwargs={"token": token}))
    try:
        throttle_request(request, LINK_THROTTLE_SCOPE)
        services.email_match_send(user=request.user, customer=customer, link_url=url)  # type: ignore[arg-type]
    except ActionRefused as exc:
        return refused(request, exc, reverse("store:accounts"))
    messages.success(
        request, _("We sent you an e-mail. Open its link to confirm this store account is yours.")
    )
    return redirect("store:accounts")


@require_POST
@login_required_action
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    services.customer_unlink(user=request.user, customer_pk=pk)  # type: ignore[arg-type]
    messages.success(request, _("The store account is no longer linked to you."))
    return redirect("store:accounts")


@require_POST
@login_required_action
def personalisation(request: HttpRequest) -> HttpResponse:
    granted = request.POST.get("granted") == "on"
    services.personalisation_set(user=request.user, granted=granted)  # type: ignore[arg-type]
    if granted:
        messages.success(request, _("Recommendations are now personalised for you."))
    else:
        messages.success(request, _("Recommendations are no longer personalised for you."))
    return redirect(safe_next(request, reverse("notifications:preferences")))
