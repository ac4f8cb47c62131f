"""The hand-off rules fire on the phrasings they promise, and not on ordinary questions."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from assistant import handoff
from assistant.models import DEFAULT_SENSITIVE_TOPICS, AssistantSettings
from tests.factories import BrandFactory

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
        "Your jacket is garbage and so is your support.",
        "I'm done with Northpeak!!!",
        "The seal leaked soup all over my bag. Absolute garbage.",
        "total rubbish, the zip went on day two",
        "I'm so done with you people.",
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
        "I'm done with my order, how do I pay?",
        "Is the lid junk-food proof?",
        "Where do I throw the rubbish from the bento?",
        "东西我还没退回来，可以吗？",
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


@pytest.mark.parametrize(
    "text",
    [
        "Is anyone from support available to talk?",
        "Is there a representative I could chat with?",
        "Are any of your agents free to chat right now?",
        "Could somebody on the team reach out to me?",
        "Can I speak to anybody about my order?",
        "能帮我联系一下商家吗？",
        "可以找你们的负责人吗？",
        "请帮我转接售后",
        "有人在吗？",
    ],
)
def test_a_person_noun_with_a_contact_verb_in_any_order_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.PERSON_REQUESTED


@pytest.mark.parametrize(
    "text",
    [
        "This is a joke, nobody replies to me!!",
        "Unbelievable, you people are a joke",
        "I'm so disappointed with this order",
        "No one ever answers my emails",
        "The strap is broken again!!",
        "Why is my order wrong?!",
        "太气人了…",
        "真是太失望了…",
        "烦死了，等了两个星期还没到",
        "我被骗了",
        "你们太过分了",
    ],
)
def test_strong_negative_emotion_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.ANGER


@pytest.mark.parametrize(
    "text",
    [
        "The bottle cap cut my finger",
        "My daughter cut her hand on the lid",
        "The lid burst and scalded my hand",
        "The kettle started smoking",
        "My finger is bleeding after the zip snapped",
        "The power bank exploded",
        "My card was charged but the order was cancelled",
        "I was charged for an order you cancelled",
        "You cancelled my order but still charged me",
        "盖子割伤了我的手指",
        "杯子爆炸了",
        "充电时冒烟了",
        "钱被扣了但是订单取消了",
        "扣了钱却没有订单",
        "退款一直没到",
    ],
)
def test_injury_fire_and_payment_trouble_hand_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


# "support", "card", "cut", "available", "burst", "smoke", "charged", "扣款",
# 烦 inside 麻烦 and 气 inside 天气/透气 are ordinary words of product
# questions: only the combinations above hand over.
@pytest.mark.parametrize(
    "text",
    [
        "Does the jacket support a hood?",
        "Does the tent support two people?",
        "Is the support team open on Sundays?",
        "Is the gift card valid abroad?",
        "Which card types do you accept?",
        "When is my card charged?",
        "Can I cut the strap to length?",
        "Does it come with a cutting board?",
        "Is it available in blue?",
        "Does the flask keep tea scalding hot?",
        "Does the backpack have a burst-proof bladder?",
        "Is the stove smoke-free?",
        "Hello!! Is it still in stock?!",
        "Is the bottle safe for people with a nut allergy?",
        "麻烦问一下，保温杯能放冰箱吗？",
        "这个包透气吗？",
        "天气冷的时候能用吗？",
        "什么时候扣款？",
        "有没有人用过这个颜色？",
        "可以找到更大的尺码吗？",
    ],
)
def test_product_senses_of_risky_words_stay_with_the_assistant(text):
    assert handoff.handoff_reason(text, topics=TOPICS) is None


def test_a_final_consonant_may_double_in_a_topic_word():
    assert handoff.sensitive_topic("The order was cancelled", ["order cancel"]) == "order cancel"
    assert handoff.sensitive_topic("I keep cutting myself on it", ["cut myself"]) == "cut myself"


def test_a_brand_that_removes_the_injury_topics_no_longer_hands_them_over():
    topics = [t for t in TOPICS if not t.startswith("cut ")]

    assert handoff.handoff_reason("The bottle cap cut my finger", topics=topics) is None


def test_the_new_defaults_keep_every_topic_of_the_previous_ones():
    import importlib

    previous = importlib.import_module("assistant.migrations.0003_sensitive_topics_injury_payment")

    assert set(previous.OLD_DEFAULT_TOPICS.splitlines()) < set(TOPICS)


@pytest.mark.parametrize(
    "text",
    [
        "I see two charges for the same order on my Visa statement",
        "There are two charges on my card",
        "I was charged two times",
        "There is a duplicate charge on my account",
        "You charged me double",
        "You charged me twice",
        "我的账单上有两笔扣款",
        "同一个订单扣了两笔",
        "你们重复收费了",
    ],
)
def test_a_charge_taken_twice_hands_over_however_it_is_worded(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "I sprained my ankle when the strap gave way",
        "我摔伤了膝盖",
        "背带断了，我的脚扭伤了",
        "杯子掉下来砸伤了脚",
        "盖子把手夹伤了",
        "被门撞伤了头",
        "摔倒受伤了",
    ],
)
def test_an_injury_by_a_fall_or_a_blow_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "I want compensation for the ruined jacket",
        "Please compensate me for the broken lid",
        "我想要求赔偿",
        "我要索赔",
    ],
)
def test_a_claim_for_compensation_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


# Ordinary questions near the words of the topics above.
@pytest.mark.parametrize(
    "text",
    [
        "When is my card charged?",
        "Is the gift card valid abroad?",
        "什么时候扣款？",
        "Do you charge for shipping?",
        "两个颜色有什么区别",
        "If I buy two, are there extra charges?",
        "Is there a shipping charge if I add items to the same order?",
        "Does the strap compensate for heavy loads?",
        "两笔订单可以合并发货吗？",
        "这个包防摔吗？",
    ],
)
def test_questions_near_the_charge_fall_and_claim_topics_stay_with_the_assistant(text):
    assert handoff.handoff_reason(text, topics=TOPICS) is None


# Each migration that moves the defaults on, for brands that never edited them.
DEFAULT_MIGRATIONS = [
    "assistant.migrations.0004_sensitive_topics_charges_falls_claims",
    "assistant.migrations.0005_sensitive_topics_personal_data",
]


@pytest.mark.parametrize("name", DEFAULT_MIGRATIONS)
def test_the_defaults_keep_every_topic_of_the_ones_a_migration_replaces(name):
    previous = importlib.import_module(name)

    assert set(previous.OLD_DEFAULT_TOPICS.splitlines()) < set(TOPICS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", DEFAULT_MIGRATIONS)
def test_a_migration_gives_the_new_defaults_to_brands_that_kept_the_old_ones_only(name):
    migration = importlib.import_module(name)
    kept = AssistantSettings.objects.create(
        brand=BrandFactory(), sensitive_topics=migration.OLD_DEFAULT_TOPICS
    )
    edited = AssistantSettings.objects.create(brand=BrandFactory(), sensitive_topics="refund\nlawyer")

    migration.Migration.operations[-1].code(apps, None)

    kept.refresh_from_db()
    edited.refresh_from_db()
    assert kept.sensitive_topics == DEFAULT_SENSITIVE_TOPICS
    assert edited.sensitive_topics == "refund\nlawyer"


@pytest.mark.parametrize(
    "text",
    [
        "Under GDPR I want you to delete everything you hold about me.",
        "Please delete all my personal data.",
        "How do I get my data erased?",
        "I want to delete my account and my data",
        "请删除我的所有数据",
        "你们会把我的个人信息给别人吗？",
        "我要注销账户",
    ],
)
def test_a_personal_data_request_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "Is there a data sheet for the Ridgeline's fabric?",
        "Can I remove the hood?",
        "Can I delete an item from my basket?",
        "数据线可以放进包里吗？",
    ],
)
def test_questions_near_the_personal_data_topics_stay_with_the_assistant(text):
    assert handoff.handoff_reason(text, topics=TOPICS) is None


@pytest.mark.parametrize("text", ["我退的货你们已经签收了，但是钱到现在还没退回来", "钱没退给我"])
def test_money_not_refunded_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC


@pytest.mark.parametrize(
    "text",
    [
        "Hot tea went all over my hand. I had to see a doctor for the burn.",
        "My son ended up in hospital after the strap snapped",
        "盖子弹开烫到手，还去医院看了",
    ],
)
def test_a_visit_to_a_doctor_hands_over(text):
    assert handoff.handoff_reason(text, topics=TOPICS) == handoff.SENSITIVE_TOPIC
