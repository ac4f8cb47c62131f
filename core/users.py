"""Who is acting: the types every app's views, admin and API share.

Django puts a `User` or an `AnonymousUser` on every request. Selectors take
whichever is looking (a `Viewer`; None when a task or a command reads), while
services that write on someone's behalf need a signed-in `User`: views behind
`login_required` say so with `SignedInRequest`, and the admin and the API, whose
base classes fix the request's type, ask `signed_in_user`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Viewer: TypeAlias = "User | AnonymousUser | None"


class SignedInRequest(HttpRequest):
    """A request that `login_required` (or `core.views.login_required_action`)
    let through: its user is signed in. Only an annotation; nothing builds one."""

    user: User


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user, who the view's permissions already required to be
    signed in; an anonymous one here is refused (403) rather than written as."""
    user = request.user
    if user is None or isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user
