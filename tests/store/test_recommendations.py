"""Recommendations: personalised only with consent, explained from the
person's own history, filtered (bought, out of stock, other brands), with a
popularity fallback; and the store's part of export and deletion."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import selectors as account_selectors
from accounts import services as account_services
from campaigns.models import Campaign
from store import recommendations, services
from store.models import PersonalisationConsent, StoreCustomer
from tests.factories import (
    CampaignFactory,
    IdeaFactory,
    OrderFactory,
    ProductFactory,
    StoreCustomerFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(brand):
    """Two tastes: people who vote for quiet ideas buy the quiet pack."""
    quiet_idea = IdeaFactory(campaign__brand=brand, title="Quiet buckles")
    loud_idea = IdeaFactory(campaign__brand=brand, title="Bright colours")
    quiet, loud = ProductFactory(brand=brand, name="Hush pack"), ProductFactory(brand=brand, name="Neon pack")
    for n in range(6):
        person = UserFactory()
        services.personalisation_set(user=person, granted=True)
        idea, product = (quiet_idea, quiet) if n % 2 else (loud_idea, loud)
        VoteFactory(idea=idea, user=person)
        OrderFactory(customer=StoreCustomerFactory(brand=brand, user=person), product=product)
    return {"quiet_idea": quiet_idea, "quiet": quiet, "loud": loud}


def _person_who_voted_for(idea, consent=True):
    person = UserFactory()
    services.personalisation_set(user=person, granted=consent)
    VoteFactory(idea=idea, user=person)
    return person


def test_it_recommends_from_the_persons_taste_with_a_reason(store):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"])

    picks = recommendations.for_user(user=person, limit=1)

    assert picks[0].product == store["quiet"]
    assert picks[0].personalised
    assert picks[0].reason == "Because you voted for “Quiet buckles”"


def test_without_consent_it_falls_back_to_popular_items(store):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"], consent=False)

    picks = recommendations.for_user(user=person)

    assert picks and not any(p.personalised for p in picks)
    assert all("voted" not in p.reason for p in picks)


def test_a_new_person_gets_the_popularity_fallback(store):
    recommendations.train()

    picks = recommendations.for_user(user=_person_who_voted_for(IdeaFactory(), consent=True))

    assert picks and not any(p.personalised for p in picks)


def test_training_uses_only_people_who_consented(store, brand):
    secret = ProductFactory(brand=brand, name="Secret pack")
    shy = UserFactory()
    OrderFactory(customer=StoreCustomerFactory(brand=brand, user=shy), product=secret)

    model = recommendations.train()

    assert f"p{secret.pk}" not in model.items


def test_it_never_recommends_bought_sold_out_or_other_brands_products(store, brand, other_brand):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"])
    OrderFactory(customer=StoreCustomerFactory(brand=brand, user=person), product=store["quiet"])
    store["loud"].stock = 0
    store["loud"].save()
    elsewhere = ProductFactory(brand=other_brand)

    products = [
        p.product for p in recommendations.for_user(user=person, brand_ids=[brand.pk], limit=10) if p.product
    ]

    assert store["quiet"] not in products and store["loud"] not in products and elsewhere not in products


def test_it_recommends_only_open_campaigns(store, brand):
    recommendations.train()
    CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED, title="Long closed")

    picks = recommendations.for_user(user=UserFactory(), brand_ids=[brand.pk], limit=10)

    assert all(p.campaign.phase in ("ideas", "voting") for p in picks if p.campaign)


def test_the_api_gives_a_customers_recommendations_with_reasons(api, store, brand, moderator):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"])
    StoreCustomerFactory(brand=brand, user=person, external_id="c-77")
    api.force_authenticate(moderator)

    data = api.get(
        reverse("api:store-recommendations", kwargs={"brand": brand.slug, "customer_id": "c-77"})
    ).json()

    assert data["results"][0]["sku"] == store["quiet"].sku
    assert data["results"][0]["reason"] == "Because you voted for “Quiet buckles”"


def test_a_brand_never_hears_what_its_customer_did_elsewhere(store, brand, other_brand):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"])
    customer = StoreCustomerFactory(brand=other_brand, user=person)
    ProductFactory(brand=other_brand)

    picks = recommendations.for_customer(customer=customer, limit=10)

    assert all("Quiet buckles" not in p.reason for p in picks)
    assert all(p.product.brand_id == other_brand.pk for p in picks if p.product)


def test_the_preferences_switch_turns_personalisation_on_and_off(client, user):
    client.force_login(user)

    page = client.get(reverse("notifications:preferences")).content.decode()
    client.post(reverse("store:personalisation"), {"granted": "on"})
    on = PersonalisationConsent.objects.get(user=user).granted
    client.post(reverse("store:personalisation"), {})

    assert "Personalised recommendations" in page and 'name="granted">' in page
    assert on and not PersonalisationConsent.objects.get(user=user).granted


def test_the_home_page_shows_for_you_picks(client, store):
    recommendations.train()
    person = _person_who_voted_for(store["quiet_idea"])
    client.force_login(person)

    html = client.get(reverse("home")).content.decode()

    assert "For you" in html and "Hush pack" in html


def test_a_digest_carries_for_you_lines_only_with_consent(store, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    from notifications import follows
    from notifications import services as notification_services
    from tests.factories import CommentFactory

    recommendations.train()
    store["quiet"].url = "https://shop.example/hush"
    store["quiet"].save()
    people = [_person_who_voted_for(store["quiet_idea"], consent=c) for c in (True, False)]
    for person in people:
        follows.follow_add(user=person, idea=store["quiet_idea"])
        pref = follows.preference_set(user=person, frequency="daily")
        pref.last_sent_at = timezone.now() - timedelta(days=2)
        pref.save()
    CommentFactory(idea=store["quiet_idea"])

    notification_services.digests_send(frequency="daily")

    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "https://shop.example/hush" in bodies[people[0].email]
    assert "For you" not in bodies[people[1].email]


def test_the_export_has_the_persons_store_accounts_and_deletion_removes_them(buyer, product):
    services.personalisation_set(user=buyer, granted=True)

    data = account_selectors.user_export(user=buyer)
    account_services.account_delete(user=buyer)

    assert data["store_accounts"][0]["order_lines"][0]["sku"] == product.sku
    assert data["personalisation"]["granted"] is True
    assert not StoreCustomer.objects.filter(user=buyer).exists()
    assert not PersonalisationConsent.objects.filter(user=buyer).exists()
