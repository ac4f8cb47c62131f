"""A database made before the apps were split migrates forward without losing
a row: the moved models keep their tables, their content types (and so their
permissions) follow them. Runs on SQLite and, in CI, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before the split: the moved models still in campaigns.
OLD_LAYOUT = [
    ("campaigns", "0005_visible_list_indexes"),
    ("generation", "0002_draft_rank_perplexity"),
    ("accounts", None),
    ("notifications", None),
    ("intelligence", None),
    ("webhooks", None),
]
MOVED = {
    "ApiToken": "accounts",
    "Notification": "notifications",
    "NotificationPreference": "notifications",
    "Follow": "notifications",
    "IdeaEmbedding": "intelligence",
    "CommentSignal": "intelligence",
    "Theme": "intelligence",
    "ThemeRun": "intelligence",
    "WebhookEndpoint": "webhooks",
    "WebhookDelivery": "webhooks",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    named = {app for app, _name in targets}
    ours = {
        config.label for config in current_apps.get_app_configs() if not config.name.startswith("django.")
    }
    # Django's own apps stay at their latest migration; apps of ours not named
    # (those that came after the split) go back to nothing.
    leaves = executor.loader.graph.leaf_nodes()
    targets = (
        [leaf for leaf in leaves if leaf[0] not in named and leaf[0] not in ours]
        + [(app, None) for app in sorted(ours - named) if any(leaf[0] == app for leaf in leaves)]
        + list(targets)
    )
    executor.migrate(targets)
    # The state those targets leave (an app at None is left out of it).
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _seed_old_layout(old):
    """Rows of every moved model, written through the models as they were."""
    User = old.get_model("auth", "User")
    get = lambda name: old.get_model("campaigns", name)  # noqa: E731
    author = User.objects.create(username="old-author", email="old@example.com")
    brand = get("Brand").objects.create(name="Old brand", slug="old-brand")
    campaign = get("Campaign").objects.create(brand=brand, title="Old", slug="old", product_name="Pack")
    idea = get("Idea").objects.create(campaign=campaign, author=author, title="Lighter", body="Under 1 kg")
    comment = get("Comment").objects.create(idea=idea, author=author, body="Yes please")
    for n in range(3):
        get("Notification").objects.create(user=author, kind="new_comment", idea=idea, message=f"n{n}")
    get("NotificationPreference").objects.create(user=author, frequency="weekly")
    get("Follow").objects.create(user=author, idea=idea)
    get("Follow").objects.create(user=author, campaign=campaign)
    get("ApiToken").objects.create(user=author, name="shop", prefix="abcd1234", key_hash="0" * 64)
    endpoint = get("WebhookEndpoint").objects.create(
        brand=brand, url="https://hooks.example.com/x", secret="s" * 64, events=["idea.created"]
    )
    get("WebhookDelivery").objects.create(endpoint=endpoint, event="idea.created", payload={"id": idea.pk})
    get("IdeaEmbedding").objects.create(idea=idea, campaign=campaign, vector=b"\x00" * 8, model_version="v")
    get("CommentSignal").objects.create(
        comment=comment, campaign=campaign, sentiment="positive", score=0.5, method="lexicon"
    )
    get("Theme").objects.create(campaign=campaign, label="Weight", rank=1, size=2, idea_ids=[idea.pk])
    get("ThemeRun").objects.create(campaign=campaign, item_count=2)
    # The content type of a moved model as the old layout knew it, with a
    # permission on it that a group was given.
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    Group = old.get_model("auth", "Group")
    ct, _ = ContentType.objects.get_or_create(app_label="campaigns", model="webhookendpoint")
    ContentType.objects.filter(app_label="webhooks", model="webhookendpoint").delete()
    permission, _ = Permission.objects.get_or_create(
        content_type=ct, codename="view_webhookendpoint", defaults={"name": "Can view webhook endpoint"}
    )
    Group.objects.create(name="integrators").permissions.add(permission)
    return {"author": author.pk, "idea": idea.pk, "content_type": ct.pk, "endpoint": endpoint.pk}


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_old_layout_migrates_forward_without_losing_a_row():
    old = _migrate(OLD_LAYOUT)
    seeded = _seed_old_layout(old)
    counts_before = {name: old.get_model("campaigns", name).objects.count() for name in MOVED}

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    counts_after = {name: current_apps.get_model(app, name).objects.count() for name, app in MOVED.items()}
    assert counts_after == counts_before
    assert all(counts_after.values())
    Notification = current_apps.get_model("notifications", "Notification")
    assert sorted(
        Notification.objects.filter(user_id=seeded["author"]).values_list("message", flat=True)
    ) == [
        "n0",
        "n1",
        "n2",
    ]
    Endpoint = current_apps.get_model("webhooks", "WebhookEndpoint")
    assert Endpoint.objects.get(pk=seeded["endpoint"]).secret == "s" * 64
    Follow = current_apps.get_model("notifications", "Follow")
    assert Follow.objects.filter(user_id=seeded["author"], idea_id=seeded["idea"]).exists()


@pytest.mark.django_db(transaction=True)
def test_moved_models_keep_their_content_type_and_permissions():
    old = _migrate(OLD_LAYOUT)
    seeded = _seed_old_layout(old)

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    ct = ContentType.objects.get(pk=seeded["content_type"])
    assert (ct.app_label, ct.model) == ("webhooks", "webhookendpoint")
    assert ct.model_class() is current_apps.get_model("webhooks", "WebhookEndpoint")
    assert not ContentType.objects.filter(app_label="campaigns", model="webhookendpoint").exists()
    group = Group.objects.get(name="integrators")
    assert group.permissions.filter(content_type=ct, codename="view_webhookendpoint").exists()
