"""factory_boy factories shared by the whole suite."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns import ranking
from campaigns.models import Brand, BrandMembership, Campaign, Comment, Idea, Report, Vote
from notifications.models import Notification


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class StaffFactory(UserFactory):
    """A merchant: staff user who moderates `brand` (pass brand=...)."""

    is_staff = True

    @factory.post_generation
    def brand(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not None:
            BrandMembership.objects.create(user=obj, brand=extracted, role=BrandMembership.Role.MODERATOR)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Design our next backpack #{n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    brief = "Tell us what your ideal hiking backpack needs."
    product_name = "Trail 30L"
    phase = Campaign.Phase.IDEAS
    moderation_policy = Campaign.ModerationPolicy.NONE


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    body = "A hip-belt pocket big enough for a phone."
    status = Idea.Status.PUBLISHED
    consent_ai = True
    consent_credit = True
    created_at = factory.LazyFunction(timezone.now)
    score = factory.LazyAttribute(lambda o: ranking.score_initial(o.created_at))


class VoteFactory(factory.django.DjangoModelFactory):
    """Raw row; use services.vote_cast when counters matter."""

    class Meta:
        model = Vote

    idea = factory.SubFactory(IdeaFactory)
    user = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = "Yes, and make it waterproof."
    stance = Comment.Stance.FOR
    status = Comment.Status.PUBLISHED
    consent_ai = True


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    reporter = factory.SubFactory(UserFactory)
    idea = factory.SubFactory(IdeaFactory)
    brand = factory.LazyAttribute(lambda o: o.idea.campaign.brand)
    reason = Report.Reason.SPAM


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = Notification.Kind.NEW_COMMENT


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "store.Product"

    brand = factory.SubFactory(BrandFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    name = factory.Sequence(lambda n: f"Trail pack {n}")
    price = "89.00"
    stock = 10


class StoreCustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "store.StoreCustomer"

    brand = factory.SubFactory(BrandFactory)
    external_id = factory.Sequence(lambda n: f"cust-{n}")


class OrderFactory(factory.django.DjangoModelFactory):
    """An order of the customer's brand; `product=` adds one line of it."""

    class Meta:
        model = "store.Order"

    customer = factory.SubFactory(StoreCustomerFactory)
    brand = factory.SelfAttribute("customer.brand")
    external_id = factory.Sequence(lambda n: f"order-{n}")
    placed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def product(self, create, extracted, **kwargs):
        if create and extracted is not None:
            self.lines.create(product=extracted, quantity=1, price=extracted.price)


class MessageCampaignFactory(factory.django.DjangoModelFactory):
    """A marketing message campaign for `campaign` (pass campaign=...)."""

    class Meta:
        model = "messaging.MessageCampaign"

    campaign = factory.SubFactory(CampaignFactory)
    brand = factory.LazyAttribute(lambda o: o.campaign.brand)
    occasion = "launch"
    audience = "participants"
    channel = "email"
    subject = "The Trail 30L is here"
    body = "Our new backpack ships today."
    control_share = 0
