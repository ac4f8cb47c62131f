"""The grounded pipeline through the services: a claimed request, a fake
generator, drafts with sentences and their sources; and the engine on a tiny
random-weights model."""

from __future__ import annotations

import pytest

from generation import services
from generation.drafting.pipeline import PIPELINE_VERSION, DraftJob, run_grounded
from generation.drafting.types import DraftingInput, IdeaInput, SentenceOrigin
from generation.models import GenerationRequest
from tests.factories import IdeaFactory
from tests.generation.factories import DEFAULT_PARAMS, FakeGenerator, GenerationRequestFactory

pytestmark = pytest.mark.django_db


def claimed_request(campaign, **params):
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, **params})
    services.generation_requests_claim(request_id=request.pk, task_id="task-1")
    request.refresh_from_db()
    return request


def test_a_two_variant_short_request_gets_two_drafts_whose_sentences_carry_their_ideas(campaign):
    top = IdeaFactory(campaign=campaign, title="Hip-belt pockets that fit a phone", vote_count=5)
    second = IdeaFactory(campaign=campaign, title="Built-in rain cover", vote_count=3)
    request = claimed_request(campaign, variants=2, length="short")
    generator = FakeGenerator()

    assert services.generation_requests_run(request_ids=[request.pk], generator=generator) == [request.pk]

    request.refresh_from_db()
    assert request.status == GenerationRequest.Status.DONE
    assert request.prompt_version == PIPELINE_VERSION
    assert generator.calls[0]["max_new_tokens"] < 96  # one sentence, not a whole draft
    drafts = list(request.drafts.order_by("rank"))
    assert len(drafts) == 2
    for draft in drafts:
        assert {s.idea_id for s in draft.sources.all()} == {top.pk, second.pk}
        assert all(sentence.sources.exists() for sentence in draft.sentences.all())


def test_the_sentences_of_every_claimed_request_go_to_the_engine_together(campaign, other_brand):
    from tests.factories import CampaignFactory

    other = CampaignFactory(brand=other_brand, product_name="Stormline jacket")
    IdeaFactory(campaign=campaign, title="Hip-belt pockets that fit a phone")
    IdeaFactory(campaign=other, title="Pit zips I can open with a pack on")
    first = claimed_request(campaign, variants=2)
    second = GenerationRequestFactory(campaign=other, params={**DEFAULT_PARAMS, "variants": 1})
    services.generation_requests_claim(request_id=second.pk, task_id="task-2")
    generator = FakeGenerator()

    services.generation_requests_run(request_ids=[first.pk, second.pk], generator=generator)

    asked = " ".join(p[-1]["content"] for p in generator.calls[0]["prompts"])
    assert campaign.product_name in asked and "Stormline jacket" in asked
    assert (first.drafts.count(), second.drafts.count()) == (2, 1)


def test_a_chinese_request_with_the_default_model_is_composed_from_the_communitys_words(campaign):
    IdeaFactory(campaign=campaign, title="杯盖可以单手打开", body="希望杯盖可以单手打开。")
    request = claimed_request(campaign, variants=1, language="zh-hans")
    generator = FakeGenerator()

    services.generation_requests_run(request_ids=[request.pk], generator=generator)

    draft = request.drafts.get()
    assert generator.calls == []
    assert not draft.model_written
    assert "杯盖可以单手打开" in draft.text
    assert {s.origin for s in draft.sentences.all()} == {SentenceOrigin.COMMUNITY}


def test_the_drafting_input_folds_a_consenting_merged_duplicate_into_its_survivor(campaign, moderator):
    from campaigns.merging import idea_merge
    from generation.selectors import drafting_input

    survivor = IdeaFactory(campaign=campaign, vote_count=5)
    consenting = IdeaFactory(campaign=campaign, title="Phone pockets on the belt")
    private = IdeaFactory(campaign=campaign, title="My private pocket plan", consent_ai=False)
    idea_merge(duplicate=consenting, survivor=survivor, actor=moderator)
    idea_merge(duplicate=private, survivor=survivor, actor=moderator)

    data = drafting_input(campaign=campaign)

    assert [i.pk for i in data.ideas] == [survivor.pk]
    assert [d.title for d in data.ideas[0].duplicates] == ["Phone pockets on the belt"]


def test_the_pipeline_runs_on_a_tiny_random_weights_model(tiny_model_dir):
    """Random weights write nonsense: every sentence must still come out verified or as a fallback."""
    from generation.inference import TextGenerator

    generator = TextGenerator(str(tiny_model_dir), device="cpu", dtype="float32", batch_size=4)
    data = DraftingInput(
        campaign_pk=1,
        title="Design our next daypack",
        product_name="Ridgeline daypack",
        brand_name="Northpeak",
        brief="A daypack for full days on the trail.",
        banned_phrases="",
        ideas=(IdeaInput(1, "Hip-belt pockets", "Pockets that take a phone.", rank=1),),
    )
    job = DraftJob(
        key=1,
        data=data,
        kind="user_story",
        tone="friendly",
        length="short",
        language="en",
        keywords=(),
        variants=2,
    )

    drafts = run_grounded([job], generator, model_languages=frozenset({"en"}), seed=0)[1].drafts

    assert len(drafts) == 2
    for draft in drafts:
        assert draft.coverage == 1.0
        point = [s for s in draft.sentences if s.sources]
        assert point and point[0].origin in (SentenceOrigin.MODEL, SentenceOrigin.FALLBACK)
        assert not any(f["severity"] == "high" for s in draft.sentences for f in s.findings)
