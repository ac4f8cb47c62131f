"""Who counts as a merchant in the admin (brand staff, or a superuser).

The rule needs brand memberships, which live in the campaigns app; core and
accounts sit below it and must not import it, so campaigns sets the rule when
it is ready (campaigns/apps.py). Until then only superusers qualify.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

_rule: Callable[[HttpRequest], bool] | None = None


def set_merchant_rule(rule: Callable[[HttpRequest], bool]) -> None:
    global _rule
    _rule = rule


def is_merchant(request: HttpRequest) -> bool:
    if _rule is None:
        return bool(request.user.is_superuser)
    return _rule(request)
