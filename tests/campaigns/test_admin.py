"""The merchant admin: brand scoping, moderation actions, the moderation queue,
campaign phases, memberships, and constant query counts on changelists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin, messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from campaigns import services
from campaigns.admin import BrandScopedModelAdmin
from campaigns.models import (
    Brand,
    BrandBlock,
    BrandMembership,
    Campaign,
    Comment,
    Idea,
    ModerationAction,
    Report,
    TrustedAuthor,
)
from core.exceptions import Blocked
from tests.factories import (
    CampaignFactory,
    CommentFactory,
    IdeaFactory,
    ReportFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUEUE_URL = "admin:campaigns_idea_queue"


@pytest.fixture
def other_campaign(other_brand):
    return CampaignFactory(brand=other_brand)


@pytest.fixture
def owner(brand):
    user = StaffFactory()
    BrandMembership.objects.create(user=user, brand=brand, role=BrandMembership.Role.OWNER)
    return user


@pytest.fixture
def as_moderator(client, moderator):
    client.force_login(moderator)
    return client


def changelist(model: type, **query: str) -> str:
    url = reverse(f"admin:campaigns_{model._meta.model_name}_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def change_url(obj) -> str:
    return reverse(f"admin:campaigns_{obj._meta.model_name}_change", args=[obj.pk])


def result_pks(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def run_action(client, model: type, action: str, objs, **query: str):
    return client.post(
        changelist(model, **query),
        {"action": action, "_selected_action": [o.pk for o in objs], "index": 0},
        follow=True,
    )


def message_texts(response, level: int) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == level]


# --- scoping ------------------------------------------------------------------------


def _row_pair(kind: str, campaign: Campaign, other_campaign: Campaign):
    """One row of `kind` in the moderator's brand and one in the other brand."""
    if kind == "campaign":
        return campaign, other_campaign
    if kind == "idea":
        return IdeaFactory(campaign=campaign), IdeaFactory(campaign=other_campaign)
    if kind == "comment":
        return (
            CommentFactory(idea=IdeaFactory(campaign=campaign)),
            CommentFactory(idea=IdeaFactory(campaign=other_campaign)),
        )
    return (
        ReportFactory(idea=IdeaFactory(campaign=campaign)),
        ReportFactory(idea=IdeaFactory(campaign=other_campaign)),
    )


@pytest.mark.parametrize(
    ("kind", "model"),
    [("campaign", Campaign), ("idea", Idea), ("comment", Comment), ("report", Report)],
)
def test_a_moderator_sees_their_brands_rows_and_not_another_brands(
    as_moderator, campaign, other_campaign, kind, model
):
    own, foreign = _row_pair(kind, campaign, other_campaign)

    response = as_moderator.get(changelist(model))

    assert response.status_code == 200
    assert result_pks(response) == {own.pk}
    assert foreign.pk not in result_pks(response)


def test_the_idea_changelist_offers_only_the_moderators_campaigns_as_filters(
    as_moderator, campaign, other_campaign
):
    second = CampaignFactory(brand=campaign.brand)
    for c in (campaign, second, other_campaign):
        IdeaFactory(campaign=c)

    response = as_moderator.get(changelist(Idea))

    campaign_filter = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", "") == "campaign"
    )
    assert {pk for pk, _label in campaign_filter.lookup_choices} == {campaign.pk, second.pk}


def test_a_moderator_sees_only_their_own_brand_in_the_brand_changelist(as_moderator, brand, other_brand):
    response = as_moderator.get(changelist(Brand))

    assert result_pks(response) == {brand.pk}


class _CommentProbeAdmin(BrandScopedModelAdmin):
    """The mixin as another app would use it, every permission allowed."""

    brand_lookup = "idea__campaign__brand"


@pytest.mark.parametrize("permission", ["view", "change", "delete"])
def test_the_scoping_mixin_refuses_another_brands_object_even_when_handed_it_directly(
    rf, moderator, campaign, other_campaign, permission
):
    request = rf.get("/")
    request.user = moderator
    probe = _CommentProbeAdmin(Comment, admin.site)
    own = CommentFactory(idea=IdeaFactory(campaign=campaign))
    foreign = CommentFactory(idea=IdeaFactory(campaign=other_campaign))
    check = getattr(probe, f"has_{permission}_permission")

    assert (check(request, own), check(request, foreign)) == (True, False)


def test_a_moderator_cannot_open_another_brands_idea(as_moderator, other_campaign):
    foreign = IdeaFactory(campaign=other_campaign)

    response = as_moderator.get(change_url(foreign))

    assert response.status_code != 200


def test_a_moderator_posting_a_change_to_another_brands_idea_changes_nothing(as_moderator, other_campaign):
    foreign = IdeaFactory(campaign=other_campaign, title="Original title")

    response = as_moderator.post(
        change_url(foreign),
        {"title": "Vandalised title", "body": "x", "status": Idea.Status.HIDDEN},
    )

    foreign.refresh_from_db()
    assert response.status_code != 200
    assert (foreign.title, foreign.status) == ("Original title", Idea.Status.PUBLISHED)


def test_a_moderator_can_read_their_own_brands_idea(as_moderator, campaign):
    idea = IdeaFactory(campaign=campaign, title="Waterproof zips")

    response = as_moderator.get(change_url(idea))

    assert response.status_code == 200
    assert b"Waterproof zips" in response.content


def test_the_idea_change_form_is_read_only_so_status_only_changes_through_audited_actions(
    as_moderator, campaign
):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    response = as_moderator.post(
        change_url(idea), {"title": "Changed title", "status": Idea.Status.PUBLISHED}
    )

    idea.refresh_from_db()
    assert response.status_code == 403
    assert idea.status == Idea.Status.PENDING


def _campaign_form(brand: Brand, **overrides: str) -> dict[str, str]:
    data = {
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
    }
    return {**data, **overrides}


def test_a_moderator_can_create_a_campaign_for_their_brand(as_moderator, brand):
    response = as_moderator.post(reverse("admin:campaigns_campaign_add"), _campaign_form(brand))

    assert response.status_code == 302
    assert Campaign.objects.get(slug="our-next-tent").brand == brand


def test_a_moderator_cannot_create_a_campaign_for_another_brand(as_moderator, other_brand):
    response = as_moderator.post(reverse("admin:campaigns_campaign_add"), _campaign_form(other_brand))

    assert response.status_code == 200
    assert "brand" in response.context["adminform"].form.errors
    assert not Campaign.objects.filter(slug="our-next-tent").exists()


def test_the_campaign_form_offers_only_the_moderators_brands(as_moderator, brand, other_brand):
    response = as_moderator.get(reverse("admin:campaigns_campaign_add"))

    choices = response.context["adminform"].form.fields["brand"].queryset
    assert list(choices) == [brand]


def test_staff_without_a_membership_sees_no_cocreate_models(client, brand, campaign):
    client.force_login(StaffFactory())

    index = client.get(reverse("admin:index"))
    ideas = client.get(changelist(Idea))

    assert [app["app_label"] for app in index.context["app_list"]] == []
    assert ideas.status_code == 403


def test_a_customer_who_is_not_staff_is_sent_to_the_admin_login(client, user):
    client.force_login(user)

    response = client.get(changelist(Idea))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_superuser_sees_every_brands_ideas(client, superuser, campaign, other_campaign):
    ideas = [IdeaFactory(campaign=campaign), IdeaFactory(campaign=other_campaign)]
    client.force_login(superuser)

    response = client.get(changelist(Idea))

    assert result_pks(response) == {i.pk for i in ideas}


def test_a_merchant_cannot_create_a_brand_but_a_superuser_can(as_moderator, client, superuser):
    denied = as_moderator.get(reverse("admin:campaigns_brand_add"))
    client.force_login(superuser)
    allowed = client.get(reverse("admin:campaigns_brand_add"))

    assert denied.status_code == 403
    assert allowed.status_code == 200


def test_a_moderator_may_read_but_not_change_their_brands_settings(as_moderator, brand):
    response = as_moderator.post(change_url(brand), {"name": "Renamed", "slug": brand.slug})

    brand.refresh_from_db()
    assert response.status_code == 403
    assert brand.name != "Renamed"


def test_an_owner_may_change_their_brands_settings(client, owner, brand):
    client.force_login(owner)

    client.post(change_url(brand), {"name": "Renamed", "slug": brand.slug, "banned_phrases": "cures"})

    brand.refresh_from_db()
    assert (brand.name, brand.banned_phrases) == ("Renamed", "cures")


# --- memberships ----------------------------------------------------------------------


def test_an_owner_can_add_a_moderator_to_their_brand(client, owner, brand):
    newcomer = StaffFactory(username="newcomer")
    client.force_login(owner)

    response = client.post(
        reverse("admin:campaigns_brandmembership_add"),
        {"user": "newcomer", "brand": brand.pk, "role": BrandMembership.Role.MODERATOR},
    )

    assert response.status_code == 302
    assert BrandMembership.objects.filter(user=newcomer, brand=brand, role="moderator").exists()


def test_an_owner_cannot_make_someone_an_owner(client, owner, brand):
    newcomer = StaffFactory(username="newcomer")
    client.force_login(owner)

    client.post(
        reverse("admin:campaigns_brandmembership_add"),
        {"user": "newcomer", "brand": brand.pk, "role": BrandMembership.Role.OWNER},
    )

    assert not BrandMembership.objects.filter(user=newcomer).exists()


def test_an_owner_cannot_add_a_moderator_to_another_brand(client, owner, other_brand):
    newcomer = StaffFactory(username="newcomer")
    client.force_login(owner)

    client.post(
        reverse("admin:campaigns_brandmembership_add"),
        {"user": "newcomer", "brand": other_brand.pk, "role": BrandMembership.Role.MODERATOR},
    )

    assert not BrandMembership.objects.filter(user=newcomer).exists()


def test_a_moderator_cannot_add_or_remove_memberships(as_moderator, brand, owner):
    colleague = StaffFactory(brand=brand)
    membership = BrandMembership.objects.get(user=colleague)

    add = as_moderator.get(reverse("admin:campaigns_brandmembership_add"))
    delete = as_moderator.post(
        reverse("admin:campaigns_brandmembership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert BrandMembership.objects.filter(pk=membership.pk).exists()


# --- moderation actions on the changelists ----------------------------------------------


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ModerationAction.Action.APPROVE, Idea.Status.PUBLISHED),
        (ModerationAction.Action.HIDE, Idea.Status.HIDDEN),
        (ModerationAction.Action.DECLINE, Idea.Status.DECLINED),
        (ModerationAction.Action.DECLINE_BLOCK, Idea.Status.DECLINED),
    ],
)
def test_a_bulk_idea_action_sets_the_status_and_writes_an_audit_row_per_idea(
    as_moderator, moderator, campaign, action, status
):
    ideas = IdeaFactory.create_batch(2, campaign=campaign, status=Idea.Status.PENDING)

    response = run_action(as_moderator, Idea, f"moderate_{action}", ideas)

    assert {i.status for i in Idea.objects.filter(pk__in=[i.pk for i in ideas])} == {status}
    assert ModerationAction.objects.filter(actor=moderator, action=action).count() == 2
    assert message_texts(response, messages.SUCCESS)


def test_decline_and_block_stops_the_author_from_submitting_again(as_moderator, brand, campaign):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    run_action(as_moderator, Idea, "moderate_decline_block", [idea])

    assert BrandBlock.objects.filter(brand=brand, user=idea.author).exists()
    with pytest.raises(Blocked):
        services.idea_submit(campaign=campaign, author=idea.author, title="Another idea", body="Again")


def test_approve_and_trust_makes_the_author_a_trusted_author(as_moderator, brand, campaign):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    run_action(as_moderator, Idea, "moderate_approve_trust", [idea])

    assert TrustedAuthor.objects.filter(brand=brand, user=idea.author).exists()


def test_a_refused_idea_action_warns_about_that_idea_and_does_the_rest(as_moderator, campaign):
    adopted = IdeaFactory(campaign=campaign, status=Idea.Status.ADOPTED, title="Already adopted")
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    response = run_action(as_moderator, Idea, "moderate_hide", [adopted, pending])

    adopted.refresh_from_db()
    pending.refresh_from_db()
    assert (adopted.status, pending.status) == (Idea.Status.ADOPTED, Idea.Status.HIDDEN)
    assert any("Already adopted" in text for text in message_texts(response, messages.WARNING))


def test_a_bulk_action_cannot_reach_another_brands_idea(as_moderator, other_campaign):
    foreign = IdeaFactory(campaign=other_campaign, status=Idea.Status.PENDING)

    run_action(as_moderator, Idea, "moderate_approve", [foreign])

    foreign.refresh_from_db()
    assert foreign.status == Idea.Status.PENDING
    assert not ModerationAction.objects.exists()


def test_hiding_a_comment_from_the_changelist_hides_it_and_audits_it(as_moderator, moderator, campaign):
    comment = CommentFactory(idea=IdeaFactory(campaign=campaign, comment_count=1))

    run_action(as_moderator, Comment, "moderate_hide", [comment])

    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert ModerationAction.objects.filter(actor=moderator, comment=comment, action="hide").exists()


def test_the_idea_changelist_counts_open_reports_only(as_moderator, campaign):
    idea = IdeaFactory(campaign=campaign)
    ReportFactory.create_batch(2, idea=idea)
    ReportFactory(idea=idea, resolved_at=timezone.now())

    response = as_moderator.get(changelist(Idea))

    assert [row.open_report_count for row in response.context["cl"].result_list] == [2]


# --- reports ----------------------------------------------------------------------------


def test_the_report_changelist_shows_open_reports_by_default(as_moderator, campaign):
    open_report = ReportFactory(idea=IdeaFactory(campaign=campaign))
    ReportFactory(idea=IdeaFactory(campaign=campaign), resolved_at=timezone.now())

    response = as_moderator.get(changelist(Report))

    assert result_pks(response) == {open_report.pk}


def test_dismissing_reports_resolves_them_and_audits_it(as_moderator, moderator, campaign):
    report = ReportFactory(idea=IdeaFactory(campaign=campaign))

    run_action(as_moderator, Report, "dismiss", [report])

    report.refresh_from_db()
    assert report.resolved_by == moderator
    assert ModerationAction.objects.filter(action="dismiss_reports", idea=report.idea).exists()


def test_hiding_reported_content_from_the_report_list_hides_it_once(as_moderator, campaign):
    idea = IdeaFactory(campaign=campaign)
    reports = ReportFactory.create_batch(2, idea=idea)

    run_action(as_moderator, Report, "target_hide", reports)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN
    assert ModerationAction.objects.filter(action="hide", idea=idea).count() == 1


# --- the moderation queue ------------------------------------------------------------------


def test_the_queue_lists_pending_and_reported_content_of_the_moderators_brand_only(
    as_moderator, campaign, other_campaign
):
    pending_idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    pending_comment = CommentFactory(idea=IdeaFactory(campaign=campaign), status=Comment.Status.PENDING)
    reported = ReportFactory(idea=IdeaFactory(campaign=campaign)).idea
    IdeaFactory(campaign=campaign)  # published, unreported: nothing to do
    IdeaFactory(campaign=other_campaign, status=Idea.Status.PENDING)
    ReportFactory(idea=IdeaFactory(campaign=other_campaign))

    response = as_moderator.get(reverse(QUEUE_URL))

    assert [item.content for item in response.context["items"]] == [pending_idea, pending_comment, reported]


def test_the_queue_shows_report_reasons(as_moderator, campaign):
    idea = IdeaFactory(campaign=campaign)
    ReportFactory.create_batch(2, idea=idea, reason=Report.Reason.SPAM)

    response = as_moderator.get(reverse(QUEUE_URL))

    assert response.context["items"][0].report_reasons == [("Spam", 2)]
    assert "Spam ×2" in response.content.decode()


def test_the_queue_lists_the_oldest_items_first(as_moderator, campaign):
    now = timezone.now()
    newer = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING, created_at=now)
    older = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING, created_at=now - timedelta(days=1))

    response = as_moderator.get(reverse(QUEUE_URL))

    assert [item.content for item in response.context["items"]] == [older, newer]


def test_the_queue_says_when_there_is_nothing_to_moderate(as_moderator, campaign):
    IdeaFactory(campaign=campaign)

    response = as_moderator.get(reverse(QUEUE_URL))

    assert response.context["items"] == []
    assert "Nothing to moderate." in response.content.decode()


def test_approving_from_the_queue_publishes_the_checked_items(as_moderator, moderator, campaign):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    comment = CommentFactory(idea=IdeaFactory(campaign=campaign), status=Comment.Status.PENDING)
    untouched = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    response = as_moderator.post(
        reverse(QUEUE_URL), {"action": "approve", "items": [f"idea-{idea.pk}", f"comment-{comment.pk}"]}
    )

    idea.refresh_from_db()
    comment.refresh_from_db()
    untouched.refresh_from_db()
    assert response.status_code == 302
    assert (idea.status, comment.status, untouched.status) == ("published", "published", "pending")
    assert ModerationAction.objects.filter(actor=moderator, action="approve").count() == 2


def test_decline_and_block_from_the_queue_blocks_the_author(as_moderator, brand, campaign):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    as_moderator.post(reverse(QUEUE_URL), {"action": "decline_block", "items": [f"idea-{idea.pk}"]})

    assert BrandBlock.objects.filter(brand=brand, user=idea.author).exists()


def test_dismissing_reports_from_the_queue_keeps_the_content_and_empties_the_queue(as_moderator, campaign):
    report = ReportFactory(idea=IdeaFactory(campaign=campaign))

    as_moderator.post(reverse(QUEUE_URL), {"action": "dismiss_reports", "items": [f"idea-{report.idea_id}"]})

    report.refresh_from_db()
    assert report.resolved_at is not None
    assert Idea.objects.get(pk=report.idea_id).status == Idea.Status.PUBLISHED
    assert as_moderator.get(reverse(QUEUE_URL)).context["items"] == []


def test_the_queue_ignores_a_forged_item_of_another_brand(as_moderator, other_campaign):
    foreign = IdeaFactory(campaign=other_campaign, status=Idea.Status.PENDING)

    as_moderator.post(reverse(QUEUE_URL), {"action": "approve", "items": [f"idea-{foreign.pk}"]})

    foreign.refresh_from_db()
    assert foreign.status == Idea.Status.PENDING


def test_the_queue_refuses_a_post_without_the_csrf_token(client, moderator, campaign):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)
    client.handler.enforce_csrf_checks = True
    client.force_login(moderator)

    response = client.post(reverse(QUEUE_URL), {"action": "approve", "items": [f"idea-{idea.pk}"]})

    idea.refresh_from_db()
    assert response.status_code == 403
    assert idea.status == Idea.Status.PENDING


def test_staff_without_a_membership_cannot_open_the_queue(client):
    client.force_login(StaffFactory())

    response = client.get(reverse(QUEUE_URL))

    assert response.status_code == 403


def test_the_admin_index_links_merchants_to_the_queue(as_moderator):
    response = as_moderator.get(reverse("admin:index"))

    assert reverse(QUEUE_URL) in response.content.decode()


# --- campaigns ---------------------------------------------------------------------------


def test_a_phase_action_moves_the_campaign_and_writes_an_audit_row(as_moderator, moderator, campaign):
    run_action(as_moderator, Campaign, "phase_voting", [campaign])

    campaign.refresh_from_db()
    assert campaign.phase == Campaign.Phase.VOTING
    assert ModerationAction.objects.filter(actor=moderator, action="phase", campaign=campaign).exists()


def test_an_invalid_phase_change_warns_and_leaves_the_phase(as_moderator, campaign):
    campaign.phase = Campaign.Phase.CLOSED
    campaign.save()

    response = run_action(as_moderator, Campaign, "phase_ideas", [campaign])

    campaign.refresh_from_db()
    assert campaign.phase == Campaign.Phase.CLOSED
    assert message_texts(response, messages.WARNING)
    assert not ModerationAction.objects.exists()


def test_the_phase_is_read_only_on_an_existing_campaign(as_moderator, campaign):
    response = as_moderator.post(change_url(campaign), _campaign_form(campaign.brand, phase="closed"))

    campaign.refresh_from_db()
    assert response.status_code == 302
    assert campaign.phase == Campaign.Phase.IDEAS


def test_the_phase_can_be_chosen_when_creating_a_campaign(as_moderator, brand):
    as_moderator.post(reverse("admin:campaigns_campaign_add"), _campaign_form(brand, phase="ideas"))

    assert Campaign.objects.get(slug="our-next-tent").phase == Campaign.Phase.IDEAS


def test_the_campaign_page_links_to_the_generation_admin_when_it_exists(as_moderator, campaign, monkeypatch):
    monkeypatch.setattr("campaigns.admin.reverse", lambda name: f"/admin/{name}/")

    response = as_moderator.get(change_url(campaign))

    assert {link["url"] for link in response.context["generation_links"]} == {
        f"/admin/admin:generation_generationrequest_add/?campaign={campaign.pk}",
        f"/admin/admin:generation_draft_changelist/?campaign__id__exact={campaign.pk}",
    }


def test_the_campaign_page_works_without_the_generation_admin(as_moderator, campaign, monkeypatch):
    def missing(name):
        raise NoReverseMatch(name)

    monkeypatch.setattr("campaigns.admin.reverse", missing)

    response = as_moderator.get(change_url(campaign))

    assert response.status_code == 200
    assert response.context["generation_links"] == []


# --- the audit log -------------------------------------------------------------------------


def test_the_audit_log_is_read_only_even_for_a_superuser(client, superuser, brand):
    entry = ModerationAction.objects.create(brand=brand, action=ModerationAction.Action.APPROVE)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:campaigns_moderationaction_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert ModerationAction.objects.filter(pk=entry.pk).exists()


# --- speed ------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _rows(kind: str, campaign: Campaign, n: int) -> None:
    for _ in range(n):
        idea = IdeaFactory(campaign=campaign, author=UserFactory())
        if kind == "comment":
            CommentFactory(idea=idea)
        elif kind == "report":
            ReportFactory(idea=idea)
        elif kind == "campaign":
            CampaignFactory(brand=campaign.brand)
    if kind == "queue":
        Idea.objects.filter(campaign=campaign).update(status=Idea.Status.PENDING)


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("idea", lambda: changelist(Idea)),
        ("comment", lambda: changelist(Comment)),
        ("report", lambda: changelist(Report)),
        ("campaign", lambda: changelist(Campaign)),
        ("queue", lambda: reverse(QUEUE_URL)),
    ],
)
def test_a_page_costs_the_same_number_of_queries_for_5_and_30_rows(as_moderator, brand, kind, url):
    few, many = CampaignFactory(brand=brand), CampaignFactory(brand=brand)
    _rows(kind, few, 5)
    baseline = _queries(as_moderator, url())

    _rows(kind, many, 25)

    assert _queries(as_moderator, url()) == baseline
