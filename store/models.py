"""The store connection: a brand's products, its customers (and which member
each one is), their orders, CSV imports, and a member's consent to
personalised recommendations.

Every row belongs to one brand; a brand's staff see only their own (admin and
API). Writes go through store/services.py; reads through store/selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Brand, Campaign, Idea

SKU_MAX = 64
EXTERNAL_ID_MAX = 64
PRODUCT_NAME_MAX = 200
PRODUCT_DESCRIPTION_MAX = 5000
URL_MAX = 500
# Money: up to 9,999,999,999.99 in the currency's main unit.
PRICE_DIGITS = 12
PRICE_DECIMALS = 2
CURRENCY_LENGTH = 3  # ISO 4217


def _import_storage() -> FileSystemStorage:
    # A callable, so tests and deployments can move the folder by setting.
    return FileSystemStorage(location=settings.STORE_IMPORT_DIR)


class Product(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("SKU"), max_length=SKU_MAX)
    name = models.CharField(_("name"), max_length=PRODUCT_NAME_MAX)
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=PRODUCT_DESCRIPTION_MAX,
        validators=[MaxLengthValidator(PRODUCT_DESCRIPTION_MAX)],
    )
    price = models.DecimalField(
        _("price"),
        max_digits=PRICE_DIGITS,
        decimal_places=PRICE_DECIMALS,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=CURRENCY_LENGTH, default="EUR")
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    language = models.CharField(_("language"), max_length=8, choices=Campaign.Locale.choices, default="en")
    url = models.URLField(_("link"), max_length=URL_MAX, blank=True)
    image_url = models.URLField(_("image URL"), max_length=URL_MAX, blank=True)
    # The campaigns whose community is redesigning this product: buyers of it
    # are "verified buyers" there.
    campaigns = models.ManyToManyField(
        Campaign, blank=True, related_name="products", verbose_name=_("redesigned by")
    )
    launched_from = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="launched_products",
        verbose_name=_("launched from campaign"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand", "sku"]
        constraints = [models.UniqueConstraint(fields=["brand", "sku"], name="uniq_product_brand_sku")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class StoreCustomer(models.Model):
    """A customer of a brand's store, and the member it is, once linked."""

    class LinkedBy(models.TextChoices):
        TOKEN = "token", _("Signed link from the store")
        EMAIL = "email", _("Confirmed e-mail match")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="store_customers")
    external_id = models.CharField(_("customer id in the store"), max_length=EXTERNAL_ID_MAX)
    # Lower-cased; used only to offer the member an e-mail match to confirm.
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="store_customers",
    )
    linked_by = models.CharField(_("linked by"), max_length=8, choices=LinkedBy.choices, blank=True)
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "external_id"], name="uniq_customer_brand_external"),
            # One store account per member and brand: the mark means one person.
            models.UniqueConstraint(
                fields=["brand", "user"], condition=Q(user__isnull=False), name="uniq_customer_brand_user"
            ),
        ]
        indexes = [models.Index(fields=["brand", "email"], name="customer_brand_email")]
        verbose_name = _("store customer")
        verbose_name_plural = _("store customers")

    def __str__(self) -> str:
        return f"{self.brand}: {self.external_id}"


class Order(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(_("order id in the store"), max_length=EXTERNAL_ID_MAX)
    customer = models.ForeignKey(StoreCustomer, on_delete=models.CASCADE, related_name="orders")
    placed_at = models.DateTimeField(_("placed"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "external_id"], name="uniq_order_brand_external")
        ]
        indexes = [models.Index(fields=["customer", "-placed_at"], name="order_customer")]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.external_id


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="order_lines")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    price = models.DecimalField(_("price"), max_digits=PRICE_DIGITS, decimal_places=PRICE_DECIMALS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "product"], name="uniq_line_order_product")]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class StoreImport(models.Model):
    """One CSV file a merchant uploaded, and how its import goes."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Products")
        ORDERS = "orders", _("Order lines")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        VALIDATING = "validating", _("Checking rows")
        WRITING = "writing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="store_imports")
    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("CSV file"), storage=_import_storage, upload_to="%Y/%m/")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    # [{"row": 3, "errors": {"price": ["..."]}}, ...], capped (STORE_IMPORT_ERRORS_MAX).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # When a worker took it: a claim older than the task's hard time limit
    # belongs to no live worker, and the next run takes the import over.
    claimed_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("store import")
        verbose_name_plural = _("store imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return (
            100 if self.is_finished else int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
        )


class PersonalisationConsent(models.Model):
    """A member's yes to recommendations from their purchases and activity.
    No row means no: personalisation is off until they switch it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personalisation_consent"
    )
    granted = models.BooleanField(_("personalise recommendations"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personalisation consent")
        verbose_name_plural = _("personalisation consents")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.granted}"


class IdeaDemand(Idea):
    """Ideas as merchants weigh them: all votes beside verified buyers' (admin)."""

    class Meta:
        proxy = True
        verbose_name = _("idea demand")
        verbose_name_plural = _("demand from verified buyers")
