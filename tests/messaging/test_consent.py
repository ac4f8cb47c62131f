"""Marketing consent per brand: never assumed, shown and changed on the
preferences page, logged, one-click unsubscribe, in the export, erased."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts import services as accounts
from messaging import consent
from messaging.models import ConsentEvent, MarketingConsent
from tests.factories import BrandFactory, IdeaFactory

PREFS = ConsentEvent.Source.PREFERENCES


@pytest.mark.django_db
def test_taking_part_never_grants_marketing_consent(campaign):
    idea = IdeaFactory(campaign=campaign)

    assert consent.consented_user_ids(campaign.brand_id, [idea.author_id]) == set()
    assert consent.preference_brands(idea.author) == [(campaign.brand, False)]


@pytest.mark.django_db
def test_the_preferences_page_shows_and_changes_consent_per_brand(client, campaign):
    idea = IdeaFactory(campaign=campaign)
    other = IdeaFactory(campaign__brand=BrandFactory())
    client.force_login(idea.author)
    IdeaFactory(campaign=other.campaign, author=idea.author)

    page = client.get(reverse("notifications:preferences"))
    client.post(reverse("messaging:consents"), {"brand": [campaign.brand_id]})

    assert f"Send me marketing messages from {campaign.brand.name}" in page.content.decode()
    assert consent.consented_user_ids(campaign.brand_id, [idea.author_id]) == {idea.author_id}
    assert consent.consented_user_ids(other.campaign.brand_id, [idea.author_id]) == set()


@pytest.mark.django_db
def test_every_change_is_logged_with_when_and_how(user, brand):
    consent.consent_set(user=user, brand=brand, granted=True, source=PREFS, language="zh-hans")
    consent.consent_set(user=user, brand=brand, granted=True, source=PREFS)
    consent.consent_set(user=user, brand=brand, granted=False, source=ConsentEvent.Source.ONE_CLICK)

    log = list(ConsentEvent.objects.filter(user=user).values_list("granted", "source"))
    assert log == [(True, PREFS), (False, ConsentEvent.Source.ONE_CLICK)]
    assert MarketingConsent.objects.get(user=user).language == "zh-hans"


@pytest.mark.django_db
def test_one_click_unsubscribe_works_without_login_at_once(client, user, brand):
    consent.consent_set(user=user, brand=brand, granted=True, source=PREFS)
    url = reverse(
        "messaging:unsubscribe",
        kwargs={"token": consent.unsubscribe_token(user_id=user.pk, brand_id=brand.pk)},
    )

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert consent.consented_user_ids(brand.pk, [user.pk]) == set()
    assert ConsentEvent.objects.filter(user=user).last().source == ConsentEvent.Source.ONE_CLICK


@pytest.mark.django_db
def test_opening_the_unsubscribe_link_only_asks_for_confirmation(client, user, brand):
    consent.consent_set(user=user, brand=brand, granted=True, source=PREFS)
    url = reverse(
        "messaging:unsubscribe",
        kwargs={"token": consent.unsubscribe_token(user_id=user.pk, brand_id=brand.pk)},
    )

    response = client.get(url)

    assert b'<form method="post"' in response.content
    assert consent.consented_user_ids(brand.pk, [user.pk]) == {user.pk}


@pytest.mark.django_db
def test_a_forged_unsubscribe_token_is_refused(client, user, brand):
    response = client.post(reverse("messaging:unsubscribe", kwargs={"token": f"{user.pk}-{brand.pk}"}))

    assert response.status_code == 400


@pytest.mark.django_db
def test_consent_and_its_log_are_in_the_export_and_erased_on_deletion(client, user, brand):
    consent.consent_set(user=user, brand=brand, granted=True, source=PREFS)
    client.force_login(user)

    exported = json.loads(client.get(reverse("account_export")).content)
    accounts.account_delete(user=user)

    assert exported["marketing_consents"]["current"][0]["brand"] == brand.slug
    assert exported["marketing_consents"]["log"][0]["source"] == PREFS
    assert not MarketingConsent.objects.filter(user=user).exists()
    assert not ConsentEvent.objects.filter(user=user).exists()
