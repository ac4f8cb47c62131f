"""Coupons: codes without look-alikes, CSV import, single use, expiry, and
redemption over the API that exactly one of two concurrent calls wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from messaging import coupons
from messaging.models import Coupon, CouponPool, Recipient
from tests.api.helpers import assert_error_shape
from tests.factories import BrandFactory, MessageCampaignFactory, UserFactory

LOOK_ALIKES = set("01OIL")


@pytest.fixture
def pool(brand):
    return CouponPool.objects.create(brand=brand, name="Launch", prefix="RIDGE", expiry_days=14)


@pytest.fixture
def issued(pool, campaign, user):
    """One code issued to a recipient just now."""
    mc = MessageCampaignFactory(campaign=campaign, coupon_pool=pool)
    recipient = Recipient.objects.create(message_campaign=mc, user=user, segment="participant")
    coupons.coupons_generate(pool=pool, count=3)
    return coupons.coupon_assign(recipient=recipient, pool=pool, now=timezone.now())


@pytest.mark.django_db
def test_generated_codes_have_the_prefix_and_no_look_alike_characters(pool):
    coupons.coupons_generate(pool=pool, count=200)

    codes = list(Coupon.objects.filter(pool=pool).values_list("code", flat=True))
    assert len(set(codes)) == 200
    assert all(c.startswith("RIDGE") and not LOOK_ALIKES & set(c[5:]) for c in codes)


@pytest.mark.django_db
def test_imported_codes_skip_the_header_and_refuse_duplicates(pool):
    added, refused = coupons.coupons_import(pool=pool, text="code\nsummer-10\nSUMMER-10\nwinter-5\n")

    assert (added, refused) == (2, ["SUMMER-10"])


@pytest.mark.django_db
def test_an_issued_code_expires_n_days_after_sending(issued):
    assert issued.expires_at - issued.assigned_at == timedelta(days=14)
    assert (
        coupons.coupon_redeem(brand=issued.pool.brand, code=issued.code, now=issued.expires_at) == "expired"
    )


@pytest.mark.django_db
def test_a_code_redeems_once_and_a_second_redemption_is_refused(issued):
    brand = issued.pool.brand

    first = coupons.coupon_redeem(brand=brand, code=issued.code.lower())
    second = coupons.coupon_redeem(brand=brand, code=issued.code)

    assert (first, second) == ("redeemed", "already_redeemed")


@pytest.mark.django_db
def test_a_code_not_yet_issued_cannot_be_redeemed(pool):
    coupons.coupons_generate(pool=pool, count=1)

    assert coupons.coupon_redeem(brand=pool.brand, code=Coupon.objects.get().code) == "not_issued"


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_redemptions_exactly_one_succeeds(issued):
    """Real threads, each with its own connection. On SQLite the database
    serialises the two UPDATEs; on PostgreSQL the row lock does: either way
    the conditional UPDATE lets one change the row."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("in-memory SQLite is one connection per thread: covered by the sequential test")
    barrier, results = threading.Barrier(2), []

    def redeem() -> None:
        barrier.wait()
        try:
            results.append(coupons.coupon_redeem(brand=issued.pool.brand, code=issued.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == ["already_redeemed", "redeemed"]


@pytest.mark.django_db
def test_the_store_redeems_and_checks_over_the_api_for_its_own_brand_only(issued, moderator):
    api = APIClient()
    api.force_authenticate(moderator)
    slug, code = issued.pool.brand.slug, issued.code

    check = api.get(reverse("api:messaging-coupon", kwargs={"brand": slug, "code": code}))
    redeem = api.post(
        reverse("api:messaging-coupon-redeem", kwargs={"brand": slug, "code": code}),
        {"reference": "order-1"},
        format="json",
    )
    again = api.post(reverse("api:messaging-coupon-redeem", kwargs={"brand": slug, "code": code}))
    other = api.get(reverse("api:messaging-coupon", kwargs={"brand": BrandFactory().slug, "code": code}))

    assert (check.json()["state"], redeem.status_code, again.status_code) == ("valid", 200, 409)
    assert other.status_code == 404


@pytest.mark.django_db
def test_the_api_reads_a_message_campaigns_results(issued, moderator):
    api = APIClient()
    api.force_authenticate(moderator)
    mc = issued.recipient.message_campaign

    response = api.get(reverse("api:messaging-results", kwargs={"brand": mc.brand.slug, "pk": mc.pk}))

    assert response.json()["coupons_issued"] == 1


@pytest.mark.django_db
def test_an_outsider_cannot_redeem(issued):
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.post(
        reverse("api:messaging-coupon-redeem", kwargs={"brand": issued.pool.brand.slug, "code": issued.code})
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_checks_and_redemptions_past_the_coupon_rate_are_429_and_redeem_nothing(issued, moderator, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "coupon": "2/m"}
    api = APIClient()
    api.force_authenticate(moderator)
    slug, code = issued.pool.brand.slug, issued.code
    redeem = reverse("api:messaging-coupon-redeem", kwargs={"brand": slug, "code": code})
    assert api.get(reverse("api:messaging-coupon", kwargs={"brand": slug, "code": "NOPE"})).status_code == 404
    assert api.get(reverse("api:messaging-coupon", kwargs={"brand": slug, "code": code})).status_code == 200

    response = api.post(redeem, {"reference": "order-1"}, format="json")

    assert_error_shape(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    issued.refresh_from_db()
    assert issued.redeemed_at is None
