"""Which community ideas and comments a sentence realises, and how much of the
top ideas a draft uses. Pure functions over text, no database: the services
hand in SourceTexts and store what comes back (generation/services.py).

A sentence realises a source when a good share of what it says is in the
source's words. Words are weighed by how rare they are in the language
(wordfreq's Zipf frequency, the same data for English and Chinese, Chinese
segmented by jieba through wordfreq): "the", "with", "的" weigh nothing,
"compartment" or "鞋仓" a lot, and a number is a detail a feature is made of
("under 1 kg"). So a sentence that only shares the product's generic words
with an idea does not realise it, and one that says the idea's feature in
other words around it does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import wordfreq
from django.utils.translation import gettext_lazy as _

from generation.drafting.types import ComposedSentence, SentenceOrigin, SourceKind, SourceText
from generation.guardrails.findings import SEVERITY_MEDIUM, Finding
from generation.guardrails.length import _SENTENCE_BREAK_RE
from generation.guardrails.text import CJK_RE

# Words at least this common (Zipf scale: 6 is once per thousand words: "the",
# "with", "under", "有", "的") say nothing about a feature; rarer words weigh
# by how far below it they are.
ZIPF_FUNCTION_WORD = 6.0
# A number weighs like a fairly rare word: "1 kg", "30 L" are a feature's details.
FIGURE_WEIGHT = 2.0
# A source realises a sentence when it holds at least this share of the
# sentence's weighed words...
SUPPORT_SHARE_MIN = 0.3
# ...and at least this much weight in all: one rare word ("compartment",
# 4.0) or two fairly rare ones, never a couple of everyday words.
SUPPORT_WEIGHT_MIN = 2.5
# A generic sentence can echo many ideas; crediting a handful of the closest
# keeps credit with the ideas it actually says.
SOURCES_PER_SENTENCE_MAX = 3
# Distinct texts whose weighed words stay cached: a campaign's sources and a
# few drafts' sentences.
TOKEN_CACHE_SIZE = 4096
# The finding code of a sentence that rests on no community input.
NO_SOURCE = "no_source"

_FIGURE_RE = re.compile(r"^\d+(?:[.,]\d+)?$")
_POSSESSIVE_RE = re.compile(r"['’]s$")
# A plural "s" after this many letters is dropped: "straps" meets "strap",
# while "bus" and "gas" stay whole.
_PLURAL_STEM_MIN = 4


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order: split at sentence ends (the same
    breaks as the guardrails use) and at line breaks."""
    sentences = []
    for line in text.splitlines():
        start = 0
        for match in _SENTENCE_BREAK_RE.finditer(line):
            sentences.append(line[start : match.end()].strip())
            start = match.end()
        sentences.append(line[start:].strip())
    return [s for s in sentences if s]


def _language(text: str) -> str:
    return "zh" if CJK_RE.search(text) else "en"


def _key(token: str) -> str:
    token = _POSSESSIVE_RE.sub("", token)
    if token.isascii() and token.isalpha() and len(token) >= _PLURAL_STEM_MIN and token.endswith("s"):
        return token if token.endswith("ss") else token[:-1]
    return token


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def weighed_words(text: str) -> dict[str, float]:
    """Each distinct word of the text (lower case, plural and possessive
    dropped) with its weight; words that weigh nothing are left out."""
    language = _language(text)
    weights: dict[str, float] = {}
    for token in wordfreq.tokenize(text, language):
        if _FIGURE_RE.match(token):
            weight = FIGURE_WEIGHT
        else:
            weight = ZIPF_FUNCTION_WORD - wordfreq.zipf_frequency(token, language)
        if weight > 0:
            key = _key(token)
            weights[key] = max(weight, weights.get(key, 0.0))
    return weights


def support(sentence: str, source: str) -> tuple[float, float]:
    """(share, weight): how much of the sentence's weighed words the source holds."""
    said = weighed_words(sentence)
    total = sum(said.values())
    if not total:
        return 0.0, 0.0
    held = weighed_words(source)
    shared = sum(weight for word, weight in said.items() if word in held)
    return shared / total, shared


def realises(sentence: str, source: str) -> bool:
    share, weight = support(sentence, source)
    return share >= SUPPORT_SHARE_MIN and weight >= SUPPORT_WEIGHT_MIN


def match_sources(sentence: str, candidates: Iterable[SourceText]) -> list[SourceText]:
    """The candidates the sentence realises, closest first, at most SOURCES_PER_SENTENCE_MAX."""
    scored = []
    for candidate in candidates:
        share, weight = support(sentence, candidate.text)
        if share >= SUPPORT_SHARE_MIN and weight >= SUPPORT_WEIGHT_MIN:
            scored.append((share, candidate))
    scored.sort(key=lambda pair: -pair[0])
    return [candidate for _share, candidate in scored[:SOURCES_PER_SENTENCE_MAX]]


def coverage(sentences: Iterable[ComposedSentence], top_idea_ids: Sequence[int]) -> float:
    """The share (0..1) of the top ideas that some sentence realises; 1 without
    ideas, as the grounded pipeline counts it (drafting/compose.py): nothing
    to cover is nothing missed, and an edit keeps the pipeline's figure."""
    if not top_idea_ids:
        return 1.0
    realised = {
        source.pk for sentence in sentences for source in sentence.sources if source.kind == SourceKind.IDEA
    }
    return sum(1 for pk in set(top_idea_ids) if pk in realised) / len(set(top_idea_ids))


def needs_source(sentence: ComposedSentence) -> bool:
    """A sentence other than a fixed template that rests on no idea or comment."""
    return not sentence.sources and sentence.origin != SentenceOrigin.TEMPLATE


def no_source_finding() -> Finding:
    return {
        "code": NO_SOURCE,
        "severity": SEVERITY_MEDIUM,
        "message": str(
            _(
                "This sentence rests on no idea or comment of the community: check that it "
                "is true of the product, or remove it."
            )
        ),
    }


def with_source_finding(sentence: ComposedSentence) -> list[Finding]:
    """The sentence's findings, with the no-source finding added when it needs a source."""
    findings: list[Finding] = [f for f in sentence.findings if f["code"] != NO_SOURCE]  # type: ignore[misc]
    return [*findings, no_source_finding()] if needs_source(sentence) else findings
