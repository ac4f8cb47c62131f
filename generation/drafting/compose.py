"""Compose: the kept sentences in order, each with its sources, and the
draft's coverage and whole-text findings."""

from __future__ import annotations

from collections.abc import Sequence

from generation import guardrails
from generation.drafting.plan import Point, top_point_count
from generation.drafting.types import ComposedDraft, ComposedSentence, SentenceOrigin

# Origins that realise their point: the point's idea is said in the draft.
REALISING = frozenset({SentenceOrigin.MODEL, SentenceOrigin.FALLBACK, SentenceOrigin.COMMUNITY})


def coverage(points: Sequence[Point], sentences: Sequence[ComposedSentence]) -> float:
    """Share of the points of the campaign's top ideas that a kept sentence
    realises; 1.0 when there are no ideas to cover."""
    top = [p for p in points[: top_point_count(points)]]
    if not top:
        return 1.0
    realised = {s.sources[0].pk for s in sentences if s.origin in REALISING and s.sources}
    return sum(1 for p in top if p.sources[0].pk in realised) / len(top)


def _vary_subject(sentences: list[ComposedSentence], product: str, language: str) -> list[ComposedSentence]:
    """After the first sentence names the product, "The <product> has ..."
    becomes "It has ...": the same words, without the draft repeating the
    name at every sentence."""
    if language != "en" or not product:
        return sentences
    lead = f"The {product} "
    out, named = [], False
    for s in sentences:
        if named and s.text.startswith(lead):
            s = ComposedSentence("It " + s.text[len(lead) :], s.origin, s.sources, s.findings)
        named = named or product.lower() in s.text.lower()
        out.append(s)
    return out


def compose(
    *,
    sentences: Sequence[ComposedSentence],
    points: Sequence[Point],
    language: str,
    context: guardrails.GuardrailContext,
    model_written: bool,
    product: str = "",
) -> ComposedDraft:
    kept = _vary_subject([s for s in sentences if s.text], product, language)
    draft = ComposedDraft(
        sentences=kept,
        language=language,
        coverage=coverage(points, kept),
        model_written=model_written,
    )
    draft.findings = [f.copy() for f in guardrails.check_draft(draft.text, context)]
    return draft
