"""A linked member who bought a product a campaign redesigns shows a
"verified buyer" mark there, on the site and over the API, never saying what
or when; merchants see demand from verified buyers beside all votes."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from store import services
from store.models import StoreCustomer
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    StaffFactory,
    StoreCustomerFactory,
    UserFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db


def test_an_idea_page_marks_a_verified_buyer_without_saying_what_or_when(client, buyer, campaign, product):
    idea = IdeaFactory(campaign=campaign, author=buyer)
    CommentFactory(idea=idea, author=buyer)

    html = client.get(idea.get_absolute_url()).content.decode()

    assert html.count("Verified buyer") == 2
    assert product.name not in html and product.sku not in html
    order = buyer.store_customers.get().orders.get()
    assert order.placed_at.strftime("%Y-%m-%d") not in html.replace(idea.created_at.strftime("%Y-%m-%d"), "")


def test_the_campaign_page_marks_the_idea_row(client, buyer, campaign):
    IdeaFactory(campaign=campaign, author=buyer)
    IdeaFactory(campaign=campaign)

    html = client.get(campaign.get_absolute_url()).content.decode()

    assert html.count("Verified buyer") == 1


def test_a_purchase_outside_the_campaigns_products_gives_no_mark(client, user, brand, campaign):
    from tests.factories import OrderFactory, ProductFactory

    customer = StoreCustomerFactory(brand=brand, user=user)
    OrderFactory(customer=customer, product=ProductFactory(brand=brand))
    idea = IdeaFactory(campaign=campaign, author=user)

    assert "Verified buyer" not in client.get(idea.get_absolute_url()).content.decode()


def test_the_api_says_yes_or_no_only(api, buyer, campaign, product):
    idea = IdeaFactory(campaign=campaign, author=buyer)
    comment = CommentFactory(idea=idea, author=UserFactory())

    data = api.get(reverse("api:store-verified-buyers", kwargs={"pk": idea.pk})).json()

    assert data == {
        "idea": idea.pk,
        "author_verified_buyer": True,
        "comments": [{"id": comment.pk, "author_verified_buyer": False}],
    }


def test_demand_counts_verified_buyers_votes_beside_all_votes(api, brand, buyer, campaign, moderator):
    wanted, other = IdeaFactory(campaign=campaign, vote_count=2), IdeaFactory(campaign=campaign, vote_count=3)
    VoteFactory(idea=wanted, user=buyer)
    VoteFactory(idea=wanted)
    for _ in range(3):
        VoteFactory(idea=other)
    api.force_authenticate(moderator)

    data = api.get(reverse("api:store-demand", kwargs={"brand": brand.slug, "slug": campaign.slug})).json()
    only = api.get(
        reverse("api:store-demand", kwargs={"brand": brand.slug, "slug": campaign.slug}),
        {"verified_only": "true"},
    ).json()

    assert [(i["id"], i["votes"], i["verified_buyer_votes"]) for i in data["results"]] == [
        (wanted.pk, 2, 1),
        (other.pk, 3, 0),
    ]
    assert data["campaign"] == {
        "campaign": campaign.slug, "votes": 5, "verified_buyer_votes": 1, "verified_buyer_voters": 1
    }  # fmt: skip
    assert [i["id"] for i in only["results"]] == [wanted.pk]


def test_demand_of_another_brands_campaign_is_404(api, campaign, other_brand, other_moderator):
    api.force_authenticate(other_moderator)

    url = reverse("api:store-demand", kwargs={"brand": campaign.brand.slug, "slug": campaign.slug})

    assert api.get(url).status_code == 404


def test_a_bad_demand_ordering_is_a_400(api, brand, campaign, moderator):
    api.force_authenticate(moderator)
    url = reverse("api:store-demand", kwargs={"brand": brand.slug, "slug": campaign.slug})

    response = api.get(url, {"ordering": "random"})

    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]


def test_the_admin_ranks_and_filters_ideas_by_verified_demand(client, brand, buyer, campaign):
    wanted = IdeaFactory(campaign=campaign, title="Quiet buckles please")
    IdeaFactory(campaign=campaign, title="Louder zips please", vote_count=9)
    VoteFactory(idea=wanted, user=buyer)
    client.force_login(StaffFactory(brand=brand))

    page = client.get(reverse("admin:store_ideademand_changelist")).content.decode()
    filtered = client.get(reverse("admin:store_ideademand_changelist"), {"verified": "yes"}).content.decode()

    assert page.index("Quiet buckles") < page.index("Louder zips")
    assert "Quiet buckles" in filtered and "Louder zips" not in filtered


def test_the_demand_admin_hides_other_brands_ideas(client, campaign, other_brand):
    IdeaFactory(campaign=campaign, title="Quiet buckles please")
    client.force_login(StaffFactory(brand=other_brand))

    page = client.get(reverse("admin:store_ideademand_changelist")).content.decode()

    assert "Quiet buckles" not in page


def test_a_signed_link_from_the_store_links_the_member(api, client, brand, moderator, user):
    api.force_authenticate(moderator)
    issued = api.post(
        reverse("api:store-link-tokens", kwargs={"brand": brand.slug}), {"customer_id": "c-1"}, format="json"
    ).json()
    client.force_login(user)

    confirm = client.get(reverse("store:link", kwargs={"token": issued["token"]}))
    client.post(reverse("store:link", kwargs={"token": issued["token"]}))

    assert confirm.status_code == 200
    customer = StoreCustomer.objects.get(external_id="c-1")
    assert (customer.user, customer.linked_by) == (user, "token")


def test_an_expired_or_forged_link_is_refused(client, brand, user, settings):
    _customer, token = services.link_token_issue(brand=brand, customer_id="c-1")
    client.force_login(user)
    settings.STORE_LINK_TOKEN_MAX_AGE = -1

    expired = client.post(reverse("store:link", kwargs={"token": token}))
    forged = client.post(reverse("store:link", kwargs={"token": signing.dumps({"c": 1}, salt="other")}))

    assert (expired.status_code, forged.status_code) == (400, 400)
    assert not StoreCustomer.objects.filter(user=user).exists()


def test_an_email_match_links_only_through_the_link_mailed_to_the_member(client, brand, user, mailoutbox):
    customer = StoreCustomerFactory(brand=brand, email=user.email.lower())
    client.force_login(user)

    client.post(reverse("store:email_match", kwargs={"pk": customer.pk}))
    customer.refresh_from_db()
    assert customer.user is None
    link = next(line for line in mailoutbox[0].body.splitlines() if "/me/store/link/" in line)
    client.post(link.strip().split("testserver", 1)[1])

    customer.refresh_from_db()
    assert (customer.user, customer.linked_by) == (user, "email")


def test_an_email_match_link_does_not_work_for_someone_else(client, brand, user, other_user):
    customer = StoreCustomerFactory(brand=brand, email=user.email.lower())
    token = services.email_link_token(user=user, customer=customer)
    client.force_login(other_user)

    response = client.post(reverse("store:link", kwargs={"token": token}))

    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.user is None
