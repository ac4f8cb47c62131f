"""The one rule for "type your password again to confirm" (account deletion on
the site and over the API): throttled like a login, so a stolen session cannot
guess the password behind it at full speed."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.exceptions import NotAllowed
from core.throttles import throttle_request


class WrongPassword(NotAllowed):
    code = "wrong_password"
    status_code = 400


def password_confirm(*, request: HttpRequest, password: str) -> None:
    """Raise Throttled past the login rate, WrongPassword if it does not match."""
    throttle_request(request, "login")
    if not request.user.check_password(password):
        raise WrongPassword(_("That is not your password."))
