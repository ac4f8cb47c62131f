from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import account_delete
from campaigns.models import Idea
from core.exceptions import ActionRefused, InvalidTransition, NotAllowed
from generation import services
from generation.models import Draft, DraftAuditEntry, DraftSource, GenerationRequest, Kind
from generation.prompts import TEMPLATE_VERSIONS
from generation.selectors import draft_list_published
from notifications.models import Notification
from tests.factories import CommentFactory, IdeaFactory, StaffFactory, UserFactory
from tests.generation.factories import (
    DEFAULT_PARAMS,
    DraftFactory,
    DraftSourceFactory,
    FakeGenerator,
    FakeOutput,
    GenerationRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_draft_pipeline(settings):
    """These tests hold the whole-draft ("legacy") path, which stays callable
    for comparisons; tests/generation/test_drafting*.py hold the grounded one."""
    settings.GENERATION_PIPELINE = "legacy"


Status = GenerationRequest.Status


def create_request(campaign, user, **overrides):
    params = {"kind": "product_description", **DEFAULT_PARAMS, **overrides}
    with mock.patch("generation.tasks.generate_drafts_task.delay"):
        return services.generation_request_create(campaign=campaign, requested_by=user, **params)


def audit_actions(**filters) -> list[str]:
    return list(DraftAuditEntry.objects.filter(**filters).values_list("action", flat=True))


# --- creating requests -------------------------------------------------------------------


def test_a_moderator_creates_a_queued_request_with_its_parameters(campaign, moderator):
    request = create_request(campaign, moderator, tone="premium", keywords=[" hip belt ", "", "hip belt"])

    assert request.status == Status.QUEUED
    assert request.params == {
        "tone": "premium",
        "length": "short",
        "keywords": ["hip belt"],
        "language": "en",
        "variants": 2,
    }
    assert audit_actions(request=request) == ["requested"]


def test_the_task_is_enqueued_only_after_the_request_commits(
    campaign, moderator, django_capture_on_commit_callbacks
):
    with mock.patch("generation.tasks.generate_drafts_task.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            request = services.generation_request_create(
                campaign=campaign, requested_by=moderator, kind="user_story", **DEFAULT_PARAMS
            )
            delay.assert_not_called()
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(request.pk)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "poem", "product description or a user story"),
        ("tone", "angry", "tone"),
        ("length", "epic", "short, medium or long"),
        ("language", "fr", "language"),
        ("variants", 0, "between 1 and 5"),
        ("variants", 6, "between 1 and 5"),
        ("keywords", [f"k{n}" for n in range(11)], "at most 10 keywords"),
        ("keywords", ["x" * 41], "at most 40 characters"),
    ],
)
def test_invalid_parameters_are_refused_with_a_clear_message(campaign, moderator, field, value, message):
    with pytest.raises(ActionRefused, match=message):
        create_request(campaign, moderator, **{field: value})

    assert not GenerationRequest.objects.exists()


def test_a_customer_cannot_request_generation(campaign, user):
    with pytest.raises(NotAllowed):
        create_request(campaign, user)


def test_a_moderator_of_another_brand_cannot_request_generation(campaign, other_moderator):
    with pytest.raises(NotAllowed):
        create_request(campaign, other_moderator)


def test_a_user_cannot_have_more_open_requests_than_the_quota(campaign, moderator, settings):
    settings.GENERATION_MAX_OPEN_PER_USER = 2
    GenerationRequestFactory(campaign=campaign, requested_by=moderator, status=Status.QUEUED)
    GenerationRequestFactory(campaign=campaign, requested_by=moderator, status=Status.RUNNING)

    with pytest.raises(services.GenerationQuotaExceeded, match="2 requests waiting or running"):
        create_request(campaign, moderator)


def test_finished_requests_do_not_count_against_the_quota(campaign, moderator, settings):
    settings.GENERATION_MAX_OPEN_PER_USER = 1
    GenerationRequestFactory(campaign=campaign, requested_by=moderator, status=Status.DONE)
    GenerationRequestFactory(campaign=campaign, requested_by=moderator, status=Status.FAILED)

    assert create_request(campaign, moderator).status == Status.QUEUED


def test_the_same_idempotency_key_returns_the_first_request(campaign, moderator):
    first = create_request(campaign, moderator, idempotency_key="abc")

    second = create_request(campaign, moderator, idempotency_key="abc", variants=3)

    assert second.pk == first.pk
    assert GenerationRequest.objects.count() == 1


def test_an_overlong_idempotency_key_is_refused(campaign, moderator):
    with pytest.raises(ActionRefused, match="at most 64 characters"):
        create_request(campaign, moderator, idempotency_key="k" * 65)


def test_another_users_idempotency_key_is_refused(campaign, moderator, brand):
    create_request(campaign, moderator, idempotency_key="abc")
    colleague = StaffFactory(brand=brand)

    with pytest.raises(ActionRefused, match="idempotency key"):
        create_request(campaign, colleague, idempotency_key="abc")


# --- running requests ---------------------------------------------------------------------------


def claimed_request(campaign, *, task_id="task-1", **params):
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, **params})
    services.generation_requests_claim(request_id=request.pk, task_id=task_id)
    request.refresh_from_db()
    return request


def test_running_a_request_writes_its_variants_as_drafts_pending_review_with_sources(campaign):
    idea = IdeaFactory(campaign=campaign)
    comment = CommentFactory(idea=idea)
    request = claimed_request(campaign, variants=3)

    services.generation_requests_run(request_ids=[request.pk], generator=FakeGenerator())

    drafts = list(request.drafts.order_by("pk"))
    assert len(drafts) == 3
    assert {d.status for d in drafts} == {Draft.Status.PENDING_REVIEW}
    assert {d.version for d in drafts} == {1}
    # Sources follow the text: the text says the idea's hip-belt phone pocket,
    # not the comment's waterproofing, so only the idea is a source.
    for draft in drafts:
        assert [(s.idea_id, s.comment_id) for s in draft.sources.all()] == [(idea.pk, None)]
    assert comment.pk not in DraftSource.objects.values_list("comment_id", flat=True)


def test_running_a_request_stores_status_prompt_model_and_timings(campaign):
    request = claimed_request(campaign)

    services.generation_requests_run(request_ids=[request.pk], generator=FakeGenerator(model_name="smol"))

    request.refresh_from_db()
    assert request.status == Status.DONE
    assert request.finished_at is not None
    assert request.prompt.startswith("[system]")
    assert request.prompt_version == TEMPLATE_VERSIONS[Kind.PRODUCT_DESCRIPTION]
    assert request.model_name == "smol"
    assert {"queue_wait_s", "generate_s", "prompt_tokens", "new_tokens", "seed"} <= set(request.timings)
    assert request.timings["new_tokens"] == 40


def test_guardrail_findings_are_stored_on_each_draft(campaign):
    campaign.brand.banned_phrases = "phone pocket"
    campaign.brand.save()
    IdeaFactory(campaign=campaign, body="A hip-belt pocket big enough for a phone.")
    request = claimed_request(campaign, variants=1)
    # Every word the idea, the brief or a keyword holds: the banned phrase is all there is to find.
    generator = ScoredGenerator(outputs=(("A light backpack with a phone pocket on the hip belt.", None),))

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    assert [f["code"] for f in request.drafts.get().findings] == ["banned_phrase"]


@dataclass
class ScoredGenerator(FakeGenerator):
    """Answers the prompts in order with these (text, perplexity) pairs."""

    outputs: tuple[tuple[str, float | None], ...] = ()

    def generate(self, prompts, **kwargs):
        return [FakeOutput(text=text, perplexity=p) for text, p in self.outputs[: len(prompts)]]


def test_variants_are_ranked_fewest_blocking_findings_first_then_most_fluent(campaign):
    request = claimed_request(campaign, variants=3)
    base = FakeGenerator.text
    generator = ScoredGenerator(
        outputs=((base, 9.0), (f"As an AI, I wrote this. {base}", 2.0), (base + " ", 4.0))
    )

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    drafts = list(request.drafts.order_by("rank"))
    assert [(d.rank, d.perplexity) for d in drafts] == [(1, 4.0), (2, 9.0), (3, 2.0)]
    assert "off_task" in [f["code"] for f in drafts[2].findings]
    # Created best first too: the queue's date order agrees with the rank.
    assert [d.pk for d in drafts] == sorted(d.pk for d in drafts)


def test_a_variant_without_a_perplexity_ranks_after_measured_ones(campaign):
    request = claimed_request(campaign, variants=2)
    generator = ScoredGenerator(outputs=((FakeGenerator.text, None), (FakeGenerator.text + " ", 30.0)))

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    assert [d.perplexity for d in request.drafts.order_by("rank")] == [30.0, None]


def test_drafts_are_stored_without_the_fragment_the_token_limit_left(campaign):
    request = claimed_request(campaign, variants=1)
    generator = ScoredGenerator(outputs=(("Light and dry, it packs small. The zi", 5.0),))

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    draft = request.drafts.get()
    assert draft.text == "Light and dry, it packs small."
    assert "cut_off" not in [f["code"] for f in draft.findings]


def test_the_length_sets_max_new_tokens_of_the_generate_call(campaign):
    request = claimed_request(campaign, length="long")
    generator = FakeGenerator()

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    assert generator.calls[0]["max_new_tokens"] == 192  # generation.models.MAX_NEW_TOKENS["long"]


def test_requests_of_several_campaigns_go_to_the_engine_in_one_call(campaign, other_brand):
    from tests.factories import CampaignFactory

    other = CampaignFactory(brand=other_brand)
    first = claimed_request(campaign, variants=2)
    second = claimed_request(other, variants=3, task_id="task-2")
    generator = FakeGenerator()

    services.generation_requests_run(request_ids=[first.pk, second.pk], generator=generator)

    assert len(generator.calls) == 1
    assert len(generator.calls[0]["prompts"]) == 5
    assert first.drafts.count() == 2
    assert second.drafts.count() == 3


def test_a_request_taken_over_meanwhile_gets_no_drafts(campaign):
    request = claimed_request(campaign, task_id="task-1")
    generator = _TakeOver(request.pk)

    finished = services.generation_requests_run(request_ids=[request.pk], generator=generator)

    assert generator.calls
    assert finished == []
    assert not Draft.objects.exists()
    request.refresh_from_db()
    assert (request.status, request.task_id) == (Status.RUNNING, "task-2")


class _TakeOver(FakeGenerator):
    """While generating, the sweeper requeues the request and another task claims it."""

    def __init__(self, request_id):
        super().__init__()
        self.request_id = request_id

    def generate(self, prompts, **kwargs):
        GenerationRequest.objects.filter(pk=self.request_id).update(status=Status.RUNNING, task_id="task-2")
        return super().generate(prompts, **kwargs)


def test_running_a_request_that_is_not_running_does_nothing(campaign):
    request = GenerationRequestFactory(campaign=campaign, status=Status.DONE)
    generator = FakeGenerator()

    assert services.generation_requests_run(request_ids=[request.pk], generator=generator) == []
    assert generator.calls == []


def test_a_failure_while_writing_drafts_leaves_no_half_written_request(campaign):
    request = claimed_request(campaign, variants=2)

    with mock.patch("generation.services._copy_sources", side_effect=[None, RuntimeError("disk full")]):
        with pytest.raises(RuntimeError):
            services.generation_requests_run(request_ids=[request.pk], generator=FakeGenerator())

    request.refresh_from_db()
    assert request.status == Status.RUNNING
    assert not Draft.objects.exists()


# --- sweeping ----------------------------------------------------------------------------------


def stuck_request(campaign, *, deliveries, settings):
    long_ago = timezone.now() - timedelta(
        seconds=settings.GENERATION_HARD_TIME_LIMIT + settings.GENERATION_SWEEP_MARGIN + 1
    )
    return GenerationRequestFactory(
        campaign=campaign, status=Status.RUNNING, task_id="dead", started_at=long_ago, deliveries=deliveries
    )


def test_the_sweeper_requeues_a_stuck_request_with_deliveries_left(
    campaign, settings, django_capture_on_commit_callbacks
):
    request = stuck_request(campaign, deliveries=1, settings=settings)

    with mock.patch("generation.tasks.generate_drafts_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.generation_requests_sweep()

    request.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0}
    assert (request.status, request.task_id) == (Status.QUEUED, "")
    delay.assert_called_once_with(request.pk)
    assert audit_actions(request=request) == ["requeued"]


def test_the_sweeper_fails_a_stuck_request_out_of_deliveries(campaign, settings):
    request = stuck_request(campaign, deliveries=settings.GENERATION_MAX_DELIVERIES, settings=settings)

    counts = services.generation_requests_sweep()

    request.refresh_from_db()
    assert counts == {"requeued": 0, "failed": 1}
    assert request.status == Status.FAILED
    assert "Gave up after 3 deliveries" in request.error


def test_the_sweeper_leaves_a_request_within_its_time_limit_alone(campaign):
    request = GenerationRequestFactory(campaign=campaign, status=Status.RUNNING, started_at=timezone.now())

    assert services.generation_requests_sweep() == {"requeued": 0, "failed": 0}
    request.refresh_from_db()
    assert request.status == Status.RUNNING


# --- the draft state machine -------------------------------------------------------------------------

ACTIONS = {
    Draft.Status.APPROVED: lambda draft, actor: services.draft_approve(draft=draft, actor=actor),
    Draft.Status.REJECTED: lambda draft, actor: services.draft_reject(
        draft=draft, actor=actor, reason="Off brand"
    ),
    Draft.Status.PUBLISHED: lambda draft, actor: services.draft_publish(draft=draft, actor=actor),
    Draft.Status.SUPERSEDED: lambda draft, actor: services.draft_edit(
        draft=draft, actor=actor, text="New words."
    ),
}
PAIRS = [(old, new) for old in Draft.Status.values for new in ACTIONS]


@pytest.mark.parametrize(("old", "new"), [p for p in PAIRS if p[1] in Draft.TRANSITIONS[p[0]]])
def test_every_allowed_draft_transition_works(campaign, moderator, old, new):
    draft = DraftFactory(request__campaign=campaign, status=old)

    ACTIONS[new](draft, moderator)

    draft.refresh_from_db()
    assert draft.status == new


@pytest.mark.parametrize(("old", "new"), [p for p in PAIRS if p[1] not in Draft.TRANSITIONS[p[0]]])
def test_every_other_draft_transition_is_refused(campaign, moderator, old, new):
    draft = DraftFactory(request__campaign=campaign, status=old)

    with pytest.raises(InvalidTransition):
        ACTIONS[new](draft, moderator)

    draft.refresh_from_db()
    assert draft.status == old


def test_the_transition_table_covers_every_status():
    assert set(Draft.TRANSITIONS) == set(Draft.Status.values)
    assert set(GenerationRequest.TRANSITIONS) == set(GenerationRequest.Status.values)


@pytest.mark.parametrize("new", list(ACTIONS))
def test_a_moderator_of_another_brand_cannot_act_on_a_draft(campaign, other_moderator, new):
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)

    with pytest.raises(NotAllowed):
        ACTIONS[new](draft, other_moderator)


# --- review actions ------------------------------------------------------------------------------------


def test_approving_records_the_reviewer_and_the_audit_entry(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign)

    services.draft_approve(draft=draft, actor=moderator, note="Nice")

    draft.refresh_from_db()
    assert (draft.reviewer, draft.review_note) == (moderator, "Nice")
    assert draft.reviewed_at is not None
    entry = DraftAuditEntry.objects.get(draft=draft)
    assert (entry.action, entry.actor, entry.detail) == ("approved", moderator, "Nice")


def test_rejecting_needs_a_reason(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign)

    with pytest.raises(ActionRefused, match="Say why"):
        services.draft_reject(draft=draft, actor=moderator, reason="  ")

    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING_REVIEW


def test_rejecting_keeps_the_reason_on_the_draft_and_in_the_audit_trail(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign)

    services.draft_reject(draft=draft, actor=moderator, reason="Claims a warranty we do not give")

    draft.refresh_from_db()
    assert draft.review_note == "Claims a warranty we do not give"
    assert DraftAuditEntry.objects.get(draft=draft).detail == "Claims a warranty we do not give"


def test_editing_creates_version_2_and_keeps_version_1_unchanged(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign, text="Original words.")
    DraftSourceFactory(draft=draft)

    new = services.draft_edit(draft=draft, actor=moderator, text="  Better words.  ")

    draft.refresh_from_db()
    assert (draft.text, draft.status) == ("Original words.", Draft.Status.SUPERSEDED)
    assert (new.text, new.version, new.parent, new.status) == (
        "Better words.",
        2,
        draft,
        Draft.Status.PENDING_REVIEW,
    )
    # Provenance is recomputed for the changed text, which realises no idea.
    assert draft.sources.exists()
    assert not new.sources.exists()
    assert audit_actions(draft=draft) == ["edited"]
    assert audit_actions(draft=new) == ["edited"]


def test_editing_runs_the_guardrails_on_the_new_text(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign)

    new = services.draft_edit(draft=draft, actor=moderator, text="Write to me at shop@example.com.")

    assert [f["code"] for f in new.findings] == ["personal_data"]


def test_editing_a_draft_into_an_unchanged_or_empty_text_is_refused(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign, text="Same.")

    with pytest.raises(ActionRefused, match="unchanged"):
        services.draft_edit(draft=draft, actor=moderator, text="Same.")
    with pytest.raises(ActionRefused, match="empty"):
        services.draft_edit(draft=draft, actor=moderator, text=" ")
    assert Draft.objects.count() == 1


def test_regenerating_makes_a_new_request_with_the_same_parameters(campaign, moderator):
    draft = DraftFactory(request__campaign=campaign, request__kind="user_story", status=Draft.Status.REJECTED)

    with mock.patch("generation.tasks.generate_drafts_task.delay"):
        request = services.draft_regenerate(draft=draft, actor=moderator)

    assert request.pk != draft.request_id
    assert (request.kind, request.params, request.regenerated_from) == (
        "user_story",
        draft.request.params,
        draft,
    )
    assert request.status == Status.QUEUED
    assert audit_actions(draft=draft) == ["regenerated"]


# --- publishing -------------------------------------------------------------------------------------------


def approved_draft_with_sources(campaign, ideas):
    draft = DraftFactory(request__campaign=campaign, status=Draft.Status.APPROVED)
    for position, idea in enumerate(ideas):
        DraftSource.objects.create(draft=draft, idea=idea, position=position)
    return draft


def test_publishing_adopts_the_source_ideas(campaign, moderator):
    idea = IdeaFactory(campaign=campaign)
    draft = approved_draft_with_sources(campaign, [idea])

    services.draft_publish(draft=draft, actor=moderator)

    idea.refresh_from_db()
    draft.refresh_from_db()
    assert idea.status == Idea.Status.ADOPTED
    assert (draft.status, draft.published_at is not None) == (Draft.Status.PUBLISHED, True)
    assert audit_actions(draft=draft) == ["published"]


def test_publishing_notifies_contributors_in_app_and_by_email(
    campaign, moderator, django_capture_on_commit_callbacks, inline_tasks
):
    author = UserFactory(email="jane@example.com")
    draft = approved_draft_with_sources(campaign, [IdeaFactory(campaign=campaign, author=author)])

    with django_capture_on_commit_callbacks(execute=True):
        services.draft_publish(draft=draft, actor=moderator)

    notification = Notification.objects.get(user=author)
    assert notification.kind == Notification.Kind.IDEA_ADOPTED
    assert "#written-with-our-community" in notification.url
    assert [m.to for m in mail.outbox] == [["jane@example.com"]]


def test_an_idea_adopted_by_an_earlier_text_still_tells_its_author_about_the_new_one(campaign, moderator):
    idea = IdeaFactory(campaign=campaign, status=Idea.Status.ADOPTED)
    draft = approved_draft_with_sources(campaign, [idea])

    services.draft_publish(draft=draft, actor=moderator)

    assert Notification.objects.filter(user=idea.author, kind=Notification.Kind.IDEA_ADOPTED).count() == 1


def test_publishing_an_unapproved_draft_is_refused_and_adopts_nothing(campaign, moderator):
    idea = IdeaFactory(campaign=campaign)
    draft = DraftFactory(request__campaign=campaign)
    DraftSource.objects.create(draft=draft, idea=idea, position=0)

    with pytest.raises(InvalidTransition):
        services.draft_publish(draft=draft, actor=moderator)

    idea.refresh_from_db()
    assert idea.status == Idea.Status.PUBLISHED
    assert not Notification.objects.exists()


# --- the customer's view -------------------------------------------------------------------------------------


def test_only_published_drafts_are_listed_for_the_campaign_page(campaign):
    published = DraftFactory(
        request__campaign=campaign, status=Draft.Status.PUBLISHED, published_at=timezone.now()
    )
    for status in (s for s in Draft.Status.values if s != Draft.Status.PUBLISHED):
        DraftFactory(request__campaign=campaign, status=status)

    assert draft_list_published(campaign=campaign) == [published]


def test_only_contributors_who_allowed_credit_are_credited(campaign):
    credited = IdeaFactory(campaign=campaign, author=UserFactory(username="creditme"), consent_credit=True)
    private = IdeaFactory(campaign=campaign, author=UserFactory(username="quietone"), consent_credit=False)
    draft = approved_draft_with_sources(campaign, [credited, private])
    Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.PUBLISHED, published_at=timezone.now())

    [listed] = draft_list_published(campaign=campaign)

    assert listed.credits == ["creditme"]


def test_deleted_users_are_not_credited(campaign):
    idea = IdeaFactory(campaign=campaign, consent_credit=True)
    draft = approved_draft_with_sources(campaign, [idea])
    Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.PUBLISHED, published_at=timezone.now())
    account_delete(user=idea.author)

    [listed] = draft_list_published(campaign=campaign)

    assert listed.credits == []


def test_listing_published_drafts_takes_two_queries_whatever_their_number(campaign):
    for _ in range(4):
        draft = approved_draft_with_sources(campaign, [IdeaFactory(campaign=campaign) for _ in range(3)])
        Draft.objects.filter(pk=draft.pk).update(status=Draft.Status.PUBLISHED, published_at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        drafts = draft_list_published(campaign=campaign)
        credits = [d.credits for d in drafts]

    assert len(queries) == 2
    assert [len(c) for c in credits] == [3, 3, 3, 3]
