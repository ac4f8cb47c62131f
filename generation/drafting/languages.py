"""Which languages the model writes, and the fixed frames for those it does not.

A model declares the languages it writes (settings.GENERATION_MODEL_LANGUAGES).
For a campaign in another language no model text is used: the draft is the
community's own words (each point's idea title) in the frames below, and
ComposedDraft.model_written says so. The frames are draft text in the
campaign's language, not interface strings: they do not follow the reader's
language, so they are not gettext messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generation.models import Kind


@dataclass(frozen=True)
class Frames:
    # {product}: the product name.
    opening: dict[str, str]  # by kind
    # {text}: a point's words; what makes them one sentence of the draft.
    point: dict[str, str]  # by kind
    # A user story's first sentence around an idea's title ({title}).
    frame: str
    sentence_end: str


FRAMES = {
    "en": Frames(
        opening={
            Kind.PRODUCT_DESCRIPTION: "The {product}, shaped by our community's ideas.",
            Kind.USER_STORY: "As a customer, I want the {product} to fit the way I use it.",
        },
        point={Kind.PRODUCT_DESCRIPTION: "{text}", Kind.USER_STORY: "I want this: {text}"},
        frame="As a customer, I want {title}.",
        sentence_end=".",
    ),
    "zh-hans": Frames(
        opening={
            Kind.PRODUCT_DESCRIPTION: "{product}，由社区的想法塑造。",
            Kind.USER_STORY: "作为顾客，我希望{product}适合我的使用方式。",
        },
        point={Kind.PRODUCT_DESCRIPTION: "{text}", Kind.USER_STORY: "我希望：{text}"},
        frame="作为顾客，我希望{title}。",
        sentence_end="。",
    ),
}
DEFAULT_FRAMES = "en"


def parse_languages(value: str | Iterable[str]) -> frozenset[str]:
    """GENERATION_MODEL_LANGUAGES as a set: "en,zh-hans" or a list."""
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip().lower() for item in items if item.strip())


def frames_for(language: str) -> Frames:
    return FRAMES.get(language, FRAMES[DEFAULT_FRAMES])


def lower_first(text: str) -> str:
    """ "Pit zips I can open" -> "pit zips I can open", inside a sentence; an
    acronym ("USB-C port") keeps its capitals."""
    text = text.strip().rstrip(".。!！")
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def as_sentence(text: str, language: str) -> str:
    """Words as one sentence: capitalised, ending with the language's full stop."""
    text = " ".join(text.split()).strip(" -–—:;,，、：；")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text.endswith((".", "!", "?", "…", "。", "！", "？")):
        return text
    return text + frames_for(language).sentence_end
