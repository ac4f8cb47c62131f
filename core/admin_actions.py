"""Bulk admin actions: run a service once per selected item, turn each
refusal into a warning, and count what was done.

The services check permissions and phases per item, so a bulk action never
does more than the same clicks one by one would. Every app's admin (campaign
phases, moderation, merging, draft review) goes through `apply_each`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exceptions import ActionRefused

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")
R = TypeVar("R")


def apply_each(
    modeladmin: ModelAdmin[Any],
    request: HttpRequest,
    objects: Iterable[T],
    apply: Callable[[T], R],
    *,
    label: StrOrPromise,
) -> list[R]:
    """Call apply on every object and return what each call returned; a refusal
    warns about that item and the rest go on."""
    results: list[R] = []
    for obj in objects:
        try:
            results.append(apply(obj))
        except ActionRefused as exc:
            modeladmin.message_user(
                request,
                _("“%(item)s” was skipped: %(reason)s") % {"item": obj, "reason": exc.message},
                level=messages.WARNING,
            )
    if results:
        done = len(results)
        modeladmin.message_user(
            request,
            ngettext("%(action)s: done for %(count)d item.", "%(action)s: done for %(count)d items.", done)
            % {"action": label, "count": done},
            level=messages.SUCCESS,
        )
    return results
