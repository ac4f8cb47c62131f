"""Every check of a draft's text rests on the same support, the brand's own
words: a generated draft (grounded or legacy) and a reviewer's edit are
judged alike for invented content and claims."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from generation import services
from generation.drafting.types import ComposedDraft, ComposedSentence, SentenceOrigin, SourceKind, SourceText
from generation.models import GenerationRequest
from tests.factories import BrandFactory, CampaignFactory, IdeaFactory
from tests.generation.factories import DEFAULT_PARAMS, FakeOutput, GenerationRequestFactory

pytestmark = pytest.mark.django_db

STRAPS = ("Women's straps", "Please offer shoulder straps shaped for women, narrower and curved.")
STRAPS_SENTENCE = "Curved shoulder straps are shaped for women."


@pytest.fixture
def campaign(brand):
    brand.name = "Northpeak"
    brand.save()
    return CampaignFactory(
        brand=brand,
        product_name="Ridgeline daypack",
        brief="Help us design our next hiking daypack. It comes with a lifetime warranty.",
    )


@pytest.fixture
def straps(campaign):
    return IdeaFactory(campaign=campaign, title=STRAPS[0], body=STRAPS[1], vote_count=9)


@dataclass
class TextsGenerator:
    """Answers every prompt with the same text."""

    text: str
    model_name: str = "fake-model"

    def generate(self, prompts, **kwargs):
        return [FakeOutput(text=self.text, perplexity=3.0) for _ in prompts]


def legacy_draft(campaign, text, settings):
    settings.GENERATION_PIPELINE = "legacy"
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, "variants": 1})
    services.generation_requests_claim(request_id=request.pk, task_id="task-1")
    services.generation_requests_run(request_ids=[request.pk], generator=TextsGenerator(text))
    return request.drafts.get()


def stored_draft(campaign, straps):
    source = SourceText(kind=SourceKind.IDEA, pk=straps.pk, text=f"{straps.title}\n{straps.body}")
    composed = ComposedDraft(
        sentences=[ComposedSentence(text=STRAPS_SENTENCE, origin=SentenceOrigin.MODEL, sources=[source])],
        language="en",
        coverage=1.0,
    )
    request = GenerationRequestFactory(campaign=campaign, status=GenerationRequest.Status.DONE)
    return services.draft_store(request=request, composed=composed, rank=1)


def codes(findings) -> list[str]:
    return [f["code"] for f in findings]


def messages(findings, code: str) -> str:
    return " ".join(f["message"] for f in findings if f["code"] == code)


# --- the legacy whole-draft path ---------------------------------------------------------------


def test_a_legacy_draft_that_invents_a_material_is_flagged(campaign, straps, settings):
    draft = legacy_draft(campaign, f"{STRAPS_SENTENCE} The shell is stitched from leather.", settings)

    assert "“leather”" in messages(draft.findings, "invented_content")


def test_a_legacy_sentence_is_checked_against_the_ideas_it_realises_and_the_brand(campaign, straps, settings):
    draft = legacy_draft(
        campaign, f"{STRAPS_SENTENCE} The Northpeak shell is stitched from leather.", settings
    )

    sourced, invented = draft.sentences.order_by("position")
    assert [s.idea_id for s in sourced.sources.all()] == [straps.pk]
    assert sourced.findings == []
    assert "“leather”" in messages(invented.findings, "invented_content")
    assert "Northpeak" not in messages(invented.findings, "invented_content")


def test_a_legacy_draft_that_says_only_what_its_ideas_and_the_brand_say_invents_nothing(
    campaign, straps, settings
):
    draft = legacy_draft(
        campaign, f"The Northpeak Ridgeline daypack is for hiking. {STRAPS_SENTENCE}", settings
    )

    assert "invented_content" not in codes(draft.findings)


def test_a_claim_the_brand_makes_is_licensed_in_a_legacy_draft(campaign, straps, settings):
    draft = legacy_draft(campaign, f"{STRAPS_SENTENCE} It comes with a lifetime warranty.", settings)

    assert "unsupported_claim" not in codes(draft.findings)


# --- a reviewer's edit ---------------------------------------------------------------------------


def test_an_edited_sentence_may_name_the_brand(campaign, straps, moderator):
    draft = stored_draft(campaign, straps)

    new = services.draft_edit(
        draft=draft,
        actor=moderator,
        text=f"{STRAPS_SENTENCE} Northpeak made the Ridgeline daypack for hiking.",
    )

    added = new.sentences.get(position=1)
    assert "invented_content" not in codes(added.findings)
    assert "invented_content" not in codes(new.findings)


def test_an_edit_that_invents_a_material_is_flagged_in_the_sentence_and_the_whole_text(
    campaign, straps, moderator
):
    draft = stored_draft(campaign, straps)

    new = services.draft_edit(
        draft=draft, actor=moderator, text=f"{STRAPS_SENTENCE} The shell is stitched from leather."
    )

    assert "“leather”" in messages(new.sentences.get(position=1).findings, "invented_content")
    assert "“leather”" in messages(new.findings, "invented_content")


def test_a_claim_the_brand_makes_is_licensed_in_an_edit_and_one_it_does_not_is_flagged(
    campaign, straps, moderator
):
    draft = stored_draft(campaign, straps)

    licensed = services.draft_edit(
        draft=draft, actor=moderator, text=f"{STRAPS_SENTENCE} It comes with a lifetime warranty."
    )
    unlicensed = services.draft_edit(
        draft=licensed, actor=moderator, text=f"{STRAPS_SENTENCE} It is the lightest daypack."
    )

    assert "unsupported_claim" not in codes(licensed.findings)
    assert "unsupported_claim" not in codes(licensed.sentences.get(position=1).findings)
    assert "“the lightest”" in messages(unlicensed.findings, "unsupported_claim")


def test_support_is_the_brand_name_product_campaign_brief_and_keywords(campaign):
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, "keywords": ["alpine"]})

    support = services.draft_support(request)

    assert set(support) == {"Northpeak", campaign.product_name, campaign.title, campaign.brief, "alpine"}


def test_an_edit_is_checked_against_its_own_brand_not_another(campaign, straps, moderator):
    BrandFactory(name="Luxion")
    draft = stored_draft(campaign, straps)

    new = services.draft_edit(draft=draft, actor=moderator, text=f"{STRAPS_SENTENCE} Luxion made it.")

    assert "“Luxion”" in messages(new.sentences.get(position=1).findings, "invented_content")


def test_an_edit_of_a_draft_for_a_campaign_without_ideas_keeps_its_coverage(campaign, moderator, settings):
    settings.GENERATION_PIPELINE = "grounded"
    request = GenerationRequestFactory(campaign=campaign, params={**DEFAULT_PARAMS, "variants": 1})
    services.generation_requests_claim(request_id=request.pk, task_id="task-1")
    services.generation_requests_run(request_ids=[request.pk], generator=TextsGenerator("It is light."))
    draft = request.drafts.get()

    new = services.draft_edit(draft=draft, actor=moderator, text=draft.text + " Enjoy.")

    assert new.coverage == draft.coverage
