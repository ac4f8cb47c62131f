from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant import retrieval
from assistant.models import Source


@dataclass
class FakeOutput:
    text: str


class FakeGenerator:
    """Writes what the test tells it to, and records the prompts it was given."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.prompts: list[list[dict[str, str]]] = []

    def generate(self, prompts, **kwargs):
        self.prompts.extend(prompts)
        return [FakeOutput(self.text) for _ in prompts]


@pytest.fixture(autouse=True)
def _fresh_index():
    retrieval.clear_cache()
    yield
    retrieval.clear_cache()


@pytest.fixture
def published_tasks(monkeypatch):
    """Task publications, recorded instead of sent."""
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(
        "assistant.services.publish_after_commit", lambda name, *args: sent.append((name, args))
    )
    return sent


def faq(brand, *, title_en="", body_en="", title_zh="", body_zh="", published=True, kind=Source.Kind.FAQ):
    return Source.objects.create(
        brand=brand,
        kind=kind,
        title_en=title_en,
        body_en=body_en,
        title_zh=title_zh,
        body_zh=body_zh,
        is_published=published,
    )


@pytest.fixture
def returns_faq(brand):
    return faq(
        brand,
        title_en="Returns",
        body_en="You can return unused items within 30 days of delivery. Return shipping is free within the EU.",
        title_zh="退货",
        body_zh="收到商品后30天内可以退回未使用的商品。欧盟境内退货免运费。",
    )
