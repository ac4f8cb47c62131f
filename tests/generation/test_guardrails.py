"""Every guardrail, firing and passing. Pure functions: no database."""

from __future__ import annotations

import pytest

from generation import guardrails
from generation.guardrails import GuardrailContext, check_draft, redact

CLEAN = "A light backpack with a hip-belt pocket for your phone. It keeps the rain out."


def codes(findings) -> list[str]:
    return [f["code"] for f in findings]


# --- banned phrases ---------------------------------------------------------------


def test_a_banned_phrase_of_the_brand_is_flagged_with_the_phrase():
    findings = guardrails.check_banned_phrases("Our Eco-Friendly pack.", "cheap\neco-friendly\n")

    assert codes(findings) == ["banned_phrase"]
    assert "eco-friendly" in findings[0]["message"]
    assert findings[0]["severity"] == guardrails.SEVERITY_HIGH


def test_a_banned_phrase_inside_another_word_is_not_flagged():
    assert guardrails.check_banned_phrases("Cheapest bags anywhere.", "cheap") == []


def test_a_chinese_banned_phrase_is_flagged_inside_a_sentence():
    assert codes(guardrails.check_banned_phrases("这是最便宜的背包。", "便宜")) == ["banned_phrase"]


def test_text_without_banned_phrases_passes():
    assert guardrails.check_banned_phrases(CLEAN, "cheap\n\nmiracle") == []


# --- unsupported claims ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("It is 100% waterproof.", "100% waterproof"),
        ("Backed by a lifetime warranty.", "lifetime warranty"),
        ("Simply the best in the world.", "best in the world"),
        ("A 5-year guarantee comes with it.", "5-year guarantee"),
        ("这是最轻的背包。", "最轻"),
    ],
)
def test_a_claim_nobody_made_is_flagged_with_the_claim(text, claim):
    findings = guardrails.check_unsupported_claims(text, ["Tell us about your ideal backpack."])

    assert codes(findings) == ["unsupported_claim"]
    assert claim in findings[0]["message"]


def test_a_claim_the_community_made_passes():
    support = ["Must be 100% waterproof, like my old one.", "Brief: a light hiking pack."]

    assert guardrails.check_unsupported_claims("It is 100% waterproof.", support) == []


def test_a_claim_the_brief_makes_passes_even_in_another_word_form():
    support = ["Every pack is guaranteed for life with our lifetime warranties."]

    assert guardrails.check_unsupported_claims("A lifetime warranty and a guarantee.", support) == []


def test_a_figure_is_unsupported_when_only_its_adjective_appears_in_the_input():
    findings = guardrails.check_unsupported_claims("It is 100% waterproof.", ["Make it waterproof!"])

    assert "“100”" in findings[0]["message"]


def test_overlapping_claims_are_reported_once_as_one_claim():
    findings = guardrails.check_unsupported_claims("Backed by a lifetime guarantee.", [])

    assert len(findings) == 1
    assert "lifetime guarantee" in findings[0]["message"]


def test_text_without_claims_passes():
    assert guardrails.check_unsupported_claims(CLEAN, []) == []


# --- personal data -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Write to help@trailco.com today.",
        "Call 020 7946 0958 now.",
        "Visit https://trail.example.org/pack now.",
        "Follow @trailco for news.",
    ],
)
def test_personal_data_in_the_output_is_flagged(text):
    findings = guardrails.check_personal_data(text)

    assert codes(findings) == ["personal_data"]
    assert findings[0]["severity"] == guardrails.SEVERITY_HIGH


@pytest.mark.parametrize("text", [CLEAN, "Fits a 15-inch laptop and 2 bottles, 30 L, since 2024-2025."])
def test_text_without_personal_data_passes(text):
    assert guardrails.check_personal_data(text) == []


def test_redaction_and_the_output_check_use_the_same_patterns():
    text = "Mail a@b.io or call +1 415 555 0100 or see www.x.com or ask @someone"

    redacted = redact(text)

    assert redacted == "Mail [email] or call [phone] or see [link] or ask [handle]"
    assert guardrails.check_personal_data(redacted) == []
    assert len(guardrails.check_personal_data(text)) == 4


def test_redaction_replaces_member_names_as_whole_words_only():
    assert (
        redact("ann said: Ann's pack, not annual", names=["ann"])
        == "[member] said: [member]'s pack, not annual"
    )


# --- toxic or biased wording ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Only an idiot would carry less.", "A pack for real men.", "笨蛋都会用。"])
def test_toxic_or_biased_wording_is_flagged(text):
    findings = guardrails.check_toxicity(text)

    assert codes(findings) == ["toxic_wording"]
    assert findings[0]["severity"] == guardrails.SEVERITY_HIGH


def test_a_lexicon_word_inside_a_longer_word_is_not_flagged():
    assert guardrails.check_toxicity("A dumbbell pocket for the gym.") == []


def test_polite_text_passes():
    assert guardrails.check_toxicity(CLEAN) == []


# --- language ------------------------------------------------------------------------------


def test_english_text_for_a_chinese_request_is_flagged():
    assert codes(guardrails.check_language(CLEAN, "zh-hans")) == ["wrong_language"]


def test_chinese_text_for_an_english_request_is_flagged():
    assert codes(guardrails.check_language("这款背包轻巧耐用，适合徒步旅行。", "en")) == ["wrong_language"]


def test_chinese_text_with_a_latin_product_name_passes_for_chinese():
    assert (
        guardrails.check_language("Trail 30L 背包轻巧耐用，适合周末徒步旅行，腰带上有手机口袋。", "zh-hans")
        == []
    )


def test_english_text_passes_for_english():
    assert guardrails.check_language(CLEAN, "en") == []


# --- length ---------------------------------------------------------------------------------


def test_empty_text_is_flagged():
    assert codes(guardrails.check_length("   \n", "short")) == ["empty"]


def test_text_far_over_the_requested_length_is_flagged():
    text = "Light and strong. " * 60

    assert "too_long" in codes(guardrails.check_length(text, "short"))


def test_text_that_stops_mid_sentence_is_flagged():
    assert codes(guardrails.check_length("A light pack with a pocket for", "short")) == ["cut_off"]


def test_text_of_the_requested_length_passes():
    assert guardrails.check_length(CLEAN, "short") == []


# --- repetition -------------------------------------------------------------------------------


def test_a_repetition_loop_is_flagged():
    text = "It is light and strong. It is light and strong. It is light and strong. It is light."

    findings = guardrails.check_repetition(text)

    assert codes(findings) == ["repetition"]
    assert "appears 3 times" in findings[0]["message"]


def test_a_chinese_repetition_loop_is_flagged():
    assert codes(guardrails.check_repetition("轻巧又耐用的背包。" * 4)) == ["repetition"]


def test_varied_text_passes():
    assert guardrails.check_repetition(CLEAN + " It is light, and the pocket is strong.") == []


# --- together ----------------------------------------------------------------------------------


def test_check_draft_runs_every_guardrail_and_puts_the_most_severe_first():
    context = GuardrailContext(
        language="en", length="short", banned_phrases="cheap", supporting_texts=("A pack.",)
    )

    findings = check_draft("A cheap pack with a lifetime warranty, mail me at a@b.io and", context)

    assert set(codes(findings)) == {"banned_phrase", "unsupported_claim", "personal_data", "cut_off"}
    assert [f["severity"] for f in findings] == sorted(
        (f["severity"] for f in findings), key=guardrails.SEVERITY_ORDER.__getitem__
    )


def test_a_clean_draft_has_no_findings():
    context = GuardrailContext(
        language="en", length="short", banned_phrases="cheap", supporting_texts=("rain",)
    )

    assert check_draft(CLEAN, context) == []


def test_worst_severity_is_the_most_severe_finding():
    findings = [
        {"code": "a", "severity": "low", "message": ""},
        {"code": "b", "severity": "high", "message": ""},
    ]

    assert guardrails.worst_severity(findings) == "high"
    assert guardrails.worst_severity([]) is None
