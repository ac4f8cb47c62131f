"""Object permissions the scoped querysets cannot express: what a person may
*change* among the rows they may *see*. Services check the same rules again;
these answer early with 403 and document it."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from campaigns.selectors import moderated_brand_ids, user_moderates_brand


def is_merchant(user: Any) -> bool:
    """Moderates at least one brand, or is a superuser."""
    if not user or not user.is_authenticated:
        return False
    ids = moderated_brand_ids(user)
    return ids is None or bool(ids)


class IsMerchant(BasePermission):
    """Brand staff only (the review queue, generation)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_merchant(request.user)


class IsMerchantOrReadOnly(BasePermission):
    """Anyone reads; brand staff write, and only their own brand's objects."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or is_merchant(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return request.method in SAFE_METHODS or user_moderates_brand(request.user, obj.brand_id)
