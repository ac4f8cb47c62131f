"""Factories and fakes for the drafting tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import factory

from generation.models import Draft, DraftSource, GenerationRequest, Kind
from tests.factories import CampaignFactory, IdeaFactory, UserFactory

DEFAULT_PARAMS = {
    "tone": "friendly",
    "length": "short",
    "keywords": ["light"],
    "language": "en",
    "variants": 2,
}


class GenerationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationRequest

    campaign = factory.SubFactory(CampaignFactory)
    kind = Kind.PRODUCT_DESCRIPTION
    requested_by = factory.SubFactory(UserFactory)
    params = factory.LazyFunction(lambda: dict(DEFAULT_PARAMS))
    status = GenerationRequest.Status.QUEUED


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Draft

    request = factory.SubFactory(GenerationRequestFactory, status=GenerationRequest.Status.DONE)
    campaign = factory.LazyAttribute(lambda o: o.request.campaign)
    kind = factory.LazyAttribute(lambda o: o.request.kind)
    text = "A light backpack with a hip-belt pocket for your phone."
    status = Draft.Status.PENDING_REVIEW


class DraftSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftSource

    draft = factory.SubFactory(DraftFactory)
    idea = factory.SubFactory(IdeaFactory, campaign=factory.SelfAttribute("..draft.campaign"))
    position = factory.Sequence(lambda n: n)


@dataclass(frozen=True)
class FakeOutput:
    text: str
    prompt_tokens: int = 100
    new_tokens: int = 20
    seconds: float = 0.5
    perplexity: float | None = None


@dataclass
class FakeGenerator:
    """Stands in for generation.inference.TextGenerator: same generate()
    signature, records every call, answers each prompt with `text` numbered."""

    text: str = "A light backpack with a phone pocket on the hip belt."
    model_name: str = "fake-model"
    calls: list[dict] = field(default_factory=list)

    def generate(
        self, prompts, *, max_new_tokens=160, temperature=0.7, top_p=0.9, repetition_penalty=1.15, seed=None
    ):
        self.calls.append({"prompts": prompts, "max_new_tokens": max_new_tokens, "seed": seed})
        return [FakeOutput(text=f"{self.text} (variant {i})") for i, _ in enumerate(prompts, start=1)]


@dataclass
class FailingGenerator:
    """A generator whose generate() raises, as a worker dying mid-run would."""

    error: Exception
    model_name: str = "fake-model"

    def generate(self, prompts, **kwargs):
        raise self.error
