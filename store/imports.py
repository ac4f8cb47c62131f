"""Reading a merchant's CSV file: streamed row by row, every row checked with
the API's own serializers (store/rows.py), bad rows reported by number with
what is wrong. Nothing is written here: the services import the checked rows
in one transaction, or nothing when any row is bad."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.serializers import Serializer

from store.models import Product, StoreImport
from store.rows import (
    ORDER_LINE_COLUMNS,
    PRODUCT_COLUMNS,
    LineData,
    OrderData,
    OrderLineRowSerializer,
    ProductData,
    ProductRowSerializer,
    order_data,
    product_from,
)

if TYPE_CHECKING:
    from django.core.files import File

# Row 1 is the header, so the first data row is row 2, as a spreadsheet shows it.
FIRST_DATA_ROW = 2
HEADER_ROW = 1


@dataclass
class CheckedFile:
    products: list[ProductData] = field(default_factory=list)
    orders: list[OrderData] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: int, errors: dict[str, list[str]]) -> None:
        if len(self.errors) < settings.STORE_IMPORT_ERRORS_MAX:
            self.errors.append({"row": row, "errors": errors})

    @property
    def full(self) -> bool:
        return len(self.errors) >= settings.STORE_IMPORT_ERRORS_MAX


def _open(job: StoreImport) -> File[Any]:
    # The file field is required, so a saved import always has a name.
    if job.file.name is None:
        raise ValueError(f"store import {job.pk} has no file")
    return job.file.storage.open(job.file.name, "rb")


def _rows(
    job: StoreImport, required: tuple[str, ...], checked: CheckedFile
) -> Iterator[tuple[int, dict[str, str]]]:
    with _open(job) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            reader = csv.DictReader(text)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                checked.error(HEADER_ROW, {"columns": [_("Missing columns: %s") % ", ".join(missing)]})
                return
            for number, row in enumerate(reader, start=FIRST_DATA_ROW):
                yield number, {k: v.strip() for k, v in row.items() if k is not None and v is not None}
        except (UnicodeDecodeError, csv.Error) as exc:
            checked.error(HEADER_ROW, {"file": [_("The file is not UTF-8 CSV: %s") % exc]})


def _checker(
    serializer_class: type[Serializer],
) -> Callable[[dict[str, str]], tuple[Any, dict[str, list[str]]]]:
    """Check rows with one serializer instance: building one per row (DRF copies
    its fields each time) would cost more than the checks themselves."""
    serializer = serializer_class()

    def check(row: dict[str, str]) -> tuple[Any, dict[str, list[str]]]:
        try:
            return serializer.run_validation({k: v for k, v in row.items() if v != ""}), {}
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {"row": exc.detail}
            return None, {str(name): [str(e) for e in errs] for name, errs in detail.items()}

    return check


Progress = Callable[[int, int], None]


def _progress(job: StoreImport, done: int, progress: Progress) -> None:
    if done % settings.STORE_IMPORT_PROGRESS_EVERY == 0:
        progress(done, _total(job))


def _total(job: StoreImport) -> int:
    if not job.rows_total:
        # A first quick pass for the progress bar's total (lines, not CSV records).
        with _open(job) as raw:
            job.rows_total = max(0, sum(1 for _line in raw) - 1)
    return job.rows_total


def check_file(job: StoreImport, progress: Progress) -> CheckedFile:
    """Every row checked; `progress(rows_done, rows_total)` is called now and then."""
    checked = CheckedFile()
    if job.kind == StoreImport.Kind.PRODUCTS:
        _check_products(job, checked, progress)
    else:
        _check_order_lines(job, checked, progress)
    return checked


def _check_products(job: StoreImport, checked: CheckedFile, progress: Progress) -> None:
    seen: set[str] = set()
    check = _checker(ProductRowSerializer)
    for number, row in _rows(job, PRODUCT_COLUMNS, checked):
        _progress(job, number - FIRST_DATA_ROW, progress)
        data, errors = check(row)
        if errors:
            checked.error(number, errors)
        elif data["sku"] in seen:
            checked.error(number, {"sku": [_("This SKU is already in the file.")]})
        else:
            seen.add(data["sku"])
            checked.products.append(product_from(data))
        if checked.full:
            return


def _check_order_lines(job: StoreImport, checked: CheckedFile, progress: Progress) -> None:
    skus = set(Product.objects.filter(brand=job.brand).values_list("sku", flat=True))
    heads: dict[str, tuple[str, str, Any]] = {}
    lines: dict[str, list[LineData]] = {}
    check = _checker(OrderLineRowSerializer)
    for number, row in _rows(job, ORDER_LINE_COLUMNS, checked):
        _progress(job, number - FIRST_DATA_ROW, progress)
        data, errors = check(row)
        if errors:
            checked.error(number, errors)
        else:
            problem = _order_line_problem(data, skus, heads, lines)
            if problem:
                checked.error(number, problem)
        if checked.full:
            return
    if not checked.errors:
        checked.orders = [
            order_data(
                {
                    "order_id": order_id,
                    "customer_id": head[0],
                    "customer_email": head[1],
                    "placed_at": head[2],
                },
                lines[order_id],
            )
            for order_id, head in heads.items()
        ]


def _order_line_problem(
    data: dict[str, Any],
    skus: set[str],
    heads: dict[str, tuple[str, str, Any]],
    lines: dict[str, list[LineData]],
) -> dict[str, list[str]] | None:
    if data["sku"] not in skus:
        return {"sku": [_("No product with this SKU in your store; import the product first.")]}
    head = (data["customer_id"], data.get("customer_email", "").lower(), data["placed_at"])
    known = heads.setdefault(data["order_id"], head)
    if known[0] != head[0] or known[2] != head[2]:
        return {"order_id": [_("This order has another customer or time on an earlier row.")]}
    order_lines = lines.setdefault(data["order_id"], [])
    if any(line.sku == data["sku"] for line in order_lines):
        return {"sku": [_("Each SKU may appear once per order; add up the quantities.")]}
    order_lines.append(LineData(sku=data["sku"], quantity=data["quantity"], price=data["price"]))
    return None
