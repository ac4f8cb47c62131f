from __future__ import annotations

from collections import Counter

import pytest

from intelligence import indexing, sentiment
from intelligence.models import CommentSignal
from tests.factories import CommentFactory

pytestmark = pytest.mark.slow

# The bar the shipped methods clear on the held-out split (BENCHMARKS.md "## Sentiment");
# a change to a method or its data that falls below it fails here.
MIN_EVAL_ACCURACY = 0.8


@pytest.mark.parametrize("language", ["en", "zh"])
def test_each_labelled_set_has_at_least_200_comments_of_all_three_classes_in_both_splits(language):
    examples = sentiment.load_examples(language)

    counts = Counter((e.label, e.split) for e in examples)

    assert len(examples) >= 200
    assert {label for label, _ in counts} == set(sentiment.LABELS)
    assert all(counts[(label, split)] > 0 for label in sentiment.LABELS for split in ("train", "eval"))


@pytest.mark.parametrize(
    ("text", "language"),
    [("Love this idea!", "en"), ("这个背包很好用", "zh"), ("这个 zip 很好用", "zh"), ("42", "en")],
)
def test_the_language_is_read_from_the_script(text, language):
    assert sentiment.detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("质量很好，非常满意", sentiment.POSITIVE),
        ("不错", sentiment.POSITIVE),
        ("不好用，很失望", sentiment.NEGATIVE),
        ("一点都不舒服", sentiment.NEGATIVE),
        ("这款有黑色吗？", sentiment.NEUTRAL),
    ],
)
def test_the_chinese_lexicon_reads_negation_and_plain_questions(text, expected):
    assert sentiment.read_lexicon(text).sentiment == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brilliant idea, I would buy this tomorrow.", sentiment.POSITIVE),
        ("The zip broke after a week, really disappointed.", sentiment.NEGATIVE),
        ("Would this fit the 40 litre version too?", sentiment.NEUTRAL),
    ],
)
def test_english_comments_are_read_by_the_hybrid_classifier(real_model, text, expected):
    vector = real_model.embed_texts([text])[0]

    reading = sentiment.read_comment(text, vector=vector, embed=real_model.embed_texts)

    assert (reading.sentiment, reading.method) == (expected, "hybrid")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_shipped_method_clears_the_bar_on_the_held_out_split(real_model, language):
    evaluation = [e for e in sentiment.load_examples(language) if e.split == "eval"]
    vectors = real_model.embed_texts([e.text for e in evaluation])

    readings = [
        sentiment.read_comment(e.text, vector=v, embed=real_model.embed_texts)
        for e, v in zip(evaluation, vectors, strict=True)
    ]

    accuracy = sum(r.sentiment == e.label for r, e in zip(readings, evaluation, strict=True)) / len(
        evaluation
    )
    assert accuracy >= MIN_EVAL_ACCURACY


def test_analysing_a_comment_stores_its_sentiment_and_vector(real_model, idea):
    comment = CommentFactory(idea=idea, body="Terrible idea, this would make the bag far too heavy.")

    indexing.comments_analyse(comment_ids=[comment.pk])

    signal = CommentSignal.objects.get(comment=comment)
    assert signal.sentiment == CommentSignal.Sentiment.NEGATIVE
    assert signal.score < 0
    assert signal.campaign_id == idea.campaign_id
    assert len(bytes(signal.vector)) == 384 * 4
