"""The store's part of a person's data: the store accounts linked to them,
their orders there, and their personalisation switch (core/personal_data.py).
Deleting an account deletes the linked store accounts and their orders here
(the store keeps its own records); a later import brings them back unlinked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import personal_data
from store.models import OrderLine, PersonalisationConsent, StoreCustomer

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _store_accounts(user: User) -> list[dict[str, Any]]:
    lines = OrderLine.objects.filter(order__customer__user=user).select_related("order", "product")
    orders: dict[int, list[dict[str, Any]]] = {}
    for line in lines.order_by("order__placed_at", "pk"):
        orders.setdefault(line.order.customer_id, []).append(
            {
                "order": line.order.external_id,
                "placed_at": line.order.placed_at.isoformat(),
                "sku": line.product.sku,
                "product": line.product.name,
                "quantity": line.quantity,
                "price": str(line.price),
            }
        )
    return [
        {
            "brand": c.brand.slug,
            "customer_id": c.external_id,
            "email": c.email,
            "linked_by": c.linked_by,
            "linked_at": c.linked_at.isoformat() if c.linked_at else None,
            "order_lines": orders.get(c.pk, []),
        }
        for c in StoreCustomer.objects.filter(user=user).select_related("brand").order_by("pk")
    ]


def _personalisation(user: User) -> dict[str, Any] | None:
    consent = PersonalisationConsent.objects.filter(user=user).first()
    if consent is None:
        return None
    return {"granted": consent.granted, "updated_at": consent.updated_at.isoformat()}


def _erase_store_accounts(user: User) -> None:
    StoreCustomer.objects.filter(user=user).delete()


def _erase_personalisation(user: User) -> None:
    PersonalisationConsent.objects.filter(user=user).delete()


def register_sections() -> None:
    s, register = personal_data.Section, personal_data.register
    register(
        s(
            "store_accounts",
            _store_accounts,
            _erase_store_accounts,
            # IdeaDemand is the admin's proxy of campaigns.Idea: the same rows,
            # exported and erased by the campaigns app's section.
            ("store.StoreCustomer", "store.StoreImport", "store.IdeaDemand"),
        )
    )
    register(
        s("personalisation", _personalisation, _erase_personalisation, ("store.PersonalisationConsent",))
    )
