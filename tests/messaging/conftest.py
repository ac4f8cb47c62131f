from __future__ import annotations

from dataclasses import dataclass

import pytest

from campaigns.models import Idea


@dataclass
class FakeOutput:
    text: str
    prompt_tokens: int = 0
    new_tokens: int = 0
    perplexity: float | None = None


class EchoGenerator:
    """Writes the line a good model would: the person's first fact, back to them."""

    model_name = "echo"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def generate(self, prompts, **kwargs):  # type: ignore[no-untyped-def]
        self.calls.append(len(prompts))
        out = []
        for messages in prompts:
            user = messages[-1]["content"]
            fact = user.split('"')[1]
            verb = "suggested" if "you suggested" in user else "voted for"
            out.append(FakeOutput(f"You {verb} {fact.lower()}, and the Trail 30L has it."))
        return out


@pytest.fixture
def generator() -> EchoGenerator:
    return EchoGenerator()


@pytest.fixture
def adopted(campaign):
    from tests.factories import IdeaFactory

    return IdeaFactory(
        campaign=campaign,
        title="Quiet buckles",
        body="Buckles that do not clack.",
        status=Idea.Status.ADOPTED,
    )
