"""`manage.py seed_demo`: the demo community that `make run` shows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings

from campaigns import ranking, selectors
from campaigns.models import Brand, Campaign, Comment, Idea, Report, Vote
from demo import data as demo_data

DEMO_PASSWORD = "a-test-demo-password"


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _remove_demo() -> None:
    # Brands cascade to campaigns, ideas, votes, comments and reports; then the
    # people can go (ideas and comments protect their authors).
    Brand.objects.filter(slug__in=[b.slug for b in demo_data.BRANDS]).delete()
    get_user_model().objects.filter(username__in=[p.username for p in demo_data.PEOPLE]).delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes seconds) in a transaction rolled back
    afterwards, as TestCase.setUpTestData does: other modules never see the
    demo, and the tasks services enqueue on commit are never sent to a broker.
    Passwords are hashed with the suite's fast hasher (tests/conftest.py),
    which the function-scoped settings fixture would only switch to later."""
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as mp,
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        mp.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        yield _seed()
        transaction.set_rollback(True)


def _fingerprint() -> list[tuple]:
    """Everything the seed decides, without the times it stamps (sorted here:
    rows may tie on every column a database could order by)."""
    ideas = Idea.objects.values_list(
        "campaign__slug", "title", "author__username", "status", "vote_count", "comment_count"
    )
    comments = Comment.objects.values_list(
        "idea__title", "author__username", "body", "stance", "status", "parent__body"
    )
    return sorted([*ideas, *comments], key=repr)


@pytest.mark.django_db
def test_seeding_creates_two_brands_four_campaigns_and_a_community(seeded):
    users = get_user_model().objects.count()
    ideas = Idea.objects.count()
    brands, campaigns = Brand.objects.count(), Campaign.objects.count()

    assert (brands, campaigns) == (2, 4)
    assert Campaign.objects.filter(locale=Campaign.Locale.ZH_HANS).count() == 1
    assert users >= 30
    assert ideas >= 100
    assert Vote.objects.count() >= ideas
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert set(Comment.objects.values_list("stance", flat=True)) == set(Comment.Stance.values)


@pytest.mark.django_db
def test_the_chinese_campaign_holds_chinese_ideas(seeded):
    campaign = Campaign.objects.get(locale=Campaign.Locale.ZH_HANS)

    titles = list(campaign.ideas.values_list("title", flat=True))

    assert len(titles) >= 30
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles)


@pytest.mark.django_db
def test_campaign_phases_spread_over_ideas_voting_and_review(seeded):
    phases = set(Campaign.objects.values_list("phase", flat=True))

    assert {Campaign.Phase.IDEAS, Campaign.Phase.VOTING, Campaign.Phase.REVIEW} <= phases
    assert any(c.accepts_ideas for c in Campaign.objects.all())


@pytest.mark.django_db
def test_moderators_find_pending_ideas_and_open_reports(seeded):
    pending = Idea.objects.filter(status=Idea.Status.PENDING).count()
    open_reports = Report.objects.filter(resolved_at__isnull=True).count()

    assert pending >= 1
    assert open_reports >= 2


@pytest.mark.django_db
def test_every_vote_count_equals_the_votes_cast_for_the_idea(seeded):
    mismatched = Idea.objects.annotate(votes_cast=Count("votes")).exclude(vote_count=F("votes_cast"))

    assert not mismatched.exists()


@pytest.mark.django_db
def test_every_comment_count_equals_the_published_comments_on_the_idea(seeded):
    mismatched = Idea.objects.annotate(
        published=Count("comments", filter=Q(comments__status=Comment.Status.PUBLISHED))
    ).exclude(comment_count=F("published"))

    assert not mismatched.exists()


@pytest.mark.django_db
def test_votes_are_skewed_towards_a_few_ideas(seeded):
    for campaign in Campaign.objects.all():
        counts = sorted(campaign.ideas.values_list("vote_count", flat=True), reverse=True)

        assert counts[0] >= 3 * counts[len(counts) // 2]


@pytest.mark.django_db
def test_each_trending_score_matches_its_back_dated_votes_and_comments(seeded):
    for idea in Idea.objects.prefetch_related("votes", "comments"):
        score = ranking.score_initial(idea.created_at)
        for vote in idea.votes.all():
            score = ranking.score_add(score, ranking.W_VOTE, vote.created_at)
        for comment in idea.comments.all():
            if comment.status == Comment.Status.PUBLISHED:
                score = ranking.score_add(score, ranking.W_COMMENT, comment.created_at)

        assert idea.score == pytest.approx(score, rel=1e-9)


@pytest.mark.django_db
def test_activity_is_spread_over_weeks_and_never_precedes_what_it_answers(seeded):
    votes = Vote.objects.select_related("idea")
    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    created = list(Idea.objects.values_list("created_at", flat=True))

    assert max(created) - min(created) > timedelta(seconds=ranking.HALF_LIFE_SECONDS)
    assert all(v.created_at >= v.idea.created_at for v in votes)
    assert all(r.created_at >= r.parent.created_at for r in replies)


@pytest.mark.django_db
def test_the_demo_logins_sign_in_with_the_demo_password(seeded, client):
    merchant = get_user_model().objects.get(username=demo_data.MERCHANT.person.username)
    first_brand = Brand.objects.get(slug=demo_data.BRANDS[0].slug)

    signed_in = client.login(username=demo_data.CUSTOMER.person.username, password=DEMO_PASSWORD)

    assert signed_in
    assert merchant.is_staff
    assert selectors.user_moderates_brand(merchant, first_brand.pk)
    assert get_user_model().objects.get(username=demo_data.ADMIN.person.username).is_superuser


@pytest.mark.django_db
def test_the_logins_are_printed_at_the_end(seeded):
    printed = seeded

    assert DEMO_PASSWORD in printed
    assert all(login.person.username in printed for login in demo_data.LOGINS)


@pytest.mark.django_db
def test_a_second_run_creates_nothing_and_says_so(seeded):
    before = _fingerprint(), Vote.objects.count(), get_user_model().objects.count()

    printed = _seed()

    assert "demo data already present" in printed
    assert (_fingerprint(), Vote.objects.count(), get_user_model().objects.count()) == before


@pytest.mark.django_db
def test_the_same_seed_creates_the_same_community(seeded):
    first = _fingerprint()
    _remove_demo()

    _seed()

    assert _fingerprint() == first
