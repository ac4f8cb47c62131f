from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaigns import events
from campaigns.models import Comment, Idea
from notifications import follows
from notifications import services as notifications
from notifications.models import Follow, Notification, NotificationPreference
from notifications.services import CAMPAIGN_PUBLISHED_KIND
from tests.factories import CommentFactory, IdeaFactory, UserFactory, VoteFactory
from tests.intelligence.factories_intelligence import FollowFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.urls("tests.intelligence.urls")

Frequency = NotificationPreference.Frequency


def _preference(user, frequency=Frequency.DAILY, *, days_ago: float = 1):
    return NotificationPreferenceFactory(
        user=user, frequency=frequency, last_sent_at=timezone.now() - timedelta(days=days_ago)
    )


@pytest.fixture
def follower(idea):
    """Follows `idea` (three days old) and its campaign; last e-mailed two days
    ago, daily digest."""
    three_days_ago = timezone.now() - timedelta(days=3)
    Idea.objects.filter(pk=idea.pk).update(created_at=three_days_ago, updated_at=three_days_ago)
    person = UserFactory()
    _preference(person, days_ago=2)
    FollowFactory(user=person, idea=idea)
    FollowFactory(user=person, idea=None, campaign=idea.campaign)
    return person


# --- hooks: automatic follows ------------------------------------------------------------------


def test_submitting_an_idea_follows_it_and_its_campaign_and_embeds_it_after_commit(
    idea, django_capture_on_commit_callbacks
):
    with mock.patch("intelligence.tasks.idea_embed_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            events.idea_submitted.emit(idea=idea)

    assert Follow.objects.filter(user=idea.author, idea=idea).exists()
    assert Follow.objects.filter(user=idea.author, campaign=idea.campaign).exists()
    delay.assert_called_once_with(idea.pk)


def test_voting_follows_the_idea(idea, user):
    events.vote_cast.emit(vote=VoteFactory(idea=idea, user=user))

    assert Follow.objects.filter(user=user, idea=idea).exists()


def test_commenting_follows_the_idea_and_analyses_the_comment_after_commit(
    idea, user, django_capture_on_commit_callbacks
):
    comment = CommentFactory(idea=idea, author=user)

    with mock.patch("intelligence.tasks.comment_analyse_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            events.comment_added.emit(comment=comment)

    assert Follow.objects.filter(user=user, idea=idea).exists()
    delay.assert_called_once_with(comment.pk)


def test_a_broker_that_is_down_does_not_fail_the_persons_request(
    idea, django_capture_on_commit_callbacks, caplog
):
    with mock.patch(
        "intelligence.tasks.idea_embed_task.delay",
        side_effect=OperationalError("connection refused"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            events.idea_submitted.emit(idea=idea)

    assert "Could not publish intelligence.tasks.idea_embed_task" in caplog.text


def test_following_twice_keeps_one_follow(idea, user):
    follows.follow_add(user=user, idea=idea)
    follows.follow_add(user=user, idea=idea)

    assert Follow.objects.filter(user=user, idea=idea).count() == 1


# --- digests ---------------------------------------------------------------------------------------


def test_the_daily_digest_lists_new_ideas_and_comments_on_what_the_person_follows(idea, follower):
    new_idea = IdeaFactory(campaign=idea.campaign, title="Rain cover in the lid")
    CommentFactory(idea=idea, body="Yes, and make it waterproof.")

    sent = notifications.digests_send(frequency=Frequency.DAILY)

    assert sent == 1
    (message,) = mail.outbox
    assert message.to == [follower.email]
    assert "Rain cover in the lid" in message.body
    assert new_idea.get_absolute_url() in message.body
    assert "Yes, and make it waterproof." in message.body


def test_the_digest_leaves_out_the_persons_own_activity_and_what_the_public_cannot_see(idea, follower):
    IdeaFactory(campaign=idea.campaign, author=follower, title="My own idea")
    IdeaFactory(campaign=idea.campaign, title="Still pending", status=Idea.Status.PENDING)
    CommentFactory(idea=idea, body="A hidden comment", status=Comment.Status.HIDDEN)
    CommentFactory(idea=idea, body="Something new")

    notifications.digests_send(frequency=Frequency.DAILY)

    body = mail.outbox[0].body
    assert "Something new" in body
    assert "My own idea" not in body
    assert "Still pending" not in body
    assert "A hidden comment" not in body


def test_text_e_mails_are_not_html_escaped(idea, follower):
    IdeaFactory(campaign=idea.campaign, title="Pockets & straps")

    notifications.digests_send(frequency=Frequency.DAILY)

    assert "Pockets & straps" in mail.outbox[0].body


def test_nothing_new_means_no_e_mail(idea, follower):
    assert notifications.digests_send(frequency=Frequency.DAILY) == 0
    assert mail.outbox == []


def test_a_digest_is_not_sent_twice_for_the_same_period(idea, follower):
    CommentFactory(idea=idea, body="Something new")
    notifications.digests_send(frequency=Frequency.DAILY)

    notifications.digests_send(frequency=Frequency.DAILY)

    assert len(mail.outbox) == 1


def test_the_daily_run_skips_weekly_and_never_people(idea):
    for frequency in (Frequency.WEEKLY, Frequency.NEVER):
        person = UserFactory()
        _preference(person, frequency, days_ago=2)
        FollowFactory(user=person, idea=idea)
    CommentFactory(idea=idea)

    notifications.digests_send(frequency=Frequency.DAILY)

    assert mail.outbox == []


def test_a_weekly_digest_waits_for_its_week(idea):
    person = UserFactory()
    _preference(person, Frequency.WEEKLY, days_ago=3)
    FollowFactory(user=person, idea=idea)
    CommentFactory(idea=idea)

    assert notifications.digests_send(frequency=Frequency.WEEKLY) == 0

    NotificationPreference.objects.filter(user=person).update(last_sent_at=timezone.now() - timedelta(days=7))
    assert notifications.digests_send(frequency=Frequency.WEEKLY) == 1


def test_immediately_sends_activity_at_the_next_short_interval(idea, settings):
    person = UserFactory()
    NotificationPreferenceFactory(
        user=person,
        frequency=Frequency.IMMEDIATELY,
        last_sent_at=timezone.now() - timedelta(seconds=settings.DIGEST_IMMEDIATE_INTERVAL_SECONDS),
    )
    FollowFactory(user=person, idea=idea)
    CommentFactory(idea=idea, body="Just posted")

    notifications.digests_send(frequency=Frequency.IMMEDIATELY)

    assert "Just posted" in mail.outbox[0].body


def test_every_e_mail_carries_a_one_click_unsubscribe_header(idea, follower):
    CommentFactory(idea=idea)

    notifications.digests_send(frequency=Frequency.DAILY)

    headers = mail.outbox[0].extra_headers
    # The token is signed with a timestamp: one made now may differ from the
    # e-mail's by a second, so the header is checked for whom it unsubscribes.
    link = re.fullmatch(r"<(http://[^>]+/)>", headers["List-Unsubscribe"])
    expected_start = notifications.unsubscribe_url(follower.pk).rsplit("/", 2)[0]
    assert link and link.group(1).startswith(expected_start + "/")
    assert notifications.unsubscribe_user(link.group(1).rstrip("/").rsplit("/", 1)[1]) == follower
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_failed_send_gives_the_period_back_for_the_next_run(idea, follower):
    CommentFactory(idea=idea, body="Something new")
    before = NotificationPreference.objects.get(user=follower).last_sent_at

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        assert notifications.digests_send(frequency=Frequency.DAILY) == 0

    assert NotificationPreference.objects.get(user=follower).last_sent_at == before


# --- unsubscribe and preferences --------------------------------------------------------------------


def test_the_unsubscribe_link_asks_for_confirmation_without_logging_in(user):
    response = Client().get(notifications.unsubscribe_url(user.pk))

    assert response.status_code == 200
    assert b"Unsubscribe" in response.content
    assert follows.preference_for(user).frequency == Frequency.DAILY


def test_confirming_unsubscribes_without_logging_in_or_a_csrf_token(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(notifications.unsubscribe_url(user.pk))

    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user).frequency == Frequency.NEVER


def test_a_mail_clients_one_click_post_unsubscribes(user):
    client = Client(enforce_csrf_checks=True)

    client.post(
        notifications.unsubscribe_url(user.pk),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert NotificationPreference.objects.get(user=user).frequency == Frequency.NEVER


def test_a_tampered_unsubscribe_token_is_refused(client, user):
    token = notifications.unsubscribe_token(user.pk)

    response = client.post(reverse("notifications:unsubscribe", kwargs={"token": token[:-2] + "xx"}))

    assert response.status_code == 404
    assert not NotificationPreference.objects.filter(user=user, frequency=Frequency.NEVER).exists()


def test_the_preferences_page_needs_a_login(client):
    response = client.get(reverse("notifications:preferences"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_person_chooses_a_weekly_digest(client, user):
    client.force_login(user)

    response = client.post(reverse("notifications:preferences"), {"frequency": Frequency.WEEKLY})

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).frequency == Frequency.WEEKLY


def test_an_unknown_frequency_is_refused(client, user):
    client.force_login(user)

    response = client.post(reverse("notifications:preferences"), {"frequency": "hourly"})

    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=user, frequency="hourly").exists()


def test_the_preferences_page_lists_what_the_person_follows(client, user, idea):
    FollowFactory(user=user, idea=idea)
    client.force_login(user)

    response = client.get(reverse("notifications:preferences"))

    assert idea.title in response.content.decode()


def test_unfollowing_from_the_site(client, user, idea):
    FollowFactory(user=user, idea=idea)
    client.force_login(user)

    response = client.post(reverse("notifications:follow"), {"target": "idea", "pk": idea.pk})

    assert response.status_code == 302
    assert not Follow.objects.filter(user=user, idea=idea).exists()


def test_a_hidden_idea_cannot_be_followed(client, user, campaign):
    hidden = IdeaFactory(campaign=campaign, status=Idea.Status.HIDDEN)
    client.force_login(user)

    response = client.post(
        reverse("notifications:follow"), {"target": "idea", "pk": hidden.pk, "follow": "on"}
    )

    assert response.status_code == 404
    assert not Follow.objects.filter(user=user).exists()


# --- personal messages ----------------------------------------------------------------------------


def test_everyone_who_took_part_hears_that_the_campaign_published(idea, django_capture_on_commit_callbacks):
    voter, commenter, unsubscribed = UserFactory.create_batch(3)
    VoteFactory(idea=idea, user=voter)
    CommentFactory(idea=idea, author=commenter)
    VoteFactory(idea=idea, user=unsubscribed)
    _preference(unsubscribed, Frequency.NEVER)

    with mock.patch("notifications.tasks.personal_emails_send_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            count = notifications.campaign_published_notify(idea.campaign, "/c/backpack/#text")
    notifications.personal_emails_send(notification_ids=delay.call_args.args[0])

    assert count == 4  # the idea's author, the two voters, the commenter
    assert Notification.objects.filter(kind=CAMPAIGN_PUBLISHED_KIND).count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (idea.author, voter, commenter))
    assert "http://127.0.0.1:8000/c/backpack/#text" in mail.outbox[0].body


def test_people_already_told_otherwise_are_left_out(idea, django_capture_on_commit_callbacks):
    voter = UserFactory()
    VoteFactory(idea=idea, user=voter)

    count = notifications.campaign_published_notify(idea.campaign, "/c/x/", exclude_user_ids=[idea.author_id])

    assert count == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [voter.pk]
