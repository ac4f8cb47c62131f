"""check_sentence: every check on one sentence of a grounded draft, in English and Chinese."""

from __future__ import annotations

import pytest

from generation.guardrails import check_sentence

SUPPORT = {
    "en": ["Ridgeline 30 L daypack", "Northpeak", "Help us design our next hiking daypack."],
    "zh-hans": ["山脊30升背包", "北峰", "帮我们设计下一款徒步背包。"],
}
SOURCES = {
    "en": ["Please add a rain cover that packs into the bottom compartment."],
    "zh-hans": ["希望在底部隔层里加一个防雨罩。"],
}
FAITHFUL = {
    "en": "The Ridgeline daypack packs a rain cover into its bottom compartment.",
    "zh-hans": "山脊背包的底部隔层里收着一个防雨罩。",
}


def codes(findings) -> list[str]:
    return [f["code"] for f in findings]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_faithful_sentence_passes(language):
    findings = check_sentence(
        FAITHFUL[language], sources=SOURCES[language], support=SUPPORT[language], language=language
    )

    assert findings == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_sentence_in_the_other_language_is_flagged(language):
    other = "zh-hans" if language == "en" else "en"

    findings = check_sentence(
        FAITHFUL[other], sources=SOURCES[language], support=SUPPORT[language], language=language
    )

    assert "wrong_language" in codes(findings)
