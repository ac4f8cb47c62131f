"""The brand and campaign admins write through the services, and every rule
they share with the API (editable fields, moderation decisions) has one home."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib import admin
from django.urls import reverse

from campaigns import services
from campaigns.api.serializers import CampaignCreateSerializer, CampaignUpdateSerializer, ModerateSerializer
from campaigns.models import Brand, BrandMembership, Campaign, Idea, ModerationAction
from core.exceptions import NotAllowed
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _change_url(obj) -> str:
    return reverse(f"admin:campaigns_{obj._meta.model_name}_change", args=[obj.pk])


def _campaign_form(campaign: Campaign, **overrides: str) -> dict[str, str]:
    data = {
        "title": campaign.title,
        "slug": campaign.slug,
        "brief": campaign.brief,
        "product_name": campaign.product_name,
        "locale": campaign.locale,
        "tone": campaign.tone,
        "opens_at_0": "2030-01-01",
        "opens_at_1": "10:00:00",
        "moderation_policy": campaign.moderation_policy,
        "vote_limit": "" if campaign.vote_limit is None else str(campaign.vote_limit),
    }
    return {**data, **overrides}


def _new_campaign_form(brand: Brand) -> dict[str, str]:
    return {
        "brand": str(brand.pk),
        "title": "Our next tent",
        "slug": "our-next-tent",
        "brief": "Help us design a tent.",
        "product_name": "Dome 2",
        "locale": Campaign.Locale.EN,
        "tone": Campaign.Tone.FRIENDLY,
        "phase": Campaign.Phase.DRAFT,
        "opens_at_0": "2030-01-01",
        "opens_at_1": "10:00:00",
        "moderation_policy": Campaign.ModerationPolicy.NEW_USERS,
        "vote_limit": "0",
    }


@pytest.fixture
def owner(brand):
    user = StaffFactory()
    BrandMembership.objects.create(user=user, brand=brand, role=BrandMembership.Role.OWNER)
    return user


# --- campaigns ---------------------------------------------------------------------------


def test_a_campaigns_brand_cannot_be_changed_in_the_admin(client, moderator, campaign, other_brand):
    BrandMembership.objects.create(user=moderator, brand=other_brand)
    client.force_login(moderator)

    response = client.post(_change_url(campaign), _campaign_form(campaign, brand=str(other_brand.pk)))

    campaign.refresh_from_db()
    assert response.status_code == 302
    assert campaign.brand_id != other_brand.pk


def test_the_campaign_admin_saves_an_edit_through_the_service(client, moderator, campaign):
    client.force_login(moderator)

    with mock.patch.object(services, "campaign_update", wraps=services.campaign_update) as update:
        client.post(_change_url(campaign), _campaign_form(campaign, title="A better title"))

    campaign.refresh_from_db()
    assert campaign.title == "A better title"
    update.assert_called_once()
    assert update.call_args.kwargs["actor"] == moderator
    assert update.call_args.kwargs["title"] == "A better title"


def test_the_campaign_admin_opens_a_campaign_through_the_service(client, moderator, brand):
    client.force_login(moderator)

    with mock.patch.object(services, "campaign_create", wraps=services.campaign_create) as create:
        response = client.post(reverse("admin:campaigns_campaign_add"), _new_campaign_form(brand))

    assert response.status_code == 302
    assert Campaign.objects.get(slug="our-next-tent").brand == brand
    create.assert_called_once()
    assert create.call_args.kwargs["actor"] == moderator


def test_the_admin_and_the_api_edit_the_same_campaign_fields(client, moderator, campaign):
    client.force_login(moderator)

    form = client.get(_change_url(campaign)).context["adminform"].form

    assert set(form.fields) == set(services.CAMPAIGN_EDITABLE_FIELDS)
    assert CampaignUpdateSerializer.Meta.fields == list(services.CAMPAIGN_EDITABLE_FIELDS)
    assert set(CampaignCreateSerializer.Meta.fields) == {
        *services.CAMPAIGN_CREATE_ONLY_FIELDS,
        *services.CAMPAIGN_EDITABLE_FIELDS,
    }


def test_opening_a_campaign_refuses_a_field_the_service_does_not_set(moderator, brand):
    with pytest.raises(ValueError, match="created_at"):
        services.campaign_create(actor=moderator, brand=brand, title="T", created_at=None)


# --- brands ------------------------------------------------------------------------------


def test_the_brand_admin_saves_an_edit_through_the_service(client, owner, brand):
    client.force_login(owner)

    with mock.patch.object(services, "brand_update", wraps=services.brand_update) as update:
        client.post(_change_url(brand), {"name": "Renamed", "slug": brand.slug})

    brand.refresh_from_db()
    assert brand.name == "Renamed"
    update.assert_called_once()
    assert update.call_args.kwargs["actor"] == owner


def test_the_brand_admin_opens_a_brand_through_the_service(client, superuser):
    client.force_login(superuser)

    with mock.patch.object(services, "brand_create", wraps=services.brand_create) as create:
        response = client.post(
            reverse("admin:campaigns_brand_add"), {"name": "Trailhead", "slug": "trailhead"}
        )

    assert response.status_code == 302
    assert Brand.objects.filter(slug="trailhead").exists()
    create.assert_called_once()


def test_a_moderator_who_does_not_own_the_brand_cannot_update_it(moderator, brand):
    with pytest.raises(NotAllowed):
        services.brand_update(brand=brand, actor=moderator, name="Renamed")


def test_only_a_superuser_opens_a_brand(owner):
    with pytest.raises(NotAllowed):
        services.brand_create(actor=owner, name="Trailhead", slug="trailhead")


def test_renaming_a_brand_renews_its_campaign_pages(owner, brand, campaign):
    with mock.patch.object(services, "campaign_pages_changed") as renewed:
        services.brand_update(brand=brand, actor=owner, name="Renamed")

    renewed.assert_called_once_with(campaign.pk)


# --- moderation decisions --------------------------------------------------------------


def test_the_admin_the_api_and_the_services_offer_the_same_content_actions(rf, moderator):
    request = rf.get("/")
    request.user = moderator
    idea_admin = admin.site._registry[Idea]
    admin_actions = [name for name in idea_admin.get_actions(request) if name.startswith("moderate_")]
    api_choices = list(ModerateSerializer().fields["action"].choices)
    decisions = [action.value for action in ModerationAction.CONTENT_ACTIONS]

    assert admin_actions == [f"moderate_{value}" for value in decisions]
    assert api_choices == decisions
    assert set(services._IDEA_TARGET_STATUS) == set(decisions)
    assert set(services._COMMENT_TARGET_STATUS) == set(decisions)
