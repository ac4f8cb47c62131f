"""Every guardrail, firing and passing. Pure functions: no database."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_a_claim_only_the_community_made_is_still_flagged():
    community = ["Must be 100% waterproof, like my old one."]

    findings = guardrails.check_unsupported_claims(
        "It is 100% waterproof.", ["Brief: a light hiking pack."], sources=community
    )

    assert codes(findings) == ["unsupported_claim"]


def test_a_claim_the_brand_itself_makes_passes():
    brand = ["Must be 100% waterproof, like my old one.", "Brief: a light hiking pack."]

    assert guardrails.check_unsupported_claims("It is 100% waterproof.", brand) == []


def test_a_claim_the_brief_makes_passes_even_in_another_word_form():
    support = ["Every pack is guaranteed for life with our lifetime warranties."]

    assert guardrails.check_unsupported_claims("A lifetime warranty and a guarantee.", support) == []


def test_a_figure_is_unsupported_when_only_its_adjective_appears_in_the_input():
    findings = guardrails.check_unsupported_claims("It is 100% waterproof.", ["Make it waterproof!"])

    assert "“100%”" in findings[0]["message"]


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("The tank takes 30 liter of fuel.", "30 liter"),
        ("It holds 30 l.", "30 l"),
        ("Backed by a 5-year warranty.", "5-year warranty"),
        ("Your tea stays hot for 24 hours.", "24 hours"),
        ("It weighs just 1.1 kg.", "1.1 kg"),
        ("The shell is rated to 10,000 mm.", "10,000 mm"),
        ("A warm 2700 K glow.", "2700 K"),
        ("Now only $49.", "$49"),
        ("It lasts two years.", "two years"),
        ("容量30升，轻便耐用。", "30升"),
        ("保温长达十二小时。", "十二小时"),
        ("享受5年保修。", "5年保修"),
    ],
)
def test_a_figure_nobody_gave_is_flagged_with_the_figure(text, claim):
    findings = guardrails.check_unsupported_claims(text, ["Tell us about your ideal pack. 我们的新背包。"])

    assert codes(findings) == ["unsupported_claim"]
    assert f"“{claim}”" in findings[0]["message"]


@pytest.mark.parametrize(
    ("text", "support"),
    [
        ("A 30 liter pack.", "a 30-litre daypack"),
        ("It holds 30 l.", "Ridgeline 30L daypack"),
        ("30 Liters of room.", "30 litres"),
        ("It weighs 1.1 kg.", "It should weigh 1100 g at most."),
        ("It weighs 1,1 kg.", "1.1 kg"),
        ("Rated to 10,000 mm.", "a 10000mm hydrostatic head"),
        ("Hot for 24 hours.", "hot for 24h"),
        ("Covered for 12 months.", "a 1 year test"),
        ("A warm 2700 K glow.", "2700k bulbs"),
        ("Sizes from 20 L.", "between 20-30 L"),
        ("Lasts two years.", "it must last 2 years"),
        ("容量30升。", "a 30-litre daypack"),
        ("容量450ml。", "我们正在设计一款 450 毫升的随行保温杯"),
        ("保温12小时。", "保温时间至少十二小时"),
        ("保温十二小时。", "Keep it warm for 12 hours"),
    ],
)
def test_a_figure_the_brief_or_ideas_give_passes_in_another_format_or_unit(text, support):
    assert guardrails.check_unsupported_claims(text, [support]) == []


@pytest.mark.parametrize(
    ("text", "support"),
    [
        ("It holds 30 ml.", "a 30-litre daypack"),
        ("Warm for 30 hours.", "a 30-day trial"),
        ("It weighs 1.2 kg.", "1.1 kg"),
        ("容量30毫升。", "容量30升"),
    ],
)
def test_a_figure_with_the_same_number_in_another_unit_or_another_number_is_flagged(text, support):
    assert codes(guardrails.check_unsupported_claims(text, [support])) == ["unsupported_claim"]


def test_a_figure_and_the_word_after_it_must_both_be_supported():
    support = ["We want a 5-year plan."]

    findings = guardrails.check_unsupported_claims("With a 5-year warranty.", support)

    assert "“warranty”" in findings[0]["message"]
    assert "“5-year”" not in findings[0]["message"]


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


# --- off task -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Here is an example of what a response might look like: a light pack.", "Here is an example"),
        ("As an AI language model, I cannot describe products.", "As an AI"),
        ("Sure! Here's a light pack for your hikes.", "Sure!"),
        ("A light pack for long days. I hope this helps!", "I hope this helps"),
        ("A light pack.\n\nNote: this text uses all the keywords.", "Note:"),
        ("Your pack will look great. The description might look like this.", "description might look like"),
        ("This description highlights the pockets the community asked for.", "This description highlights"),
        ("A light pack, written in a friendly tone (50 words).", "in a friendly tone"),
        ("Here’re some tips to help you create your own business:", "Here’re some tips"),
        ("Specter,\nThis is an excellent suggestion! We can add a note.", "This is an excellent suggestion"),
        ("I'd be happy to help with any additional requirements.", "I'd be happy to help"),
        ("This is just a very simple example, but it shows the idea.", "This is just a very simple example"),
        ("This campaign inspired me to design a daypack.", "This campaign"),
        ("Here's a possible story based on my previous answer.", "Here's a possible"),
        ("Lumina Bento: This blog post will feature all the products.", "This blog post"),
        ("Here’s a user story:\n\nAt the end of a day, I was looking for my jacket.", "Here’s a user story:"),
        ("以下是产品描述：这款背包很轻。", "以下是"),
        ("作为一个AI助手，我无法完成。", "作为一个AI"),
        ("当然！这款背包轻巧耐用。", "当然！"),
        ("这款背包轻巧耐用。希望对你有帮助！", "希望对你有帮助"),
        ("这款背包轻巧耐用。注：本文使用了所有关键词。", "注："),
    ],
)
def test_a_text_that_talks_about_the_task_or_itself_is_off_task(text, quote):
    findings = guardrails.check_off_task(text)

    assert codes(findings) == ["off_task"]
    assert findings[0]["severity"] == guardrails.SEVERITY_HIGH
    assert f"“{quote}" in findings[0]["message"]


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("The [Product Name] keeps you dry.", "[Product Name]"),
        ("Meet {brand}'s new pack.", "{brand}"),
        ("<insert product name> keeps you dry.", "<insert product name>"),
        ("The $product_name keeps you dry.", "$product_name"),
        ("Thanks to [member], it has a pocket.", "[member]"),
        ("XXX is a light pack.", "XXX"),
        ("【产品名称】是一款轻便的背包。", "【产品名称】"),
        ("这是某某品牌的背包。", "某某"),
        ('<idea n="1" votes="9">Bigger pocket</idea> A light pack.', '<idea n="1" votes="9">'),
        ("‹/community_input› A light pack.", "‹/community_input›"),
        ("A light pack.\nRequirements:\n- Tone: friendly", "Requirements:"),
        ("Product: Ridgeline 30L daypack\nA light pack.", "Product:"),
        ("Write only the description. A light pack.", "Write only the"),
    ],
)
def test_a_template_placeholder_or_an_echo_of_the_prompt_is_off_task(text, quote):
    findings = guardrails.check_off_task(text)

    assert codes(findings) == ["off_task"]
    assert f"“{quote}”" in findings[0]["message"]


def test_a_text_that_echoes_the_task_line_is_off_task():
    findings = guardrails.check_off_task("Write a product description for the Ridgeline daypack.")

    assert codes(findings) == ["off_task"]


IDEA = (
    "Hip-belt pockets that fit a phone\nBoth hip-belt pockets should take a large phone in a case, "
    "with zips I can open one-handed while walking."
)


def test_a_text_that_is_mostly_one_idea_copied_is_off_task():
    text = (
        "Both hip-belt pockets should take a large phone in a case, with zips I can open "
        "one-handed while walking. Light."
    )

    findings = guardrails.check_off_task(text, ["A 30-litre daypack.", IDEA])

    assert codes(findings) == ["off_task"]
    assert "copied word for word" in findings[0]["message"]


def test_a_chinese_text_that_is_mostly_one_idea_copied_is_off_task():
    idea = "开车或骑车时只用一只手就能打开和锁上杯盖，而且不会洒出来。"

    findings = guardrails.check_off_task("开车或骑车时只用一只手就能打开和锁上杯盖，而且不会洒出来。", [idea])

    assert codes(findings) == ["off_task"]


def test_a_text_that_draws_on_an_idea_in_its_own_words_passes():
    text = (
        "The Ridgeline keeps your phone close: both hip-belt pockets take a large phone, and their "
        "zips open with one hand, so you never stop walking to check the map or take a photo."
    )

    assert guardrails.check_off_task(text, ["A 30-litre daypack.", IDEA]) == []


@pytest.mark.parametrize(
    "text",
    [
        CLEAN,
        "As a hiker, I need my phone at hand. Here is the pack that keeps it dry, and it glows in a warm tone.",
        "The Ridgeline 30L daypack is light. In the brief rain showers of spring, its cover keeps you dry.",
        "这款背包轻巧耐用，腰带上有手机口袋，适合周末徒步旅行。",
        "我每天骑车上班，单手就能打开杯盖，再也不会洒出来。",
    ],
)
def test_a_text_that_is_the_copy_itself_passes(text):
    assert guardrails.check_off_task(text, [IDEA]) == []


def test_each_kind_of_off_task_problem_is_its_own_finding():
    findings = guardrails.check_off_task("Sure! The [Product Name] is light. </idea>")

    assert codes(findings) == ["off_task", "off_task", "off_task"]


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


def test_check_draft_runs_the_off_task_check_against_the_supporting_texts():
    context = GuardrailContext(language="en", length="short", supporting_texts=(IDEA,))

    findings = check_draft("Here is an example of a description. " + IDEA.split("\n")[1], context)

    assert codes(findings) == ["off_task", "off_task"]


def test_every_check_has_a_label_for_the_review_queue():
    package = Path(guardrails.__file__).parent
    source = "\n".join(module.read_text(encoding="utf-8") for module in sorted(package.glob("*.py")))

    emitted = set(re.findall(r'make_finding\(\s*"(\w+)"', source))

    assert emitted
    assert emitted <= set(guardrails.CHECK_LABELS)


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


# --- a text cut off by the token limit -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "A light pack. It weighs 1.1 kg and has two pockets. Made from recycled ny",
            "A light pack. It weighs 1.1 kg and has two pockets.",
        ),
        ("轻便的背包。重1.1公斤，有两个口袋。采用回收", "轻便的背包。重1.1公斤，有两个口袋。"),
        ('The label says "stay dry all day." Then the', 'The label says "stay dry all day."'),
    ],
)
def test_a_cut_off_text_loses_its_unfinished_last_sentence(text, kept):
    assert guardrails.complete_sentences(text) == kept


@pytest.mark.parametrize(
    "text",
    [
        "Short. And then a long unfinished sentence that goes on and on and on about",  # most would go
        "One sentence that never ends because the model ran out of tokens at 1.1",  # nothing to keep
        "  A finished text.  ",
    ],
)
def test_a_finished_text_or_one_mostly_unfinished_stays_as_written(text):
    assert guardrails.complete_sentences(text) == text.strip()
