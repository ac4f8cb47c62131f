"""A real worker killed while it prepares a marketing campaign: the next
worker takes the dead claim over, and every eligible recipient gets exactly
one e-mail (0 duplicates, 0 lost); the control group and people without
consent get nothing.

Both workers are real processes on the test database (tests/faults/harness.py)
consuming the gpu and default queues, so preparation, the beat's resume task
and sending all run in them; nothing is eager in this process. Their engine is
tests/faults/engine.py: a prompt that quotes the BLOCK keyword waits, which
lets the test kill the worker mid-chunk at a known point. E-mails go through
Django's file backend (tests/faults/mailbox.py): what left the workers, counted
per address, is the observable; Recipient rows say why the others got nothing.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from campaigns.models import Idea
from core.queueing import publish
from messaging import consent, services
from messaging.models import ConsentEvent, MessageCampaign, Recipient
from tests.factories import IdeaFactory, MessageCampaignFactory, UserFactory, VoteFactory
from tests.faults.engine import BLOCK
from tests.faults.harness import Worker, celery_worker, wait_for
from tests.faults.mailbox import BACKEND, MAIL_DIR_ENV, recipients
from tests.faults.test_worker_faults import STEP_WITHIN_S, _gone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RStatus = Recipient.Status
Skip = Recipient.SkipReason
AUDIENCE = 200
# Outside the control group, every NO_CONSENT_EVERY-th person never gave
# marketing consent.
NO_CONSENT_EVERY = 10
CONTROL_SHARE = 10
# Small chunks so that several are prepared before the one the kill lands in.
CHUNK = 20
# The dead worker's claim is taken over this soon, instead of after minutes.
STALE_S = 2
# Recipients from this position (in claim order) on have a fact that blocks
# the engine: the first chunk to reach them is the one killed mid-way.
BLOCK_FROM = AUDIENCE // 2


def _audience(mc: MessageCampaign) -> None:
    """Voters of an adopted idea. Outside the control group every
    NO_CONSENT_EVERY-th person never consented; inside it the first person
    never consented and the rest did, so both kinds of held-out people are
    always present, whatever primary keys this database hands out."""
    adopted = IdeaFactory(campaign=mc.campaign, title="Quiet buckles", status=Idea.Status.ADOPTED)
    control_seen = 0
    for n, user in enumerate(UserFactory.create_batch(AUDIENCE)):
        VoteFactory(idea=adopted, user=user)
        if services.in_control_group(mc, user.pk):
            control_seen += 1
            consents = control_seen > 1
        else:
            consents = bool(n % NO_CONSENT_EVERY)
        if consents:
            consent.consent_set(
                user=user, brand=mc.brand, granted=True, source=ConsentEvent.Source.PREFERENCES
            )


def _block_from_the_middle(mc: MessageCampaign) -> None:
    """The later half of the audience also voted for an adopted idea whose
    title makes the engine wait, so their chunk's generate call blocks."""
    blocking = IdeaFactory(campaign=mc.campaign, title=f"Strap {BLOCK}", status=Idea.Status.ADOPTED)
    for recipient in (
        Recipient.objects.filter(message_campaign=mc).select_related("user").order_by("pk")[BLOCK_FROM:]
    ):
        VoteFactory(idea=blocking, user=recipient.user)


def _counts(mc: MessageCampaign) -> Counter[str]:
    return Counter(Recipient.objects.filter(message_campaign=mc).values_list("status", flat=True))


def _kill(worker: Worker, child: int) -> None:
    """SIGKILL the whole worker, parent first so that nothing requeues or
    respawns: what a lost host does. Its message stays unacked (the broker's
    visibility timeout is hours), so only the beat's resume brings the work back."""
    os.kill(worker.process.pid, signal.SIGKILL)
    os.kill(child, signal.SIGKILL)
    worker.process.wait()
    wait_for(lambda: _gone(child), within_s=STEP_WITHIN_S, what="the child died")


def _claim_stale(mc: MessageCampaign) -> bool:
    newest = Recipient.objects.filter(message_campaign=mc, status=RStatus.CLAIMED).aggregate(
        at=Max("claimed_at")
    )["at"]
    return newest is not None and newest < timezone.now() - timedelta(seconds=STALE_S)


def test_a_worker_killed_mid_campaign_sends_every_eligible_recipient_exactly_once(
    campaign, moderator, private_broker, tmp_path
):
    mc = MessageCampaignFactory(campaign=campaign, audience="voters_of_adopted", control_share=CONTROL_SHARE)
    _audience(mc)
    services.message_campaign_preview(message_campaign=mc)
    _block_from_the_middle(mc)
    services.message_campaign_approve(message_campaign=mc, user=moderator)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        "EMAIL_BACKEND": BACKEND,
        MAIL_DIR_ENV: str(mail_dir),
        "MESSAGING_CLAIM_CHUNK": str(CHUNK),
        "MESSAGING_CLAIM_STALE_SECONDS": str(STALE_S),
    }
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()

    with celery_worker(private_broker, tmp_path / "first", **env) as first:
        publish("messaging.tasks.message_campaigns_due_task")
        [child] = wait_for(first.generating_pids, within_s=STEP_WITHIN_S, what="blocked", log=first.log)
        _kill(first, child)
    at_kill = _counts(mc)

    with celery_worker(private_broker, tmp_path / "second", **env) as second:
        second.release()
        wait_for(lambda: _claim_stale(mc), within_s=STEP_WITHIN_S, what="the dead claim went stale")
        publish("messaging.tasks.message_campaigns_due_task")  # what the beat does every minute

        def done() -> bool:
            second.assert_alive()
            mc.refresh_from_db()
            return mc.status == MessageCampaign.Status.DONE

        wait_for(done, within_s=STEP_WITHIN_S, what="the campaign finished", log=second.log)

    voters = dict(Recipient.objects.filter(message_campaign=mc).values_list("user_id", "user__email"))
    consented = consent.consented_user_ids(mc.brand_id, list(voters))
    control = {pk for pk in voters if services.in_control_group(mc, pk)}
    eligible = {voters[pk] for pk in consented - control}
    held_out = {voters[pk] for pk in control | (voters.keys() - consented)}
    sent = Counter(recipients(mail_dir))
    assert at_kill[RStatus.PREPARED] >= CHUNK and at_kill[RStatus.CLAIMED] and at_kill[RStatus.PENDING]
    assert control - consented and control & consented  # both kinds of people held out are tested
    assert {address for address, n in sent.items() if n > 1} == set()  # 0 duplicates
    assert eligible - set(sent) == set()  # 0 lost
    assert set(sent) & held_out == set()  # the control group and the unconsented got nothing
    assert _counts(mc) == {RStatus.SENT: len(eligible), RStatus.SKIPPED: len(held_out)}
