"""Products and orders arrive through the API (one or in bulk) and from a CSV
file in the admin; the same order twice is one order; bad rows are reported
and nothing of their file is imported."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from store import services
from store.models import Order, OrderLine, Product, StoreCustomer, StoreImport
from tests.factories import ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db

ORDER = {
    "external_id": "A-1",
    "customer_id": "c-9",
    "customer_email": "Ann@Example.com",
    "placed_at": "2025-03-01T10:00:00Z",
    "lines": [{"sku": "PACK-30", "quantity": 1, "price": "89.00"}],
}


def _products_url(brand):
    return reverse("api:store-products", kwargs={"brand": brand.slug})


def _orders_url(brand):
    return reverse("api:store-orders", kwargs={"brand": brand.slug})


def test_it_creates_and_updates_products_by_sku(api, brand, moderator):
    api.force_authenticate(moderator)
    body = {"products": [{"sku": "PACK-30", "name": "Trail 30L", "price": "89.00", "stock": 3}]}

    api.post(_products_url(brand), body, format="json")
    body["products"][0]["stock"] = 0
    response = api.post(_products_url(brand), body, format="json")

    assert response.status_code == 200, response.content
    assert Product.objects.get(brand=brand, sku="PACK-30").stock == 0
    assert Product.objects.count() == 1


def test_the_same_order_twice_is_one_order(api, brand, moderator, product):
    api.force_authenticate(moderator)

    api.post(_orders_url(brand), ORDER, format="json")
    response = api.post(_orders_url(brand), {"orders": [ORDER]}, format="json")

    assert response.status_code == 200, response.content
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1
    assert StoreCustomer.objects.get().email == "ann@example.com"


def test_a_changed_line_is_updated(api, brand, moderator, product):
    api.force_authenticate(moderator)
    api.post(_orders_url(brand), ORDER, format="json")

    changed = {**ORDER, "lines": [{"sku": "PACK-30", "quantity": 3, "price": "80.00"}]}
    api.post(_orders_url(brand), changed, format="json")

    line = OrderLine.objects.get()
    assert (line.quantity, line.price) == (3, Decimal("80.00"))


def test_an_unknown_sku_is_a_clear_400_and_writes_nothing(api, brand, moderator):
    api.force_authenticate(moderator)

    response = api.post(_orders_url(brand), ORDER, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_sku"
    assert not Order.objects.exists() and not StoreCustomer.objects.exists()


def test_a_bad_field_names_the_item_and_field(api, brand, moderator):
    api.force_authenticate(moderator)
    body = {"products": [{"sku": "A", "name": "ok", "price": "1"}, {"sku": "B", "name": "x", "price": "-1"}]}

    response = api.post(_products_url(brand), body, format="json")

    assert response.status_code == 400
    assert "products.1.price" in response.json()["error"]["fields"]
    assert not Product.objects.exists()


def test_staff_of_another_brand_get_404(api, brand, other_moderator):
    api.force_authenticate(other_moderator)

    response = api.post(_products_url(brand), {"sku": "A", "name": "n", "price": "1"}, format="json")

    assert response.status_code == 404
    assert not Product.objects.exists()


def test_a_member_who_is_not_staff_is_refused(api, brand, user):
    api.force_authenticate(user)

    assert api.get(_products_url(brand)).status_code == 403


def _run_import(brand, kind, text):
    upload = SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")
    job = services.store_import_create(brand=brand, kind=kind, file=upload, user=None)
    services.store_import_run(import_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_csv_of_order_lines_is_imported_whole(brand):
    ProductFactory(brand=brand, sku="A")
    ProductFactory(brand=brand, sku="B")
    text = (
        "order_id,customer_id,customer_email,placed_at,sku,quantity,price\n"
        "o1,c1,a@example.com,2025-01-01T10:00:00Z,A,1,10.00\n"
        "o1,c1,a@example.com,2025-01-01T10:00:00Z,B,2,5.00\n"
        "o2,c2,,2025-01-02T10:00:00Z,A,1,10.00\n"
    )

    job = _run_import(brand, StoreImport.Kind.ORDERS, text)
    again = _run_import(brand, StoreImport.Kind.ORDERS, text)

    assert (job.status, again.status) == ("done", "done")
    assert Order.objects.count() == 2
    assert OrderLine.objects.count() == 3


def test_bad_csv_rows_are_reported_by_number_and_nothing_is_imported(brand):
    ProductFactory(brand=brand, sku="A")
    text = (
        "order_id,customer_id,placed_at,sku,quantity,price\n"
        "o1,c1,2025-01-01T10:00:00Z,A,1,10.00\n"
        "o2,c2,yesterday,A,1,10.00\n"
        "o3,c3,2025-01-01T10:00:00Z,NOPE,0,10.00\n"
    )

    job = _run_import(brand, StoreImport.Kind.ORDERS, text)

    assert job.status == "failed"
    assert [e["row"] for e in job.errors] == [3, 4]
    assert set(job.errors[0]["errors"]) == {"placed_at"}
    assert set(job.errors[1]["errors"]) == {"quantity"}
    assert not Order.objects.exists()


def test_a_csv_without_the_required_columns_is_refused(brand):
    job = _run_import(brand, StoreImport.Kind.PRODUCTS, "sku,name\nA,Pack\n")

    assert job.status == "failed"
    assert job.errors[0]["row"] == 1
    assert not Product.objects.exists()


def test_a_redelivered_import_task_is_a_no_op(brand):
    job = _run_import(brand, StoreImport.Kind.PRODUCTS, "sku,name,price\nA,Pack,1.00\n")

    assert services.store_import_run(import_id=job.pk) is None
    assert Product.objects.count() == 1


def _claimed_and_abandoned(brand, *, status, claimed_seconds_ago):
    """An import a worker claimed that long ago and never finished."""
    upload = SimpleUploadedFile("data.csv", b"sku,name,price\nA,Pack,1.00\n", content_type="text/csv")
    job = services.store_import_create(brand=brand, kind=StoreImport.Kind.PRODUCTS, file=upload, user=None)
    claimed_at = timezone.now() - timedelta(seconds=claimed_seconds_ago)
    StoreImport.objects.filter(pk=job.pk).update(status=status, claimed_at=claimed_at, created_at=claimed_at)
    return job


@pytest.mark.parametrize("status", [StoreImport.Status.VALIDATING, StoreImport.Status.WRITING])
def test_an_import_whose_worker_died_is_taken_over_and_finished(brand, status):
    job = _claimed_and_abandoned(brand, status=status, claimed_seconds_ago=services.IMPORT_CLAIM_EXPIRES + 1)

    assert services.store_import_run(import_id=job.pk) is not None
    job.refresh_from_db()
    assert job.status == StoreImport.Status.DONE
    assert Product.objects.filter(brand=brand, sku="A").count() == 1


def test_an_import_a_live_worker_holds_is_left_alone(brand):
    job = _claimed_and_abandoned(
        brand, status=StoreImport.Status.WRITING, claimed_seconds_ago=services.IMPORT_HARD_TIME_LIMIT
    )

    assert services.store_import_run(import_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == StoreImport.Status.WRITING
    assert not Product.objects.exists()


def test_the_resume_run_publishes_only_imports_no_worker_holds(brand, monkeypatch):
    published = []
    monkeypatch.setattr(services, "publish_after_commit", lambda task, pk: published.append((task, pk)))
    expired = services.IMPORT_CLAIM_EXPIRES + 1
    dead = _claimed_and_abandoned(brand, status=StoreImport.Status.VALIDATING, claimed_seconds_ago=expired)
    lost = _claimed_and_abandoned(brand, status=StoreImport.Status.QUEUED, claimed_seconds_ago=expired)
    _claimed_and_abandoned(brand, status=StoreImport.Status.WRITING, claimed_seconds_ago=60)
    _claimed_and_abandoned(brand, status=StoreImport.Status.QUEUED, claimed_seconds_ago=60)
    _claimed_and_abandoned(brand, status=StoreImport.Status.DONE, claimed_seconds_ago=expired)
    published.clear()  # the uploads' own messages

    assert services.store_imports_resume() == 2
    assert published == [(services.STORE_IMPORT_TASK, dead.pk), (services.STORE_IMPORT_TASK, lost.pk)]


def test_the_admin_upload_queues_an_import_and_shows_its_errors(client, brand, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    staff = StaffFactory(brand=brand)
    client.force_login(staff)
    upload = SimpleUploadedFile("p.csv", b"sku,name,price\nA,Pack,oops\n", content_type="text/csv")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("core.queueing.publish_after_commit", lambda *a: None)
        patch.setattr("store.services.publish_after_commit", lambda *a: None)
        response = client.post(
            reverse("admin:store_storeimport_add"), {"brand": brand.pk, "kind": "products", "file": upload}
        )
    job = StoreImport.objects.get()
    services.store_import_run(import_id=job.pk)
    page = client.get(reverse("admin:store_storeimport_change", args=[job.pk]))

    assert response.status_code == 302
    assert b"Nothing was imported" in page.content and b"price" in page.content


def test_the_admin_hides_another_brands_imports_and_products(client, brand, other_brand):
    staff = StaffFactory(brand=other_brand)
    client.force_login(staff)
    product = ProductFactory(brand=brand)

    listing = client.get(reverse("admin:store_product_changelist"))
    detail = client.get(reverse("admin:store_product_change", args=[product.pk]))

    assert product.sku.encode() not in listing.content
    assert detail.status_code in (302, 404)
