from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import ProductFactory, StoreCustomerFactory


@pytest.fixture(autouse=True)
def _store_dirs(settings, tmp_path):
    settings.STORE_IMPORT_DIR = str(tmp_path / "imports")
    settings.STORE_RECOMMENDER_PATH = str(tmp_path / "recommender.npz")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def product(brand, campaign):
    """A product the `campaign` redesigns."""
    product = ProductFactory(brand=brand, sku="PACK-30", name="Trail 30L pack")
    product.campaigns.add(campaign)
    return product


@pytest.fixture
def buyer(user, brand, product):
    """`user`, linked to a store account that bought `product`."""
    from tests.factories import OrderFactory

    customer = StoreCustomerFactory(brand=brand, user=user, linked_by="token")
    OrderFactory(customer=customer, product=product)
    return user
