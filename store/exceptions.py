"""Refusals of the store services (core/exceptions.py maps them the same way
on the site, in the admin and over the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import ActionRefused


class UnknownProduct(ActionRefused):
    code = "unknown_sku"
    status_code = 400
    default_message = _("No product with this SKU in your store; import the product first.")


class LinkInvalid(ActionRefused):
    code = "link_invalid"
    status_code = 400
    default_message = _("This store link is invalid or has expired. Ask the store for a new one.")


class AlreadyLinked(ActionRefused):
    code = "already_linked"
    status_code = 409
    default_message = _("This store account is already linked to another member.")
