"""Word forms as the content checks see them: inflections of common words are
not invented details, and rare words stay checkable."""

from __future__ import annotations

import pytest

from generation.guardrails import check_sentence
from generation.guardrails.words import Support, base_forms, is_generic


@pytest.mark.parametrize(
    ("word", "base"),
    [("placed", "place"), ("lets", "let"), ("stopped", "stop"), ("carries", "carry"), ("shipping", "ship")],
)
def test_an_inflected_word_names_its_base_form(word, base):
    assert base in base_forms(word)


@pytest.mark.parametrize("word", ["placed", "lets", "cars"])
def test_an_inflection_of_a_very_common_word_is_generic(word):
    assert is_generic(word, "en")


@pytest.mark.parametrize("word", ["mounted", "bamboo", "zipper", "glasses"])
def test_an_inflection_of_a_rarer_word_stays_a_content_word(word):
    assert not is_generic(word, "en")


def test_a_sentence_that_places_a_source_word_in_other_common_words_is_not_invented():
    source = "Microwave-safe inner boxes. Inner containers I can put in the office microwave as they are."

    findings = check_sentence(
        "The inner boxes can be placed in the office microwave as they are.",
        sources=[source],
        support=["Lumen Bento lunch box"],
        language="en",
    )

    assert "invented_content" not in [f["code"] for f in findings]


@pytest.mark.parametrize(
    ("word", "source"), [("zipper", "Two-way zips"), ("charger", "Charge it with USB-C")]
)
def test_a_thing_named_after_what_it_does_is_supported_by_that_word(word, source):
    assert Support([source]).holds(word)


def test_an_unrelated_er_word_is_not_supported():
    assert not Support(["A liner for the lid"]).holds("leather")


def test_a_thing_named_after_what_it_does_holds_that_word():
    assert Support(["The jacket has a two-way underarm zipper."]).holds("zips")
