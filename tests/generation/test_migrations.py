"""Drafts written before sentence-level provenance migrate forward with their
sentences, each resting on no source: the review page highlights them all,
and publishing one credits nobody rather than every idea of its prompt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from campaigns.models import Brand, Idea
from generation import services
from generation.models import Draft, DraftSentence, DraftSource
from notifications.models import Notification
from tests.factories import StaffFactory

BEFORE = ("generation", "0003_draft_sentences")
AFTER = ("generation", "0004_sentences_for_older_drafts")


def migrate(target):
    """The database at generation's `target`, every other app at its latest;
    the models as they were then."""
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "generation"]
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([*others, target]).apps


@pytest.fixture
def at_the_old_schema():
    """Generation back at 0003 for the test, and at its latest afterwards."""
    yield migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def seed(old):
    """Drafts as the pipeline wrote them before sentences: draft-level sources
    listing every idea of the prompt."""
    User = old.get_model("auth", "User")
    get = old.get_model
    author = User.objects.create(username="old-author", email="old@example.com")
    brand = get("campaigns", "Brand").objects.create(name="Old brand", slug="old-brand")
    campaign = get("campaigns", "Campaign").objects.create(
        brand=brand, title="Old", slug="old", product_name="Pack"
    )
    ideas = [
        get("campaigns", "Idea").objects.create(
            campaign=campaign,
            author=author,
            title=title,
            body=title,
            status="published",
            consent_ai=True,
            consent_credit=True,
        )
        for title in ("Lighter", "Rain cover")
    ]
    request = get("generation", "GenerationRequest").objects.create(
        campaign=campaign,
        kind="product_description",
        status="done",
        params={"tone": "friendly", "length": "short", "keywords": [], "language": "en", "variants": 1},
    )
    Draft = get("generation", "Draft")
    pending = Draft.objects.create(
        request=request, campaign=campaign, kind="product_description", text="A light pack. 背包很轻。\nDry!"
    )
    edited = Draft.objects.create(
        request=request,
        campaign=campaign,
        kind="product_description",
        text="A light pack.",
        version=2,
        parent=pending,
        status="approved",
    )
    published = Draft.objects.create(
        request=request, campaign=campaign, kind="product_description", text="Old.", status="published"
    )
    for draft in (pending, edited, published):
        for position, idea in enumerate(ideas):
            get("generation", "DraftSource").objects.create(draft=draft, idea=idea, position=position)
    return {"pending": pending.pk, "edited": edited.pk, "published": published.pk, "brand": brand.pk}


@pytest.mark.django_db(transaction=True)
def test_an_older_draft_gets_its_sentences_each_with_no_source(at_the_old_schema):
    seeded = seed(at_the_old_schema)

    migrate(AFTER)

    sentences = DraftSentence.objects.filter(draft_id=seeded["pending"]).order_by("position")
    assert [(s.position, s.text, s.origin) for s in sentences] == [
        (0, "A light pack.", "model"),
        (1, "背包很轻。", "model"),
        (2, "Dry!", "model"),
    ]
    assert all([f["code"] for f in s.findings] == ["no_source"] for s in sentences)
    assert not any(s.sources.exists() for s in sentences)
    assert [s.origin for s in DraftSentence.objects.filter(draft_id=seeded["edited"])] == ["edited"]


@pytest.mark.django_db(transaction=True)
def test_an_older_draft_keeps_no_source_list_unless_it_was_published(at_the_old_schema):
    seeded = seed(at_the_old_schema)

    migrate(AFTER)

    assert not DraftSource.objects.filter(draft_id__in=[seeded["pending"], seeded["edited"]]).exists()
    assert DraftSource.objects.filter(draft_id=seeded["published"]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_publishing_an_older_draft_credits_nobody_and_its_review_page_marks_every_sentence(
    at_the_old_schema, client, django_capture_on_commit_callbacks
):
    seeded = seed(at_the_old_schema)
    migrate(AFTER)
    moderator = StaffFactory(brand=Brand.objects.get(pk=seeded["brand"]))
    client.force_login(moderator)
    draft = Draft.objects.get(pk=seeded["edited"])

    page = client.get(reverse("admin:generation_draft_change", args=[draft.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.draft_publish(draft=draft, actor=moderator)

    assert page.count('<tr class="sentence-unsourced">') == 1
    assert "<mark>A light pack.</mark>" in page
    assert set(Idea.objects.values_list("status", flat=True)) == {"published"}
    assert not Notification.objects.filter(kind=Notification.Kind.IDEA_ADOPTED).exists()
