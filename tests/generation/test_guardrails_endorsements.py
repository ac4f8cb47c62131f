"""A professional's endorsement is a health claim, in English and Chinese, and
a Chinese feature said as a verb (加热, 按摩) is checked like a noun."""

from __future__ import annotations

import pytest

from generation.guardrails import check_sentence, check_unsupported_claims


@pytest.mark.parametrize(
    "text",
    [
        "The stroller is recommended by paediatricians.",
        "A dentist-recommended brush for travel.",
        "它是牙医推荐的牙刷。",
        "这款颈枕经过医生认证。",
    ],
)
def test_an_endorsement_is_flagged_even_when_an_idea_asks_for_it(text):
    findings = check_unsupported_claims(text, ["A brush for travel."], sources=[text])

    assert [f["code"] for f in findings] == ["unsupported_claim"]


def test_a_plain_recommendation_is_no_claim():
    assert check_unsupported_claims("It is recommended for daily use.", ["A brush for travel."]) == []


@pytest.mark.parametrize(("text", "verb"), [("枕套可以拆洗，还带加热。", "加热"), ("颈枕还能按摩。", "按摩")])
def test_a_chinese_feature_said_as_a_verb_that_no_source_gives_is_invented(text, verb):
    findings = check_sentence(
        text, sources=["枕套可以拆下来机洗。"], support=["眠云旅行颈枕"], language="zh-hans"
    )

    assert any(f["code"] == "invented_content" and verb in f["message"] for f in findings)


def test_a_chinese_verb_the_source_gives_passes():
    findings = check_sentence(
        "枕套可以拆下来机洗。", sources=["枕套可以拆下来机洗。"], support=["眠云旅行颈枕"], language="zh-hans"
    )

    assert "invented_content" not in [f["code"] for f in findings]
