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
        "Can a member of staff call me back?",
        "Can someone from your team get back to me?",
        "I need to speak to a manager.",
        "可以给我打电话吗？",
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


@pytest.mark.parametrize(
    "text",
    [
        "My payment has failed, what now?",
        "Why was my card declined at checkout?",
        "You double-charged me for one order",
        "I will file a chargeback with my bank",
        "I'm taking legal action if this isn't fixed",
        "The buckle snapped and my son got hurt",
        "我被扣了两次钱",
        "付款没有成功怎么办",
        "我要申请拒付",
        "杯子有安全隐患",
    ],
)
def test_explicit_payment_legal_and_safety_trouble_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "What payment methods do you accept?",
        "Do you accept credit cards?",
        "Can I pay with PayPal?",
        "Is payment taken when I order or when it ships?",
        "Which safety certifications does the lunch box have?",
        "支持哪些支付方式？",
        "可以用信用卡付款吗？",
        "付款后多久发货？",
    ],
)
def test_a_question_that_merely_mentions_payment_stays_with_the_assistant(text):
    assert handoff.handoff_reason(text, topics=TOPICS) is None


def test_words_of_a_topic_far_apart_in_a_message_do_not_hand_over():
    text = "The payment page looked nice, but the lid of my bottle failed to seal."

    assert handoff.sensitive_topic(text, ["payment fail"]) is None
