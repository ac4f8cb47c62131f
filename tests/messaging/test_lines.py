"""Personalised lines state only facts true of their recipient: the labelled
set in bench/data/messaging_lines.json, and the fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from messaging import lines

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "messaging_lines.json"
CASES = json.loads(LABELLED.read_text(encoding="utf-8"))["cases"]


def facts_of(case: dict, language: str = "en") -> lines.Facts:
    return lines.Facts(
        language=language,
        product=case["product"],
        campaign=case["campaign"],
        brand=case["brand"],
        occasion=case["occasion"],
        authored=tuple(case["authored"]),
        voted=tuple(case["voted"]),
    )


LABELLED_LINES = [(case, line["text"], line["true"]) for case in CASES for line in case["lines"]]


@pytest.mark.parametrize(("case", "text", "true"), [c for c in LABELLED_LINES if not c[2]])
def test_no_line_that_states_something_untrue_of_its_recipient_is_sent(case, text, true):
    chosen = lines.choose(text, facts_of(case), model_languages=["en"])

    assert chosen.origin == "fallback"
    assert chosen.text == lines.occasion_line(facts_of(case))


def test_most_true_lines_pass_verification():
    true_lines = [(case, text) for case, text, true in LABELLED_LINES if true]

    passed = [
        text
        for case, text in true_lines
        if lines.choose(text, facts_of(case), model_languages=["en"]).origin == "model"
    ]

    assert len(passed) >= len(true_lines) * 3 // 4, set(t for _, t in true_lines) - set(passed)


def test_a_language_the_model_does_not_write_gets_the_template_with_the_persons_fact():
    case = CASES[0]

    chosen = lines.choose(None, facts_of(case, "zh-hans"), model_languages=["en"])

    assert chosen.origin == "template"
    assert chosen.text == "你提出的“Quiet buckles”已经用在了Ridgeline 30L上。"


def test_a_person_without_facts_gets_the_occasion_line_not_the_model():
    case = {**CASES[0], "authored": [], "voted": []}

    chosen = lines.choose("You suggested quiet buckles.", facts_of(case), model_languages=["en"])

    assert chosen.text == "The Ridgeline 30L you helped shape is here."


def test_the_prompt_quotes_the_persons_facts_only():
    prompt = lines.prompt(facts_of(CASES[2]))

    assert 'you suggested "Leak-proof lid"' in prompt[-1]["content"]
    assert "Microwave" not in prompt[-1]["content"]
