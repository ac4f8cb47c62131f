"""Reads of the store connection: brand-scoped lists for staff, the
verified-buyer rule, demand figures and the interactions recommendations
learn from.

A member is a *verified buyer* in a campaign when a store account linked to
them bought a product that campaign redesigns (Product.campaigns). Only that
yes or no ever leaves this module for other members' eyes: never which
product, nor when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from campaigns.models import Brand, Campaign, Comment, Idea, Vote
from campaigns.selectors import moderated_brand_ids
from notifications.models import Follow
from store.models import OrderLine, PersonalisationConsent, Product, StoreCustomer, StoreImport

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import WithAnnotations


def staff_brands(user: User) -> QuerySet[Brand]:
    ids = moderated_brand_ids(user)
    return Brand.objects.all() if ids is None else Brand.objects.filter(pk__in=ids)


def staff_brand(*, user: User, slug: str) -> Brand | None:
    """The brand by slug if the user is its staff (or a superuser), else None."""
    return staff_brands(user).filter(slug=slug).first()


def products_of(brand: Brand) -> QuerySet[Product]:
    return Product.objects.filter(brand=brand).order_by("sku")


def imports_of(brand_ids: list[int] | None) -> QuerySet[StoreImport]:
    qs = StoreImport.objects.select_related("brand")
    return qs if brand_ids is None else qs.filter(brand_id__in=brand_ids)


def customer_of(*, brand: Brand, external_id: str) -> StoreCustomer | None:
    return StoreCustomer.objects.filter(brand=brand, external_id=external_id).first()


def linked_customers(user: User) -> QuerySet[StoreCustomer]:
    return StoreCustomer.objects.filter(user=user).select_related("brand").order_by("brand__name")


def email_matches(user: User) -> QuerySet[StoreCustomer]:
    """Store accounts with the member's e-mail that nobody has linked yet."""
    if not user.email:
        return StoreCustomer.objects.none()
    return (
        StoreCustomer.objects.filter(email=user.email.lower(), user__isnull=True)
        .exclude(brand__store_customers__user=user)
        .select_related("brand")
        .order_by("brand__name")
    )


def personalisation_granted(user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return PersonalisationConsent.objects.filter(user=user, granted=True).exists()


# --- verified buyers and demand ---------------------------------------------------------------------


def _bought_in_campaign(user_ref: OuterRef | int, campaign_ref: OuterRef | int) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__customer__user=user_ref, product__campaigns=campaign_ref)


def verified_buyer_ids(campaign_id: int) -> set[int]:
    """Members who bought a product the campaign redesigns (one query)."""
    return set(
        OrderLine.objects.filter(product__campaigns=campaign_id, order__customer__user__isnull=False)
        .values_list("order__customer__user_id", flat=True)
        .distinct()
    )


def is_verified_buyer(*, user_id: int, campaign_id: int) -> bool:
    return _bought_in_campaign(user_id, campaign_id).exists()


class Demand(TypedDict):
    verified_votes: int


def with_demand(ideas: QuerySet[Idea]) -> QuerySet[WithAnnotations[Idea, Demand]]:
    """Ideas annotated with `verified_votes`: votes cast by verified buyers of
    the idea's campaign (beside `vote_count`, all votes)."""
    verified = (
        Vote.objects.filter(idea=OuterRef("pk"))
        .filter(Exists(_bought_in_campaign(OuterRef("user"), OuterRef("idea__campaign"))))
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return ideas.annotate(verified_votes=Coalesce(Subquery(verified, output_field=IntegerField()), Value(0)))


@dataclass(frozen=True)
class CampaignDemand:
    votes: int
    verified_votes: int
    verified_voters: int


def campaign_demand(campaign: Campaign) -> CampaignDemand:
    votes = Vote.objects.filter(idea__campaign=campaign, idea__status__in=Idea.VISIBLE_STATUSES)
    verified = votes.filter(user_id__in=verified_buyer_ids(campaign.pk))
    return CampaignDemand(
        votes=votes.count(),
        verified_votes=verified.count(),
        verified_voters=verified.values("user").distinct().count(),
    )


def campaign_ideas_by_demand(
    campaign: Campaign, *, verified_only: bool, ordering: str
) -> QuerySet[WithAnnotations[Idea, Demand]]:
    ideas = with_demand(Idea.objects.filter(campaign=campaign, status__in=Idea.VISIBLE_STATUSES))
    if verified_only:
        ideas = ideas.filter(verified_votes__gt=0)
    return ideas.order_by(ordering, "-id")


def comment_author_ids(idea: Idea) -> dict[int, int]:
    """Visible comments of an idea and their authors, by comment id."""
    return dict(
        Comment.objects.filter(idea=idea, status=Comment.Status.PUBLISHED).values_list("pk", "author_id")
    )


# --- what recommendations learn from ---------------------------------------------------------------


class Action:
    """What a person did with an item; the weight is how much it says about taste."""

    BOUGHT = "bought"
    VOTED = "voted"
    COMMENTED = "commented"
    FOLLOWED = "followed"
    TOOK_PART = "took_part"


# A purchase is money spent, the strongest signal; a comment costs more effort
# than a vote; taking part in a campaign is implied by a vote or comment on
# one of its ideas and so weighs less.
WEIGHTS = {
    Action.BOUGHT: 4.0,
    Action.COMMENTED: 2.0,
    Action.VOTED: 1.0,
    Action.FOLLOWED: 1.0,
    Action.TOOK_PART: 0.5,
}


def product_key(pk: int) -> str:
    return f"p{pk}"


def campaign_key(pk: int) -> str:
    return f"c{pk}"


def idea_key(pk: int) -> str:
    return f"i{pk}"


@dataclass(frozen=True)
class Interaction:
    user_id: int
    item: str
    action: str


def interactions(user_ids: Iterable[int] | None = None) -> Iterator[Interaction]:
    """Purchases (through linked store accounts), votes, comments and follows
    of the given people (None: everyone who consented to personalisation)."""
    people = (
        Q(user_id__in=list(user_ids))
        if user_ids is not None
        else Q(user__personalisation_consent__granted=True)
    )
    buyers = (
        Q(order__customer__user_id__in=list(user_ids))
        if user_ids is not None
        else Q(order__customer__user__personalisation_consent__granted=True)
    )
    for user_id, product_id in OrderLine.objects.filter(buyers).values_list(
        "order__customer__user_id", "product_id"
    ):
        yield Interaction(user_id, product_key(product_id), Action.BOUGHT)
    visible = Q(idea__status__in=Idea.VISIBLE_STATUSES)
    for user_id, idea_id, campaign_id in Vote.objects.filter(people, visible).values_list(
        "user_id", "idea_id", "idea__campaign_id"
    ):
        yield Interaction(user_id, idea_key(idea_id), Action.VOTED)
        yield Interaction(user_id, campaign_key(campaign_id), Action.TOOK_PART)
    authors = (
        Q(author_id__in=list(user_ids))
        if user_ids is not None
        else Q(author__personalisation_consent__granted=True)
    )
    for user_id, idea_id, campaign_id in Comment.objects.filter(
        authors, visible, status=Comment.Status.PUBLISHED
    ).values_list("author_id", "idea_id", "idea__campaign_id"):
        yield Interaction(user_id, idea_key(idea_id), Action.COMMENTED)
        yield Interaction(user_id, campaign_key(campaign_id), Action.TOOK_PART)
    for user_id, idea_id, campaign_id in Follow.objects.filter(people).values_list(
        "user_id", "idea_id", "campaign_id"
    ):
        yield Interaction(
            user_id, idea_key(idea_id) if idea_id else campaign_key(campaign_id), Action.FOLLOWED
        )


def bought_product_ids(user_id: int | None, customer: StoreCustomer | None = None) -> set[int]:
    lines = OrderLine.objects.none()
    if customer is not None:
        lines = OrderLine.objects.filter(order__customer=customer)
    if user_id is not None:
        lines = lines | OrderLine.objects.filter(order__customer__user_id=user_id)
    return set(lines.values_list("product_id", flat=True))


def popular_products(brand_ids: list[int] | None) -> QuerySet[Product]:
    """In-stock products by how many orders hold them (the fallback)."""
    qs = Product.objects.filter(stock__gt=0)
    if brand_ids is not None:
        qs = qs.filter(brand_id__in=brand_ids)
    return qs.annotate(buyers=Count("order_lines")).order_by("-buyers", "pk")


def open_campaigns(brand_ids: list[int] | None) -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(phase__in=(Campaign.Phase.IDEAS, Campaign.Phase.VOTING)).select_related(
        "brand"
    )
    if brand_ids is not None:
        qs = qs.filter(brand_id__in=brand_ids)
    return qs
