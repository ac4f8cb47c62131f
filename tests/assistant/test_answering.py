"""Quoting the sources: every quoted sentence comes from the one passage that
answers best, so the citation points to the right page."""

from __future__ import annotations

from assistant import answering
from assistant.retrieval import Hit, Passage, Weights, sentences, tokens

RETURNS = Passage(
    1, "policy", 1, "en", "Returns", "/r", "You can return unused items within 30 days. Labels are free."
)
SHIPPING = Passage(2, "faq", 2, "en", "Shipping", "/s", "Items ship within 2 days. Return shipping is free.")


def _quote(question: str, passages: list[Passage], *, language: str = "en") -> answering.Answer:
    """The answer quoted (no model) from the passages, all of them hits."""
    return answering.compose(
        brand="Shop",
        question=question,
        language=language,
        hits=[Hit(p, 1.0, 0.0, 1.0) for p in passages],
        generator=None,
        model_languages=["en"],
        weights=Weights.of([tokens(f"{p.title}. {p.text}") for p in passages]),
        max_new_tokens=10,
    )


def test_quoted_sentences_come_from_the_best_passage_only():
    answer = _quote("Can I return unused items, and is return shipping free?", [RETURNS, SHIPPING])

    # The sentence stating most of what is asked (returns, shipping, free)
    # leads, and nothing from the other passage joins it.
    assert answer.outcome == answering.ANSWERED
    assert answer.text.startswith("Return shipping is free.")
    assert [c["id"] for c in answer.citations] == [2]


def test_a_sentence_in_the_shoppers_language_is_quoted_before_one_stating_more():
    returns = Passage(3, "policy", 3, "en", "Returns", "/r", "Return shipping is free within 30 days.")
    returns_zh = Passage(4, "policy", 4, "zh-hans", "退货", "/r/zh", "收到商品后 30 天内可以免费退货。")
    answer = _quote("多少天内可以退货？运费呢？", [returns, returns_zh], language="zh-hans")

    assert answer.text == "收到商品后 30 天内可以免费退货。"


def test_a_decimal_point_does_not_end_a_sentence():
    assert sentences("The Stormline is a 2.5-layer shell. It packs small.") == [
        "The Stormline is a 2.5-layer shell.",
        "It packs small.",
    ]


def test_a_product_fact_close_in_meaning_is_answered_despite_the_shoppers_own_words():
    washing = Passage(
        5,
        "faq",
        5,
        "en",
        "Washing the Stormline",
        "/w",
        "Wash the Stormline at 30 degrees with a technical detergent.",
    )
    question = "whats the right way to wash the stormline without ruining the waterproofing"

    def answer(similarity: float) -> answering.Answer:
        return answering.compose(
            brand="Shop",
            question=question,
            language="en",
            hits=[Hit(washing, 1.0, similarity, 1.0)],
            generator=None,
            model_languages=["en"],
            weights=Weights.of([tokens(f"{washing.title}. {washing.text}")]),
            max_new_tokens=10,
        )

    # "ruining the waterproofing" is the shopper's worry, not in the entry: its meaning carries it.
    assert answer(answering.PASSAGE_MIN_SIMILARITY).text == washing.text
    assert answer(0.0).outcome == answering.NO_ANSWER
