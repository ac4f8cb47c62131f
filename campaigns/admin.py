"""Django admin for merchants: every admin here is scoped to the brands the
user moderates (see admin_scoping.py)."""

from __future__ import annotations

from .admin_scoping import BrandScopedAdminMixin, BrandScopedModelAdmin

__all__ = ["BrandScopedAdminMixin", "BrandScopedModelAdmin"]
