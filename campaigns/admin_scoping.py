"""Brand scoping for the Django admin: a merchant (staff with a BrandMembership)
sees and touches only their brands' rows; a superuser sees everything.

Merchants need no Django model permissions assigned by hand: membership is the
permission. Staff without a membership see nothing; non-staff never get past
the admin login (AdminSite.has_permission checks is_staff).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.admin import ModelAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from campaigns.models import Brand, Campaign, Comment, Idea
from campaigns.selectors import moderated_brand_ids, owned_brand_ids

T = TypeVar("T")


def _per_request(request: HttpRequest, name: str, compute: Callable[[], T]) -> T:
    """Compute once per request: the admin asks for permissions dozens of times
    while rendering one page."""
    attr = f"_cocreate_{name}"
    if not hasattr(request, attr):
        setattr(request, attr, compute())
    return getattr(request, attr)


def request_brand_ids(request: HttpRequest) -> list[int] | None:
    """Brands the request's user moderates; None means every brand (superuser)."""
    return _per_request(request, "brand_ids", lambda: moderated_brand_ids(request.user))


def request_owned_brand_ids(request: HttpRequest) -> list[int] | None:
    """Brands the request's user owns; None means every brand (superuser)."""
    return _per_request(request, "owned_brand_ids", lambda: owned_brand_ids(request.user))


def is_merchant(request: HttpRequest) -> bool:
    """Active staff who moderate at least one brand, or a superuser."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    ids = request_brand_ids(request)
    return ids is None or bool(ids)


def brand_id_of(obj: Model, lookup: str) -> int | None:
    """Follow a lookup such as "idea__campaign__brand" on an instance to a brand id."""
    *path, last = lookup.split("__")
    for name in path:
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj.pk if last == "pk" else getattr(obj, f"{last}_id")


class BrandScopedAdminMixin:
    """Scope a ModelAdmin to the brands the user moderates.

    brand_lookup: the path from the model to its Brand ("pk" on Brand itself).
    scoped_permissions: what the admin allows at all, to merchants and
    superusers alike; scoping then narrows it to the user's brands. Read-only
    admins (audit log, notifications) set frozenset({"view"}).
    related_brand_lookups: foreign-key targets whose form choices are limited
    to the user's brands; extend it for other apps' models.
    """

    brand_lookup: str = "campaign__brand"
    scoped_permissions: frozenset[str] = frozenset({"view", "add", "change", "delete"})
    related_brand_lookups: dict[type[Model], str] = {
        Brand: "pk",
        Campaign: "brand",
        Idea: "campaign__brand",
        Comment: "idea__campaign__brand",
    }

    def scope_queryset(self, request: HttpRequest, qs: QuerySet[Any], lookup: str) -> QuerySet[Any]:
        ids = request_brand_ids(request)
        return qs if ids is None else qs.filter(**{f"{lookup}__in": ids})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return self.scope_queryset(request, qs, self.brand_lookup)

    def in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        """True for no object (list pages) or an object of one of the user's brands."""
        # Inline admins are asked about their parent object, which the parent's
        # own admin has already scoped.
        if obj is None or not isinstance(obj, self.model):  # type: ignore[attr-defined]
            return True
        ids = request_brand_ids(request)
        return ids is None or brand_id_of(obj, self.brand_lookup) in ids

    def _allowed(self, perm: str, request: HttpRequest, obj: Model | None = None) -> bool:
        return perm in self.scoped_permissions and is_merchant(request) and self.in_scope(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_merchant(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed("view", request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Inline admins pass the parent object as a second argument.
        return self._allowed("add", request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed("change", request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed("delete", request, obj)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        lookup = self.related_brand_lookups.get(db_field.related_model)
        if lookup is not None and "queryset" not in kwargs:
            related = db_field.related_model._default_manager.all()
            kwargs["queryset"] = self.scope_queryset(request, related, lookup)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class BrandScopedModelAdmin(BrandScopedAdminMixin, ModelAdmin):
    """The mixin on a ModelAdmin, for the common case."""
