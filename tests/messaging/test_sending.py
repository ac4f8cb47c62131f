"""Message campaigns end to end with a fake model: consent, the control
group, the shared cap, idempotent and resumable sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from campaigns.models import Idea
from messaging import consent, services
from messaging.api.views import MessageCampaignResults
from messaging.models import ConsentEvent, MessageCampaign, Recipient
from notifications.email_cap import EmailKind, email_cap_allows, email_cap_claim
from notifications.models import Notification
from tests.factories import CampaignFactory, IdeaFactory, MessageCampaignFactory, UserFactory, VoteFactory

Skip = Recipient.SkipReason
PREFS = ConsentEvent.Source.PREFERENCES


def _approved(mc: MessageCampaign, staff) -> MessageCampaign:
    services.message_campaign_preview(message_campaign=mc)
    services.message_campaign_approve(message_campaign=mc, user=staff)
    return mc


def _run(mc: MessageCampaign, generator, claim: str = "worker-1") -> None:
    services.message_campaigns_due()
    services.campaign_prepare(message_campaign_id=mc.pk, generator=generator, claim=claim)
    while services.campaign_send(message_campaign_id=mc.pk):
        pass


def _voter(adopted, *, consented: bool):
    voter = UserFactory()
    VoteFactory(idea=adopted, user=voter)
    if consented:
        consent.consent_set(user=voter, brand=adopted.campaign.brand, granted=True, source=PREFS)
    return voter


@pytest.mark.django_db
def test_it_sends_only_to_people_who_consented_to_that_brand(adopted, generator, moderator):
    yes, no = _voter(adopted, consented=True), _voter(adopted, consented=False)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)

    _run(mc, generator)

    assert [m.to for m in mail.outbox] == [[yes.email]]
    assert Recipient.objects.get(user=no).skip_reason == Skip.NO_CONSENT


@pytest.mark.django_db
def test_a_sent_message_states_a_verified_fact_and_carries_one_click_unsubscribe(
    adopted, generator, moderator
):
    _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)

    _run(mc, generator)

    message = mail.outbox[0]
    assert "You voted for quiet buckles" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/m/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert Recipient.objects.get(status=Recipient.Status.SENT).line_origin == Recipient.LineOrigin.MODEL


@pytest.mark.django_db
def test_nothing_is_sent_before_approval(adopted, generator):
    _voter(adopted, consented=True)
    mc = MessageCampaignFactory(campaign=adopted.campaign)
    services.message_campaign_preview(message_campaign=mc)

    _run(mc, generator)

    assert mail.outbox == []
    assert not Recipient.objects.filter(status=Recipient.Status.SENT).exists()


@pytest.mark.django_db
def test_a_withdrawal_after_preparation_stops_the_send(adopted, generator, moderator):
    voter = _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)
    services.message_campaigns_due()
    services.campaign_prepare(message_campaign_id=mc.pk, generator=generator, claim="w")

    consent.unsubscribe(consent.unsubscribe_token(user_id=voter.pk, brand_id=mc.brand_id), source="one_click")
    services.campaign_send(message_campaign_id=mc.pk)

    assert mail.outbox == []
    assert Recipient.objects.get(user=voter).skip_reason == Skip.UNSUBSCRIBED


@pytest.mark.django_db
def test_the_cap_is_shared_with_digests_and_a_capped_message_is_skipped_not_queued(
    adopted, generator, moderator
):
    voter = _voter(adopted, consented=True)
    assert email_cap_claim(voter, EmailKind.DIGEST) is not None  # a digest went out just now
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)

    _run(mc, generator)

    assert mail.outbox == []
    assert Recipient.objects.get(user=voter).skip_reason == Skip.CAPPED
    assert MessageCampaign.objects.get().status == MessageCampaign.Status.DONE


@pytest.mark.django_db
def test_a_marketing_email_caps_the_next_digest(adopted, generator, moderator):
    voter = _voter(adopted, consented=True)
    _run(_approved(MessageCampaignFactory(campaign=adopted.campaign), moderator), generator)

    assert not email_cap_allows(voter, EmailKind.DIGEST)
    assert email_cap_allows(voter, EmailKind.DIGEST, now=timezone.now() + timedelta(hours=17))
    assert email_cap_allows(voter, EmailKind.SERVICE)


@pytest.mark.django_db
def test_the_control_group_gets_nothing_and_is_counted(adopted, generator, moderator):
    for _ in range(20):
        _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign, control_share=50), moderator)

    _run(mc, generator)

    control = Recipient.objects.filter(in_control=True).exclude(user=adopted.author)
    assert control.exists()
    assert set(control.values_list("skip_reason", flat=True)) == {Skip.CONTROL_GROUP}
    consented = Recipient.objects.filter(in_control=False).exclude(user=adopted.author)
    assert len(mail.outbox) == consented.count()


@pytest.mark.django_db
def test_a_worker_killed_between_claim_and_send_is_resumed_without_duplicates(
    adopted, generator, moderator, settings
):
    """In-process simulation of a crash: a chunk claimed by a worker that
    died (its claim goes stale) is taken over by the next run."""
    settings.MESSAGING_CLAIM_CHUNK = 3
    for _ in range(7):
        _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)
    services.message_campaigns_due()
    dead = services.recipients_claim(message_campaign_id=mc.pk, claim="dead-worker")
    assert len(dead) == 3
    Recipient.objects.filter(claim="dead-worker").update(claimed_at=timezone.now() - timedelta(hours=1))

    _run(mc, generator, claim="second-worker")
    _run(mc, generator, claim="redelivered")

    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 7  # the idea's author did not consent
    assert MessageCampaign.objects.get().status == MessageCampaign.Status.DONE


@pytest.mark.django_db
def test_a_recipient_is_sent_at_most_once_however_often_the_send_runs(adopted, generator, moderator):
    voter = _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign), moderator)
    services.message_campaigns_due()
    services.campaign_prepare(message_campaign_id=mc.pk, generator=generator, claim="w")
    pk = Recipient.objects.get(user=voter).pk

    outcomes = [services.recipient_send(recipient_id=pk) for _ in range(3)]

    assert outcomes == ["sent", "", ""]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_in_app_message_lands_in_the_inbox(adopted, generator, moderator):
    voter = _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign, channel="in_app"), moderator)

    _run(mc, generator)

    assert Notification.objects.get(user=voter, kind=Notification.Kind.MARKETING).message.startswith(
        "You voted"
    )


EVENTS = st.lists(
    st.tuples(st.sampled_from(["grant", "withdraw", "digest", "nothing"]), st.integers(0, 5)), max_size=12
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=6),
    before=EVENTS,
    between=EVENTS,
    control=st.sampled_from([0, 30, 50]),
)
@pytest.mark.django_db
def test_no_send_ever_breaks_consent_unsubscribe_cap_or_control(
    adopted, generator, moderator, people, before, between, control
):
    """Generated audiences and event orders, before preparation and between
    preparation and sending: every e-mail goes to someone who consents now,
    never unsubscribed since, not in the control group, and not over the cap."""
    mail.outbox.clear()
    # A fresh campaign per example: the database is not reset between examples.
    adopted = IdeaFactory(campaign=CampaignFactory(brand=adopted.campaign.brand), status=Idea.Status.ADOPTED)
    brand = adopted.campaign.brand
    users = [_voter(adopted, consented=granted) for granted, _ in people]
    for user, (_, digested) in zip(users, people, strict=True):
        if digested:
            email_cap_claim(user, EmailKind.DIGEST, now=timezone.now() - timedelta(hours=20))

    def play(events):
        for kind, index in events:
            user = users[index % len(users)]
            if kind == "grant":
                consent.consent_set(user=user, brand=brand, granted=True, source=PREFS)
            elif kind == "withdraw":
                consent.unsubscribe(
                    consent.unsubscribe_token(user_id=user.pk, brand_id=brand.pk), source="one_click"
                )
            elif kind == "digest":
                email_cap_claim(user, EmailKind.DIGEST)

    play(before)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign, control_share=control), moderator)
    services.message_campaigns_due()
    services.campaign_prepare(message_campaign_id=mc.pk, generator=generator, claim="w")
    play(between)
    stamps_before_send = {u.pk: email_cap_allows(u, EmailKind.MARKETING) for u in users}
    while services.campaign_send(message_campaign_id=mc.pk):
        pass

    by_email = {u.email: u for u in users}
    sent_to = [by_email[m.to[0]] for m in mail.outbox]
    assert len(sent_to) == len(set(sent_to))
    for user in sent_to:
        recipient = Recipient.objects.get(message_campaign=mc, user=user)
        assert not recipient.in_control
        assert consent.consented_user_ids(brand.pk, [user.pk]) == {user.pk}
        assert stamps_before_send[user.pk]
    for recipient in Recipient.objects.filter(message_campaign=mc).exclude(status=Recipient.Status.SENT):
        assert recipient.skip_reason, recipient


def _prepared(adopted, generator, staff, **campaign) -> tuple[MessageCampaign, Recipient]:
    voter = _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign, **campaign), staff)
    services.message_campaigns_due()
    services.campaign_prepare(message_campaign_id=mc.pk, generator=generator, claim="w")
    return mc, Recipient.objects.get(user=voter)


@pytest.mark.django_db
def test_a_send_cut_off_midway_is_marked_failed_and_never_sent_again(adopted, generator, moderator):
    """The worker died after it took the row for sending: whether the e-mail
    left is unknown, so the row is failed (at most once), not resent."""
    mc, recipient = _prepared(adopted, generator, moderator)
    died = timezone.now() - timedelta(hours=1)
    Recipient.objects.filter(pk=recipient.pk).update(status=Recipient.Status.SENDING, claimed_at=died)

    services.campaign_send(message_campaign_id=mc.pk)
    again = services.recipient_send(recipient_id=recipient.pk)

    recipient.refresh_from_db()
    assert (recipient.status, recipient.error) == (Recipient.Status.FAILED, "interrupted while sending")
    assert again == ""
    assert mail.outbox == []
    assert MessageCampaign.objects.get().status == MessageCampaign.Status.DONE


@pytest.mark.django_db
def test_a_send_still_in_flight_is_not_failed_while_its_worker_may_be_alive(adopted, generator, moderator):
    mc, recipient = _prepared(adopted, generator, moderator)
    Recipient.objects.filter(pk=recipient.pk).update(
        status=Recipient.Status.SENDING, claimed_at=timezone.now()
    )

    services.campaign_send(message_campaign_id=mc.pk)

    assert Recipient.objects.get(pk=recipient.pk).status == Recipient.Status.SENDING
    assert MessageCampaign.objects.get().status == MessageCampaign.Status.SENDING


@pytest.mark.django_db
def test_the_merchants_results_page_says_a_failed_message_may_not_have_been_delivered(
    client, adopted, generator, moderator
):
    mc, recipient = _prepared(adopted, generator, moderator)
    died = timezone.now() - timedelta(hours=1)
    Recipient.objects.filter(pk=recipient.pk).update(status=Recipient.Status.SENDING, claimed_at=died)
    services.campaign_send(message_campaign_id=mc.pk)
    client.force_login(moderator)

    page = client.get(reverse("admin:messaging_messagecampaign_change", args=[mc.pk])).content.decode()

    assert "failed (may not have been delivered): 1" in page
    assert "not sent again" in page
    assert "skipped: No consent: 1" in page  # the idea's author, who never consented


@pytest.mark.django_db
def test_a_signed_click_link_counts_the_first_click_and_opens_the_campaign(
    client, adopted, generator, moderator
):
    mc, recipient = _prepared(adopted, generator, moderator)
    link = services.click_url(recipient.pk)
    path = link.removeprefix(settings.SITE_URL.rstrip("/"))

    first = client.get(path)
    clicked_at = Recipient.objects.get(pk=recipient.pk).clicked_at
    client.get(path)

    assert first.status_code == 302
    assert first["Location"] == adopted.campaign.get_absolute_url()
    assert clicked_at is not None
    assert Recipient.objects.get(pk=recipient.pk).clicked_at == clicked_at


@pytest.mark.django_db
def test_a_click_link_for_another_recipient_cannot_be_forged(client, adopted, generator, moderator):
    mc, recipient = _prepared(adopted, generator, moderator)
    token = services.click_url(recipient.pk).rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps(recipient.pk, salt="another.salt", compress=True)

    tampered = client.get(reverse("messaging:click", kwargs={"token": token[:-2] + "xx"}))
    other_salt = client.get(reverse("messaging:click", kwargs={"token": forged}))

    assert (tampered.status_code, other_salt.status_code) == (400, 400)
    assert Recipient.objects.get(pk=recipient.pk).clicked_at is None


@pytest.mark.django_db
def test_the_results_api_counts_sent_skipped_failed_clicks_and_lift(adopted, generator, moderator):
    for _ in range(3):
        _voter(adopted, consented=True)
    mc = _approved(MessageCampaignFactory(campaign=adopted.campaign, control_share=0), moderator)
    _run(mc, generator)
    first = Recipient.objects.filter(status=Recipient.Status.SENT).first()
    services.click_record(services.click_url(first.pk).rstrip("/").rsplit("/", 1)[1])
    api = APIClient()
    api.force_authenticate(moderator)

    results = api.get(reverse("api:messaging-results", kwargs={"brand": mc.brand.slug, "pk": mc.pk})).json()

    assert (results["sent"], results["failed"], results["clicks"]) == (3, 0, 1)
    assert results["skipped"] == {Skip.NO_CONSENT: 1}
    assert results["line_origins"] == {Recipient.LineOrigin.MODEL: 3}
    assert results["lift"] is None  # no control group, nothing to compare with
    assert set(results) == set(MessageCampaignResults.fields)  # every result documented, nothing else


@pytest.mark.django_db
def test_the_preview_sample_has_at_least_ten_and_every_segment_and_language(adopted, moderator):
    consent.consent_set(user=adopted.author, brand=adopted.campaign.brand, granted=True, source=PREFS)
    for _ in range(14):
        _voter(adopted, consented=True)
    for _ in range(2):
        consent.consent_set(
            user=_voter(adopted, consented=False),
            brand=adopted.campaign.brand,
            granted=True,
            source=PREFS,
            language="zh-hans",
        )
    mc = MessageCampaignFactory(campaign=adopted.campaign, control_share=0)
    services.audience_build(message_campaign=mc)

    sample = services.sample_recipients(mc)

    assert len(sample) >= settings.MESSAGING_SAMPLE_SIZE == 10
    assert {r.segment for r in sample} == {Recipient.Segment.ADOPTED_AUTHOR, Recipient.Segment.ADOPTED_VOTER}
    assert {r.language for r in sample} == {"en", "zh-hans"}


@pytest.mark.django_db
def test_the_preview_shows_a_chinese_voter_of_an_english_titled_idea_a_line_without_findings(
    adopted, generator
):
    voter = UserFactory()
    VoteFactory(idea=adopted, user=voter)
    consent.consent_set(
        user=voter, brand=adopted.campaign.brand, granted=True, source=PREFS, language="zh-hans"
    )
    mc = MessageCampaignFactory(campaign=adopted.campaign, control_share=0)
    services.audience_build(message_campaign=mc)

    services.sample_prepare(message_campaign=mc, generator=generator)

    shown = Recipient.objects.get(user=voter)
    assert (shown.line_origin, shown.findings) == (Recipient.LineOrigin.TEMPLATE, [])
    assert "Quiet buckles" in shown.line
