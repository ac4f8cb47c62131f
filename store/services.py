"""Every write of the store connection: product and order upserts, CSV
imports, store links and the personalisation switch.

Upserts are idempotent: a product is its (brand, SKU), an order its (brand,
order id). Sending an order again replaces its lines, so the same order twice
is one order and a changed line is updated. Writes go in batches of
STORE_IMPORT_BATCH rows (bulk INSERT ... ON CONFLICT UPDATE), inside one
transaction per call, so a call or a file is imported whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Brand
from core.queueing import publish_after_commit
from store import imports
from store.exceptions import AlreadyLinked, LinkInvalid, UnknownProduct
from store.models import Order, OrderLine, PersonalisationConsent, Product, StoreCustomer, StoreImport
from store.rows import OrderData, ProductData

if TYPE_CHECKING:
    from django.contrib.auth.models import User

T = TypeVar("T")

LINK_SALT = "store.link"
STORE_IMPORT_TASK = "store.tasks.store_import_task"
# An import of a million lines fits well inside the soft limit; the hard one
# gives the soft one's handler time to leave the row clean (store/tasks.py).
IMPORT_SOFT_TIME_LIMIT = 30 * 60
IMPORT_HARD_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 60
# A claim this old belongs to no live worker: past the hard limit, and then
# some for a clock apart between hosts.
IMPORT_CLAIM_EXPIRES = IMPORT_HARD_TIME_LIMIT + 5 * 60
# Imports published again per resume run.
IMPORT_RESUME_BATCH = 100
PRODUCT_FIELDS = ("name", "description", "price", "currency", "stock", "language", "url", "image_url")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- products and orders ---------------------------------------------------------------------------


@transaction.atomic
def products_upsert(*, brand: Brand, products: Sequence[ProductData]) -> int:
    """Create or update products by SKU; returns how many were sent."""
    size = settings.STORE_IMPORT_BATCH
    for batch in batched(_last_per_key(products, lambda p: p.sku), size):
        Product.objects.bulk_create(
            [Product(brand=brand, **vars(p)) for p in batch],
            update_conflicts=True,
            unique_fields=["brand", "sku"],
            update_fields=[*PRODUCT_FIELDS, "updated_at"],
        )
    return len(products)


def _last_per_key(items: Iterable[T], key: object) -> list[T]:
    """One item per key, the last one sent winning (one INSERT may not touch a row twice)."""
    return list({key(item): item for item in items}.values())  # type: ignore[operator]


@transaction.atomic
def orders_upsert(*, brand: Brand, orders: Sequence[OrderData]) -> int:
    """Create or replace orders by their store id; returns how many were sent."""
    for batch in batched(_last_per_key(orders, lambda o: o.external_id), settings.STORE_IMPORT_BATCH):
        _orders_upsert_batch(brand, batch)
    return len(orders)


def _orders_upsert_batch(brand: Brand, orders: list[OrderData]) -> None:
    product_ids = dict(
        Product.objects.filter(
            brand=brand, sku__in={line.sku for o in orders for line in o.lines}
        ).values_list("sku", "pk")
    )
    missing = sorted({line.sku for o in orders for line in o.lines} - set(product_ids))
    if missing:
        raise UnknownProduct(f"{UnknownProduct.default_message} ({', '.join(missing[:10])})")
    customer_ids = _customers_upsert(brand, orders)
    Order.objects.bulk_create(
        [
            Order(
                brand=brand,
                external_id=o.external_id,
                customer_id=customer_ids[o.customer_id],
                placed_at=o.placed_at,
            )
            for o in orders
        ],
        update_conflicts=True,
        unique_fields=["brand", "external_id"],
        update_fields=["customer", "placed_at"],
    )
    order_ids = dict(
        Order.objects.filter(brand=brand, external_id__in=[o.external_id for o in orders]).values_list(
            "external_id", "pk"
        )
    )
    # The order as sent is the whole order: its old lines go, its new ones come.
    OrderLine.objects.filter(order_id__in=order_ids.values()).delete()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order_id=order_ids[o.external_id],
                product_id=product_ids[line.sku],
                quantity=line.quantity,
                price=line.price,
            )
            for o in orders
            for line in o.lines
        ],
        batch_size=settings.STORE_IMPORT_BATCH,
    )


def _customers_upsert(brand: Brand, orders: list[OrderData]) -> dict[str, int]:
    emails: dict[str, str] = {}
    for o in orders:
        if o.customer_email or o.customer_id not in emails:
            emails[o.customer_id] = o.customer_email
    with_email = [StoreCustomer(brand=brand, external_id=c, email=e) for c, e in emails.items() if e]
    without = [StoreCustomer(brand=brand, external_id=c) for c, e in emails.items() if not e]
    if with_email:
        StoreCustomer.objects.bulk_create(
            with_email, update_conflicts=True, unique_fields=["brand", "external_id"], update_fields=["email"]
        )
    if without:
        # An order without an e-mail keeps the one the customer has.
        StoreCustomer.objects.bulk_create(without, ignore_conflicts=True)
    return dict(
        StoreCustomer.objects.filter(brand=brand, external_id__in=list(emails)).values_list(
            "external_id", "pk"
        )
    )


# --- CSV imports -------------------------------------------------------------------------------------


@transaction.atomic
def store_import_create(*, brand: Brand, kind: str, file: UploadedFile, user: User | None) -> StoreImport:
    """Keep the uploaded file and queue its import (store/tasks.py)."""
    job = StoreImport.objects.create(brand=brand, kind=kind, file=file, created_by=user)
    publish_after_commit(STORE_IMPORT_TASK, job.pk)
    return job


def store_import_run(*, import_id: int, now: datetime | None = None) -> StoreImport | None:
    """Check every row of the file, then import it whole, or report the bad rows
    and import nothing. A redelivered task finds the import claimed: a no-op,
    unless the claim is older than the task's hard time limit, so its worker
    died (the file is written in one transaction: nothing half-imported to
    undo); then this run takes it over from the start."""
    now = now or timezone.now()
    claimed = (
        StoreImport.objects.filter(pk=import_id)
        .filter(_claimable(now))
        .update(status=StoreImport.Status.VALIDATING, claimed_at=now, rows_done=0)
    )
    if not claimed:
        return None
    job = StoreImport.objects.select_related("brand").get(pk=import_id)
    checked = imports.check_file(
        job, lambda done, total: store_import_progress(job=job, rows_done=done, rows_total=total)
    )
    if checked.errors:
        _import_finish(job, StoreImport.Status.FAILED, errors=checked.errors)
        return job
    StoreImport.objects.filter(pk=job.pk).update(status=StoreImport.Status.WRITING)
    if job.kind == StoreImport.Kind.PRODUCTS:
        products_upsert(brand=job.brand, products=checked.products)
    else:
        orders_upsert(brand=job.brand, orders=checked.orders)
    _import_finish(job, StoreImport.Status.DONE, errors=[])
    return job


def _abandoned(now: datetime) -> Q:
    """Claimed by a worker that can no longer be running."""
    return Q(
        status__in=[StoreImport.Status.VALIDATING, StoreImport.Status.WRITING],
        claimed_at__lt=now - timedelta(seconds=IMPORT_CLAIM_EXPIRES),
    )


def _claimable(now: datetime) -> Q:
    return Q(status=StoreImport.Status.QUEUED) | _abandoned(now)


def store_imports_resume(*, now: datetime | None = None) -> int:
    """Publish again the imports a worker died on, and those queued for as
    long (their message lost): the beat's run (store-imports-resume)."""
    now = now or timezone.now()
    lost = Q(status=StoreImport.Status.QUEUED, created_at__lt=now - timedelta(seconds=IMPORT_CLAIM_EXPIRES))
    ids = list(
        StoreImport.objects.filter(lost | _abandoned(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:IMPORT_RESUME_BATCH]
    )
    for pk in ids:
        publish_after_commit(STORE_IMPORT_TASK, pk)
    return len(ids)


def store_import_progress(*, job: StoreImport, rows_done: int, rows_total: int) -> None:
    StoreImport.objects.filter(pk=job.pk).update(rows_done=rows_done, rows_total=rows_total)


def _import_finish(job: StoreImport, status: str, *, errors: list[dict[str, object]]) -> None:
    job.status, job.errors, job.finished_at = status, errors, timezone.now()
    job.rows_done = job.rows_total
    StoreImport.objects.filter(pk=job.pk).update(status=status, errors=errors, finished_at=job.finished_at)


# --- store links --------------------------------------------------------------------------------------


def link_token_issue(*, brand: Brand, customer_id: str, email: str = "") -> tuple[StoreCustomer, str]:
    """A signed token the store hands its customer; whoever signs in on the site
    and opens it within STORE_LINK_TOKEN_MAX_AGE becomes that customer."""
    customer, _created = StoreCustomer.objects.get_or_create(brand=brand, external_id=customer_id)
    if email and customer.email != email.lower():
        customer.email = email.lower()
        customer.save(update_fields=["email"])
    return customer, signing.dumps({"c": customer.pk}, salt=LINK_SALT)


def email_link_token(*, user: User, customer: StoreCustomer) -> str:
    """A token for an e-mail match, bound to the member: it is e-mailed to the
    address they sign in with, so opening it proves the address is theirs."""
    return signing.dumps({"c": customer.pk, "u": user.pk}, salt=LINK_SALT)


def _token_customer(token: str, user: User) -> tuple[StoreCustomer, str]:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=settings.STORE_LINK_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired included
        raise LinkInvalid() from exc
    if "u" in payload and payload["u"] != user.pk:
        raise LinkInvalid()
    customer = StoreCustomer.objects.select_related("brand").filter(pk=payload.get("c")).first()
    if customer is None:
        raise LinkInvalid()
    how = StoreCustomer.LinkedBy.EMAIL if "u" in payload else StoreCustomer.LinkedBy.TOKEN
    return customer, how


def token_customer(*, token: str, user: User) -> StoreCustomer:
    """The customer a token names, checked (for the confirmation page)."""
    return _token_customer(token, user)[0]


@transaction.atomic
def customer_link(*, user: User, token: str) -> StoreCustomer:
    customer, how = _token_customer(token, user)
    customer = StoreCustomer.objects.select_for_update().get(pk=customer.pk)
    if customer.user_id == user.pk:
        return customer
    if customer.user_id is not None:
        raise AlreadyLinked()
    # A member has one store account per brand: a newer link replaces the old.
    StoreCustomer.objects.filter(brand_id=customer.brand_id, user=user).update(
        user=None, linked_by="", linked_at=None
    )
    customer.user, customer.linked_by, customer.linked_at = user, how, timezone.now()
    customer.save(update_fields=["user", "linked_by", "linked_at"])
    return customer


@transaction.atomic
def customer_unlink(*, user: User, customer_pk: int) -> int:
    return StoreCustomer.objects.filter(pk=customer_pk, user=user).update(
        user=None, linked_by="", linked_at=None
    )


def personalisation_set(*, user: User, granted: bool) -> PersonalisationConsent:
    consent, _created = PersonalisationConsent.objects.update_or_create(
        user=user, defaults={"granted": granted}
    )
    return consent


def email_match_send(*, user: User, customer: StoreCustomer, link_url: str) -> None:
    """E-mail the member a link that confirms this store account is theirs.
    Only an account with the member's own address qualifies, and opening the
    link proves they read that mailbox."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    if not user.email or customer.email != user.email.lower() or customer.user_id is not None:
        raise LinkInvalid()
    body = render_to_string("store/email/link.txt", {"user": user, "brand": customer.brand, "url": link_url})
    send_mail(
        _("Confirm your %(brand)s store account") % {"brand": customer.brand.name},
        body,
        None,
        [user.email],
    )
