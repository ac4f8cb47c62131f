"""The store in the Django admin, scoped to the merchant's brands
(campaigns/admin_scoping.py): products (tied to the campaigns that redesign
them), customers and orders (read-only: they come from the store), CSV
imports with their progress and per-row error report, and ideas ranked by
demand from verified buyers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campaigns.admin_scoping import BrandScopedModelAdmin
from campaigns.models import Campaign
from store import selectors, services
from store.models import IdeaDemand, Order, OrderLine, Product, StoreCustomer, StoreImport

READ_ONLY = frozenset({"view"})


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["campaigns", "launched_from"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        brand_id = self.instance.brand_id
        chosen = [*data.get("campaigns", []), *([data["launched_from"]] if data.get("launched_from") else [])]
        if any(c.brand_id != brand_id for c in chosen):
            raise forms.ValidationError(_("Choose campaigns of this product's own brand."))
        return data


@admin.register(Product)
class ProductAdmin(BrandScopedModelAdmin):
    """Products come from the store (API or CSV); here a merchant ties them to
    the campaigns that redesign them and the one they were launched from."""

    brand_lookup = "brand"
    scoped_permissions = frozenset({"view", "change"})
    form = ProductForm
    list_display = ["sku", "name", "price", "currency", "stock", "brand"]
    list_filter = ["brand"]
    search_fields = ["sku", "name"]
    readonly_fields = [
        "brand",
        "sku",
        "name",
        "description",
        "price",
        "currency",
        "stock",
        "language",
        "url",
        "image_url",
    ]
    filter_horizontal = ["campaigns"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "campaigns":
            kwargs["queryset"] = self.scope_queryset(request, Campaign.objects.all(), "brand")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(StoreCustomer)
class StoreCustomerAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    scoped_permissions = READ_ONLY
    list_display = ["external_id", "brand", "linked_by", "linked_at"]
    list_filter = ["brand", "linked_by"]
    search_fields = ["external_id"]
    exclude = ["email", "user"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    readonly_fields = fields = ("product", "quantity", "price")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(BrandScopedModelAdmin):
    brand_lookup = "brand"
    scoped_permissions = READ_ONLY
    list_display = ["external_id", "customer", "placed_at", "brand"]
    list_filter = ["brand"]
    search_fields = ["external_id", "customer__external_id"]
    inlines = [OrderLineInline]
    date_hierarchy = "placed_at"


class StoreImportForm(forms.ModelForm):
    class Meta:
        model = StoreImport
        fields = ["brand", "kind", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.STORE_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split it.")
                % {"limit": settings.STORE_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload


@admin.register(StoreImport)
class StoreImportAdmin(BrandScopedModelAdmin):
    """Upload a CSV; the import runs on a worker (store/tasks.py) and this page
    shows its progress, refreshing itself while it runs (no JavaScript needed)."""

    brand_lookup = "brand"
    scoped_permissions = frozenset({"view", "add"})
    form = StoreImportForm
    list_display = ["__str__", "brand", "status", "rows_total", "created_at"]
    list_filter = ["brand", "kind", "status"]
    change_form_template = "admin/store/storeimport/change_form.html"
    readonly_fields = [
        "brand",
        "kind",
        "status",
        "rows_total",
        "rows_done",
        "created_by",
        "created_at",
        "finished_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("brand", "kind", "file") if obj is None else tuple(self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: StoreImport, form: Any, change: bool) -> None:
        created = services.store_import_create(
            brand=obj.brand,
            kind=obj.kind,
            file=form.cleaned_data["file"],
            user=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        obj = context.get("original")
        context["store_import"] = obj
        context["refresh_seconds"] = None if obj is None or obj.is_finished else STORE_IMPORT_REFRESH_SECONDS
        return super().render_change_form(request, context, *args, **kwargs)


# The progress page reloads this often while an import runs.
STORE_IMPORT_REFRESH_SECONDS = 3


class VerifiedDemandFilter(admin.SimpleListFilter):
    title = _("verified buyers")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Voted for by verified buyers")), ("no", _("No verified buyer's vote"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(verified_votes__gt=0)
        if self.value() == "no":
            return queryset.filter(verified_votes=0)
        return queryset


@admin.register(IdeaDemand)
class IdeaDemandAdmin(BrandScopedModelAdmin):
    """Ideas with votes from verified buyers beside all votes; sort or filter by either."""

    scoped_permissions = READ_ONLY
    list_display = ["title", "campaign", "vote_count", "verified_votes_column", "status"]
    list_filter = [VerifiedDemandFilter, "campaign"]
    search_fields = ["title"]
    fields = ["title", "campaign", "status", "vote_count"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = selectors.with_demand(super().get_queryset(request).select_related("campaign"))
        # Most verified demand first (the annotation cannot be a Meta ordering).
        return qs.order_by("-verified_votes", "-vote_count", "-pk")

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [VerifiedDemandFilter, ("campaign", admin.RelatedOnlyFieldListFilter)]

    @admin.display(description=_("votes from verified buyers"), ordering="verified_votes")
    def verified_votes_column(self, obj: Any) -> int:
        return obj.verified_votes
