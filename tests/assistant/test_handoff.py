"""The hand-off rules fire on the phrasings they promise, and not on ordinary questions."""

from __future__ import annotations

import pytest

from assistant import handoff
from assistant.models import DEFAULT_SENSITIVE_TOPICS

TOPICS = DEFAULT_SENSITIVE_TOPICS.splitlines()


@pytest.mark.parametrize(
    "text",
    [
        "Can I talk to a human?",
        "I want to speak with a real person please",
        "Connect me to customer service",
        "agent",
        "Human please!",
        "I don't want a bot, get me someone from your team",
        "转人工",
        "我要找客服",
        "能不能让真人回答我",
        "请让工作人员联系我",
    ],
)
def test_it_hands_over_when_a_person_is_asked_for(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.PERSON_REQUESTED


@pytest.mark.parametrize(
    "text",
    [
        "This is ridiculous, my pack fell apart after a week",
        "WHERE IS MY ORDER, IT IS STILL NOT HERE",
        "The zip broke again!!!",
        "Your shop is a scam",
        "气死我了，杯子漏水",
        "什么破杯子，垃圾",
    ],
)
def test_it_hands_over_an_angry_shopper(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.ANGER


@pytest.mark.parametrize(
    "text",
    [
        "How do I get a refund?",
        "I was charged twice for my order",
        "My credit card payment failed",
        "I will contact my lawyer",
        "My child was injured by the lid",
        "怎么申请退款？",
        "杯子把我烫伤了",
    ],
)
def test_it_hands_over_the_brands_sensitive_topics(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


def test_a_topic_the_merchant_adds_hands_over():
    assert (
        handoff.handoff_reason("Do you sell gift vouchers?", topics=["gift voucher"])
        == handoff.SENSITIVE_TOPIC
    )


def test_a_topic_the_merchant_removes_no_longer_hands_over():
    assert handoff.handoff_reason("How do I get a refund?", topics=["lawyer"]) is None


@pytest.mark.parametrize(
    "text",
    [
        "How many litres is the Ridgeline?",
        "Is the lunch box dishwasher safe?",
        "Hello! Does the jacket have pit zips?",
        "What is the issue with the hood?",
        "保温杯能保温多久？",
        "Can I wash it in the machine?",
    ],
)
def test_ordinary_questions_stay_with_the_assistant(text):
    assert handoff.handoff_reason(text, topics=TOPICS) is None
