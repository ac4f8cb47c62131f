from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import account_delete
from campaigns import ranking, services
from campaigns.models import BrandBlock, Campaign, Comment, Idea, ModerationAction, TrustedAuthor, Vote
from core.exceptions import (
    AlreadyReported,
    AlreadyVoted,
    Blocked,
    InvalidTransition,
    NotAllowed,
    NotFound,
    NotVoted,
    PhaseClosed,
    VoteLimitReached,
)
from notifications.models import Notification
from notifications.services import notification_create
from tests.factories import CampaignFactory, CommentFactory, IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def submit(campaign, author, **kwargs):
    defaults = {"title": "Side pocket for bottles", "body": "Two stretchy side pockets."}
    return services.idea_submit(campaign=campaign, author=author, **{**defaults, **kwargs})


# --- idea_submit ---------------------------------------------------------------------


def test_a_submitted_idea_is_published_at_once_without_premoderation(campaign, user):
    idea = submit(campaign, user, consent_ai=True, consent_credit=True)

    assert idea.status == Idea.Status.PUBLISHED
    assert (idea.consent_quote, idea.consent_ai, idea.consent_credit) == (False, True, True)
    assert idea.score == pytest.approx(ranking.score_initial(idea.created_at))


def test_a_new_contributor_waits_for_moderation_under_the_new_users_policy(brand, user):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.NEW_USERS)

    assert submit(campaign, user).status == Idea.Status.PENDING


def test_a_contributor_with_published_content_skips_the_new_users_queue(brand, user):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.NEW_USERS)
    IdeaFactory(campaign=CampaignFactory(brand=brand), author=user)

    assert submit(campaign, user).status == Idea.Status.PUBLISHED


def test_a_trusted_author_skips_the_new_users_queue(brand, user):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.NEW_USERS)
    TrustedAuthor.objects.create(brand=brand, user=user)

    assert submit(campaign, user).status == Idea.Status.PUBLISHED


def test_everything_waits_under_the_all_policy_except_the_brands_moderators(brand, user, moderator):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.ALL)
    IdeaFactory(campaign=campaign, author=user)

    assert submit(campaign, user).status == Idea.Status.PENDING
    assert submit(campaign, moderator).status == Idea.Status.PUBLISHED


@pytest.mark.parametrize("phase", ["draft", "voting", "review", "closed"])
def test_ideas_are_refused_outside_the_ideas_phase(brand, user, phase):
    campaign = CampaignFactory(brand=brand, phase=phase)

    with pytest.raises(PhaseClosed, match="not collecting ideas"):
        submit(campaign, user)
    assert not Idea.objects.exists()


def test_ideas_are_refused_after_the_deadline(brand, user):
    campaign = CampaignFactory(
        brand=brand,
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(minutes=1),
    )

    with pytest.raises(PhaseClosed):
        submit(campaign, user)


def test_a_blocked_user_cannot_submit(campaign, user):
    BrandBlock.objects.create(brand=campaign.brand, user=user)

    with pytest.raises(Blocked):
        submit(campaign, user)


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "x" * 141), ("body", "x" * 5001), ("title", "   "), ("body", ""), ("title", "abc")],
)
def test_oversized_or_empty_text_is_refused_and_nothing_is_saved(campaign, user, field, value):
    with pytest.raises(ValidationError) as excinfo:
        submit(campaign, user, **{field: value})

    assert field in excinfo.value.message_dict
    assert not Idea.objects.exists()


def test_an_author_can_edit_only_their_own_pending_idea(campaign, user, other_user):
    idea = IdeaFactory(campaign=campaign, author=user, status=Idea.Status.PENDING)

    services.idea_update(idea=idea, user=user, title="A better title", body="Now with details.")
    with pytest.raises(NotAllowed):
        services.idea_update(idea=idea, user=other_user, title="Hijacked title", body="x" * 10)

    idea.refresh_from_db()
    assert idea.title == "A better title"


# --- votes ----------------------------------------------------------------------------


def test_a_vote_counts_once_and_raises_the_trending_score(idea, user):
    before = idea.score

    services.vote_cast(idea=idea, user=user)

    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert idea.score > before


def test_a_second_vote_by_the_same_person_is_a_friendly_refusal(idea, user):
    services.vote_cast(idea=idea, user=user)

    with pytest.raises(AlreadyVoted, match="already voted"):
        services.vote_cast(idea=idea, user=user)

    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert Vote.objects.count() == 1


def test_withdrawing_a_vote_restores_count_and_score(idea, user):
    before = idea.score
    services.vote_cast(idea=idea, user=user)

    services.vote_withdraw(idea=idea, user=user)

    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert idea.score == pytest.approx(before)
    with pytest.raises(NotVoted):
        services.vote_withdraw(idea=idea, user=user)


@pytest.mark.parametrize("phase", ["review", "closed"])
def test_votes_are_refused_when_the_campaign_is_not_voting(brand, user, phase):
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase=phase))

    with pytest.raises(PhaseClosed, match="Voting is closed"):
        services.vote_cast(idea=idea, user=user)


def test_votes_on_a_draft_campaign_are_refused_as_if_it_did_not_exist(brand, user):
    # A draft campaign is not public (campaigns/visibility.py): its ideas are
    # not found rather than closed, which would tell that the campaign exists.
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase="draft"))

    with pytest.raises(NotFound):
        services.vote_cast(idea=idea, user=user)


def test_votes_are_refused_on_ideas_that_are_not_public(campaign, user):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    with pytest.raises(NotFound):
        services.vote_cast(idea=idea, user=user)


def test_the_vote_limit_is_enforced_per_campaign(brand, user):
    campaign = CampaignFactory(brand=brand, vote_limit=2)
    ideas = IdeaFactory.create_batch(3, campaign=campaign)
    elsewhere = IdeaFactory(campaign=CampaignFactory(brand=brand))
    services.vote_cast(idea=ideas[0], user=user)
    services.vote_cast(idea=ideas[1], user=user)

    with pytest.raises(VoteLimitReached, match="all 2"):
        services.vote_cast(idea=ideas[2], user=user)
    services.vote_cast(idea=elsewhere, user=user)  # other campaigns are not affected

    services.vote_withdraw(idea=ideas[0], user=user)
    services.vote_cast(idea=ideas[2], user=user)
    assert Vote.objects.filter(user=user, idea__campaign=campaign).count() == 2


# --- comments ----------------------------------------------------------------------------


def test_a_comment_updates_the_count_and_notifies_the_idea_author(idea, user):
    comment = services.comment_add(idea=idea, author=user, body="Love it", stance="for")

    idea.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert idea.comment_count == 1
    assert Notification.objects.filter(
        user=idea.author, kind=Notification.Kind.NEW_COMMENT, comment=comment
    ).exists()


def test_a_reply_is_threaded_and_notifies_the_parent_author(idea, user, other_user):
    parent = services.comment_add(idea=idea, author=user, body="Needs a rain cover", stance="neutral")

    reply = services.comment_add(idea=idea, author=other_user, body="Agreed!", stance="for", parent=parent)

    assert (reply.parent_id, reply.depth) == (parent.pk, 1)
    assert Notification.objects.filter(user=user, kind=Notification.Kind.NEW_REPLY).count() == 1


def test_replies_past_the_maximum_depth_stay_at_the_deepest_level(idea, user, settings):
    settings.COMMENT_MAX_DEPTH = 2
    c0 = services.comment_add(idea=idea, author=user, body="level zero")
    c1 = services.comment_add(idea=idea, author=user, body="level one", parent=c0)
    c2 = services.comment_add(idea=idea, author=user, body="level two", parent=c1)

    c3 = services.comment_add(idea=idea, author=user, body="level three?", parent=c2)

    assert c3.depth == 2
    assert c3.parent_id == c1.pk


def test_a_reply_must_belong_to_the_same_idea(campaign, user):
    other = CommentFactory(idea=IdeaFactory(campaign=campaign))

    with pytest.raises(NotAllowed):
        services.comment_add(idea=IdeaFactory(campaign=campaign), author=user, body="hi there", parent=other)


def test_comments_are_refused_when_the_campaign_is_closed(brand, user):
    idea = IdeaFactory(campaign=CampaignFactory(brand=brand, phase=Campaign.Phase.CLOSED))

    with pytest.raises(PhaseClosed):
        services.comment_add(idea=idea, author=user, body="too late")


def test_a_pending_comment_does_not_count_until_approved(brand, user, moderator):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.ALL)
    idea = IdeaFactory(campaign=campaign)
    comment = services.comment_add(idea=idea, author=user, body="First!")
    idea.refresh_from_db()
    assert (comment.status, idea.comment_count) == (Comment.Status.PENDING, 0)

    services.comment_moderate(comment=comment, actor=moderator, action=ModerationAction.Action.APPROVE)

    idea.refresh_from_db()
    assert idea.comment_count == 1


# --- moderation ------------------------------------------------------------------------------


def test_approving_publishes_records_the_action_and_notifies(campaign, moderator):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    services.idea_moderate(idea=idea, actor=moderator, action=ModerationAction.Action.APPROVE)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.PUBLISHED
    assert ModerationAction.objects.filter(idea=idea, actor=moderator, action="approve").exists()
    assert Notification.objects.filter(user=idea.author, kind=Notification.Kind.IDEA_PUBLISHED).exists()


def test_approve_and_trust_lets_the_authors_next_idea_skip_the_queue(brand, moderator, user):
    campaign = CampaignFactory(brand=brand, moderation_policy=Campaign.ModerationPolicy.ALL)
    first = submit(campaign, user)
    services.idea_moderate(idea=first, actor=moderator, action=ModerationAction.Action.APPROVE_TRUST)
    campaign.moderation_policy = Campaign.ModerationPolicy.NEW_USERS
    campaign.save()

    assert submit(campaign, user, title="Second idea here").status == Idea.Status.PUBLISHED


def test_decline_and_block_stops_the_author_taking_part(campaign, moderator):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    services.idea_moderate(idea=idea, actor=moderator, action=ModerationAction.Action.DECLINE_BLOCK)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.DECLINED
    with pytest.raises(Blocked):
        submit(campaign, idea.author)
    with pytest.raises(Blocked):
        services.vote_cast(idea=IdeaFactory(campaign=campaign), user=idea.author)


def test_a_moderator_of_another_brand_cannot_moderate(idea, other_moderator):
    with pytest.raises(NotAllowed):
        services.idea_moderate(idea=idea, actor=other_moderator, action=ModerationAction.Action.HIDE)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.PUBLISHED


def test_an_unknown_moderation_action_is_refused(idea, moderator):
    with pytest.raises(InvalidTransition):
        services.idea_moderate(idea=idea, actor=moderator, action="delete_everything")


# --- reports ------------------------------------------------------------------------------------


def test_reporting_twice_is_refused(idea, user):
    services.report_file(reporter=user, idea=idea, reason="spam")

    with pytest.raises(AlreadyReported):
        services.report_file(reporter=user, idea=idea, reason="spam")


def test_content_is_hidden_after_the_threshold_of_distinct_reporters(idea, settings):
    settings.REPORT_AUTOHIDE_THRESHOLD = 3
    reporters = UserFactory.create_batch(3)
    for reporter in reporters[:2]:
        services.report_file(reporter=reporter, idea=idea, reason="offensive")
    idea.refresh_from_db()
    assert idea.status == Idea.Status.PUBLISHED

    services.report_file(reporter=reporters[2], idea=idea, reason="offensive")

    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN
    assert ModerationAction.objects.filter(idea=idea, action="auto_hide", actor=None).exists()


def test_a_reported_comment_is_hidden_and_uncounted_at_the_threshold(idea, user, settings):
    settings.REPORT_AUTOHIDE_THRESHOLD = 2
    comment = services.comment_add(idea=idea, author=user, body="buy pills at spam.example")
    for reporter in UserFactory.create_batch(2):
        services.report_file(reporter=reporter, comment=comment, reason="spam")

    comment.refresh_from_db()
    idea.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert idea.comment_count == 0


def test_dismissing_reports_resolves_them(idea, user, moderator):
    report = services.report_file(reporter=user, idea=idea, reason="spam")

    assert services.reports_dismiss(reports=[report], actor=moderator) == 1

    report.refresh_from_db()
    assert report.resolved_by == moderator


def test_dismissing_the_reports_restores_auto_hidden_content(idea, moderator, settings):
    settings.REPORT_AUTOHIDE_THRESHOLD = 2
    reports = [
        services.report_file(reporter=reporter, idea=idea, reason="spam")
        for reporter in UserFactory.create_batch(2)
    ]
    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN

    services.reports_dismiss(reports=reports, actor=moderator)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.PUBLISHED


def test_dismissing_reports_does_not_undo_a_moderators_hide(idea, user, moderator):
    report = services.report_file(reporter=user, idea=idea, reason="spam")
    services.idea_moderate(idea=idea, actor=moderator, action=ModerationAction.Action.HIDE)
    report.refresh_from_db()
    report.resolved_at = None
    report.save()

    services.reports_dismiss(reports=[report], actor=moderator)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.HIDDEN


def test_a_report_with_an_unknown_reason_is_refused(idea, user):
    with pytest.raises(NotAllowed):
        services.report_file(reporter=user, idea=idea, reason="i-dont-like-it")


# --- campaign phases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("draft", "ideas", True),
        ("ideas", "voting", True),
        ("ideas", "closed", True),
        ("voting", "ideas", True),
        ("review", "closed", True),
        ("closed", "review", True),
        ("closed", "ideas", False),
        ("review", "ideas", False),
        ("voting", "draft", False),
    ],
)
def test_phase_changes_follow_the_rules(brand, moderator, old, new, allowed):
    campaign = CampaignFactory(brand=brand, phase=old)

    if allowed:
        services.campaign_set_phase(campaign=campaign, phase=new, actor=moderator)
    else:
        with pytest.raises(InvalidTransition):
            services.campaign_set_phase(campaign=campaign, phase=new, actor=moderator)

    campaign.refresh_from_db()
    assert campaign.phase == (new if allowed else old)


def test_a_phase_change_is_audited_and_needs_a_moderator_of_the_brand(campaign, moderator, other_moderator):
    with pytest.raises(NotAllowed):
        services.campaign_set_phase(campaign=campaign, phase="voting", actor=other_moderator)

    services.campaign_set_phase(campaign=campaign, phase="voting", actor=moderator)

    assert ModerationAction.objects.get(action="phase").detail == "ideas -> voting"


# --- accounts ---------------------------------------------------------------------------------------


def test_deleting_an_account_keeps_ideas_and_votes_but_erases_identity(campaign, user):
    idea = submit(campaign, user)
    other_idea = IdeaFactory(campaign=campaign)
    services.vote_cast(idea=other_idea, user=user)
    notification_create(user_id=user.pk, kind=Notification.Kind.NEW_COMMENT)

    account_delete(user=user)

    user.refresh_from_db()
    other_idea.refresh_from_db()
    assert user.username.startswith("deleted-")
    assert (user.email, user.is_active, user.has_usable_password()) == ("", False, False)
    assert Idea.objects.filter(pk=idea.pk, author=user).exists()
    assert other_idea.vote_count == 1
    assert not Notification.objects.filter(user=user).exists()


def test_adopting_ideas_notifies_their_authors_in_app_and_by_email(
    campaign, mailoutbox, django_capture_on_commit_callbacks, inline_tasks
):
    idea = IdeaFactory(campaign=campaign)
    pending = IdeaFactory(campaign=campaign, status=Idea.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        adopted = services.ideas_adopt(
            ideas=[idea, pending], message="Your idea shaped our copy", url="/c/x/"
        )

    idea.refresh_from_db()
    assert adopted == [idea.pk]
    assert idea.status == Idea.Status.ADOPTED
    assert Notification.objects.filter(user=idea.author, kind=Notification.Kind.IDEA_ADOPTED).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [idea.author.email]
    assert "Your idea shaped our copy" in mailoutbox[0].body
    # The one mailer: every personal e-mail can be unsubscribed from in one click.
    assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_people_who_chose_never_get_no_email_but_still_the_in_app_message(
    campaign, mailoutbox, django_capture_on_commit_callbacks, inline_tasks
):
    from notifications.models import NotificationPreference

    idea = IdeaFactory(campaign=campaign)
    NotificationPreference.objects.create(user=idea.author, frequency=NotificationPreference.Frequency.NEVER)

    with django_capture_on_commit_callbacks(execute=True):
        services.ideas_adopt(ideas=[idea], message="Your idea shaped our copy", url="/c/x/")

    assert Notification.objects.filter(user=idea.author, kind=Notification.Kind.IDEA_ADOPTED).exists()
    assert mailoutbox == []
