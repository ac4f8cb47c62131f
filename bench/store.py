"""Importing 100,000 order lines: through the API's path (bulk requests checked
by the API's serializers, then the batched upsert) and through a CSV file (the
admin's path: store_import_run checks every row, then imports the file in one
transaction). Each twice, to show the second run (all updates) costs the same.

    .venv/bin/python bench/store.py            # 100,000 lines
    .venv/bin/python bench/store.py --quick    # 10,000 lines

Runs on a scratch SQLite file under var/ (the embedded default database).
bench/store_recommendations.py calls import_benchmark() for BENCHMARKS.md "Store".
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES, QUICK_LINES = 100_000, 10_000
LINES_PER_ORDER = 4
PRODUCTS = 500
CUSTOMERS = 20_000
SEED = 7


def _django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _orders(lines: int) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    orders = []
    for n in range(lines // LINES_PER_ORDER):
        skus = rng.sample(range(PRODUCTS), LINES_PER_ORDER)
        orders.append(
            {
                "external_id": f"o{n}",
                "customer_id": f"c{rng.randrange(CUSTOMERS)}",
                "placed_at": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z",
                "lines": [{"sku": f"S{s}", "quantity": 1 + s % 3, "price": "19.90"} for s in skus],
            }
        )
    return orders


def import_benchmark(lines: int) -> dict[str, Any]:
    db = ROOT / "var" / "bench-store.sqlite3"
    db.parent.mkdir(exist_ok=True)
    db.unlink(missing_ok=True)
    _django(db)
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.models import Brand
    from store import services
    from store.api.serializers import OrderBulkSerializer
    from store.models import OrderLine, StoreImport
    from store.rows import ProductData, order_from

    brand = Brand.objects.create(name="Bench", slug="bench")
    services.products_upsert(
        brand=brand,
        products=[ProductData(sku=f"S{i}", name=f"Product {i}", price=19, stock=5) for i in range(PRODUCTS)],
    )
    orders = _orders(lines)
    out: dict[str, Any] = {"lines": lines, "orders": len(orders)}

    for run in ("api_first_s", "api_again_s"):
        start = time.perf_counter()
        # As the bulk API does: one request of up to STORE_API_BULK_MAX orders at a time.
        for start_at in range(0, len(orders), settings.STORE_API_BULK_MAX):
            bulk = OrderBulkSerializer(
                data={"orders": orders[start_at : start_at + settings.STORE_API_BULK_MAX]}
            )
            bulk.is_valid(raise_exception=True)
            services.orders_upsert(brand=brand, orders=[order_from(o) for o in bulk.validated_data["orders"]])
        out[run] = round(time.perf_counter() - start, 1)
    assert OrderLine.objects.count() == lines

    rows = ["order_id,customer_id,placed_at,sku,quantity,price"]
    rows += [
        f"{o['external_id']}x,{o['customer_id']},{o['placed_at']},{line['sku']},{line['quantity']},{line['price']}"
        for o in orders
        for line in o["lines"]
    ]
    data = ("\n".join(rows) + "\n").encode()
    for run in ("csv_first_s", "csv_again_s"):
        upload = SimpleUploadedFile("lines.csv", data, content_type="text/csv")
        job = services.store_import_create(brand=brand, kind=StoreImport.Kind.ORDERS, file=upload, user=None)
        start = time.perf_counter()
        services.store_import_run(import_id=job.pk)
        out[run] = round(time.perf_counter() - start, 1)
        job.refresh_from_db()
        assert job.status == "done", job.errors[:3]
    assert OrderLine.objects.count() == 2 * lines
    db.unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(import_benchmark(QUICK_LINES if args.quick else LINES))


if __name__ == "__main__":
    main()
