"""Quoting the sources: every quoted sentence comes from the one passage that
answers best, so the citation points to the right page."""

from __future__ import annotations

from assistant import answering
from assistant.retrieval import Hit, Passage, Weights, sentences, tokens

RETURNS = Passage(
    1, "policy", 1, "en", "Returns", "/r", "You can return unused items within 30 days. Labels are free."
)
SHIPPING = Passage(2, "faq", 2, "en", "Shipping", "/s", "Items ship within 2 days. Return shipping is free.")


def test_quoted_sentences_come_from_the_best_passage_only():
    passages = [RETURNS, SHIPPING]
    weights = Weights.of([tokens(f"{p.title}. {p.text}") for p in passages])

    answer = answering.compose(
        brand="Shop",
        question="Can I return unused items, and is return shipping free?",
        language="en",
        hits=[Hit(p, 1.0, 0.0, 1.0) for p in passages],
        generator=None,
        model_languages=["en"],
        weights=weights,
        max_new_tokens=10,
    )

    assert answer.outcome == answering.ANSWERED
    assert [c["id"] for c in answer.citations] == [1]


def test_a_decimal_point_does_not_end_a_sentence():
    assert sentences("The Stormline is a 2.5-layer shell. It packs small.") == [
        "The Stormline is a 2.5-layer shell.",
        "It packs small.",
    ]
